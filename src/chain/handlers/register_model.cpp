// RegisterModel: record a new model (id unique) with its fee, modes and the
// enclave measurements (PCR0) allowed to serve it; the signer is its owner.
// TEE mode requires a non-empty PCR0 allowlist (any format).
// ZKML mode requires a verifying key (and only ZKML mode allows one): parsed
// strictly, stored under "k/<model id>", its zkml model id and metered verify
// cost recorded in the model; a key whose soundness is below
// zkml::kMinSecurityBits is refused (key_below_security_floor), and one costing
// more than a whole block's verification budget (verify_cost_too_high). The
// key's weight-range proof (weights int8, biases int32) is required and
// verified after its cost is bounded (weight_range_invalid); the tx fee pays
// its verify units (MinimumFee).
// Formats: "onnx" (any mode; fee_per_inference >= min_model_fee, token prices
// 0) and "gguf" (LLM chat, docs/chat.md): model_id is the file's SHA-256 as 64
// lowercase hex, modes VANILLA and/or TEE (TEE needs a non-empty PCR0
// allowlist), and the fee is fee_per_inference + prompt x price_in +
// completion x price_out: at least one of the three > 0, and each one that is
// charged (> 0) at least min_model_fee. min_model_fee exists so that nobody
// creates ZKML verification work for free; a chat claim costs the chain only
// signature checks, paid by the tx's fee_per_claim, so a zero part is fine.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "vinet/chain/handlers.h"
#include "vinet/zkml/weight_range.h"
#include "vinet/zkml/zkml.h"

