#include "vinet/node/prover_pool.h"

#include <spdlog/spdlog.h>

#include "vinet/node/node.h"
#include "vinet/zk/heap.h"

namespace vinet::node {

void CorruptProof(Bytes& proof) {
  if (!proof.empty()) proof[proof.size() * 3 / 4] ^= 0x01;
}

void ProverPool::Start(unsigned threads) {
  zk::KeepFreedHeapMapped();  // every proof reuses the last one's pages (zk/heap.h)
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

std::vector<ProofJob> ProverPool::Take(int64_t now_ms, int64_t* wait_ms) {
  std::vector<ProofJob> queued = jobs_.WithStatus("QUEUED", SIZE_MAX);  // oldest first
  std::vector<ProofJob> group;
  for (ProofJob& j : queued) {
    if (busy_.count(j.id_hex)) continue;
    if (!group.empty() && j.model_id != group[0].model_id) continue;
    group.push_back(std::move(j));
    if (group.size() >= batch_max_) break;
  }
  if (group.empty()) return group;
  int64_t age = now_ms - group[0].accepted_ms;
  if (group.size() < batch_max_ && age < batch_wait_ms_) {
    *wait_ms = batch_wait_ms_ - age;
    return {};
  }
  for (const ProofJob& j : group) busy_.insert(j.id_hex);
  return group;
}

void ProverPool::Loop() {
  while (true) {
    std::vector<ProofJob> group;
    {
      std::unique_lock lock(mu_);
      while (!stop_) {
        // A timed wait also catches jobs queued before a Notify could reach us.
        int64_t wait = 200;
        group = Take(WallMs(), &wait);
        if (!group.empty()) break;
        cv_.wait_for(lock, std::chrono::milliseconds(std::clamp<int64_t>(wait, 1, 200)));
      }
      if (stop_) return;
    }
    std::vector<std::string> ids;
    for (const ProofJob& j : group) ids.push_back(j.id_hex);
    if (Status s = ProveGroup(std::move(group)); !s.ok()) {
      spdlog::error("prover: jobs {}..: {}", ids[0], s.ToString());
    }
    std::lock_guard lock(mu_);
    for (const std::string& id : ids) busy_.erase(id);
  }
}

Status ProverPool::ProveGroup(std::vector<ProofJob> jobs) {
  if (jobs.size() == 1) return ProveOne(std::move(jobs[0]));
  std::vector<std::vector<protocol::NamedTensor>> inputs;
  for (const ProofJob& j : jobs) {
    auto in = protocol::DecodeTensors(j.inputs);
    if (!in.ok()) break;
    inputs.push_back(std::move(*in));
  }
  Result<std::vector<ZkmlRun>> runs = inputs.size() == jobs.size()
                                          ? models_.ProveBatch(jobs[0].model_id, inputs)
                                          : Result<std::vector<ZkmlRun>>(Error(Code::kParse, ""));
  if (!runs.ok()) {  // one proof per job: the job at fault ends FAILED alone
    Status first;
    for (ProofJob& j : jobs) {
      if (Status s = ProveOne(std::move(j)); !s.ok() && first.ok()) first = s;
    }
    return first;
  }
  std::vector<std::string> ids;
  for (const ProofJob& j : jobs) ids.push_back(j.id_hex);
  int64_t now = WallMs();
  double seconds = (*runs)[0].prove_seconds;
  jobs[0].proof = std::move((*runs)[0].proof);
  if (byzantine_ == Byzantine::kBadProof) CorruptProof(jobs[0].proof);
  for (ProofJob& j : jobs) {
    j.batch = ids;
    j.status = "PROVED";
    j.proved_ms = now;
    j.prove_seconds = seconds;
    metrics_.Count("vinet_node_proofs_total", "proved");
  }
  metrics_.Observe("vinet_node_prove_seconds", "zkml_batch", seconds);
  spdlog::info("prover: batch of {} ({}..) proved in {:.3f} s ({} bytes)", jobs.size(), ids[0],
               seconds, jobs[0].proof.size());
  return jobs_.Put(jobs);
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
