#include "vinet/chain/genesis.h"

#include <charconv>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "vinet/chain/staking.h"
#include "vinet/tee/trust_root.h"

namespace vinet::chain {
namespace {

using json = nlohmann::json;

Result<uint64_t> ParseAmount(const json& v, const std::string& field) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    uint64_t out = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (!s.empty() && ec == std::errc() && ptr == s.data() + s.size()) return out;
  }
  return Error(Code::kParse, "genesis." + field + ": expected a non-negative integer");
}

// tee_roots: a list of PEM certificates, each checked to parse as one root.
Status ParseTeeRoots(const json& v, statepb::Params& params) {
  if (!v.is_array()) return Error(Code::kParse, "genesis.params.tee_roots: expected an array");
  params.clear_tee_roots();
  for (size_t i = 0; i < v.size(); ++i) {
    std::string field = "genesis.params.tee_roots[" + std::to_string(i) + "]";
    if (!v[i].is_string()) return Error(Code::kParse, field + ": expected a PEM string");
    const auto& pem = v[i].get_ref<const std::string&>();
    if (auto root = tee::TrustRoot::FromPem(pem); !root.ok()) {
      return Error(Code::kParse, field + ": " + root.status().message());
    }
    params.add_tee_roots(pem);
  }
  return Status::Ok();
}

Status ParseSmallParam(const std::string& key, uint64_t n, statepb::Params& params) {
  auto bounded = [&](uint64_t max) -> Status {
    if (n > max)
      return Error(Code::kParse, fmt::format("genesis.params.{}: larger than {}", key, max));
    return Status::Ok();
  };
  if (key == "enclave_ttl_ms" || key == "attestation_window" || key == "zkml_deadline_blocks" ||
      key == "max_request_ttl_ms" || key == "escrow_unlock_delay_ms") {
    VINET_RETURN_IF_ERROR(bounded(uint64_t{1} << 50));
    auto v = static_cast<int64_t>(n);
    if (key == "escrow_unlock_delay_ms") params.set_escrow_unlock_delay_ms(v);
    if (key == "max_request_ttl_ms") params.set_max_request_ttl_ms(v);
    if (key == "enclave_ttl_ms") params.set_enclave_ttl_ms(v);
    if (key == "attestation_window") params.set_attestation_window(v);
    if (key == "zkml_deadline_blocks") params.set_zkml_deadline_blocks(v);
  } else if (key == "slash_invalid_bps") {
    VINET_RETURN_IF_ERROR(bounded(10000));
    params.set_slash_invalid_bps(static_cast<uint32_t>(n));
  } else if (key == "max_claims_per_tx") {
    VINET_RETURN_IF_ERROR(bounded(100000));
    params.set_max_claims_per_tx(static_cast<uint32_t>(n));
  } else if (key == "slash_missing_bps") {
    VINET_RETURN_IF_ERROR(bounded(10000));
    params.set_slash_missing_bps(static_cast<uint32_t>(n));
  } else if (key == "compensation") {
    params.set_compensation(n);
  } else if (key == "fee_per_kib") {
    params.set_fee_per_kib(n);
  } else if (key == "fee_per_claim") {
    params.set_fee_per_claim(n);
  } else if (key == "fee_per_million_verify_units") {
    params.set_fee_per_million_verify_units(n);
  } else if (key == "min_model_fee") {
    params.set_min_model_fee(n);
  } else if (key == "max_node_verify_share_bps") {
    VINET_RETURN_IF_ERROR(bounded(10000));
    params.set_max_node_verify_share_bps(static_cast<uint32_t>(n));
  } else if (key == "budget_grace_blocks") {
    VINET_RETURN_IF_ERROR(bounded(uint64_t{1} << 20));
    params.set_budget_grace_blocks(static_cast<int64_t>(n));
  } else if (key == "claim_retention_blocks") {
    VINET_RETURN_IF_ERROR(bounded(uint64_t{1} << 30));
    params.set_claim_retention_blocks(static_cast<int64_t>(n));
  } else if (key == "max_block_verify_units") {
    params.set_max_block_verify_units(n);
  } else if (key == "power_reduction") {
    if (n < kMinPowerReduction) {
      return Error(Code::kParse, fmt::format("genesis.params.power_reduction: {} below {}", n,
                                             kMinPowerReduction));
    }
    params.set_power_reduction(n);
  } else if (key == "max_validators") {
    VINET_RETURN_IF_ERROR(bounded(10000));
    if (n == 0) return Error(Code::kParse, "genesis.params.max_validators: must be positive");
    params.set_max_validators(static_cast<uint32_t>(n));
  } else if (key == "min_self_bond") {
    params.set_min_self_bond(n);
  } else if (key == "slash_double_sign_bps") {
    VINET_RETURN_IF_ERROR(bounded(10000));
    params.set_slash_double_sign_bps(static_cast<uint32_t>(n));
  } else if (key == "jail_blocks") {
    VINET_RETURN_IF_ERROR(bounded(uint64_t{1} << 40));
    params.set_jail_blocks(static_cast<int64_t>(n));
  } else if (key == "max_validator_records") {
    VINET_RETURN_IF_ERROR(bounded(100000));
    params.set_max_validator_records(static_cast<uint32_t>(n));
  } else {
    return Error(Code::kParse, "genesis.params." + key + ": unknown parameter");
  }
  return Status::Ok();
}

