#include "vinet/node/proof_submitter.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "vinet/chain/rpc_client.h"
#include "vinet/chain/tx.h"
#include "vinet/zkml/zkml.h"

namespace vinet::node {
using json = nlohmann::json;
namespace {

constexpr int64_t kResubmitMs = 20'000;
// A SUBMITTED proof tx not in a block this long after its broadcast is
// checked against its claims' deadlines (below).
constexpr int64_t kDeadlineCheckAfterMs = 2'000;
constexpr size_t kEnvelopeBytes = 1024;  // body fields, signature, key, framing
constexpr size_t kProofOverhead = 64;    // per ZkmlProof: tags, lengths, inference id
constexpr size_t kMaxProofsPerTx = 64;
constexpr int kTxsPerStep = 4;

bool FinalClaimStatus(const std::string& s) {
  return !s.empty() && s != "PENDING" && s != "ACCEPTED" && s != "SUBMITTED";
}

}  // namespace

Bytes BuildSubmitProofsTx(const crypto::SecretKey& key, const std::string& chain_id, uint64_t nonce,
                          uint64_t fee, const std::vector<ProofJob>& jobs,
                          const chain::FeeSchedule& fees, uint64_t verify_units) {
  chain::txpb::TxBody body;
  body.set_chain_id(chain_id);
  body.set_nonce(nonce);
  body.set_fee(fee);
  auto* msg = body.mutable_submit_proofs();
  std::map<std::string, chain::txpb::ZkmlBatchProof*> batches;  // by first id
  for (const auto& j : jobs) {
    Bytes id = FromHex(j.id_hex).value_or(Bytes{});
    if (j.batch.empty()) {
      auto* p = msg->add_proofs();
      p->set_inference_id(id.data(), id.size());
      p->set_inputs(j.inputs.data(), j.inputs.size());
      p->set_proof(j.proof.data(), j.proof.size());
      continue;
    }
    auto& b = batches[j.batch[0]];
    if (b == nullptr) {
      b = msg->add_batches();
      for (size_t n = 0; n < j.batch.size(); ++n) {
        Bytes bid = FromHex(j.batch[n]).value_or(Bytes{});
        b->add_inference_ids(bid.data(), bid.size());
        b->add_inputs();
      }
    }
    for (int n = 0; n < b->inference_ids_size(); ++n) {
      if (ToHex(AsBytes(b->inference_ids(n))) == j.id_hex) b->set_inputs(n, ToString(j.inputs));
    }
    if (j.id_hex == j.batch[0]) b->set_proof(j.proof.data(), j.proof.size());
  }
  chain::PayMinimumFee(fees, body, chain::VerifyFee(fees, verify_units));
  return chain::BuildSignedTx(key, body);
}

void ProofSubmitter::Step(std::optional<uint64_t>& nonce,
                          const std::function<Result<uint64_t>()>& chain_nonce) {
  if (Status s = Track(nonce); !s.ok()) spdlog::warn("proof submitter track: {}", s.ToString());
  if (Status s = Sweep(); !s.ok()) spdlog::warn("proof submitter sweep: {}", s.ToString());
  if (WallMs() < next_try_ms_) return;
  Status s;
  // Up to kTxsPerStep txs per step while full batches are left.
  for (int i = 0; i < kTxsPerStep && s.ok(); ++i) {
    bool more = false;
    s = Submit(nonce, chain_nonce, more);
    if (!more) break;
  }
  if (s.ok()) {
    failures_ = 0;
    return;
  }
  ++failures_;
  int64_t backoff = std::min<int64_t>(8000, int64_t{100} << std::min(failures_, 7));
  next_try_ms_ = WallMs() + backoff;
  nonce.reset();
  spdlog::warn("proof submitter: {} (retry in {} ms)", s.ToString(), backoff);
}

Result<json> ProofSubmitter::Params() {
  if (!params_) {
    VINET_ASSIGN_OR_RETURN(auto p, node_.chain().Query("/params"));
    if (!p) return Error(Code::kUnavailable, "chain has no /params");
    params_ = *p;
  }
  return *params_;
}

Status ProofSubmitter::Finish(ProofJob job, const std::string& status, int64_t height) {
  int64_t now = WallMs();
  VINET_ASSIGN_OR_RETURN(ClaimRecord claim, node_.ledger().Get(job.id_hex));
  claim.status = status;
  if (height > 0) claim.height = height;
  claim.settled_ms = now;
  VINET_RETURN_IF_ERROR(node_.ledger().Update({claim}));
  job.status = "DONE";
  job.claim_status = status;
  job.settled_ms = now;
  VINET_RETURN_IF_ERROR(node_.proof_jobs().Put({job}));
  node_.metrics().Count("vinet_node_claims_total", status);
  if (status == "SETTLED") {
    double gap = static_cast<double>(now - claim.accepted_ms) / 1000.0;
    node_.metrics().Observe("vinet_node_trust_gap_seconds", "zkml", gap);
    node_.metrics().Observe("vinet_node_zkml_settlement_seconds", "zkml", gap);
  }
  spdlog::info("zkml claim {}: {}", job.id_hex, status);
  return Status::Ok();
}

ProofSubmitter::ProofSubmitter(Node& node) : node_(node), started_ms_(WallMs()) {}

Result<bool> ProofSubmitter::DeadlineNear(chain::RpcClient& rpc, const std::string& id_hex,
                                          std::optional<int64_t>& height) {
  VINET_ASSIGN_OR_RETURN(auto record, node_.chain().Query("/claim/" + id_hex));
  if (!record || record->value("status", "") != "PENDING") return false;
  if (!height) {
    VINET_ASSIGN_OR_RETURN(int64_t h, rpc.LatestHeight());
    height = h;
  }
  int64_t registered = record->value("height", int64_t{0});
  int64_t deadline = record->value("deadline", int64_t{0});
  return deadline > registered && 3 * (deadline - *height) <= deadline - registered;
}

// A tx of an earlier run whose jobs are still SUBMITTED and that is in no
// block: the same bytes again (the process may have died before sending
// them). Sent already, the chain refuses the copy (mempool cache, nonce) and
// executes the tx once; either way the jobs keep their tx and attempt count.
bool ProofSubmitter::Rebroadcast(chain::RpcClient& rpc, const std::string& hash,
                                 std::optional<uint64_t>& nonce) {
  auto bytes = node_.proof_jobs().SubmittedTxBytes(hash);
  if (!bytes.ok()) return false;  // from a node before stored txs: the deadline rule covers it
  auto r = rpc.BroadcastTxSync(*bytes);
  spdlog::info("proof submitter: tx {} sent again: {}", hash,
               r.ok() ? "code " + std::to_string(r->value("code", 0)) + " " + r->value("log", "")
                      : r.status().ToString());
  if (!r.ok()) return r.status().message().find("already exists in cache") != std::string::npos;
  chain::DecodedTx decoded;
  if (r->value("code", 0) != 0 || !chain::DecodeTx(*bytes, decoded).ok()) return false;
  // It holds its nonce now: the next tx takes the one after.
  uint64_t used = decoded.body.nonce();
  if (!nonce || *nonce <= used) nonce = used + 1;
  return true;
}

void ProofSubmitter::ResendStored(std::optional<uint64_t>& nonce) {
  if (resent_stored_) return;
  std::map<uint64_t, std::string> by_nonce;
  for (const auto& j : node_.proof_jobs().WithStatus("SUBMITTED", SIZE_MAX)) {
    if (j.submitted_ms >= started_ms_ || j.tx_hash.empty()) continue;
    auto bytes = node_.proof_jobs().SubmittedTxBytes(j.tx_hash);
    chain::DecodedTx decoded;
    if (bytes.ok() && chain::DecodeTx(*bytes, decoded).ok()) {
      by_nonce.emplace(decoded.body.nonce(), j.tx_hash);
    }
  }
  chain::RpcClient rpc(node_.chain().endpoints(), 5);
  for (const auto& [n, hash] : by_nonce) {
    auto found = rpc.FindTx(hash);
    if (!found.ok()) return;  // the chain is not reachable: again next step
    if (!found->is_null() && found->contains("tx_result")) continue;  // landed
    if (rebroadcast_.insert(hash).second) Rebroadcast(rpc, hash, nonce);
  }
  resent_stored_ = true;
}

Status ProofSubmitter::Track(std::optional<uint64_t>& nonce) {
  std::map<std::string, std::vector<ProofJob>> by_tx;
  for (auto& j : node_.proof_jobs().WithStatus("SUBMITTED", SIZE_MAX)) {
    by_tx[j.tx_hash].push_back(std::move(j));
  }
  chain::RpcClient rpc(node_.chain().endpoints(), 5);
  int64_t now = WallMs();
  std::optional<int64_t> height;  // read once, when a deadline is checked
  for (auto& [hash, jobs] : by_tx) {
    std::optional<bool> held;  // the chain holds the tx's bytes (asked once a step at most)
    VINET_ASSIGN_OR_RETURN(json tx, rpc.FindTx(hash));
    bool landed = !tx.is_null() && tx.contains("tx_result");
    int code = landed ? tx["tx_result"].value("code", 0) : 0;
    // An earlier run's txs were sent again by ResendStored before this step.
    if (landed) VINET_RETURN_IF_ERROR(node_.proof_jobs().ForgetSubmittedTx(hash));
    std::vector<ProofJob> retry;
    for (auto& j : jobs) {
      if (landed) {
        VINET_ASSIGN_OR_RETURN(auto record, node_.chain().Query("/claim/" + j.id_hex));
        std::string status = record ? record->value("status", "") : "";
        if (FinalClaimStatus(status)) {
          VINET_RETURN_IF_ERROR(Finish(j, status, record->value("settled_height", int64_t{0})));
          continue;
        }
        if (code != 0) {
          spdlog::warn("proof submitter: SubmitProofs tx {} failed (code {}): {}", hash, code,
                       tx["tx_result"].value("log", ""));
          retry.push_back(j);
          continue;
        }
      }
      if (now - j.submitted_ms >= kResubmitMs) {
        retry.push_back(j);
      } else if (!landed && now - j.submitted_ms >= kDeadlineCheckAfterMs) {
        // The tx may never have gone out (the node died between marking the
        // job SUBMITTED and the broadcast): once a third of the claim's proof
        // window is left, send it again, or, if the chain no longer takes its
        // bytes, prove it again rather than let the claim expire. A tx still
        // waiting in the mempool (a slow chain) is left to land: no second tx.
        VINET_ASSIGN_OR_RETURN(bool near, DeadlineNear(rpc, j.id_hex, height));
        if (near && !held) held = Rebroadcast(rpc, hash, nonce);
        if (near && !*held) retry.push_back(j);
      }
    }
    if (!retry.empty()) VINET_RETURN_IF_ERROR(node_.proof_jobs().ForgetSubmittedTx(hash));
    for (auto& j : retry) {
      j.status = "PROVED";
      j.tx_hash.clear();
    }
    VINET_RETURN_IF_ERROR(node_.proof_jobs().Put(retry));
  }
  return Status::Ok();
}

Status ProofSubmitter::Submit(std::optional<uint64_t>& nonce,
                              const std::function<Result<uint64_t>()>& chain_nonce, bool& more) {
  more = false;
  auto proved = node_.proof_jobs().WithStatus("PROVED", SIZE_MAX);
  if (proved.empty()) return Status::Ok();
  VINET_ASSIGN_OR_RETURN(json params, Params());
  size_t max_tx = params.value("max_tx_bytes", size_t{1} << 20);
  size_t budget = max_tx > kEnvelopeBytes ? max_tx - kEnvelopeBytes : 0;
  // Units of submission: a single proof's job, or every job of a batch proof
  // (all PROVED, in the batch's order), oldest first.
  std::map<std::string, ProofJob> by_id;
  for (const auto& j : proved) by_id[j.id_hex] = j;
  std::vector<std::vector<ProofJob>> units_of_work;
  std::set<std::string> grouped;
  for (const auto& j : proved) {
    if (j.batch.empty()) {
      units_of_work.push_back({j});
      continue;
    }
    if (!grouped.insert(j.batch[0]).second) continue;
    std::vector<ProofJob> group;
    for (const std::string& id : j.batch) {
      auto it = by_id.find(id);
      if (it != by_id.end()) group.push_back(it->second);
    }
    if (group.size() == j.batch.size()) units_of_work.push_back(std::move(group));
    // else: members already done (settled or re-queued); the rest is handled below
    else
      VINET_RETURN_IF_ERROR(Requeue(std::move(group)));
  }
  std::vector<ProofJob> batch, failed;
  size_t bytes = 0;
  for (auto& group : units_of_work) {
    // A claim whose tx the mempool accepted (SUBMITTED) is already in the
    // validators' check state: its proof may follow at once, right behind it
    // (next nonce), and both can land in the same block.
    bool ready = true, final = false;
    size_t size = 0;
    for (auto& j : group) {
      auto claim = node_.ledger().Get(j.id_hex);
      if (!claim.ok()) {
        ready = false;
        continue;
      }
      if (claim->status != "PENDING" && claim->status != "SUBMITTED") {
        ready = false;  // not broadcast yet, or final
        if (claim->final()) {
          VINET_RETURN_IF_ERROR(Finish(j, claim->status, 0));
          j.status = "DONE";
          final = true;
        }
      }
      size += j.proof.size() + j.inputs.size() + kProofOverhead;
    }
    if (final && group.size() > 1) {  // the rest of the batch is proved again
      std::vector<ProofJob> rest;
      for (auto& j : group) {
        if (j.status != "DONE") rest.push_back(j);
      }
      VINET_RETURN_IF_ERROR(Requeue(std::move(rest)));
      continue;
    }
    if (!ready) continue;
    if (size > budget) {
      for (auto& j : group) {
        j.status = "FAILED";
        j.error = "proof of " + std::to_string(size) + " bytes does not fit a tx (max_tx_bytes " +
                  std::to_string(max_tx) + ")";
        spdlog::error("proof submitter: inference {}: {}", j.id_hex, j.error);
        node_.metrics().Count("vinet_node_proofs_total", "too_large");
        failed.push_back(j);
      }
      continue;
    }
    if (bytes + size > budget || batch.size() + group.size() > kMaxProofsPerTx) {
      more = true;
      break;
    }
    bytes += size;
    batch.insert(batch.end(), group.begin(), group.end());
  }
  VINET_RETURN_IF_ERROR(node_.proof_jobs().Put(failed));
  if (batch.empty()) return Status::Ok();
  if (!nonce) {
    VINET_ASSIGN_OR_RETURN(uint64_t n, chain_nonce());
    nonce = n;
  }
  const NodeConfig& cfg = node_.config();
  VINET_ASSIGN_OR_RETURN(chain::FeeSchedule fees, node_.chain().Fees());
  uint64_t units = 0;  // the verification fee follows the models' metered costs
  for (const auto& j : batch) {
    if (!j.batch.empty() && j.id_hex != j.batch[0]) continue;
    VINET_ASSIGN_OR_RETURN(ChainModel m, node_.chain().Model(j.model_id));
    if (j.batch.empty()) {
      units += m.zkml_verify_cost;
      continue;
    }
    const zkml::VerifyingKey* vk = nullptr;
    if (auto k = node_.zkml().Key(j.model_id); k.ok()) vk = *k;
    units += vk ? zkml::EstimateBatchVerifyCost(*vk, j.batch.size()).units()
                : m.zkml_verify_cost * j.batch.size();
  }
  Bytes tx = BuildSubmitProofsTx(node_.key(), cfg.chain_id, *nonce, cfg.tx_fee, batch, fees, units);
  std::string hash = chain::TxHashHex(tx);
  int64_t now = WallMs();
  for (auto& j : batch) {
    j.status = "SUBMITTED";
    j.tx_hash = hash;
    j.submitted_ms = now;
    ++j.attempts;
  }
  ProofJobs::SubmittedTx record{hash, tx};
  VINET_RETURN_IF_ERROR(node_.proof_jobs().Put(batch, &record));
  chain::RpcClient rpc(node_.chain().endpoints(), 10);
  auto r = rpc.BroadcastTxSync(tx);
  if (r.ok() && (*r).value("code", 0) == 0) {
    ++*nonce;
    spdlog::info("proof submitter: tx {} with {} proofs ({} bytes), nonce {}", hash, batch.size(),
                 tx.size(), *nonce - 1);
    return Status::Ok();
  }
  // Refused: a claim that is already final on chain (settled by an earlier
  // tx, expired) finishes its job; the rest wait for the next try.
  VINET_RETURN_IF_ERROR(node_.proof_jobs().ForgetSubmittedTx(hash));
  std::vector<ProofJob> again;
  for (auto& j : batch) {
    auto record = r.ok() ? node_.chain().Query("/claim/" + j.id_hex)
                         : Result<std::optional<json>>(std::nullopt);
    std::string status = record.ok() && *record ? (**record).value("status", "") : "";
    if (FinalClaimStatus(status)) {
      VINET_RETURN_IF_ERROR(Finish(j, status, (**record).value("settled_height", int64_t{0})));
      continue;
    }
    j.status = "PROVED";
    j.tx_hash.clear();
    // CheckTx refused the tx (a nonce an earlier tx still holds in the
    // mempool, after a restart): it never reached the chain, so it is no
    // attempt. An RPC error leaves the count: the tx may have gone out.
    if (r.ok()) --j.attempts;
    again.push_back(j);
  }
  VINET_RETURN_IF_ERROR(node_.proof_jobs().Put(again));
  if (!r.ok()) return r.status();
  return Error(Code::kUnavailable,
               "SubmitProofs CheckTx code " + (*r)["code"].dump() + ": " + (*r).value("log", ""));
}

Status ProofSubmitter::Requeue(std::vector<ProofJob> jobs) {
  for (auto& j : jobs) {
    spdlog::info("proof submitter: {} leaves its batch (another member is final): re-queued",
                 j.id_hex);
    j.status = "QUEUED";
    j.batch.clear();
    j.proof.clear();
  }
  return node_.proof_jobs().Put(jobs);
}

Status ProofSubmitter::Sweep() {
  int64_t now = WallMs();
  if (now < next_sweep_ms_) return Status::Ok();
  next_sweep_ms_ = now + 1000;
  auto pending = node_.ledger().OpenClaims("PENDING", SIZE_MAX);
  if (pending.empty()) return Status::Ok();
  VINET_ASSIGN_OR_RETURN(json params, Params());
  int64_t window = params.value("zkml_deadline_blocks", int64_t{100});
  chain::RpcClient rpc(node_.chain().endpoints(), 5);
  VINET_ASSIGN_OR_RETURN(int64_t height, rpc.LatestHeight());
  for (const auto& c : pending) {
    if (c.height + window >= height) continue;
    VINET_ASSIGN_OR_RETURN(auto record, node_.chain().Query("/claim/" + c.id_hex));
    std::string status = record ? record->value("status", "") : "";
    if (!FinalClaimStatus(status)) continue;
    auto job = node_.proof_jobs().Get(c.id_hex);
    if (job.ok()) {
      VINET_RETURN_IF_ERROR(Finish(*job, status, record->value("settled_height", int64_t{0})));
    } else {
      ClaimRecord done = c;
      done.status = status;
      done.settled_ms = now;
      VINET_RETURN_IF_ERROR(node_.ledger().Update({done}));
    }
  }
  return Status::Ok();
}

}  // namespace vinet::node
