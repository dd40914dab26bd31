// The node's durable ZKML proof jobs, one per ZKML inference, in their own
// RocksDB (DATA_DIR/proofs), key "p/<inference id hex>" → JSON record.
//
// Life of a job (each transition a synced write before anything depends on
// it):  QUEUED (written before the node answers; inputs kept) → PROVED (proof
// kept) → SUBMITTED (in a SubmitProofs tx whose hash is stored before the
// broadcast) → DONE (the chain's final claim status in `claim_status`).
// FAILED: the prover could not prove it (kept for inspection, never retried).
// Byzantine "no-proof" jobs are written as SKIPPED. `Open` reloads everything
// so a restarted node resumes: QUEUED jobs are proved again in arrival order,
// PROVED ones submitted, SUBMITTED ones looked up by tx hash. Finished jobs
// (DONE, FAILED, SKIPPED) are indexed in memory without proof and inputs;
// `Get` reads those back from the store; `WithStatus` returns them slim.
// Batches (ProverPool): jobs proved together by one zkml::ProveBatch proof
// all carry `batch`, the inference ids in the proof's order; the proof is
// stored on the first (batch[0]) only, and they are submitted together.
// Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"

namespace rocksdb {
class DB;
}

namespace vinet::node {

struct ProofJob {
  std::string id_hex;
  std::string model_id;
  Bytes inputs;  // canonical protocol::EncodeTensors of the request's f32 inputs
  Bytes proof;
  std::string status = "QUEUED";
  std::string claim_status;  // DONE: SETTLED / REJECTED / EXPIRED
  std::string tx_hash;
  std::string error;  // FAILED: why
  int attempts = 0;   // SubmitProofs txs the chain took (CheckTx refusals do not count)
  int64_t accepted_ms = 0, proved_ms = 0, submitted_ms = 0, settled_ms = 0;
  double prove_seconds = 0;
  std::vector<std::string> batch;  // a batch proof's ids in order (empty: a single proof)
};

std::string ProofJobToJson(const ProofJob& j);
Result<ProofJob> ProofJobFromJson(std::string_view text);

class ProofJobs {
 public:
  static Result<std::unique_ptr<ProofJobs>> Open(const std::filesystem::path& dir);
  ~ProofJobs();

  // Writes (synced) and indexes `jobs` in one batch; then, if one of them is
  // PROVED, calls the OnProved listener (outside the lock).
  // With `tx`: the bytes of the SubmitProofs tx these jobs are SUBMITTED in,
  // stored in the same synced batch (see SubmittedTxBytes).
  struct SubmittedTx {
    std::string hash;
    Bytes bytes;
  };
  Status Put(const std::vector<ProofJob>& jobs, const SubmittedTx* tx = nullptr);
  // The stored tx of hash `hash` (kNotFound once forgotten).
  Result<Bytes> SubmittedTxBytes(const std::string& hash) const;
  Status ForgetSubmittedTx(const std::string& hash);
  // The listener the submitter uses to send a proof right behind its claim
  // instead of at its next timer tick ({} removes it).
  void OnProved(std::function<void()> listener);
  Status Delete(const std::string& id_hex);
  Result<ProofJob> Get(const std::string& id_hex) const;  // kNotFound
  // Jobs with `status`, oldest first (accepted_ms), at most `max`.
  std::vector<ProofJob> WithStatus(const std::string& status, size_t max) const;
  size_t Count(const std::string& status) const;

 private:
  explicit ProofJobs(rocksdb::DB* db) : db_(db) {}
  rocksdb::DB* db_;
  mutable std::mutex mu_;
  std::map<std::string, ProofJob> jobs_;
  std::function<void()> on_proved_;
};

}  // namespace vinet::node