namespace vinet::chain {
namespace {

constexpr size_t kMaxIdLength = 128;
constexpr size_t kMaxPcrs = 64;
constexpr size_t kPcrBytes = 48;

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == ':';
}

TxStatus Invalid(std::string log) {
  return TxStatus::Fail(TxCode::kInvalidMessage, std::move(log));
}

TxStatus ValidateModel(const txpb::RegisterModel& msg) {
  const auto& id = msg.model_id();
  if (id.empty() || id.size() > kMaxIdLength) {
    return Invalid(fmt::format("register_model.model_id: length {} not in 1..128", id.size()));
  }
  for (char c : id) {
    if (!IsIdChar(c)) return Invalid("register_model.model_id: only [A-Za-z0-9._:-] allowed");
  }
  if (msg.name().empty() || msg.name().size() > kMaxIdLength) {
    return Invalid(fmt::format("register_model.name: length {} not in 1..128", msg.name().size()));
  }
  if (msg.format() != "onnx" && msg.format() != "gguf") {
    return Invalid("register_model.format: expected 'onnx' or 'gguf', got '" + msg.format() + "'");
  }
  if (msg.modes().empty()) return Invalid("register_model.modes: empty");
  std::set<int> seen;
  for (int mode : msg.modes()) {
    if (!inference::v1::Mode_IsValid(mode)) {
      return Invalid(fmt::format("register_model.modes: unknown mode {}", mode));
    }
    if (!seen.insert(mode).second) {
      return Invalid(fmt::format("register_model.modes: duplicate mode {}", mode));
    }
  }
  if (static_cast<size_t>(msg.allowed_pcr0_size()) > kMaxPcrs) {
    return Invalid(fmt::format("register_model.allowed_pcr0: more than {} entries", kMaxPcrs));
  }
  for (int i = 0; i < msg.allowed_pcr0_size(); ++i) {
    if (msg.allowed_pcr0(i).size() != kPcrBytes) {
      return Invalid(fmt::format("register_model.allowed_pcr0[{}]: expected 48 bytes, got {}", i,
                                 msg.allowed_pcr0(i).size()));
    }
  }
  return {};
}

bool Offers(const txpb::RegisterModel& msg, inference::v1::Mode mode) {
  return std::any_of(msg.modes().begin(), msg.modes().end(), [&](int m) { return m == mode; });
}

bool OffersZkml(const txpb::RegisterModel& msg) {
  return Offers(msg, inference::v1::MODE_ZKML);
}

bool IsLowerHex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Prices: onnx charges fee_per_inference only; gguf any of its three parts
// (see the file comment).
TxStatus CheckPrices(const txpb::RegisterModel& msg, const statepb::Params& params) {
  const uint64_t min = params.min_model_fee();
  if (msg.format() == "onnx") {
    if (msg.price_per_input_token() != 0 || msg.price_per_output_token() != 0) {
      return Invalid(
          "register_model.price_per_input_token/price_per_output_token: must be 0 for "
          "format 'onnx'");
    }
    // A fee-0 model lets its owner create claims (and verification work) for free.
    if (msg.fee_per_inference() < min) {
      return Invalid(fmt::format("register_model.fee_per_inference: {} below min_model_fee {}",
                                 msg.fee_per_inference(), min));
    }
    return {};
  }
  const std::pair<const char*, uint64_t> parts[] = {
      {"fee_per_inference", msg.fee_per_inference()},
      {"price_per_input_token", msg.price_per_input_token()},
      {"price_per_output_token", msg.price_per_output_token()}};
  bool charged = false;
  for (const auto& [field, value] : parts) {
    if (value == 0) continue;
    charged = true;
    if (value < min) {
      return Invalid(
          fmt::format("register_model.{}: {} below min_model_fee {}", field, value, min));
    }
  }
  if (!charged) {
    return Invalid(
        "register_model: a gguf model charges nothing (fee_per_inference, "
        "price_per_input_token and price_per_output_token all 0)");
  }
  return {};
}

// gguf (chat): content-addressed id, VANILLA/TEE only, TEE with an allowlist.
TxStatus CheckGguf(const txpb::RegisterModel& msg) {
  if (msg.format() != "gguf") return {};
  if (!IsLowerHex64(msg.model_id())) {
    return Invalid(
        "register_model.model_id: a gguf model's id is its file's SHA-256, 64 lowercase hex");
  }
  for (int mode : msg.modes()) {
    if (mode != inference::v1::MODE_VANILLA && mode != inference::v1::MODE_TEE) {
      return Invalid(fmt::format(
          "register_model.modes: mode {} not offered for gguf (VANILLA and/or TEE only)",
          inference::v1::Mode_Name(static_cast<inference::v1::Mode>(mode))));
    }
  }
  if (!msg.zkml_verifying_key().empty() || !msg.zkml_weight_range_proof().empty()) {
    return Invalid("register_model.zkml_verifying_key: not allowed for gguf");
  }
  if (Offers(msg, inference::v1::MODE_TEE) && msg.allowed_pcr0().empty()) {
    return Invalid("register_model.allowed_pcr0: empty, but a gguf model offering TEE needs one");
  }
  return {};
}

// Parses and meters the key; fills the model's zkml fields.
TxStatus CheckZkmlKey(const txpb::RegisterModel& msg, const statepb::Params& params,
                      statepb::Model& model) {
  bool zkml = OffersZkml(msg);
  if (!zkml && msg.zkml_verifying_key().empty()) {
    if (!msg.zkml_weight_range_proof().empty()) {
      return Invalid("register_model.zkml_weight_range_proof: set but modes lack MODE_ZKML");
    }
    return {};
  }
  if (!zkml) return Invalid("register_model.zkml_verifying_key: set but modes lack MODE_ZKML");
  if (msg.zkml_verifying_key().empty())
    return Invalid("register_model.zkml_verifying_key: required for MODE_ZKML");
  auto vk = zkml::VerifyingKey::Parse(AsBytes(msg.zkml_verifying_key()),
                                      zkml::KeyPolicy::kAllowBelowFloor);
  if (!vk.ok()) return Invalid("register_model.zkml_verifying_key: " + vk.status().message());
  // Proofs under a weak key would verify: the floor counts every term of the
  // key's soundness bound, not just its PCS field.
  if (Status floor = zkml::CheckSecurityFloor(*vk); !floor.ok()) {
    return TxStatus::Fail(TxCode::kKeyBelowSecurityFloor,
                          "register_model.zkml_verifying_key: " + floor.message());
  }
  // Kinds 6 and 7 reach the floor only under a conjecture: a chain takes them
  // only when its genesis says so.
  if (zkml::IsConjecturedKind(vk->pcs) && !params.allow_conjectured_zkml_keys()) {
    return TxStatus::Fail(
        TxCode::kKeyBelowSecurityFloor,
        fmt::format("register_model.zkml_verifying_key: kind {} has {:.1f} bits only under a "
                    "conjectured proximity bound (docs/zk.md \"Conjectured regime\"); this "
                    "chain takes proven bounds only (params.allow_conjectured_zkml_keys)",
                    static_cast<uint32_t>(vk->pcs), zkml::SoundnessBits(*vk)));
  }
  uint64_t cost = zkml::EstimateVerifyCost(*vk).units();
  if (cost > params.max_block_verify_units()) {
    return TxStatus::Fail(
        TxCode::kVerifyCostTooHigh,
        fmt::format("register_model.zkml_verifying_key: verify cost {} units exceeds "
                    "max_block_verify_units {}",
                    cost, params.max_block_verify_units()));
  }
  // The committed weights must be a real int8 model (weights in [−127, 127],
  // biases int32): bounded work first (the fee paid for it in MinimumFee).
  uint64_t range_cost = zkml::EstimateWeightRangeCost(*vk).units();
  if (range_cost > params.max_block_verify_units()) {
    return TxStatus::Fail(
        TxCode::kVerifyCostTooHigh,
        fmt::format("register_model.zkml_weight_range_proof: verify cost {} units exceeds "
                    "max_block_verify_units {}",
                    range_cost, params.max_block_verify_units()));
  }
  if (msg.zkml_weight_range_proof().empty()) {
    return TxStatus::Fail(TxCode::kWeightRangeInvalid,
                          "register_model.zkml_weight_range_proof: required for MODE_ZKML "
                          "(`vinet zk export-vk` writes it next to the key)");
  }
  if (Status st = zkml::VerifyWeightRange(*vk, AsBytes(msg.zkml_weight_range_proof())); !st.ok()) {
    return TxStatus::Fail(TxCode::kWeightRangeInvalid,
                          "register_model.zkml_weight_range_proof: " + st.message());
  }
  auto id = vk->ModelId();
  model.set_zkml_model_id(std::string(id.begin(), id.end()));
  model.set_zkml_verify_cost(cost);
  return {};
}

}  // namespace

