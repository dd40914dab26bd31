#include "query_inference.h"
#include "query_answer.h"

#include <nlohmann/json.hpp>

#include "vinet/chain/result_codes.h"
#include "vinet/common/bytes.h"
#include "vinet/crypto/ed25519.h"

namespace vinet::chain {
namespace {

using json = nlohmann::json;
using ::tendermint::abci::ResponseQuery;

bool IsHex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string Hex(const std::string& bytes) {
  return ToHex(AsBytes(bytes));
}

std::string AddressOfKey(const std::string& key) {
  if (key.size() != 32) return "";
  crypto::PublicKey pk{};
  std::copy(key.begin(), key.end(), pk.begin());
  return crypto::AddressOf(pk);
}

std::string StripPrefix(const std::string& name, std::string_view prefix) {
  return name.starts_with(prefix) ? name.substr(prefix.size()) : name;
}

json ModesJson(const google::protobuf::RepeatedField<int>& modes) {
  json out = json::array();
  for (int m : modes) {
    out.push_back(
        StripPrefix(inference::v1::Mode_Name(static_cast<inference::v1::Mode>(m)), "MODE_"));
  }
  return out;
}

}  // namespace

ResponseQuery QueryModel(const State& state, const std::string& model_id) {
  if (model_id.empty() || model_id.size() > 128) {
    return QueryFail(QueryCode::kBadId, "query /model/: id length not in 1..128");
  }
  auto model = state.GetModel(model_id);
  if (!model.ok()) return QueryFail(QueryCode::kInternal, model.status().ToString());
  if (!model->has_value())
    return QueryFail(QueryCode::kNotFound, "model " + model_id + " not found");
  const auto& m = **model;
  json pcrs = json::array();
  for (const auto& p : m.allowed_pcr0()) pcrs.push_back(Hex(p));
  json removed = json::array();
  for (const auto& p : m.removed_pcr0()) removed.push_back(Hex(p));
  return QueryAnswer({{"model_id", m.model_id()},
                      {"name", m.name()},
                      {"format", m.format()},
                      {"fee_per_inference", m.fee_per_inference()},
                      {"price_per_input_token", m.price_per_input_token()},
                      {"price_per_output_token", m.price_per_output_token()},
                      {"modes", ModesJson(m.modes())},
                      {"allowed_pcr0", pcrs},
                      {"owner", AddressOfKey(m.owner())},
                      {"registered_height", m.registered_height()},
                      {"zkml_model_id", Hex(m.zkml_model_id())},
                      {"zkml_verify_cost", m.zkml_verify_cost()},
                      {"retired", m.retired()},
                      {"retired_height", m.retired_height()},
                      {"previous_fee_per_inference", m.previous_fee_per_inference()},
                      {"fee_changed_time_ms", m.fee_changed_time_ms()},
                      {"removed_pcr0", removed}});
}

ResponseQuery QueryZkmlKey(const State& state, const std::string& model_id) {
  if (model_id.empty() || model_id.size() > 128) {
    return QueryFail(QueryCode::kBadId, "query /zkml_key/: id length not in 1..128");
  }
  auto model = state.GetModel(model_id);
  if (!model.ok()) return QueryFail(QueryCode::kInternal, model.status().ToString());
  auto key = state.GetZkmlKey(model_id);
  if (!key.ok()) return QueryFail(QueryCode::kInternal, key.status().ToString());
  if (!model->has_value() || !key->has_value()) {
    return QueryFail(QueryCode::kNotFound, "model " + model_id + " has no zkml verifying key");
  }
  return QueryAnswer({{"model_id", model_id},
                      {"zkml_model_id", Hex((*model)->zkml_model_id())},
                      {"zkml_verify_cost", (*model)->zkml_verify_cost()},
                      {"verifying_key", Hex(**key)}});
}

ResponseQuery QueryEnclave(const State& state, const std::string& key_hex) {
  if (!IsHex64(key_hex))
    return QueryFail(QueryCode::kBadId, "query /enclave/: key must be 64 lowercase hex chars");
  auto enclave = state.GetEnclave(key_hex);
  if (!enclave.ok()) return QueryFail(QueryCode::kInternal, enclave.status().ToString());
  if (!enclave->has_value())
    return QueryFail(QueryCode::kNotFound, "enclave " + key_hex + " not found");
  const auto& e = **enclave;
  return QueryAnswer(
      {{"public_key", key_hex},
       {"node", AddressOfKey(e.node())},
       {"node_public_key", Hex(e.node())},
       {"pcr0", Hex(e.pcr0())},
       {"model_ids", std::vector<std::string>(e.model_ids().begin(), e.model_ids().end())},
       {"expires_time_ms", e.expires_time_ms()},
       {"registered_height", e.registered_height()}});
}

ResponseQuery QueryClaim(const State& state, const std::string& id_hex) {
  if (!IsHex64(id_hex))
    return QueryFail(QueryCode::kBadId, "query /claim/: id must be 64 lowercase hex chars");
  auto claim = state.GetClaim(id_hex);
  if (!claim.ok()) return QueryFail(QueryCode::kInternal, claim.status().ToString());
  if (!claim->has_value()) return QueryFail(QueryCode::kNotFound, "claim " + id_hex + " not found");
  const auto& c = **claim;
  return QueryAnswer(
      {{"inference_id", id_hex},
       {"status", StripPrefix(statepb::ClaimStatus_Name(c.status()), "CLAIM_STATUS_")},
       {"mode", StripPrefix(inference::v1::Mode_Name(c.mode()), "MODE_")},
       {"model_id", c.model_id()},
       {"node", AddressOfKey(c.node())},
       {"client", AddressOfKey(c.client())},
       {"fee", c.fee()},
       {"height", c.height()},
       {"deadline", c.deadline()},
       {"tx_index", c.tx_index()},
       {"reason", c.reason()},
       {"settled_height", c.settled_height()},
       {"input_hash", Hex(c.input_hash())},
       {"output", Hex(c.output())},
       {"prompt_tokens", c.prompt_tokens()},
       {"completion_tokens", c.completion_tokens()}});
}

}  // namespace vinet::chain
