// The inference node's request handling, independent of HTTP.
//
// `Infer` runs the checks of docs/network.md in order: parse (kParse) →
// client signature (kUnauthenticated) → chain id, mode, input hash, fee ≤
// max_fee (kInvalidArgument) → model served (kNotFound) → the chain's
// records agree with this node's setup (ServeGuard: unregistered kNotFound,
// foreign ZKML key / PCR0 allowlist kAlreadyExists, enclave not registered
// kUnavailable) → the client's
// committed balance minus its unsettled fees here (kInsufficientFunds) →
// run (VANILLA: in-process runtime; TEE: the enclave) → co-sign → write the
// claim durably (Ledger) → answer. In TEE mode the client's signature is
// verified by the enclave (the attested code) instead of twice, and a
// request refused on the way is checked then, so the answer is the same
// (a bad signature first). A failed request writes nothing and so
// costs the client nothing. Thread-safe; the HTTP server calls it from many
// threads. The Submitter (submitter.h) settles what the Ledger holds.
// ZKML (node_zkml.cpp): the int8 model runs, the receipt carries its "i8"
// output, and a durable proof job (proof_jobs.h) is written before the claim;
// the ProverPool proves it later, or at once with body "wait": "proof"
// (the answer then carries the proof). `Proof` serves a job's proof.
// LLM chat (node_chat.cpp, docs/network.md "LLM chat"): `PrepareChat` runs
// the chat checks in the documented order and holds the worst-case fee;
// `RunChat` generates (VANILLA: the in-process ChatRunner, node key signs;
// TEE: the enclave's chat stream, node co-signs), hands each signed chunk to
// the writer (a false return = the client went away: the receipt then
// covers the chunks written, "cancelled"), stores the claim with the answer
// durably, and only then returns the receipt.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinet/crypto/ed25519.h"
#include "vinet/node/chain_view.h"
#include "vinet/node/chat_holds.h"
#include "vinet/node/chat_job.h"
#include "vinet/node/config.h"
#include "vinet/node/enclave_pool.h"
#include "vinet/node/ledger.h"
#include "vinet/node/metrics.h"
#include "vinet/node/proof_jobs.h"
#include "vinet/node/prover_pool.h"
#include "vinet/node/runtime_runner.h"
#include "vinet/node/serve_guard.h"
#include "vinet/node/zkml_models.h"
#include "vinet/protocol/request.h"
#include "vinet/tee/chat_answer.h"
#include "vinet/tee/chat_runner.h"

namespace vinet::node {

class Node {
 public:
  // `chat_runner`: the VANILLA chat engine; null opens the GGUF models of
  // the models dir (chat_engine.h), none when it holds no .gguf file.
  static Result<std::unique_ptr<Node>> Create(NodeConfig config,
                                              std::unique_ptr<tee::ChatRunner> chat_runner = {});

  // `inference_id` (hex) is set as soon as the signed request decodes, so an
  // error can name it.
  Result<std::unique_ptr<ChatJob>> PrepareChat(std::string_view body, std::string_view header,
                                               std::string* inference_id);
  using ChunkWriter = std::function<bool(const protocol::ChatChunk&)>;
  Result<ChatResult> RunChat(ChatJob& job, const ChunkWriter& write);

  // The answer's JSON text (docs/network.md), written directly.
  Result<std::string> Infer(const nlohmann::json& body);
  Result<nlohmann::json> Inference(const std::string& id_hex) const;
  Result<nlohmann::json> Attestation(const std::string& nonce_hex);
  // ZKML: the job's state and, once proved, the proof (hex) and its inputs.
  Result<nlohmann::json> Proof(const std::string& id_hex) const;
  // ZKML: a served model's verifying key (hex) and zkml model id.
  Result<nlohmann::json> ZkmlKey(const std::string& model_id) const;
  nlohmann::json Models();
  nlohmann::json Health() const;
  std::string MetricsText() const;

