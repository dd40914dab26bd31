// The node's bounded ZKML prover pool: `threads` (1–2) workers take QUEUED
// proof jobs oldest first (arrival order), prove them with the model's
// prover package and store the proof (job → PROVED, synced); a job that
// cannot be proved becomes FAILED with the reason (logged). Jobs queued
// before a restart are picked up at Start. Byzantine "bad-proof" (devnet only,
// config.h) corrupts each proof after proving it. Metrics: the prove time
// histogram `vinet_node_prove_seconds`; queue depth is ProofJobs::Count.
#pragma once

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

 private:
  void Loop();
  std::optional<ProofJob> Take();

  ProofJobs& jobs_;
  const ZkmlModels& models_;
  Metrics& metrics_;
  Byzantine byzantine_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> busy_;  // ids being proved
  std::vector<std::thread> threads_;
};

// Byzantine "bad-proof": flips one bit of the proof (deterministically).
void CorruptProof(Bytes& proof);

}  // namespace vinet::node