Status ParseParams(const json& p, statepb::Params& params) {
  if (!p.is_object()) return Error(Code::kParse, "genesis.params: expected an object");
  for (const auto& [key, value] : p.items()) {
    if (key == "tee_roots") {
      VINET_RETURN_IF_ERROR(ParseTeeRoots(value, params));
      continue;
    }
    using BoolSetter = void (statepb::Params::*)(bool);
    static const std::map<std::string, BoolSetter, std::less<>> kBoolParams = {
        {"allow_debug_enclaves", &statepb::Params::set_allow_debug_enclaves},
        {"allow_conjectured_zkml_keys", &statepb::Params::set_allow_conjectured_zkml_keys}};
    if (auto setter = kBoolParams.find(key); setter != kBoolParams.end()) {
      if (!value.is_boolean()) {
        return Error(Code::kParse, "genesis.params." + key + ": expected a boolean");
      }
      (params.*(setter->second))(value.get<bool>());
      continue;
    }
    VINET_ASSIGN_OR_RETURN(uint64_t n, ParseAmount(value, "params." + key));
    if (key == "min_stake") {
      params.set_min_stake(n);
    } else if (key == "unbonding_blocks") {
      if (n > (uint64_t{1} << 40)) {
        return Error(Code::kParse, "genesis.params.unbonding_blocks: larger than 2^40");
      }
      params.set_unbonding_blocks(static_cast<int64_t>(n));
    } else if (key == "min_fee") {
      params.set_min_fee(n);
    } else if (key == "max_tx_bytes") {
      params.set_max_tx_bytes(n);
    } else {
      VINET_RETURN_IF_ERROR(ParseSmallParam(key, n, params));
    }
  }
  return Status::Ok();
}

Status ParseAccounts(const json& list, std::vector<GenesisAccount>& out) {
  if (!list.is_array()) return Error(Code::kParse, "genesis.accounts: expected an array");
  std::set<std::string> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string field = "accounts[" + std::to_string(i) + "]";
    const auto& a = list[i];
    if (!a.is_object() || !a.contains("address") || !a["address"].is_string()) {
      return Error(Code::kParse, "genesis." + field + ".address: missing");
    }
    GenesisAccount acct;
    acct.address = a["address"].get<std::string>();
    if (!IsValidAddress(acct.address)) {
      return Error(Code::kParse, "genesis." + field + ".address: expected 40 lowercase hex chars");
    }
    if (!seen.insert(acct.address).second) {
      return Error(Code::kParse, "genesis." + field + ".address: duplicate " + acct.address);
    }
    if (!a.contains("balance"))
      return Error(Code::kParse, "genesis." + field + ".balance: missing");
    VINET_ASSIGN_OR_RETURN(acct.balance, ParseAmount(a["balance"], field + ".balance"));
    out.push_back(std::move(acct));
  }
  return Status::Ok();
}

