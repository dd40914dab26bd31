#include "vinet/node/enclave_pool.h"

namespace vinet::node {

Result<tee::EnclaveClient> EnclavePool::Borrow() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      tee::EnclaveClient c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  return tee::EnclaveClient::Connect(endpoint_, options_);
}

void EnclavePool::Return(tee::EnclaveClient client) {
  std::lock_guard lock(mu_);
  if (idle_.size() < 32) idle_.push_back(std::move(client));
}

template <typename F>
auto EnclavePool::With(F&& f) -> decltype(f(std::declval<tee::EnclaveClient&>())) {
  for (int attempt = 0;; ++attempt) {
    auto client = Borrow();
    if (!client.ok()) return client.status().WithContext("enclave " + endpoint_.ToString());
    auto r = f(*client);
    Code code = r.ok() ? Code::kOk : r.status().code();
    bool broken = code == Code::kIo || code == Code::kUnavailable;
    if (!broken && code != Code::kTimeout) {
      Return(std::move(*client));
      return r;
    }
    // The dropped connection closes itself.
    if (code == Code::kTimeout) return r.status().WithContext("enclave " + endpoint_.ToString());
    if (attempt == 1) return r;
  }
}

Result<tee::RemoteEnclaveInfo> EnclavePool::Info() {
  return With([](tee::EnclaveClient& c) { return c.Info(); });
}

Result<tee::RemoteEnclaveInfo> EnclavePool::Reload() {
  {
    // Connections to an enclave process that was replaced are dead: drop
    // them all, so the next calls connect to whatever serves the socket now.
    std::lock_guard lock(mu_);
    idle_.clear();
  }
  return With([](tee::EnclaveClient& c) { return c.Reload(); });
}

Result<Bytes> EnclavePool::Attest(ByteSpan nonce) {
  return With([&](tee::EnclaveClient& c) { return c.Attest(nonce); });
}

Result<protocol::Receipt> EnclavePool::Infer(const tee::InferRequest& request) {
  return With([&](tee::EnclaveClient& c) { return c.Infer(request); });
}

Result<Bytes> EnclavePool::AttestBatch(ByteSpan node_id,
                                       std::span<const crypto::Digest256> leaves) {
  return With([&](tee::EnclaveClient& c) { return c.AttestBatch(node_id, leaves); });
}

}  // namespace vinet::node
