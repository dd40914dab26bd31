// A small pool of connections to the enclave's unix socket (EnclaveClient is
// one connection and not thread-safe). `Infer` / `Attest` borrow a
// connection, reconnect once if it broke, and return it. `Reload` also
// picks up a new enclave process on the same socket. Thread-safe.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <vector>

#include "vinet/tee/enclave_server.h"

namespace vinet::node {

class EnclavePool {
 public:
  explicit EnclavePool(std::filesystem::path socket) : socket_(std::move(socket)) {}

  Result<tee::RemoteEnclaveInfo> Info();
  // Drops the idle connections, then asks the enclave now serving the socket
  // to load models added since it started ("reload"); its info.
  Result<tee::RemoteEnclaveInfo> Reload();
  Result<Bytes> Attest(ByteSpan nonce);
  Result<protocol::Receipt> Infer(const tee::InferRequest& request);

 private:
  Result<tee::EnclaveClient> Borrow();
  void Return(tee::EnclaveClient client);
  template <typename F>
  auto With(F&& f) -> decltype(f(std::declval<tee::EnclaveClient&>()));

  std::filesystem::path socket_;
  std::mutex mu_;
  std::vector<tee::EnclaveClient> idle_;
};

}  // namespace vinet::node
