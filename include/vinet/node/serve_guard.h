// ServeGuard: before the node serves a model in a mode, it compares the
// chain's records with its own setup, so it never answers (and never claims)
// a request whose claim the chain would settle INVALID, or REJECTED with a
// slash (issue 12, finding 10):
//   - the model must be registered on chain and offer the mode (else
//     kNotFound / kUnsupported: a claim of it settles INVALID);
//   - ZKML: the chain's `zkml_model_id` must be the hash of this node's
//     verifying key (else kAlreadyExists, HTTP 409: someone registered the id
//     first with another key, and our proofs would be REJECTED);
//   - TEE: the model's `allowed_pcr0` must list this enclave's PCR0 (409),
//     and the enclave key must be registered on chain to this node, for this
//     model, and stay registered at least `expiry_margin_ms` longer (else
//     kUnavailable, HTTP 503: re-attestation may fix it).
// - chat: `CheckChat` also needs the chain's record to be a "gguf" model
//   (else kUnsupported: a chat claim of another format settles INVALID).
//   Pricing the answer from the returned record's fee and token prices is
//   the caller's (docs/chat.md). `Check` does not judge the format: a tensor
//   request for a gguf model is refused earlier (no ONNX model has its id).
// `Check` is called per request (chain reads are cached by ChainView, 300 ms);
// the last verdict per (model, mode) is kept for /v1/models and /healthz, and a
// change of verdict is logged. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/node/chain_view.h"
#include "vinet/protocol/receipt.h"

namespace vinet::node {

struct LocalSetup {
  std::string node_address;
  // TEE: the enclave's key and PCR0 (unset: no enclave).
  std::optional<Bytes> enclave_key, enclave_pcr0;
};

class ServeGuard {
 public:
  ServeGuard(ChainView& chain, LocalSetup setup, int64_t expiry_margin_ms)
      : chain_(chain), setup_(std::move(setup)), margin_ms_(expiry_margin_ms) {}

  // `zkml_model_id`: this node's key hash for ZKML mode (ignored otherwise).
  // On success the chain's model record (fee, modes).
  Result<ChainModel> Check(const std::string& model_id, protocol::Mode mode,
                           const Bytes& zkml_model_id, int64_t now_ms);
  // The same for an LLM chat request (VANILLA or TEE) of a gguf model.
  Result<ChainModel> CheckChat(const std::string& model_id, protocol::Mode mode, int64_t now_ms);
  // The node's setup (a reload may bring a new enclave key and PCR0).
  LocalSetup Setup() const;
  void SetSetup(LocalSetup setup);
  // The last refusal per (model id, mode name); served pairs are absent.
  std::map<std::pair<std::string, std::string>, std::string> Refusals() const;

 private:
  Result<ChainModel> Decide(const std::string& model_id, protocol::Mode mode,
                            const Bytes& zkml_model_id, int64_t now_ms, bool chat);
  Result<ChainModel> Record(const std::string& model_id, protocol::Mode mode,
                            Result<ChainModel> verdict);

  ChainView& chain_;
  mutable std::mutex setup_mu_;
  LocalSetup setup_;
  int64_t margin_ms_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::string> refused_;
};

}  // namespace vinet::node
