// The ZKML side of Node (node.h): packages, the run, the proof job, the
// proof and key endpoints.
#include <spdlog/spdlog.h>

#include "node_zkml.h"
#include "vinet/node/node.h"

namespace vinet::node {
using json = nlohmann::json;

json ZkmlAnswer(const zkml::VerifyingKey& vk, const ProofJob& job) {
  json out{{"zkml_model_id", ToHex(vk.ModelId())},
           {"output_scale", vk.spec.output_scale},
           {"proof_status", job.status},
           {"proof", nullptr}};
  if (job.status == "PROVED") {
    out["proof"] = ToHex(job.proof);
    out["prove_seconds"] = job.prove_seconds;
  }
  return out;
}

std::string ZkmlMetricsText(const ProofJobs& jobs) {
  std::string out = "# TYPE vinet_node_proof_jobs gauge\n";
  for (const char* s : {"QUEUED", "PROVED", "SUBMITTED", "DONE", "FAILED", "SKIPPED"}) {
    out += "vinet_node_proof_jobs{status=\"" + std::string(s) + "\"} " +
           std::to_string(jobs.Count(s)) + "\n";
  }
  out += "# TYPE vinet_node_proof_queue_depth gauge\nvinet_node_proof_queue_depth " +
         std::to_string(jobs.Count("QUEUED")) + "\n";
  return out;
}

Node::~Node() = default;

Status Node::OpenZkml() {
  zkml_ = std::make_unique<ZkmlModels>(ModelStore(config_.models_dir));
  for (const auto& e : zkml_->load_errors()) spdlog::warn("zkml package not loaded: {}", e);
  VINET_ASSIGN_OR_RETURN(proof_jobs_, ProofJobs::Open(config_.data_dir / "proofs"));
  // A job whose claim never got written was never answered: drop it.
  for (const char* status : {"QUEUED", "PROVED", "SKIPPED"}) {
    for (const ProofJob& j : proof_jobs_->WithStatus(status, SIZE_MAX)) {
      if (ledger_->Get(j.id_hex).status().code() == Code::kNotFound) {
        spdlog::warn("proof job {} has no claim (crash before answering): dropped", j.id_hex);
        VINET_RETURN_IF_ERROR(proof_jobs_->Delete(j.id_hex));
      }
    }
  }
  size_t queued = proof_jobs_->Count("QUEUED");
  if (queued > 0) spdlog::info("prover: resuming {} queued proof jobs", queued);
  prover_ = std::make_unique<ProverPool>(*proof_jobs_, *zkml_, metrics_, config_.byzantine);
  prover_->SetBatching(config_.zkml_batch_max, config_.zkml_batch_wait_ms);
  prover_->Start(config_.prover_threads);
  if (config_.byzantine != Byzantine::kNone) {
    spdlog::warn("BYZANTINE node (devnet fault injection): {}", ByzantineName(config_.byzantine));
  }
  return Status::Ok();
}

Result<ZkmlRun> Node::RunZkml(const std::string& model_id,
                              const std::vector<protocol::NamedTensor>& inputs, bool prove_inline) {
  bool prove = prove_inline && config_.byzantine != Byzantine::kNoProof;
  VINET_ASSIGN_OR_RETURN(ZkmlRun run,
                         prove ? zkml_->Prove(model_id, inputs) : zkml_->Run(model_id, inputs));
  if (prove && config_.byzantine == Byzantine::kBadProof) CorruptProof(run.proof);
  if (config_.byzantine == Byzantine::kWrongOutput && !run.output.empty() &&
      !run.output[0].data.empty()) {
    auto& b = run.output[0].data[0];
    b = static_cast<uint8_t>(static_cast<int8_t>(b) == 127 ? 126 : static_cast<int8_t>(b) + 1);
  }
  if (prove) {
    metrics_.Observe("vinet_node_prove_seconds", "zkml_inline", run.prove_seconds);
  }
  return run;
}

ProofJob Node::MakeJob(const ClaimRecord& claim, const std::vector<protocol::NamedTensor>& inputs,
                       ZkmlRun& run) const {
  ProofJob job;
  job.id_hex = claim.id_hex;
  job.model_id = claim.model_id;
  job.inputs = protocol::EncodeTensors(inputs);
  job.accepted_ms = claim.accepted_ms;
  if (config_.byzantine == Byzantine::kNoProof) {
    job.status = "SKIPPED";
  } else if (!run.proof.empty()) {
    job.status = "PROVED";
    job.proof = std::move(run.proof);
    job.proved_ms = WallMs();
    job.prove_seconds = run.prove_seconds;
  }
  return job;
}

Result<json> Node::Proof(const std::string& id_hex) const {
  VINET_ASSIGN_OR_RETURN(ProofJob j, proof_jobs_->Get(id_hex));
  // A batch proof is stored with the batch's first job: every member serves it.
  if (j.proof.empty() && j.batch.size() > 1 && j.batch[0] != id_hex) {
    if (auto first = proof_jobs_->Get(j.batch[0]); first.ok() && first->batch == j.batch) {
      j.proof = std::move(first->proof);
    }
  }
  bool has = !j.proof.empty() && j.status != "QUEUED";
  return json{{"inference_id", j.id_hex},
              {"model_id", j.model_id},
              {"status", j.status},
              {"claim_status", j.claim_status},
              {"proof", has ? json(ToHex(j.proof)) : json(nullptr)},
              {"inputs", ToHex(j.inputs)},
              {"prove_seconds", j.prove_seconds},
              {"tx_hash", j.tx_hash},
              {"attempts", j.attempts},
              {"error", j.error},
              {"batch", j.batch}};
}

Result<json> Node::ZkmlKey(const std::string& model_id) const {
  VINET_ASSIGN_OR_RETURN(const zkml::VerifyingKey* vk, zkml_->Key(model_id));
  return json{{"model_id", model_id},
              {"zkml_model_id", ToHex(vk->ModelId())},
              {"verifying_key", ToHex(vk->Encode())}};
}

}  // namespace vinet::node
