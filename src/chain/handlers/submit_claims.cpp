// SubmitClaims: a batch of claims by a registered, unjailed node. The tx
// succeeds when well-formed; each claim gets its own status (claim_check.h)
// and its own `vinet.claim` event:
//   SETTLED   VANILLA/TEE valid and funded: fee moves client → node (chat
//             claims: fee = ChatFee of the receipt's token counts, which the
//             record and event keep)
//   PENDING   ZKML valid and funded: fee escrowed from the client, counted in
//             the node's unsettled value (risk limit: never above its stake);
//             the record keeps input_hash and the receipt's int8 outputs (what
//             the proof must match) and enters the deadline index
//             (SubmitProofs settles it, ExpireClaims expires it)
//   REJECTED  node-attributable invalidity: slash_invalid_bps of the node's
//             stake slashed, the client compensated from it (up to
//             `compensation`), the rest burned, the node jailed
//   DUPLICATE / UNFUNDED / INVALID / OVER_RISK_LIMIT: skipped, nothing stored
//   REFUSED   a validly signed claim under an expired enclave key: skipped,
//             nothing stored, nobody slashed; the node re-attests and
//             resubmits the same claim
//   (a ZKML receipt whose outputs are not one int8 tensor of the key's output
//   shape hashing to output_hash is INVALID)
// Compact claims (compact_claim.h) follow the full ones, in order; they need
// the batch (else the tx fails, kInvalidMessage) and settle only when it
// verifies over them (else each is INVALID).
// A tx with an enclave batch attestation (claim_prepare.h) also emits one
// `vinet.claim_batch` event {enclave_key, node, claims, verified, reason}
// before its claims' events; the statuses are those the per-claim checks
// would give.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <vector>

#include "handlers/claim_check.h"
#include "handlers/claim_transition.h"
#include "handlers/deposit.h"
#include "handlers/zkml_claim.h"
#include "vinet/inference/v1/request.pb.h"

