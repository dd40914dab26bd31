#include "vinet/node/prover_pool.h"

#include <spdlog/spdlog.h>

#include "vinet/node/node.h"

namespace vinet::node {

void CorruptProof(Bytes& proof) {
  if (!proof.empty()) proof[proof.size() * 3 / 4] ^= 0x01;
}

void ProverPool::Start(unsigned threads) {
  threads = std::clamp(threads, 1u, 2u);
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

void ProverPool::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

std::optional<ProofJob> ProverPool::Take() {
  for (const ProofJob& j : jobs_.WithStatus("QUEUED", busy_.size() + 1)) {
    if (busy_.insert(j.id_hex).second) return j;
  }
  return std::nullopt;
}

void ProverPool::Loop() {
  while (true) {
    std::optional<ProofJob> job;
    {
      std::unique_lock lock(mu_);
      // A timed wait also catches jobs queued before a Notify could reach us.
      cv_.wait_for(lock, std::chrono::milliseconds(200), [&] {
        if (stop_) return true;
        job = Take();
        return job.has_value();
      });
      if (stop_) return;
      if (!job) continue;
    }
    std::string id = job->id_hex;
    if (Status s = ProveOne(std::move(*job)); !s.ok()) {
      spdlog::error("prover: job {}: {}", id, s.ToString());
    }
    std::lock_guard lock(mu_);
    busy_.erase(id);
  }
}

Status ProverPool::ProveOne(ProofJob job) {
  auto inputs = protocol::DecodeTensors(job.inputs);
  Result<ZkmlRun> run =
      inputs.ok() ? models_.Prove(job.model_id, *inputs) : Result<ZkmlRun>(inputs.status());
  if (!run.ok()) {
    job.status = "FAILED";
    job.error = run.status().ToString();
    metrics_.Count("vinet_node_proofs_total", "failed");
    VINET_RETURN_IF_ERROR(jobs_.Put({job}));
    return run.status().WithContext("prove");
  }
  job.proof = std::move(run->proof);
  if (byzantine_ == Byzantine::kBadProof) CorruptProof(job.proof);
  job.status = "PROVED";
  job.proved_ms = WallMs();
  job.prove_seconds = run->prove_seconds;
  metrics_.Observe("vinet_node_prove_seconds", "zkml", run->prove_seconds);
  metrics_.Count("vinet_node_proofs_total", "proved");
  spdlog::info("prover: {} proved in {:.3f} s ({} bytes)", job.id_hex, run->prove_seconds,
               job.proof.size());
  return jobs_.Put({job});
}

}  // namespace vinet::node
