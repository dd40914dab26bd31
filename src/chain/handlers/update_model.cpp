// UpdateModel: the owner of a registered model adds or removes allowed
// enclave PCR0s, changes the fee for requests signed from now on, or retires
// the model (docs/chain.md "Updating a model"). Checks, in order: message
// well-formed (model id, 48-byte PCR0s, no duplicates, at least one change)
// → model registered (model_not_found) → signer is its owner
// (not_model_owner) → not retired (model_retired) → each removed PCR0 is in
// the allowlist, the allowlist stays ≤ 64 → the fee obeys the RegisterModel
// price rules and the last fee change is at least max_request_ttl_ms old.
// Nothing is written unless every check passes.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "handlers/claim_transition.h"
#include "vinet/chain/handlers.h"

namespace vinet::chain {
namespace {

constexpr size_t kMaxPcrs = 64;
constexpr size_t kPcrBytes = 48;

TxStatus Invalid(std::string log) {
  return TxStatus::Fail(TxCode::kInvalidMessage, std::move(log));
}

TxStatus CheckPcrList(const google::protobuf::RepeatedPtrField<std::string>& pcrs,
                      const char* field) {
  if (static_cast<size_t>(pcrs.size()) > kMaxPcrs) {
    return Invalid(fmt::format("update_model.{}: more than {} entries", field, kMaxPcrs));
  }
  std::set<std::string> seen;
  for (int i = 0; i < pcrs.size(); ++i) {
    if (pcrs[i].size() != kPcrBytes) {
      return Invalid(
          fmt::format("update_model.{}[{}]: expected 48 bytes, got {}", field, i, pcrs[i].size()));
    }
    if (!seen.insert(pcrs[i]).second) {
      return Invalid(fmt::format("update_model.{}[{}]: duplicate", field, i));
    }
  }
  return {};
}

TxStatus ValidateUpdate(const txpb::UpdateModel& msg) {
  if (msg.model_id().empty() || msg.model_id().size() > 128) {
    return Invalid(
        fmt::format("update_model.model_id: length {} not in 1..128", msg.model_id().size()));
  }
  if (auto s = CheckPcrList(msg.add_pcr0(), "add_pcr0"); !s.ok()) return s;
  if (auto s = CheckPcrList(msg.remove_pcr0(), "remove_pcr0"); !s.ok()) return s;
  for (const auto& p : msg.add_pcr0()) {
    if (std::find(msg.remove_pcr0().begin(), msg.remove_pcr0().end(), p) !=
        msg.remove_pcr0().end()) {
      return Invalid("update_model: the same PCR0 is both added and removed");
    }
  }
  if (msg.add_pcr0().empty() && msg.remove_pcr0().empty() && !msg.has_fee_per_inference() &&
      !msg.retire()) {
    return Invalid(
        "update_model: nothing to change (add_pcr0, remove_pcr0, fee_per_inference "
        "or retire)");
  }
  return {};
}

bool Contains(const google::protobuf::RepeatedPtrField<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// The allowlist after the update (removed entries go to removed_pcr0, added
// ones leave it).
TxStatus ApplyPcrs(const txpb::UpdateModel& msg, statepb::Model& model) {
  for (int i = 0; i < msg.remove_pcr0_size(); ++i) {
    if (!Contains(model.allowed_pcr0(), msg.remove_pcr0(i))) {
      return Invalid(fmt::format("update_model.remove_pcr0[{}]: {} is not in the allowlist", i,
                                 ToHex(AsBytes(msg.remove_pcr0(i)))));
    }
  }
  google::protobuf::RepeatedPtrField<std::string> allowed, removed;
  for (const auto& p : model.allowed_pcr0()) {
    if (!Contains(msg.remove_pcr0(), p)) *allowed.Add() = p;
  }
  for (const auto& p : msg.add_pcr0()) {
    if (!Contains(allowed, p)) *allowed.Add() = p;
  }
  for (const auto& p : model.removed_pcr0()) {
    if (!Contains(msg.add_pcr0(), p) && !Contains(msg.remove_pcr0(), p)) *removed.Add() = p;
  }
  for (const auto& p : msg.remove_pcr0()) *removed.Add() = p;
  if (static_cast<size_t>(allowed.size()) > kMaxPcrs) {
    return Invalid(
        fmt::format("update_model.add_pcr0: the allowlist would hold {} entries (max {})",
                    allowed.size(), kMaxPcrs));
  }
  // removed_pcr0 is bounded like the allowlist: the oldest removals go first.
  while (static_cast<size_t>(removed.size()) > kMaxPcrs) removed.DeleteSubrange(0, 1);
  *model.mutable_allowed_pcr0() = std::move(allowed);
  *model.mutable_removed_pcr0() = std::move(removed);
  return {};
}

TxStatus ApplyFee(const txpb::UpdateModel& msg, const TxContext& ctx, statepb::Model& model) {
  if (!msg.has_fee_per_inference()) return {};
  const uint64_t fee = msg.fee_per_inference();
  const uint64_t min = ctx.params.min_model_fee();
  bool chat_priced = model.price_per_input_token() > 0 || model.price_per_output_token() > 0;
  // The RegisterModel rules: an onnx fee >= min_model_fee; a gguf fee 0 only
  // when the token prices charge, else >= min_model_fee.
  if ((model.format() == "onnx" || fee != 0 || !chat_priced) && fee < min) {
    return Invalid(
        fmt::format("update_model.fee_per_inference: {} below min_model_fee {}", fee, min));
  }
  const int64_t ttl = static_cast<int64_t>(ctx.params.max_request_ttl_ms());
  if (model.fee_changed_time_ms() != 0 && ctx.block_time_ms < model.fee_changed_time_ms() + ttl) {
    return Invalid(fmt::format(
        "update_model.fee_per_inference: the fee last changed at {} ms; the next change is "
        "allowed from {} ms (one per max_request_ttl_ms, so every claimable request knows its "
        "fee)",
        model.fee_changed_time_ms(), model.fee_changed_time_ms() + ttl));
  }
  model.set_previous_fee_per_inference(model.fee_per_inference());
  model.set_fee_per_inference(fee);
  model.set_fee_changed_time_ms(ctx.block_time_ms);
  return {};
}

}  // namespace

TxStatus HandleUpdateModel(State& state, const TxContext& ctx, const DecodedTx& tx,
                           const txpb::UpdateModel& msg, Events& events) {
  if (auto s = ValidateUpdate(msg); !s.ok()) return s;
  auto existing = state.GetModel(msg.model_id());
  if (!existing.ok()) return TxStatus::Fail(TxCode::kInternal, existing.status().ToString());
  if (!existing->has_value()) {
    return TxStatus::Fail(TxCode::kModelNotFound,
                          "update_model: model " + msg.model_id() + " is not registered");
  }
  statepb::Model model = std::move(**existing);
  if (model.owner() != std::string(tx.signer.begin(), tx.signer.end())) {
    return TxStatus::Fail(TxCode::kNotModelOwner,
                          "update_model: signer " + tx.signer_address + " is not the owner of " +
                              msg.model_id() + " (owner " + AddressOfKeyBytes(model.owner()) + ")");
  }
  if (model.retired()) {
    return TxStatus::Fail(TxCode::kModelRetired,
                          fmt::format("update_model: model {} was retired at height {}",
                                      msg.model_id(), model.retired_height()));
  }
  if (auto s = ApplyPcrs(msg, model); !s.ok()) return s;
  if (auto s = ApplyFee(msg, ctx, model); !s.ok()) return s;
  if (msg.retire()) {
    model.set_retired(true);
    model.set_retired_height(ctx.height);
  }
  state.PutModel(model);
  AddEvent(events, "vinet.model_update",
           {{"id", msg.model_id()},
            {"owner", tx.signer_address},
            {"fee", std::to_string(model.fee_per_inference())},
            {"allowed_pcr0", std::to_string(model.allowed_pcr0_size())},
            {"retired", model.retired() ? "true" : "false"}});
  return {};
}

}  // namespace vinet::chain
