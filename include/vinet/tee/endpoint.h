// Where the enclave listens and the node connects (node <-> enclave transport).
//
// Text forms (ParseEndpoint):
//   unix:/abs/or/rel/path   a unix stream socket (development, devnet)
//   /path | ./path          the same: a bare path is a unix socket (older configs)
//   vsock:CID:PORT          AF_VSOCK (Nitro: the enclave listens on vsock:any:PORT,
//                           the parent instance connects to vsock:<enclave CID>:PORT)
//   tcp:A.B.C.D:PORT        IPv4 TCP, for tests (plaintext: never across machines)
// CID and PORT are decimal; CID may be "any" (listen on every CID). Errors are
// kInvalidArgument and name the endpoint, the field and its byte offset. The
// text is at most 512 bytes (checked first); a unix path must fit sun_path.
//
// ListenOn opens a listening socket (unix: replaces a stale socket file; tcp:
// SO_REUSEADDR so a restarted enclave gets its port back; tcp port 0: any free
// port, read it back with BoundEndpoint). ConnectTo connects within a deadline
// (kUnavailable when refused, absent or not accepting in time). SetIoTimeout
// bounds each later read and write on a connected socket (0: no bound); a read
// that hits it fails kTimeout in ReadFrame. Every fd is close-on-exec.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "vinet/common/result.h"

namespace vinet::tee {

struct Endpoint {
  enum class Kind { kUnix, kVsock, kTcp };
  Kind kind = Kind::kUnix;
  std::string path;     // kUnix
  uint32_t cid = 0;     // kVsock (kVsockAnyCid: listen on all)
  std::string address;  // kTcp: IPv4 dotted quad
  uint32_t port = 0;    // kVsock, kTcp

  static Endpoint Unix(std::string path);
  // The canonical text ("unix:/p", "vsock:16:5000", "vsock:any:5000", "tcp:127.0.0.1:9").
  std::string ToString() const;
};

inline constexpr uint32_t kVsockAnyCid = 0xFFFFFFFFu;

Result<Endpoint> ParseEndpoint(std::string_view text);

Result<int> ListenOn(const Endpoint& endpoint);
// The endpoint a listening fd is bound to (tcp: the real port when 0 was asked).
Result<Endpoint> BoundEndpoint(int listen_fd, const Endpoint& asked);
Result<int> ConnectTo(const Endpoint& endpoint, std::chrono::milliseconds timeout);
Status SetIoTimeout(int fd, std::chrono::milliseconds timeout);

}  // namespace vinet::tee
