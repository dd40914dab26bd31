// SubmitProofs: ZKML proofs for the signer node's PENDING claims.
//
// Per proof (in order): the claim exists, is PENDING, belongs to the signer,
// its deadline has not passed (height ≤ deadline), the proof's inputs are
// canonical tensors whose TensorsHash is the claim's input_hash and that the
// key's input rule quantizes. A proof failing any of these changes nothing
// (event `vinet.proof` with result IGNORED and the reason). Otherwise
// zkml::Verify(key, quantized inputs, recorded output, proof) decides:
// valid → SETTLED, invalid → REJECTED (claim_transition.h).
//
// Batches (ZkmlBatchProof): k claims, each passing the per-claim checks
// above, all of one model; otherwise the whole batch changes nothing (every
// claim IGNORED with the batch's reason). zkml::VerifyBatch runs once: valid
// → all k SETTLED, invalid → all k REJECTED (only the signer, who owns every
// claim, chose to batch them). A batch costs EstimateBatchVerifyCost(key, k).
//
// Metering: each verified proof costs its model's zkml_verify_cost units; a tx
// whose proofs cost more than max_block_verify_units fails with
// verify_cost_too_high, and one that would overrun what is left of the
// block's budget fails with verify_budget_exceeded (only fee and nonce
// change: the node resubmits in a later block).
//
// Finding 3 of issue 12: the signer must not be jailed (node_jailed); the fee
// must also cover ⌈units × fee_per_million_verify_units / 10^6⌉ (fee_too_low);
// once a node has verified proofs in a block, its further proof txs in that
// block may use at most max_node_verify_share_bps of the block budget (so one
// node cannot monopolise it); a tx refused only for lack of budget has its
// claims' deadlines extended (DeferProofDeadlines) instead of expiring.
//
// CheckTx (ctx.check_only) never verifies: it rejects the whole tx on the
// first problem with its own code (claim_not_found, claim_not_pending,
// claim_not_owned, proof_malformed incl. zkml::CheckProofForm) or when the
// tx alone exceeds the block budget.
#include <fmt/format.h>

#include <set>

#include "handlers/claim_transition.h"
#include "handlers/zkml_claim.h"
#include "vinet/chain/fee.h"
#include "vinet/zkml/proof_check.h"

