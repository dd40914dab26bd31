// The submitter: moves the node's claims onto the chain and learns their fate.
//
// Every `interval_ms` (one block or less) one step, and at once when a claim
// is accepted while none of ours is in flight (no SUBMITTED claim): a lone
// claim goes out without waiting for the timer, while under load claims
// still gather into one tx per step (the timer), as in Nagle's algorithm,
// or several when a step finds more than max_batch waiting.
// A step:
//   1. re-attests the enclave (RegisterEnclave) when it is unregistered or
//      within a third of its TTL of expiry;
//   2. once per new block, asks the chain for the records of all SUBMITTED
//      claims in one compact query (/claim_status, chain/claim_status_wire.h:
//      9 bytes per claim, no tx JSON) and records the status of those it holds
//      for this node. A tx of which some claims were found, or that is
//      kFindTxAfterMs old, is looked up by hash for the others: once in a
//      block, each claim's final status comes from the tx's `vinet.claim`
//      events (REFUSED, UNFUNDED, INVALID, ... leave no record; a DUPLICATE is
//      resolved through /claim/<id>: if the chain holds it for this node, that
//      record's status wins). A tx not found `resubmit_ms` after broadcast has
//      its claims put back to ACCEPTED;
//   3. takes up to max_batch ACCEPTED claims, asks the enclave to attest the
//      leaves of its TEE claims among them (protocol/claim_batch.h: one
//      signature the validators check instead of two per claim; a refusal,
//      e.g. an enclave restarted since or leaves already attested for an
//      earlier tx, only means the tx goes without), builds one SubmitClaims
//      tx with the next nonce, records the claims as SUBMITTED with the tx hash
//      (synced) and only then broadcasts it. A CheckTx failure puts them back
//      and re-reads the nonce; failures back off exponentially (to 8 s).
//      A full batch is followed at once by the next one, up to
//      kMaxTxsPerStep txs a step, so a backlog never waits a step period
//      per max_batch claims (the node's submission rate is not capped at
//      max_batch per step).
// Because the tx hash is stored before the broadcast, a restart finds every
// claim either ACCEPTED (submitted again: the chain answers DUPLICATE for one
// that did land, resolved as above) or tied to a tx it can look up: no claim
// is lost, and the chain's duplicate rule means none is settled twice.
// ZKML claims land PENDING; each step then also runs the ProofSubmitter
// (proof_submitter.h) with the same nonce.
// Failover (several `[chain] rpc` endpoints): every RPC goes through the
// node's shared RpcEndpoints, which move on from an endpoint that cannot be
// reached; each step with more than one endpoint also reads the current
// one's height, and one whose chain has not grown for the stall bound is
// left too. A tx broadcast through an endpoint that was then left may never
// have reached the others, so after a switch its claims do not wait the
// full resubmit_ms: `kResubmitAfterSwitchMs` after the switch they go back
// to ACCEPTED and out again (the chain's duplicate rule settles a claim
// once even if the first tx lands after all; Resolve reads its record).
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "vinet/chain/fee.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/node/node.h"
#include "vinet/node/proof_submitter.h"

namespace vinet::node {

// Claim id (hex) → (status name, height) as the chain decided it.
using ClaimFates = std::map<std::string, std::pair<std::string, int64_t>>;

// An enclave's batch attestation (SubmitClaims.batch).
struct ClaimBatchAttestation {
  Bytes enclave_key;
  Bytes signature;
};

class Submitter {
 public:
  explicit Submitter(Node& node) : node_(node), proofs_(node) {}
  ~Submitter() { Stop(); }
  void Start();
  void Stop();
  // One step (tests call it directly). Errors are logged, not returned.
  void Step();
  // Wakes the loop for an early step unless a claims tx is in flight.
  void Kick();
  // Wakes the loop for an early step (a proof is ready: it may follow its
  // claim's tx at once, into the same block).
  void Wake();

 private:
  Status Track();
  static constexpr int kMaxTxsPerStep = 8;
  Status Submit();
  // One tx of up to max_batch ACCEPTED claims; *full when it took max_batch.
  Status SubmitBatch(bool* full);
  Status MaybeRegisterEnclave();
  // The enclave's attestation of the TEE claims among `claims`, if it gives one.
  std::optional<ClaimBatchAttestation> AttestBatch(const std::vector<ClaimRecord>& claims);
  Result<uint64_t> ChainNonce();
  // Records each claim's fate (id → status, height); a claim without one
  // (or DUPLICATE) is looked up on chain, else ends as `unknown`.
  Status Resolve(std::vector<ClaimRecord> claims, const ClaimFates& fates,
                 const std::string& unknown);
  // The fates of the claims the chain holds for this node (/claim_status),
  // read from the app's state at `*state_height`.
  Result<ClaimFates> StoredFates(chain::RpcClient& rpc, const std::vector<Ledger::OpenRef>& claims,
                                 int64_t* state_height);
  void WatchChain();  // stall rule and switch bookkeeping (several endpoints)

  Node& node_;
  ProofSubmitter proofs_;
  std::optional<uint64_t> nonce_;
  int failures_ = 0;
  int64_t next_try_ms_ = 0;
  int64_t next_enclave_try_ms_ = 0;
  uint64_t switches_seen_ = 0;
  int64_t switched_ms_ = 0;     // wall time of the last endpoint switch seen
  int64_t status_height_ = -1;  // the state height the last /claim_status read
  std::atomic<bool> stop_{false};
  std::atomic<bool> in_flight_{false};  // SUBMITTED claims after the last step
  bool kicked_ = false;                 // guarded by mu_
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

// The leaves (protocol::ClaimLeaf) of the claims a batch by `enclave_key`
// covers on chain (those whose receipt is TEE and names it), in the chain's
// order: the ones that stay full claims, then the compact ones.
std::vector<crypto::Digest256> TeeClaimLeaves(const std::vector<ClaimRecord>& claims,
                                              ByteSpan enclave_key);

// Transaction bytes the submitter sends (signed with the node's key). `fee`
// is a floor: the tx pays at least what `fees` (the chain's schedule)
// requires for its bytes and claims. With `batch`, every claim it covers that
// can travel compact (docs/chain.md "Compact claims") goes as a CompactClaim.
Bytes BuildSubmitClaimsTx(const crypto::SecretKey& key, const std::string& chain_id, uint64_t nonce,
                          uint64_t fee, const std::vector<ClaimRecord>& claims,
                          const chain::FeeSchedule& fees = {},
                          const std::optional<ClaimBatchAttestation>& batch = std::nullopt);
Bytes BuildRegisterEnclaveTx(const crypto::SecretKey& key, const std::string& chain_id,
                             uint64_t nonce, uint64_t fee, ByteSpan document,
                             const std::vector<std::string>& model_ids, int64_t nonce_height,
                             const chain::FeeSchedule& fees = {});

}  // namespace vinet::node
