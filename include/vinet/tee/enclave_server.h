// The enclave's unix-socket service and its client.
//
// Wire: each message is a 4-byte big-endian length (at most 16 MiB) followed
// by a JSON object. Requests carry "method":
//   {"method":"info"}
//     → {"ok":true,"enclave_key":hex,"models":[..],"provider":"emulator"|"nitro",
//        "debug":bool,"pcr0":hex,"pcr2":hex,"config_hash":hex,"config":text}
//   {"method":"attest","nonce":hex}            → {"ok":true,"document":hex}
//   {"method":"infer","inference_id":hex,"node_id":hex,"model_id":id,
//    "inputs":[{"name","dtype","shape","data":hex}]}  → {"ok":true,"receipt":{...}}
// Failures answer {"ok":false,"code":"<code name>","error":"<message>"} and
// keep the connection open; a malformed frame closes it.
//
// `EnclaveServer` serves one thread per connection; `Stop` (or destruction)
// closes the socket, every connection, joins the threads and removes the
// socket file. `EnclaveClient` is one connection, not thread-safe.
#pragma once

#include <atomic>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "vinet/tee/enclave.h"

namespace vinet::tee {

class EnclaveServer {
 public:
  EnclaveServer(Enclave& enclave, std::filesystem::path socket_path);
  ~EnclaveServer();
  EnclaveServer(const EnclaveServer&) = delete;
  EnclaveServer& operator=(const EnclaveServer&) = delete;

  // Binds (replacing a stale socket file) and starts accepting. kIo on failure.
  Status Start();
  void Stop();
  // Handles one request object given as JSON text; returns the reply text.
  std::string Handle(std::string_view request_json);

 private:
  struct Connection;
  void AcceptLoop();
  void Serve(Connection* conn);

  Enclave& enclave_;
  std::filesystem::path path_;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  struct Connection {
    int fd = -1;
    std::thread thread;
    std::atomic<bool> done{false};
  };
  // Joins and closes finished connections. Caller holds mu_.
  void ReapFinished();
  std::list<std::unique_ptr<Connection>> connections_;
};

struct RemoteEnclaveInfo {
  Bytes enclave_key;
  std::vector<std::string> models;
  std::string provider;
  bool debug = false;
  Bytes pcr0, pcr2, config_hash;
  std::string config;
};

class EnclaveClient {
 public:
  static Result<EnclaveClient> Connect(const std::filesystem::path& socket_path);
  EnclaveClient(EnclaveClient&& other) noexcept;
  EnclaveClient& operator=(EnclaveClient&&) = delete;
  ~EnclaveClient();

  Result<RemoteEnclaveInfo> Info();
  Result<Bytes> Attest(ByteSpan nonce);
  Result<protocol::Receipt> Infer(const InferRequest& request);
  // One raw exchange (JSON text in, JSON text out).
  Result<std::string> Call(std::string_view request_json);

 private:
  explicit EnclaveClient(int fd) : fd_(fd) {}
  int fd_;
};

// Frame I/O shared by server and client. kIo / kParse / kUnavailable (EOF).
Status WriteFrame(int fd, std::string_view payload);
Result<std::string> ReadFrame(int fd);

}  // namespace vinet::tee
