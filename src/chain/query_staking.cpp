#include "query_staking.h"

#include <charconv>

#include "query_answer.h"
#include "vinet/chain/staking.h"
#include "vinet/common/bytes.h"

namespace vinet::chain {
namespace {

using json = nlohmann::json;
using ::tendermint::abci::ResponseQuery;

json ValidatorJson(const statepb::Validator& v, const statepb::Params& params,
                   const statepb::ValidatorSet& active) {
  int64_t power = 0;  // as last given to CometBFT
  for (const auto& a : active.validators()) {
    if (a.operator_() == v.operator_()) power = a.power();
  }
  json unbonding = json::array();
  for (const auto& e : v.unbonding()) {
    unbonding.push_back({{"amount", e.amount()},
                         {"creation_height", e.creation_height()},
                         {"complete_height", e.complete_height()}});
  }
  return {{"operator", v.operator_()},
          {"consensus_pubkey", ToHex(AsBytes(v.consensus_pubkey()))},
          {"consensus_address", v.consensus_address()},
          {"bond", v.bond()},
          {"bond_power", PowerOf(v.bond(), params)},
          {"power", power},
          {"commission_bps", v.commission_bps()},
          {"jailed", v.jailed()},
          {"jailed_until_height", v.jailed_until_height()},
          {"created_height", v.created_height()},
          {"slashed_total", v.slashed_total()},
          {"unbonding", unbonding}};
}

json EvidenceJson(const statepb::EvidenceRecord& e) {
  return {{"hash", e.hash()},
          {"type", e.type()},
          {"height", e.height()},
          {"time_ms", e.time_ms()},
          {"consensus_address", e.consensus_address()},
          {"operator", e.operator_()},
          {"slashed", e.slashed()},
          {"jailed", e.jailed()},
          {"committed_height", e.committed_height()}};
}

bool IsHash(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<int64_t> ParseHeight(std::string_view s) {
  int64_t h = 0;
  if (s.empty() || s.size() > 18) return std::nullopt;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), h);
  if (ec != std::errc() || ptr != s.data() + s.size() || h < 0) return std::nullopt;
  return h;
}

Result<json> EvidenceList(const State& state, const statepb::EvidenceList& list) {
  json out = json::array();
  for (const auto& h : list.hashes()) {
    VINET_ASSIGN_OR_RETURN(auto e, state.GetEvidence(h));
    if (!e) return Error(Code::kInternal, "state: evidence " + h + " listed but absent");
    out.push_back(EvidenceJson(*e));
  }
  return out;
}

}  // namespace

ResponseQuery QueryValidator(const State& state, const std::string& address) {
  auto v = state.GetValidator(address);
  if (!v.ok()) return QueryFail(QueryCode::kInternal, v.status().ToString());
  if (!v->has_value()) {
    return QueryFail(QueryCode::kNotFound, "validator " + address + " not found");
  }
  auto params = state.GetParams();
  auto active = state.GetActiveSet();
  if (!params.ok() || !active.ok()) {
    return QueryFail(QueryCode::kInternal,
                     params.ok() ? active.status().ToString() : params.status().ToString());
  }
  return QueryAnswer(ValidatorJson(**v, *params, *active));
}

ResponseQuery QueryValidators(const State& state) {
  auto params = state.GetParams();
  auto active = state.GetActiveSet();
  auto candidates = state.GetCandidates();
  if (!params.ok() || !active.ok() || !candidates.ok()) {
    return QueryFail(QueryCode::kInternal, "state: validator records unreadable");
  }
  json all = json::array();
  for (const auto& op : candidates->operators()) {
    auto v = state.GetValidator(op);
    if (!v.ok() || !v->has_value()) {
      return QueryFail(QueryCode::kInternal, "state: candidate " + op + " has no record");
    }
    all.push_back(ValidatorJson(**v, *params, *active));
  }
  json set = json::array();
  int64_t total = 0;
  for (const auto& a : active->validators()) {
    set.push_back({{"operator", a.operator_()},
                   {"consensus_address", ConsensusAddress(a.consensus_pubkey())},
                   {"power", a.power()}});
    total += a.power();
  }
  return QueryAnswer({{"validators", all}, {"active", set}, {"total_power", total}});
}

ResponseQuery QueryEvidence(const State& state, const std::string& rest) {
  if (rest.empty()) {
    auto recent = state.GetRecentEvidence();
    if (!recent.ok()) return QueryFail(QueryCode::kInternal, recent.status().ToString());
    auto list = EvidenceList(state, *recent);
    if (!list.ok()) return QueryFail(QueryCode::kInternal, list.status().ToString());
    return QueryAnswer({{"evidence", *list}});
  }
  const std::string arg = rest.substr(1);
  if (IsHash(arg)) {
    auto e = state.GetEvidence(arg);
    if (!e.ok()) return QueryFail(QueryCode::kInternal, e.status().ToString());
    if (!e->has_value()) return QueryFail(QueryCode::kNotFound, "evidence " + arg + " not found");
    return QueryAnswer(EvidenceJson(**e));
  }
  auto height = ParseHeight(arg);
  if (!height || rest[0] != '/') {
    return QueryFail(QueryCode::kBadId, "query /evidence" + rest +
                                            ": expected /evidence, /evidence/<64 lowercase hex "
                                            "hash> or /evidence/<height>");
  }
  auto at = state.GetEvidenceAtHeight(*height);
  if (!at.ok()) return QueryFail(QueryCode::kInternal, at.status().ToString());
  auto list = EvidenceList(state, *at);
  if (!list.ok()) return QueryFail(QueryCode::kInternal, list.status().ToString());
  return QueryAnswer({{"height", *height}, {"evidence", *list}});
}

std::optional<std::string> StakingStateKeyOfPath(const std::string& path) {
  if (path.starts_with("/validator/")) return ValidatorKey(path.substr(11));
  if (path == "/validators") return std::string(kActiveSetKey);
  if (path == "/evidence") return std::string(kRecentEvidenceKey);
  if (path.starts_with("/evidence/")) {
    std::string arg = path.substr(10);
    if (IsHash(arg)) return EvidenceKey(arg);
    if (auto h = ParseHeight(arg)) return EvidenceHeightKey(*h);
  }
  return std::nullopt;
}

}  // namespace vinet::chain