// validators: operator, consensus key (hex), bond; no duplicates of either.
Status ParseValidators(const json& list, std::vector<GenesisValidator>& out) {
  if (!list.is_array()) return Error(Code::kParse, "genesis.validators: expected an array");
  std::set<std::string> operators, keys;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string field = "genesis.validators[" + std::to_string(i) + "]";
    const auto& v = list[i];
    if (!v.is_object()) return Error(Code::kParse, field + ": expected an object");
    for (const auto& [key, value] : v.items()) {
      if (key != "operator" && key != "consensus_pubkey" && key != "bond") {
        return Error(Code::kParse, field + "." + key + ": unknown key");
      }
    }
    GenesisValidator gv;
    if (!v.contains("operator") || !v["operator"].is_string() ||
        !IsValidAddress(v["operator"].get<std::string>())) {
      return Error(Code::kParse, field + ".operator: expected 40 lowercase hex chars");
    }
    gv.operator_address = v["operator"].get<std::string>();
    if (!v.contains("consensus_pubkey") || !v["consensus_pubkey"].is_string()) {
      return Error(Code::kParse, field + ".consensus_pubkey: expected 64 hex chars");
    }
    auto key = FromHex(v["consensus_pubkey"].get<std::string>());
    if (!key.ok() || key->size() != 32) {
      return Error(Code::kParse, field + ".consensus_pubkey: expected 64 hex chars");
    }
    gv.consensus_pubkey = ToString(*key);
    if (!v.contains("bond")) return Error(Code::kParse, field + ".bond: missing");
    VINET_ASSIGN_OR_RETURN(gv.bond, ParseAmount(v["bond"], field.substr(8) + ".bond"));
    if (!operators.insert(gv.operator_address).second) {
      return Error(Code::kParse, field + ".operator: duplicate " + gv.operator_address);
    }
    if (!keys.insert(gv.consensus_pubkey).second) {
      return Error(Code::kParse, field + ".consensus_pubkey: duplicate");
    }
    out.push_back(std::move(gv));
  }
  return Status::Ok();
}

}  // namespace

statepb::Params DefaultParams() {
  statepb::Params p;
  p.set_min_stake(1000);
  p.set_unbonding_blocks(10);
  p.set_min_fee(1);
  p.set_max_tx_bytes(1 << 20);
  p.set_enclave_ttl_ms(24 * 3600 * 1000);
  p.set_attestation_window(100);
  p.set_allow_debug_enclaves(false);
  p.set_allow_conjectured_zkml_keys(false);
  p.set_slash_invalid_bps(1000);
  p.set_compensation(1000);
  p.set_max_claims_per_tx(1000);
  p.set_zkml_deadline_blocks(100);
  p.set_slash_missing_bps(500);
  p.set_max_block_verify_units(kDefaultMaxBlockVerifyUnits);
  p.set_max_request_ttl_ms(3600 * 1000);
  p.set_fee_per_kib(1);
  p.set_fee_per_claim(1);
  p.set_fee_per_million_verify_units(1);  // the MLP 784-128-10 proof: 2
  p.set_min_model_fee(1);
  p.set_max_node_verify_share_bps(5000);
  p.set_budget_grace_blocks(10);
  p.set_escrow_unlock_delay_ms(2 * 3600 * 1000);
  p.set_claim_retention_blocks(kDefaultClaimRetentionBlocks);
  p.set_power_reduction(1'000'000);
  p.set_max_validators(100);
  p.set_min_self_bond(1'000'000);
  p.set_slash_double_sign_bps(500);
  p.set_jail_blocks(100);
  p.set_max_validator_records(1000);
  p.add_tee_roots(std::string(tee::TrustRoot::AwsNitro().ToPem()));
  return p;
}

Result<Genesis> ParseGenesis(std::string_view text) {
  Genesis g;
  g.params = DefaultParams();
  if (text.empty() || text == "null") return g;
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error(Code::kParse, "genesis: app_state is not valid JSON");
  if (doc.is_null()) return g;
  if (!doc.is_object()) return Error(Code::kParse, "genesis: app_state must be a JSON object");
  for (const auto& [key, value] : doc.items()) {
    if (key == "accounts") {
      VINET_RETURN_IF_ERROR(ParseAccounts(value, g.accounts));
    } else if (key == "params") {
      VINET_RETURN_IF_ERROR(ParseParams(value, g.params));
    } else if (key == "validators") {
      VINET_RETURN_IF_ERROR(ParseValidators(value, g.validators));
    } else {
      return Error(Code::kParse, "genesis." + key + ": unknown key");
    }
  }
  // Every later credit relies on "≤ total supply: no overflow".
  uint64_t total = 0;
  for (size_t i = 0; i < g.accounts.size(); ++i) {
    if (g.accounts[i].balance > UINT64_MAX - total) {
      return Error(Code::kParse, "genesis.accounts[" + std::to_string(i) +
                                     "].balance: total supply exceeds 2^64 - 1");
    }
    total += g.accounts[i].balance;
  }
  for (size_t i = 0; i < g.validators.size(); ++i) {
    const auto& v = g.validators[i];
    std::string field = "genesis.validators[" + std::to_string(i) + "]";
    if (v.bond > UINT64_MAX - total) {
      return Error(Code::kParse, field + ".bond: total supply exceeds 2^64 - 1");
    }
    total += v.bond;
    if (v.bond < g.params.min_self_bond()) {
      return Error(Code::kParse, fmt::format("{}.bond: {} below min_self_bond {}", field, v.bond,
                                             g.params.min_self_bond()));
    }
  }
  if (g.validators.size() > g.params.max_validator_records()) {
    return Error(Code::kParse, fmt::format("genesis.validators: {} above max_validator_records {}",
                                           g.validators.size(), g.params.max_validator_records()));
  }
  // A deposit must outlive every request a node served against it.
  if (g.params.escrow_unlock_delay_ms() <= g.params.max_request_ttl_ms()) {
    return Error(Code::kParse,
                 fmt::format("genesis.params.escrow_unlock_delay_ms: {} must exceed "
                             "max_request_ttl_ms {}",
                             g.params.escrow_unlock_delay_ms(), g.params.max_request_ttl_ms()));
  }
  return g;
}

