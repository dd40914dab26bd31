// A small pool of connections to the enclave's endpoint (unix, vsock or tcp;
// EnclaveClient is one connection and not thread-safe). `Infer` / `Attest`
// borrow a connection, reconnect once if it broke (an enclave restarted on
// the same endpoint), and return it. A call that hit the I/O timeout drops its
// connection and fails kTimeout without a retry (the enclave may still be
// working on it). `Reload` also picks up a new enclave process on the same
// endpoint. Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <vector>

#include "vinet/tee/enclave_server.h"

namespace vinet::node {

class EnclavePool {
 public:
  explicit EnclavePool(tee::Endpoint endpoint, tee::ConnectOptions options = {})
      : endpoint_(std::move(endpoint)), options_(options) {}

  Result<tee::RemoteEnclaveInfo> Info();
  // Drops the idle connections, then asks the enclave now serving the socket
  // to load models added since it started ("reload"); its info.
  Result<tee::RemoteEnclaveInfo> Reload();
  Result<Bytes> Attest(ByteSpan nonce);
  Result<protocol::Receipt> Infer(const tee::InferRequest& request);
  // "attest_batch" (enclave_server.h): the enclave's signature over `leaves`.
  Result<Bytes> AttestBatch(ByteSpan node_id, std::span<const crypto::Digest256> leaves);

 private:
  Result<tee::EnclaveClient> Borrow();
  void Return(tee::EnclaveClient client);
  template <typename F>
  auto With(F&& f) -> decltype(f(std::declval<tee::EnclaveClient&>()));

  tee::Endpoint endpoint_;
  tee::ConnectOptions options_;
  std::mutex mu_;
  std::vector<tee::EnclaveClient> idle_;
};

}  // namespace vinet::node
