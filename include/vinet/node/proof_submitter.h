// The ZKML half of the submitter: moves PROVED proof jobs onto the chain in
// SubmitProofs txs and learns each claim's fate. Called by Submitter::Step
// (one thread, sharing the node's tx nonce), in three parts:
//   1. Track: for each SUBMITTED tx, once in a block, asks /claim/<id> for
//      every proof in it: SETTLED / REJECTED / EXPIRED finish the job and the
//      claim (synced); a tx the chain refused (code != 0), or one not in a
//      block after `resubmit_ms`, puts its jobs back to PROVED (a claim still
//      PENDING after a landed tx is looked at again until then).
//   2. Submit: PROVED jobs whose claim is PENDING on chain (never before the
//      claim landed), oldest first, packed into one tx up to the chain's
//      max_tx_bytes (minus the envelope); a single proof too large for any tx
//      is FAILED with that reason and logged as an error. Jobs are recorded
//      SUBMITTED with the tx hash (synced) before the broadcast, so a restart
//      looks the tx up instead of sending the proof again. Failures back off
//      exponentially (to 8 s). Up to 4 txs per step while full ones are left.
//      The jobs of a batch proof (ProofJob::batch) go together, as one
//      ZkmlBatchProof, once all their claims are PENDING; if one of them is
//      already final, the others go back to QUEUED and are proved again.
//   3. Sweep: PENDING claims past their deadline (claim height +
//      zkml_deadline_blocks) are looked up: EXPIRED (no-proof, a lost proof)
//      finishes them.
#pragma once

#include <functional>
#include <optional>
#include <set>

#include "vinet/chain/fee.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/node/node.h"

namespace vinet::node {

class ProofSubmitter {
 public:
  explicit ProofSubmitter(Node& node);
  // `nonce` is the submitter's next nonce (reset on a CheckTx failure);
  // `chain_nonce` reads it from the chain when unset.
  void Step(std::optional<uint64_t>& nonce, const std::function<Result<uint64_t>()>& chain_nonce);
  // Once per run, before any new tx of this node takes a nonce: the stored
  // txs of an earlier run whose jobs are still SUBMITTED and that are in no
  // block are sent again, in nonce order (the node may have died between
  // storing a tx and broadcasting it; a claims tx sent first would take its
  // nonce and the proofs would wait for their deadline to go out anew).
  void ResendStored(std::optional<uint64_t>& nonce);

 private:
  Status Track(std::optional<uint64_t>& nonce);
  // Sends a stored SUBMITTED tx again; a nonce it takes moves `nonce` past it.
  // True when the chain holds the bytes: accepted now, or already in
  // CometBFT's mempool cache (still waiting for a block, or just committed).
  bool Rebroadcast(chain::RpcClient& rpc, const std::string& hash, std::optional<uint64_t>& nonce);
  // Whether claim `id_hex` is PENDING on chain with at most a third of its
  // proof window (registration height to deadline) left at `height` (the
  // chain's latest, read into it on first use).
  Result<bool> DeadlineNear(chain::RpcClient& rpc, const std::string& id_hex,
                            std::optional<int64_t>& height);
  // `more`: a full tx went out and PROVED jobs are left.
  Status Submit(std::optional<uint64_t>& nonce,
                const std::function<Result<uint64_t>()>& chain_nonce, bool& more);
  Status Sweep();
  // Jobs of a batch that cannot be submitted whole go back to QUEUED.
  Status Requeue(std::vector<ProofJob> jobs);
  Status Finish(ProofJob job, const std::string& status, int64_t height);
  Result<nlohmann::json> Params();

  Node& node_;
  std::optional<nlohmann::json> params_;
  int failures_ = 0;
  int64_t next_try_ms_ = 0, next_sweep_ms_ = 0;
  int64_t started_ms_;                 // when this run of the node started submitting
  std::set<std::string> rebroadcast_;  // txs of an earlier run sent again (once each)
  bool resent_stored_ = false;         // ResendStored ran
};

// One SubmitProofs tx (signed with the node's key). `fee` is a floor: the tx
// pays at least what `fees` requires for its bytes plus the verification fee
// of `verify_units` metered units.
Bytes BuildSubmitProofsTx(const crypto::SecretKey& key, const std::string& chain_id, uint64_t nonce,
                          uint64_t fee, const std::vector<ProofJob>& jobs,
                          const chain::FeeSchedule& fees = {}, uint64_t verify_units = 0);

}  // namespace vinet::node
