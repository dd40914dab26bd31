// Listening sockets for the ABCI server: "tcp://HOST:PORT" or "unix:///path".
//
// ParseListenAddress rejects anything else with kInvalidArgument (missing or
// unknown scheme, missing or non-numeric port, port > 65535, relative or
// over-long unix path). Listen binds and listens; failures are kIo naming
// the address and errno text. A stale unix socket file (nobody accepting on
// it) is removed before binding; a live one makes Listen fail. A unix socket
// is made mode 0600 before it listens (only its owner may connect); a TCP
// address must be loopback (127/8, ::1), else kInvalidArgument: whoever
// reaches this socket drives the state machine. The returned
// Listener owns its fd; the caller closes it with CloseListener.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vinet/common/result.h"

namespace vinet::abci {

struct ListenAddress {
  bool is_unix = false;
  std::string host;   // tcp: host name or IP literal, without brackets
  uint16_t port = 0;  // tcp: 0 asks the kernel for a free port
  std::string path;   // unix: absolute path
};

Result<ListenAddress> ParseListenAddress(std::string_view address);

struct Listener {
  int fd = -1;
  std::string address;    // as bound: "tcp://127.0.0.1:41234" or "unix:///x.sock"
  std::string unix_path;  // non-empty for unix sockets: removed by CloseListener
};

Result<Listener> Listen(const ListenAddress& address);

// Closes the fd and removes a unix socket file. Idempotent.
void CloseListener(Listener& listener);

}  // namespace vinet::abci