namespace vinet::chain {
namespace {

using Outcome = ClaimCheck::Outcome;

std::string StatusName(statepb::ClaimStatus status) {
  std::string name = statepb::ClaimStatus_Name(status);
  return name.substr(std::string_view("CLAIM_STATUS_").size());
}

struct BatchContext {
  State& state;
  const TxContext& ctx;
  const DecodedTx& tx;
  Events& events;
  // Verifying keys parsed so far in this tx (a model's key never changes):
  // one parse per model per tx, not per claim.
  std::map<std::string, zkml::VerifyingKey, std::less<>> keys;
  // The claims this tx made final: one retention entry for all of them.
  std::vector<RetainedClaim> retained;
};

void Emit(BatchContext& b, const ClaimCheck& check, statepb::ClaimStatus status, uint64_t fee) {
  std::string mode =
      check.request ? std::string(protocol::ModeName(check.request->request.mode)) : "";
  std::string client = check.request ? protocol::ClientAddress(*check.request) : "";
  AddEvent(b.events, "vinet.claim",
           {{"id", check.id_hex},
            {"status", StatusName(status)},
            {"height", std::to_string(b.ctx.height)},
            {"mode", mode},
            {"node", b.tx.signer_address},
            {"client", client},
            {"fee", std::to_string(fee)},
            {"reason", check.reason}},
           kIndexedClaimAttributes);
  if (check.chat) {  // chat claims: what the fee was computed from
    auto* attrs = b.events.back().mutable_attributes();
    auto add = [&](const char* key, uint32_t value) {
      auto* a = attrs->Add();
      a->set_key(key);
      a->set_value(std::to_string(value));
    };
    add("prompt_tokens", check.chat->prompt_tokens);
    add("completion_tokens", check.chat->completion_tokens);
  }
}

// Stores the claim's record; a final one (SETTLED/REJECTED) also joins the
// tx's retention group (FlushRetention).
Status Store(BatchContext& b, const ClaimCheck& check, statepb::ClaimStatus status, uint64_t fee,
             const std::string& zkml_output = {}) {
  statepb::Claim record;
  auto id = FromHex(check.id_hex);
  record.set_inference_id(ToString(*id));
  record.set_status(status);
  record.set_mode(static_cast<inference::v1::Mode>(check.request->request.mode));
  record.set_model_id(check.request->request.model_id);
  record.set_node(std::string(b.tx.signer.begin(), b.tx.signer.end()));
  record.set_client(ToString(check.request->client_pubkey));
  record.set_fee(fee);
  record.set_height(b.ctx.height);
  if (status == statepb::CLAIM_STATUS_PENDING) {
    record.set_deadline(b.ctx.height + b.ctx.params.zkml_deadline_blocks());
    record.set_input_hash(ToString(check.request->request.input_hash));
    record.set_output(zkml_output);
  }
  record.set_tx_index(b.ctx.tx_index);
  record.set_reason(check.reason);
  record.set_request_expires_ms(check.request->request.expires_ms);
  if (check.chat) {
    record.set_prompt_tokens(check.chat->prompt_tokens);
    record.set_completion_tokens(check.chat->completion_tokens);
  }
  b.state.PutClaim(record);
  if (status == statepb::CLAIM_STATUS_PENDING) return Status::Ok();
  b.retained.push_back({record.inference_id(), record.request_expires_ms()});
  return Status::Ok();
}

// One retention entry for every claim the tx made final (handlers.h).
Status FlushRetention(BatchContext& b) {
  return ScheduleClaimGroupPruning(b.state, b.ctx.params, b.ctx.height, b.retained);
}

// Adds a PENDING claim to the deadline index bucket of its deadline: one new
// key per claim, O(1) whatever the bucket already holds.
Status IndexDeadline(BatchContext& b, const ClaimCheck& check) {
  int64_t deadline = b.ctx.height + b.ctx.params.zkml_deadline_blocks();
  return b.state.AddToDeadlineIndex(deadline, ToString(*FromHex(check.id_hex)));
}

// ZKML: the receipt's outputs as the proof must match them; empty with
// check.reason set when they are unusable (INVALID).
Result<std::string> ZkmlOutput(BatchContext& b, ClaimCheck& check, const PreparedClaim& claim) {
  auto cached = b.keys.find(check.model->model_id());
  if (cached == b.keys.end()) {
    auto vk = LoadZkmlKey(b.state, check.model->model_id());
    if (!vk.ok()) {
      if (vk.status().code() == Code::kInternal) return vk.status();
      check.reason = vk.status().message();
      return std::string();
    }
    cached = b.keys.emplace(check.model->model_id(), std::move(*vk)).first;
  }
  auto output = ZkmlReceiptOutput(cached->second, *claim.receipt);
  if (!output.ok()) {
    check.reason = output.status().message();
    return std::string();
  }
  return std::move(*output);
}

Status Reject(BatchContext& b, const ClaimCheck& check) {
  VINET_ASSIGN_OR_RETURN(auto node, b.state.GetNode(b.tx.signer_address));
  uint64_t slash = SlashAmount(node->stake(), b.ctx.params.slash_invalid_bps());
  uint64_t compensation = std::min(slash, b.ctx.params.compensation());
  node->set_stake(node->stake() - slash);
  node->set_jailed(true);
  b.state.PutNode(b.tx.signer_address, *node);
  std::string client = protocol::ClientAddress(*check.request);
  VINET_ASSIGN_OR_RETURN(auto account, b.state.GetAccount(client));
  account.set_balance(account.balance() + compensation);  // ≤ total supply: no overflow
  b.state.PutAccount(client, account);
  VINET_RETURN_IF_ERROR(Store(b, check, statepb::CLAIM_STATUS_REJECTED, 0));
  Emit(b, check, statepb::CLAIM_STATUS_REJECTED, 0);
  return Status::Ok();
}

// Moves `fee` from the client to the node (SETTLED) or into escrow (PENDING).
Status Settle(BatchContext& b, ClaimCheck& check, const std::string& zkml_output) {
  const auto& req = check.request->request;
  std::string client = protocol::ClientAddress(*check.request);
  auto priced = ClaimFee(check);
  if (!priced.ok()) {  // a chat fee past uint64: above any max_fee
    check.reason = priced.status().message();
    Emit(b, check, statepb::CLAIM_STATUS_UNFUNDED, 0);
    return Status::Ok();
  }
  const uint64_t fee = *priced;
  // Funds: the client's deposit for this node, then its balance (deposit.h).
  VINET_ASSIGN_OR_RETURN(uint64_t funds, ClientFunds(b.state, client, b.tx.signer_address));
  if (fee > req.max_fee || funds < fee) {
    check.reason =
        fmt::format("fee {} with max_fee {} and client funds {}", fee, req.max_fee, funds);
    Emit(b, check, statepb::CLAIM_STATUS_UNFUNDED, fee);
    return Status::Ok();
  }
  bool pending = req.mode == protocol::Mode::kZkml;
  if (pending) {
    VINET_ASSIGN_OR_RETURN(auto node, b.state.GetNode(b.tx.signer_address));
    VINET_ASSIGN_OR_RETURN(auto risk, b.state.GetRisk(b.tx.signer_address));
    if (risk.unsettled_value() + fee > node->stake()) {
      check.reason = fmt::format("unsettled {} + fee {} exceeds stake {}", risk.unsettled_value(),
                                 fee, node->stake());
      Emit(b, check, statepb::CLAIM_STATUS_OVER_RISK_LIMIT, fee);
      return Status::Ok();
    }
    risk.set_unsettled_value(risk.unsettled_value() + fee);
    risk.set_pending_claims(risk.pending_claims() + 1);
    b.state.PutRisk(b.tx.signer_address, risk);
  }
  VINET_RETURN_IF_ERROR(DrawFee(b.state, client, b.tx.signer_address, fee));
  if (!pending) {
    VINET_ASSIGN_OR_RETURN(auto node_account, b.state.GetAccount(b.tx.signer_address));
    node_account.set_balance(node_account.balance() + fee);  // ≤ total supply
    b.state.PutAccount(b.tx.signer_address, node_account);
  }
  auto status = pending ? statepb::CLAIM_STATUS_PENDING : statepb::CLAIM_STATUS_SETTLED;
  VINET_RETURN_IF_ERROR(Store(b, check, status, fee, zkml_output));
  if (pending) VINET_RETURN_IF_ERROR(IndexDeadline(b, check));
  Emit(b, check, status, fee);
  return Status::Ok();
}

// Cheap pre-check (no signature): does the claim's request ask for ZKML?
bool IsZkmlClaim(const txpb::Claim& claim) {
  ::vinet::inference::v1::RequestBody body;
  return body.ParseFromString(claim.request().body()) &&
         body.inference().mode() == ::vinet::inference::v1::MODE_ZKML;
}

Status Process(BatchContext& b, const PreparedClaim& claim) {
  ClaimCheck check = CheckClaim(b.state, b.ctx, b.tx, claim);
  switch (check.outcome) {
    case Outcome::kRefused:
      Emit(b, check, statepb::CLAIM_STATUS_REFUSED, 0);
      return Status::Ok();
    case Outcome::kInvalid:
      Emit(b, check, statepb::CLAIM_STATUS_INVALID, 0);
      return Status::Ok();
    case Outcome::kDuplicate:
      Emit(b, check, statepb::CLAIM_STATUS_DUPLICATE, 0);
      return Status::Ok();
    case Outcome::kRejected:
      return Reject(b, check);
    case Outcome::kValid:
      break;
  }
  std::string zkml_output;
  if (check.request->request.mode == protocol::Mode::kZkml) {
    VINET_ASSIGN_OR_RETURN(zkml_output, ZkmlOutput(b, check, claim));
    if (zkml_output.empty()) {
      Emit(b, check, statepb::CLAIM_STATUS_INVALID, 0);
      return Status::Ok();
    }
  }
  return Settle(b, check, zkml_output);
}

TxStatus CheckSubmitter(const State& state, const TxContext& ctx, const DecodedTx& tx,
                        const txpb::SubmitClaims& msg) {
  const uint64_t count =
      static_cast<uint64_t>(msg.claims_size()) + static_cast<uint64_t>(msg.compact_claims_size());
  if (count == 0) return TxStatus::Fail(TxCode::kInvalidMessage, "submit_claims.claims: empty");
  if (count > ctx.params.max_claims_per_tx()) {
    return TxStatus::Fail(
        TxCode::kInvalidMessage,
        fmt::format("submit_claims.claims: {} (with compact_claims) exceed max_claims_per_tx {}",
                    count, ctx.params.max_claims_per_tx()));
  }
  // Compact claims have no signatures of their own: only a batch can carry them.
  if (msg.compact_claims_size() > 0 && !msg.has_batch()) {
    return TxStatus::Fail(TxCode::kInvalidMessage,
                          "submit_claims.compact_claims: present without a batch");
  }
  auto node = state.GetNode(tx.signer_address);
  if (!node.ok()) return TxStatus::Fail(TxCode::kInternal, node.status().ToString());
  if (!node->has_value()) {
    return TxStatus::Fail(TxCode::kNodeNotFound,
                          "node " + tx.signer_address + " is not registered");
  }
  if ((*node)->jailed()) {
    return TxStatus::Fail(TxCode::kNodeJailed, "node " + tx.signer_address + " is jailed");
  }
  // A node whose stake was slashed below the minimum backs nothing more.
  if ((*node)->stake() < ctx.params.min_stake()) {
    return TxStatus::Fail(TxCode::kStakeTooLow,
                          fmt::format("node {} stake {} below min_stake {}", tx.signer_address,
                                      (*node)->stake(), ctx.params.min_stake()));
  }
  return {};
}

}  // namespace

TxStatus HandleSubmitClaims(State& state, const TxContext& ctx, const DecodedTx& tx,
                            const txpb::SubmitClaims& msg, Events& events) {
  if (auto s = CheckSubmitter(state, ctx, tx, msg); !s.ok()) return s;
  BatchContext batch{state, ctx, tx, events, {}, {}};
  // Each claim settles on its own and none can fail the tx: the mempool need
  // not verify them (FinalizeBlock does, once per validator). ZKML claims are
  // the exception: the check state records them PENDING so that a proof sent
  // right behind its claim passes CheckTx and can land in the same block.
  if (ctx.check_only) {
    for (const auto& claim : msg.claims()) {
      if (!IsZkmlClaim(claim)) continue;
      if (auto s = Process(batch, PrepareClaim(claim, !ctx.signatures_verified)); !s.ok())
        return TxStatus::Fail(TxCode::kInternal, s.ToString());
    }
    if (auto s = FlushRetention(batch); !s.ok())
      return TxStatus::Fail(TxCode::kInternal, s.ToString());
    return {};
  }
  // Signatures first, on two threads (pure, so deterministic); then the
  // state rules claim by claim, in order. A batch attestation that verifies
  // stands for the signatures of the claims it covers (claim_prepare.h).
  PreparedClaims prepared = PrepareClaims(msg, tx.signer);
  if (prepared.batch.present) {
    AddEvent(events, "vinet.claim_batch",
             {{"enclave_key", ToHex(AsBytes(msg.batch().enclave_key()))},
              {"node", tx.signer_address},
              {"claims", std::to_string(prepared.batch.covered)},
              {"verified", prepared.batch.verified ? "true" : "false"},
              {"reason", prepared.batch.error}});
  }
  for (const auto& claim : prepared.claims) {
    if (auto s = Process(batch, claim); !s.ok())
      return TxStatus::Fail(TxCode::kInternal, s.ToString());
  }
  if (auto s = FlushRetention(batch); !s.ok())
    return TxStatus::Fail(TxCode::kInternal, s.ToString());
  return {};
}

}  // namespace vinet::chain