TxStatus HandleRegisterModel(State& state, const TxContext& ctx, const DecodedTx& tx,
                             const txpb::RegisterModel& msg, Events& events) {
  if (auto s = ValidateModel(msg); !s.ok()) return s;
  if (auto s = CheckGguf(msg); !s.ok()) return s;
  if (auto s = CheckPrices(msg, ctx.params); !s.ok()) return s;
  auto existing = state.GetModel(msg.model_id());
  if (!existing.ok()) return TxStatus::Fail(TxCode::kInternal, existing.status().ToString());
  if (existing->has_value()) {
    return TxStatus::Fail(TxCode::kModelExists,
                          "register_model: model " + msg.model_id() + " is already registered");
  }
  statepb::Model model;
  if (auto s = CheckZkmlKey(msg, ctx.params, model); !s.ok()) return s;
  // Without an allowed PCR0 no enclave can ever register for the model:
  // TEE would be offered and never served (UpdateModel can add one later,
  // but an empty list at registration is a mistake, not a choice).
  if (Offers(msg, inference::v1::MODE_TEE) && msg.allowed_pcr0().empty()) {
    return Invalid(
        "register_model.allowed_pcr0: empty, but mode TEE needs at least one enclave PCR0 "
        "(the PCR0 of the enclaves allowed to serve the model)");
  }
  model.set_model_id(msg.model_id());
  model.set_name(msg.name());
  model.set_format(msg.format());
  model.set_fee_per_inference(msg.fee_per_inference());
  model.set_price_per_input_token(msg.price_per_input_token());
  model.set_price_per_output_token(msg.price_per_output_token());
  *model.mutable_modes() = msg.modes();
  *model.mutable_allowed_pcr0() = msg.allowed_pcr0();
  model.set_owner(std::string(tx.signer.begin(), tx.signer.end()));
  model.set_registered_height(ctx.height);
  state.PutModel(model);
  if (!msg.zkml_verifying_key().empty()) state.PutZkmlKey(msg.model_id(), msg.zkml_verifying_key());
  AddEvent(events, "vinet.model",
           {{"id", msg.model_id()},
            {"owner", tx.signer_address},
            {"format", msg.format()},
            {"fee", std::to_string(msg.fee_per_inference())},
            {"price_in", std::to_string(msg.price_per_input_token())},
            {"price_out", std::to_string(msg.price_per_output_token())}});
  return {};
}

}  // namespace vinet::chain