  const NodeConfig& config() const { return config_; }
  const crypto::SecretKey& key() const { return key_; }
  Ledger& ledger() { return *ledger_; }
  Metrics& metrics() { return metrics_; }
  ChainView& chain() { return chain_; }
  EnclavePool* enclave() { return enclave_.get(); }
  // A snapshot of the enclave's identity (key, PCR0, models); null without one.
  std::shared_ptr<const tee::RemoteEnclaveInfo> enclave_info() const;
  // Loads what was added to the models dir since start (ONNX models, ZKML
  // packages) and, with an enclave, asks it to do the same ("reload") and
  // re-reads its identity, so a new enclave process on the socket is picked
  // up too; the submitter then (re-)registers the enclave for the models
  // the chain allows it. Chat (GGUF) models are not reloaded. Answers
  // {"added": [ids], "zkml_added": [ids], "models": [ids], "zkml_models":
  // [ids], "enclave": {"key", "pcr0", "models", "added"} | null}.
  // Serialized: one reload at a time.
  Result<nlohmann::json> Reload();
  ProofJobs& proof_jobs() { return *proof_jobs_; }
  const ZkmlModels& zkml() const { return *zkml_; }
  ~Node();

 private:
  Node(NodeConfig config, crypto::SecretKey key, std::unique_ptr<Ledger> ledger,
       std::unique_ptr<RuntimeModelRunner> runner);
  // Chat (node_chat.cpp).
  Result<ChainModel> ChatModelCheck(const protocol::InferenceRequest& r);
  Result<protocol::ChatReceipt> RunChatEngine(ChatJob& job, const ChunkWriter& write,
                                              std::vector<protocol::ChatChunk>& chunks,
                                              std::string& text);
  Result<protocol::ChatReceipt> RunEnclaveChat(const tee::ChatAnswerInput& input, ChatJob& job,
                                               const ChunkWriter& write,
                                               std::vector<protocol::ChatChunk>& chunks,
                                               std::string& text);
  Result<nlohmann::json> ChatInference(const ClaimRecord& c) const;
  std::vector<protocol::Mode> LocalChatModes(const std::string& model_id) const;
  const tee::ChatModelInfo* ChatModel(const std::string& model_id) const;
  nlohmann::json ChatModelsJson();
  // Infer after the request parsed: every check but (when !verify_signature)
  // the client's signature, run, claim, answer. Sets *past_signature once
  // past the point where the signature is checked.
  Result<std::string> Answer(const nlohmann::json& body, const protocol::SignedRequest& req,
                             std::chrono::steady_clock::time_point t0, int64_t received_ms,
                             bool verify_signature, bool* past_signature);
  Result<protocol::Receipt> Execute(const protocol::SignedRequest& req,
                                    const std::vector<protocol::NamedTensor>& inputs,
                                    const Bytes& inference_id, ZkmlRun* zkml_run);
  // ZKML: runs (or, inline, proves) and applies byzantine wrong-output.
  Result<ZkmlRun> RunZkml(const std::string& model_id,
                          const std::vector<protocol::NamedTensor>& inputs, bool prove_inline);
  // ZKML: the proof job written before the claim.
  ProofJob MakeJob(const ClaimRecord& claim, const std::vector<protocol::NamedTensor>& inputs,
                   ZkmlRun& run) const;
  Status OpenZkml();
  // What the client can pay this node for a request expiring at `expires_ms`:
  // its deposit for this node (plus its balance unless require_deposit).
  Result<uint64_t> Funds(const std::string& client, int64_t expires_ms);
  Bytes LocalZkmlId(const std::string& model_id) const;  // empty without a local key
  std::vector<protocol::Mode> LocalModes(const std::string& model_id) const;
  // ServeGuard's verdict for each local mode of the model: refused modes
  // {mode: {code, reason}}; served ones are appended to `served` if given.
  nlohmann::json Refusals(const std::string& model_id, nlohmann::json* served) const;

  NodeConfig config_;
  crypto::SecretKey key_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<RuntimeModelRunner> runner_;
  std::unique_ptr<EnclavePool> enclave_;
  mutable std::mutex enclave_info_mu_;
  std::shared_ptr<const tee::RemoteEnclaveInfo> enclave_info_;
  std::mutex reload_mu_;
  ChainView chain_;
  std::unique_ptr<ServeGuard> guard_;
  Metrics metrics_;
  std::unique_ptr<ZkmlModels> zkml_;
  std::unique_ptr<ProofJobs> proof_jobs_;
  std::unique_ptr<tee::ChatRunner> chat_;  // VANILLA chat engine (null: no GGUF models)
  std::vector<tee::ChatModelInfo> chat_models_;
  ChatHolds chat_holds_;
  int64_t started_s_ = 0;               // Unix s: "created" of /v1/models entries
  std::unique_ptr<ProverPool> prover_;  // declared last: stops first
};

int64_t WallMs();

}  // namespace vinet::node