namespace vinet::chain {
namespace {

constexpr size_t kInferenceIdBytes = 32;

// One claim named by a proof or a batch.
struct Planned {
  std::string id_hex;
  TxCode problem = TxCode::kOk;  // kOk: verify it
  std::string reason;
  statepb::Claim claim;
  std::optional<zkml::VerifyingKey> vk;
  runtime::Int8Tensor input;
  uint64_t cost = 0;
};

// One verification: a single proof (one claim) or a batch proof (k claims).
struct PlannedProof {
  ByteSpan proof;
  bool batch = false;
  std::vector<Planned> claims;
  TxCode problem = TxCode::kOk;  // kOk: verify it
  std::string reason;
  uint64_t cost = 0;
};

Status CheckId(const std::string& id, const std::string& field, std::set<std::string>& seen,
               TxStatus& out) {
  if (id.size() != kInferenceIdBytes) {
    out = TxStatus::Fail(TxCode::kInvalidMessage,
                         fmt::format("{}: expected 32 bytes, got {}", field, id.size()));
    return Error(Code::kInvalidArgument, "");
  }
  if (!seen.insert(id).second) {
    out = TxStatus::Fail(TxCode::kInvalidMessage, field + ": duplicate in this tx");
    return Error(Code::kInvalidArgument, "");
  }
  return Status::Ok();
}

TxStatus CheckForm(const txpb::SubmitProofs& msg) {
  if (msg.proofs().empty() && msg.batches().empty())
    return TxStatus::Fail(TxCode::kInvalidMessage, "submit_proofs.proofs: empty");
  std::set<std::string> seen;
  TxStatus out;
  for (int i = 0; i < msg.proofs_size(); ++i) {
    std::string field = fmt::format("submit_proofs.proofs[{}].inference_id", i);
    if (!CheckId(msg.proofs(i).inference_id(), field, seen, out).ok()) return out;
  }
  for (int i = 0; i < msg.batches_size(); ++i) {
    const txpb::ZkmlBatchProof& b = msg.batches(i);
    size_t k = static_cast<size_t>(b.inference_ids_size());
    if (k == 0 || k > zkml::kMaxBatch) {
      return TxStatus::Fail(TxCode::kInvalidMessage,
                            fmt::format("submit_proofs.batches[{}].inference_ids: {} claims, "
                                        "want 1..{}",
                                        i, k, zkml::kMaxBatch));
    }
    if (b.inputs_size() != b.inference_ids_size()) {
      return TxStatus::Fail(TxCode::kInvalidMessage,
                            fmt::format("submit_proofs.batches[{}].inputs: {} entries for {} "
                                        "inference_ids",
                                        i, b.inputs_size(), k));
    }
    for (int j = 0; j < b.inference_ids_size(); ++j) {
      std::string field = fmt::format("submit_proofs.batches[{}].inference_ids[{}]", i, j);
      if (!CheckId(b.inference_ids(j), field, seen, out).ok()) return out;
    }
  }
  return {};
}

void Problem(Planned& p, TxCode code, std::string reason) {
  p.problem = code;
  p.reason = std::move(reason);
}

// Everything but the verification itself; kInternal on store failure.
Result<Planned> Plan(const State& state, const TxContext& ctx, const DecodedTx& tx,
                     const std::string& inference_id, const std::string& encoded_inputs) {
  Planned p;
  p.id_hex = ToHex(AsBytes(inference_id));
  VINET_ASSIGN_OR_RETURN(auto claim, state.GetClaim(p.id_hex));
  if (!claim) {
    Problem(p, TxCode::kClaimNotFound, "claim " + p.id_hex + " not found");
    return p;
  }
  p.claim = std::move(*claim);
  if (p.claim.status() != statepb::CLAIM_STATUS_PENDING) {
    Problem(p, TxCode::kClaimNotPending,
            "claim " + p.id_hex + " is " + statepb::ClaimStatus_Name(p.claim.status()));
    return p;
  }
  if (ctx.height > p.claim.deadline()) {
    Problem(p, TxCode::kClaimNotPending,
            fmt::format("claim {}: deadline {} passed (height {})", p.id_hex, p.claim.deadline(),
                        ctx.height));
    return p;
  }
  ByteSpan node = AsBytes(p.claim.node());
  if (!std::equal(tx.signer.begin(), tx.signer.end(), node.begin(), node.end())) {
    Problem(p, TxCode::kClaimNotOwned, "claim " + p.id_hex + " belongs to another node");
    return p;
  }
  auto vk = LoadZkmlKey(state, p.claim.model_id());
  if (!vk.ok()) return vk.status();  // a PENDING claim's model always has a key
  VINET_ASSIGN_OR_RETURN(auto model, state.GetModel(p.claim.model_id()));
  p.cost = model ? model->zkml_verify_cost() : 0;
  auto inputs = protocol::DecodeTensors(AsBytes(encoded_inputs));
  if (!inputs.ok()) {
    Problem(p, TxCode::kProofMalformed, "proof.inputs: " + inputs.status().message());
    return p;
  }
  auto hash = protocol::TensorsHash(*inputs);
  ByteSpan expected = AsBytes(p.claim.input_hash());
  if (!std::equal(hash.begin(), hash.end(), expected.begin(), expected.end())) {
    Problem(p, TxCode::kProofMalformed, "proof.inputs: TensorsHash differs from claim input_hash");
    return p;
  }
  auto input = DecodeZkmlInput(*vk, *inputs);
  if (!input.ok()) {
    Problem(p, TxCode::kProofMalformed, input.status().message());
    return p;
  }
  p.input = std::move(*input);
  p.vk = std::move(*vk);
  return p;
}

Result<PlannedProof> PlanSingle(const State& state, const TxContext& ctx, const DecodedTx& tx,
                                const txpb::ZkmlProof& proof) {
  PlannedProof pp;
  pp.proof = AsBytes(proof.proof());
  VINET_ASSIGN_OR_RETURN(Planned p, Plan(state, ctx, tx, proof.inference_id(), proof.inputs()));
  pp.problem = p.problem;
  pp.reason = p.reason;
  pp.cost = p.cost;
  pp.claims.push_back(std::move(p));
  return pp;
}

// The batch is verified only if every claim passes and all share one model.
Result<PlannedProof> PlanBatch(const State& state, const TxContext& ctx, const DecodedTx& tx,
                               const txpb::ZkmlBatchProof& batch) {
  PlannedProof pp;
  pp.batch = true;
  pp.proof = AsBytes(batch.proof());
  for (int j = 0; j < batch.inference_ids_size(); ++j) {
    VINET_ASSIGN_OR_RETURN(Planned p,
                           Plan(state, ctx, tx, batch.inference_ids(j), batch.inputs(j)));
    if (pp.problem == TxCode::kOk && p.problem != TxCode::kOk) {
      pp.problem = p.problem;
      pp.reason = fmt::format("batch claim {}: {}", j, p.reason);
    }
    pp.claims.push_back(std::move(p));
  }
  if (pp.problem != TxCode::kOk) return pp;
  const std::string& model = pp.claims[0].claim.model_id();
  for (size_t j = 1; j < pp.claims.size(); ++j) {
    if (pp.claims[j].claim.model_id() != model) {
      pp.problem = TxCode::kProofMalformed;
      pp.reason = fmt::format("batch claim {}: claim {} is of model {}, the batch's is {}", j,
                              pp.claims[j].id_hex, pp.claims[j].claim.model_id(), model);
      return pp;
    }
  }
  pp.cost = zkml::EstimateBatchVerifyCost(*pp.claims[0].vk, pp.claims.size()).units();
  return pp;
}

uint64_t TotalCost(const std::vector<PlannedProof>& plans) {
  uint64_t total = 0;
  for (const auto& p : plans) {
    if (p.problem != TxCode::kOk) continue;
    total = p.cost > UINT64_MAX - total ? UINT64_MAX : total + p.cost;  // saturate
  }
  return total;
}

TxStatus CheckOnly(const std::vector<PlannedProof>& plans, uint64_t total, uint64_t max) {
  for (const auto& p : plans) {
    if (p.problem != TxCode::kOk) return TxStatus::Fail(p.problem, "submit_proofs: " + p.reason);
    const zkml::VerifyingKey& vk = *p.claims[0].vk;
    Status s = p.batch ? zkml::CheckBatchProofForm(vk, p.claims.size(), p.proof)
                       : zkml::CheckProofForm(vk, p.proof);
    if (!s.ok()) {
      return TxStatus::Fail(TxCode::kProofMalformed,
                            "submit_proofs: claim " + p.claims[0].id_hex + ": " +
                                (p.batch ? "batch proof: " : "proof: ") + s.message());
    }
  }
  if (total > max) {
    return TxStatus::Fail(TxCode::kVerifyCostTooHigh,
                          fmt::format("submit_proofs: {} verify units exceed "
                                      "max_block_verify_units {}",
                                      total, max));
  }
  return {};
}

TxStatus Meter(const TxContext& ctx, const DecodedTx& tx, uint64_t total) {
  uint64_t max = ctx.params.max_block_verify_units();
  if (total > max) {
    return TxStatus::Fail(TxCode::kVerifyCostTooHigh,
                          fmt::format("submit_proofs: {} verify units exceed "
                                      "max_block_verify_units {}",
                                      total, max));
  }
  uint64_t used = ctx.block_verify_units ? *ctx.block_verify_units : 0;
  if (total > max - std::min(used, max)) {
    return TxStatus::Fail(TxCode::kVerifyBudgetExceeded,
                          fmt::format("submit_proofs: {} verify units with {} of {} already used "
                                      "in this block; resubmit in a later block",
                                      total, used, max));
  }
  uint64_t node_used = 0;
  if (ctx.node_verify_units) {
    auto it = ctx.node_verify_units->find(tx.signer_address);
    if (it != ctx.node_verify_units->end()) node_used = it->second;
  }
  // Fairness: a node's first proof tx of the block fits whenever the block
  // budget does; its later ones only within its share.
  uint64_t share = static_cast<uint64_t>(static_cast<unsigned __int128>(max) *
                                         ctx.params.max_node_verify_share_bps() / 10000);
  if (node_used > 0 && total > share - std::min(node_used, share)) {
    return TxStatus::Fail(TxCode::kVerifyBudgetExceeded,
                          fmt::format("submit_proofs: {} verify units with {} already used by "
                                      "node {} in this block (its share: {}); resubmit in a "
                                      "later block",
                                      total, node_used, tx.signer_address, share));
  }
  if (ctx.block_verify_units) *ctx.block_verify_units = used + total;
  if (ctx.node_verify_units) (*ctx.node_verify_units)[tx.signer_address] = node_used + total;
  return {};
}

TxStatus CheckSigner(const State& state, const DecodedTx& tx) {
  auto node = state.GetNode(tx.signer_address);
  if (!node.ok()) return TxStatus::Fail(TxCode::kInternal, node.status().ToString());
  if (node->has_value() && (*node)->jailed()) {
    return TxStatus::Fail(TxCode::kNodeJailed, "node " + tx.signer_address + " is jailed");
  }
  return {};
}

Result<std::vector<PlannedProof>> PlanAll(const State& state, const TxContext& ctx,
                                          const DecodedTx& tx, const txpb::SubmitProofs& msg) {
  std::vector<PlannedProof> plans;
  plans.reserve(msg.proofs_size() + msg.batches_size());
  for (const auto& proof : msg.proofs()) {
    VINET_ASSIGN_OR_RETURN(auto p, PlanSingle(state, ctx, tx, proof));
    plans.push_back(std::move(p));
  }
  for (const auto& batch : msg.batches()) {
    VINET_ASSIGN_OR_RETURN(auto p, PlanBatch(state, ctx, tx, batch));
    plans.push_back(std::move(p));
  }
  return plans;
}

Status Settle(State& state, const TxContext& ctx, PlannedProof& p, Events& events) {
  if (p.problem != TxCode::kOk) {
    for (const Planned& c : p.claims) {
      AddEvent(events, "vinet.proof",
               {{"id", c.id_hex}, {"result", "IGNORED"}, {"reason", p.reason}});
    }
    return Status::Ok();
  }
  const zkml::VerifyingKey& vk = *p.claims[0].vk;
  std::vector<runtime::Int8Tensor> inputs, outputs;
  for (const Planned& c : p.claims) {
    auto output = DecodeZkmlOutput(vk, c.claim.output());
    if (!output.ok())
      return Error(Code::kInternal, "stored claim output: " + output.status().message());
    inputs.push_back(c.input);
    outputs.push_back(std::move(*output));
  }
  Status verdict = p.batch ? zkml::VerifyBatch(vk, inputs, outputs, p.proof)
                           : zkml::Verify(vk, inputs[0], outputs[0], p.proof);
  auto to = verdict.ok() ? statepb::CLAIM_STATUS_SETTLED : statepb::CLAIM_STATUS_REJECTED;
  std::string reason =
      verdict.ok() ? "" : (p.batch ? "batch proof: " : "proof: ") + verdict.ToString();
  for (Planned& c : p.claims) {
    VINET_RETURN_IF_ERROR(
        ResolvePendingClaim(state, ctx.params, ctx.height, std::move(c.claim), to, reason, events));
  }
  return Status::Ok();
}

}  // namespace

TxStatus HandleSubmitProofs(State& state, const TxContext& ctx, const DecodedTx& tx,
                            const txpb::SubmitProofs& msg, Events& events) {
  if (auto s = CheckForm(msg); !s.ok()) return s;
  if (auto s = CheckSigner(state, tx); !s.ok()) return s;
  auto planned = PlanAll(state, ctx, tx, msg);
  if (!planned.ok()) return TxStatus::Fail(TxCode::kInternal, planned.status().ToString());
  std::vector<PlannedProof>& plans = *planned;
  uint64_t total = TotalCost(plans);
  uint64_t verify_fee = VerifyFee(FeesOf(ctx.params), total);
  if (uint64_t need = ctx.stateless_fee + verify_fee; tx.body.fee() < need) {
    return TxStatus::Fail(TxCode::kFeeTooLow,
                          fmt::format("tx.body.fee: {} below the required {} ({} for the tx and "
                                      "{} for {} verify units)",
                                      tx.body.fee(), need, ctx.stateless_fee, verify_fee, total));
  }
  if (ctx.check_only) return CheckOnly(plans, total, ctx.params.max_block_verify_units());
  if (auto s = Meter(ctx, tx, total); !s.ok()) return s;
  for (auto& p : plans) {
    if (auto s = Settle(state, ctx, p, events); !s.ok())
      return TxStatus::Fail(TxCode::kInternal, s.ToString());
  }
  return {};
}

Status DeferProofDeadlines(State& state, const TxContext& ctx, const DecodedTx& tx,
                           const txpb::SubmitProofs& msg, Events& events) {
  const int64_t grace = ctx.params.budget_grace_blocks();
  if (grace <= 0) return Status::Ok();
  VINET_ASSIGN_OR_RETURN(auto plans, PlanAll(state, ctx, tx, msg));
  for (auto& pp : plans) {
    if (pp.problem != TxCode::kOk) continue;  // only proofs that would have been verified
    for (auto& p : pp.claims) {
      statepb::Claim& claim = p.claim;
      // At most one proof window past the first deadline, however crowded.
      int64_t cap = claim.height() + 2 * ctx.params.zkml_deadline_blocks();
      int64_t target = std::min(ctx.height + grace, cap);
      if (target <= claim.deadline()) continue;  // not due soon, or extended to the cap
      int64_t old = claim.deadline();
      claim.set_deadline(target);
      state.PutClaim(claim);
      VINET_RETURN_IF_ERROR(state.AddToDeadlineIndex(target, claim.inference_id()));
      AddEvent(
          events, "vinet.proof",
          {{"id", p.id_hex},
           {"result", "DEFERRED"},
           {"reason", fmt::format("block verify budget full: deadline {} -> {}", old, target)}});
    }
  }
  return Status::Ok();
}

}  // namespace vinet::chain
