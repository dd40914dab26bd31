// The node's bounded ZKML prover pool: `threads` (1–2) workers take QUEUED
// proof jobs oldest first (arrival order), prove them with the model's
// prover package and store the proof (job → PROVED, synced); a job that
// cannot be proved becomes FAILED with the reason (logged).
// Batching (SetBatching): a worker takes the oldest queued job together with
// the other queued jobs of its model, up to `max`; while fewer are queued it
// waits for more until the oldest is `wait_ms` old, then proves what it has
// as one batch proof (zkml::ProveBatch; a group of one gets a single proof).
// A batch that cannot be proved falls back to one proof per job. Jobs queued
// before a restart are picked up at Start. Byzantine "bad-proof" (devnet only,
// config.h) corrupts each proof after proving it. Metrics: the prove time
// histogram `vinet_node_prove_seconds`; queue depth is ProofJobs::Count.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "vinet/node/config.h"
#include "vinet/node/metrics.h"
#include "vinet/node/proof_jobs.h"
#include "vinet/node/zkml_models.h"

namespace vinet::node {

class ProverPool {
 public:
  ProverPool(ProofJobs& jobs, const ZkmlModels& models, Metrics& metrics, Byzantine byzantine)
      : jobs_(jobs), models_(models), metrics_(metrics), byzantine_(byzantine) {}
  ~ProverPool() { Stop(); }
  void Start(unsigned threads);
  void Stop();
  // Wakes a worker: a job was queued.
  void Notify() { cv_.notify_one(); }
  // Proves one job now, in the caller's thread (tests; the inline path).
  Status ProveOne(ProofJob job);
  // Proves jobs of one model as one batch proof (one job: ProveOne).
  Status ProveGroup(std::vector<ProofJob> jobs);
  // Before Start: at most `max` jobs per proof, waiting up to `wait_ms`.
  void SetBatching(unsigned max, int64_t wait_ms) {
    batch_max_ = std::max(1u, max);
    batch_wait_ms_ = wait_ms;
  }

 private:
  void Loop();
  // The next group to prove (marked busy), or none; *wait_ms: when to look again.
  std::vector<ProofJob> Take(int64_t now_ms, int64_t* wait_ms);

  ProofJobs& jobs_;
  const ZkmlModels& models_;
  Metrics& metrics_;
  Byzantine byzantine_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> busy_;  // ids being proved
  std::vector<std::thread> threads_;
  unsigned batch_max_ = 1;
  int64_t batch_wait_ms_ = 0;
};

// Byzantine "bad-proof": flips one bit of the proof (deterministically).
void CorruptProof(Bytes& proof);

}  // namespace vinet::node