std::string GenesisToJson(const Genesis& genesis) {
  json accounts = json::array();
  for (const auto& a : genesis.accounts) {
    accounts.push_back({{"address", a.address}, {"balance", a.balance}});
  }
  const auto& p = genesis.params;
  json params = {
      {"min_stake", p.min_stake()},
      {"unbonding_blocks", p.unbonding_blocks()},
      {"min_fee", p.min_fee()},
      {"max_tx_bytes", p.max_tx_bytes()},
      {"tee_roots", json(std::vector<std::string>(p.tee_roots().begin(), p.tee_roots().end()))},
      {"enclave_ttl_ms", p.enclave_ttl_ms()},
      {"attestation_window", p.attestation_window()},
      {"allow_debug_enclaves", p.allow_debug_enclaves()},
      {"allow_conjectured_zkml_keys", p.allow_conjectured_zkml_keys()},
      {"slash_invalid_bps", p.slash_invalid_bps()},
      {"compensation", p.compensation()},
      {"max_claims_per_tx", p.max_claims_per_tx()},
      {"zkml_deadline_blocks", p.zkml_deadline_blocks()},
      {"slash_missing_bps", p.slash_missing_bps()},
      {"max_block_verify_units", p.max_block_verify_units()},
      {"max_request_ttl_ms", p.max_request_ttl_ms()},
      {"fee_per_kib", p.fee_per_kib()},
      {"fee_per_claim", p.fee_per_claim()},
      {"fee_per_million_verify_units", p.fee_per_million_verify_units()},
      {"min_model_fee", p.min_model_fee()},
      {"max_node_verify_share_bps", p.max_node_verify_share_bps()},
      {"budget_grace_blocks", p.budget_grace_blocks()},
      {"escrow_unlock_delay_ms", p.escrow_unlock_delay_ms()},
      {"claim_retention_blocks", p.claim_retention_blocks()},
      {"power_reduction", p.power_reduction()},
      {"max_validators", p.max_validators()},
      {"min_self_bond", p.min_self_bond()},
      {"slash_double_sign_bps", p.slash_double_sign_bps()},
      {"jail_blocks", p.jail_blocks()},
      {"max_validator_records", p.max_validator_records()}};
  json out{{"accounts", accounts}, {"params", params}};
  if (!genesis.validators.empty()) {
    json validators = json::array();
    for (const auto& v : genesis.validators) {
      validators.push_back({{"operator", v.operator_address},
                            {"consensus_pubkey", ToHex(AsBytes(v.consensus_pubkey))},
                            {"bond", v.bond}});
    }
    out["validators"] = validators;
  }
  return out.dump();
}

Status ApplyGenesis(const Genesis& genesis, State& state) {
  state.PutParams(genesis.params);
  for (const auto& a : genesis.accounts) {
    statepb::Account acct;
    acct.set_balance(a.balance);
    state.PutAccount(a.address, acct);
  }
  for (const auto& gv : genesis.validators) {
    statepb::Validator v;
    v.set_operator_(gv.operator_address);
    v.set_consensus_pubkey(gv.consensus_pubkey);
    v.set_consensus_address(ConsensusAddress(gv.consensus_pubkey));
    v.set_bond(gv.bond);
    VINET_RETURN_IF_ERROR(AddValidator(state, v));
  }
  return Status::Ok();
}

}  // namespace vinet::chain
