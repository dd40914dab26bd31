// The enclave: an ephemeral Ed25519 key, an attestation provider, a model
// runner, and its measurements, with the three operations it serves.
//
// The key is generated when the `Enclave` is built and never leaves it.
// `Attest(nonce)` asks the provider for a document binding the key
// (public_key), the configuration hash (user_data) and the caller's nonce.
// `Infer` runs a model and returns a receipt signed by the enclave key: mode
// TEE, input_hash/output_hash over the canonical tensor encoding, node_id as
// given by the caller (the node that will co-sign). Thread-safe: the provider
// and runner are called concurrently only if they are thread-safe themselves
// (both built-in providers and runners are).
//
// `Reload` loads the model files added since start (ModelRunner::LoadNew)
// and, with a `Remeasure` hook, replaces the configuration text (and so the
// user_data of later attestations) by one over the current model set; PCR0
// and PCR2 stay those measured at start, as a Nitro enclave's PCRs are fixed
// for its life (docs/tee.md "Loading models at run time").
//
// With a `ChatRunner` the enclave also answers LLM chats (`Chat`, TEE mode
// only): tee::AnswerChat signed with the enclave key (chat_answer.h).
//
// Claim batches (docs/tee.md "Claim batches"): an `Infer` given the client's
// signed request verifies it (signature kUnauthenticated; inference id, model,
// mode TEE, node and input hash must match the call, kInvalidArgument) before
// running, and records the claim's leaf (protocol::ClaimLeaf) once the
// receipt is signed; so does every TEE `Chat` (AnswerChat verifies the
// request). `AttestBatch` signs protocol::ClaimBatchSigningBytes over leaves
// it holds for that node and removes them (ClaimLeafSet::Take refusals pass
// through). An `Infer` without the signed request records nothing.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>

#include "vinet/crypto/ed25519.h"
#include "vinet/protocol/receipt.h"
#include "vinet/protocol/request.h"
#include "vinet/tee/chat_answer.h"
#include "vinet/tee/chat_runner.h"
#include "vinet/tee/claim_leaves.h"
#include "vinet/tee/measurement.h"
#include "vinet/tee/model_runner.h"
#include "vinet/tee/provider.h"

namespace vinet::tee {

struct EnclaveInfo {
  crypto::PublicKey enclave_key{};
  std::vector<std::string> models;
  std::vector<ChatModelInfo> chat_models;
  std::string provider;
  bool debug = false;
  EnclaveMeasurements measurements;
};

struct InferRequest {
  Bytes inference_id;  // 32 bytes
  Bytes node_id;       // 32 bytes
  std::string model_id;
  std::vector<protocol::NamedTensor> inputs;
  // The client's signed request: verified by the enclave, which then records
  // the claim's leaf for a batch attestation. Absent: neither.
  std::optional<protocol::SignedRequest> signed_request = std::nullopt;
};

class Enclave {
 public:
  Enclave(std::unique_ptr<AttestationProvider> provider, std::unique_ptr<ModelRunner> runner,
          EnclaveMeasurements measurements, bool debug,
          std::unique_ptr<ChatRunner> chat_runner = nullptr);

  EnclaveInfo Info() const;
  Result<Bytes> Attest(ByteSpan nonce);
  using Remeasure = std::function<Result<EnclaveMeasurements>()>;
  void SetRemeasure(Remeasure remeasure) { remeasure_ = std::move(remeasure); }
  // The ids newly served. kUnsupported when the runner has a fixed model set.
  Result<std::vector<std::string>> Reload();
  Result<protocol::Receipt> Infer(const InferRequest& request);
  // kUnsupported without a chat runner; kInvalidArgument unless the signed
  // request asks for mode TEE; otherwise AnswerChat's result.
  Result<ChatAnswer> Chat(const ChatAnswerInput& input,
                          const std::function<bool(const protocol::ChatChunk&)>& on_chunk,
                          const ChatStopPoll& stop_after = {});
  // The enclave's signature over ClaimBatchSigningBytes(node_id, count,
  // root of `leaves`); kInvalidArgument for a node_id not 32 bytes or a
  // count outside [1, kMaxBatchLeaves].
  Result<crypto::Signature> AttestBatch(ByteSpan node_id,
                                        std::span<const crypto::Digest256> leaves);
  ClaimLeafSet& claim_leaves() { return leaves_; }

 private:
  crypto::SecretKey key_;
  std::unique_ptr<AttestationProvider> provider_;
  std::unique_ptr<ModelRunner> runner_;
  std::unique_ptr<ChatRunner> chat_runner_;
  Remeasure remeasure_;
  mutable std::mutex mu_;  // guards measurements_ (Reload replaces its configuration)
  EnclaveMeasurements measurements_;
  bool debug_;
  ClaimLeafSet leaves_;
};

}  // namespace vinet::tee
