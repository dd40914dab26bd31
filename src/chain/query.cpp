#include "vinet/chain/query.h"

#include "query_answer.h"
#include "query_claim_status.h"
#include "query_inference.h"
#include "query_staking.h"

#include <nlohmann/json.hpp>

#include "vinet/chain/result_codes.h"
#include "vinet/chain/state.h"
#include "vinet/common/bytes.h"
#include "vinet/merkle/proof_ops.h"

namespace vinet::chain {
namespace {

using json = nlohmann::json;
using ::tendermint::abci::ResponseQuery;

std::string_view StatusName(statepb::NodeStatus s) {
  switch (s) {
    case statepb::NODE_STATUS_ACTIVE:
      return "active";
    case statepb::NODE_STATUS_UNBONDING:
      return "unbonding";
    default:
      return "unspecified";
  }
}

ResponseQuery QueryAccount(State& state, const std::string& address) {
  auto account = state.GetAccount(address);
  if (!account.ok()) return QueryFail(QueryCode::kInternal, account.status().ToString());
  return QueryAnswer(
      {{"address", address}, {"balance", account->balance()}, {"nonce", account->nonce()}});
}

ResponseQuery QueryNode(State& state, const std::string& address) {
  auto node = state.GetNode(address);
  if (!node.ok()) return QueryFail(QueryCode::kInternal, node.status().ToString());
  if (!node->has_value()) return QueryFail(QueryCode::kNotFound, "node " + address + " not found");
  const auto& n = **node;
  return QueryAnswer({{"address", address},
                      {"public_key", ToHex(AsBytes(n.public_key()))},
                      {"stake", n.stake()},
                      {"endpoint", n.endpoint()},
                      {"status", StatusName(n.status())},
                      {"registered_height", n.registered_height()},
                      {"unbond_complete_height", n.unbond_complete_height()},
                      {"jailed", n.jailed()}});
}

ResponseQuery QueryParams(State& state) {
  auto p = state.GetParams();
  if (!p.ok()) return QueryFail(QueryCode::kNotFound, p.status().ToString());
  return QueryAnswer(
      {{"min_stake", p->min_stake()},
       {"unbonding_blocks", p->unbonding_blocks()},
       {"min_fee", p->min_fee()},
       {"max_tx_bytes", p->max_tx_bytes()},
       {"tee_roots", std::vector<std::string>(p->tee_roots().begin(), p->tee_roots().end())},
       {"enclave_ttl_ms", p->enclave_ttl_ms()},
       {"attestation_window", p->attestation_window()},
       {"allow_debug_enclaves", p->allow_debug_enclaves()},
       {"allow_conjectured_zkml_keys", p->allow_conjectured_zkml_keys()},
       {"slash_invalid_bps", p->slash_invalid_bps()},
       {"compensation", p->compensation()},
       {"max_claims_per_tx", p->max_claims_per_tx()},
       {"zkml_deadline_blocks", p->zkml_deadline_blocks()},
       {"slash_missing_bps", p->slash_missing_bps()},
       {"max_block_verify_units", p->max_block_verify_units()},
       {"max_request_ttl_ms", p->max_request_ttl_ms()},
       {"fee_per_kib", p->fee_per_kib()},
       {"fee_per_claim", p->fee_per_claim()},
       {"fee_per_million_verify_units", p->fee_per_million_verify_units()},
       {"min_model_fee", p->min_model_fee()},
       {"max_node_verify_share_bps", p->max_node_verify_share_bps()},
       {"budget_grace_blocks", p->budget_grace_blocks()},
       {"escrow_unlock_delay_ms", p->escrow_unlock_delay_ms()},
       {"claim_retention_blocks", p->claim_retention_blocks()},
       {"power_reduction", p->power_reduction()},
       {"max_validators", p->max_validators()},
       {"min_self_bond", p->min_self_bond()},
       {"slash_double_sign_bps", p->slash_double_sign_bps()},
       {"jail_blocks", p->jail_blocks()},
       {"max_validator_records", p->max_validator_records()},
       {"evidence_max_age_blocks", p->evidence_max_age_blocks()}});
}

// "/deposit/<client>/<node>": a client's deposit for a node (absent: zeros).
ResponseQuery QueryDeposit(State& state, const std::string& rest) {
  auto slash = rest.find('/');
  std::string client = rest.substr(0, slash);
  std::string node = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (!IsValidAddress(client) || !IsValidAddress(node)) {
    return QueryFail(QueryCode::kBadAddress,
                     "query /deposit/" + rest + ": expected /deposit/<client addr>/<node addr>");
  }
  auto d = state.GetDeposit(client, node);
  if (!d.ok()) return QueryFail(QueryCode::kInternal, d.status().ToString());
  return QueryAnswer({{"client", client},
                      {"node", node},
                      {"amount", d->amount()},
                      {"unlock_time_ms", d->unlock_time_ms()}});
}

// The committed state as of one retained version.
class VersionView : public KvReader {
 public:
  VersionView(const Store& store, int64_t version) : store_(store), version_(version) {}
  Result<std::optional<std::string>> Get(std::string_view key) const override {
    return store_.GetAt(key, version_);
  }

 private:
  const Store& store_;
  int64_t version_;
};

ResponseQuery AnswerPath(const KvReader& committed, const ::tendermint::abci::RequestQuery& req) {
  Overlay view(committed);  // read-only use
  State state(view);
  const std::string& path = req.path();
  ResponseQuery r;
  auto with_address = [&](std::string_view prefix, auto handler) {
    std::string address = path.substr(prefix.size());
    if (!IsValidAddress(address)) {
      return QueryFail(QueryCode::kBadAddress,
                       "query " + path + ": address must be 40 lowercase hex chars");
    }
    return handler(state, address);
  };
  if (path.starts_with("/account/")) {
    r = with_address("/account/", QueryAccount);
  } else if (path.starts_with("/node/")) {
    r = with_address("/node/", QueryNode);
  } else if (path == "/params") {
    r = QueryParams(state);
  } else if (path.starts_with("/model/")) {
    r = QueryModel(state, path.substr(7));
  } else if (path.starts_with("/enclave/")) {
    r = QueryEnclave(state, path.substr(9));
  } else if (path.starts_with("/claim/")) {
    r = QueryClaim(state, path.substr(7));
  } else if (path.starts_with("/claim_status/")) {
    r = with_address("/claim_status/", [&](State& s, const std::string& address) {
      return QueryClaimStatus(s, address, req.data());
    });
  } else if (path.starts_with("/zkml_key/")) {
    r = QueryZkmlKey(state, path.substr(10));
  } else if (path.starts_with("/deposit/")) {
    r = QueryDeposit(state, path.substr(9));
  } else if (path.starts_with("/validator/")) {
    r = with_address("/validator/", QueryValidator);
  } else if (path == "/validators") {
    r = QueryValidators(state);
  } else if (path == "/evidence" || path.starts_with("/evidence/")) {
    r = QueryEvidence(state, path.substr(9));
  } else {
    r = QueryFail(
        QueryCode::kUnknownPath,
        "unknown query path '" + path +
            "' (known: /account/<addr>, /node/<addr>, /params, /model/<id>, "
            "/enclave/<key hex>, /claim/<id hex>, /claim_status/<node addr>, "
            "/zkml_key/<model id>, "
            "/deposit/<client addr>/<node addr>, /validator/<addr>, /validators, /evidence, "
            "/evidence/<hash hex or height>)");
  }
  return r;
}

// Replaces a validated answer by the raw value of its state key and a proof.
ResponseQuery ProvedAnswer(const Store& store, int64_t height, const std::string& path,
                           ResponseQuery answered) {
  auto key = StateKeyOfPath(path);
  if (!key) {
    return QueryFail(QueryCode::kUnknownPath, "query " + path + ": prove is not supported here");
  }
  auto value = store.GetAt(*key, height);
  if (!value.ok()) return QueryFail(QueryCode::kInternal, value.status().ToString());
  auto proof = store.ProveAt(*key, height);
  if (!proof.ok()) return QueryFail(QueryCode::kInternal, proof.status().ToString());
  ResponseQuery r;
  if (value->has_value()) {
    r.set_value(**value);
    if (answered.code() == 0) r.set_info(answered.value());
  } else {
    r.set_code(static_cast<uint32_t>(QueryCode::kNotFound));
    r.set_log("query " + path + ": state key absent at height " + std::to_string(height) +
              " (absence proof attached)");
  }
  r.set_key(*key);
  auto op = merkle::MakeProofOp(AsBytes(*key), *proof);
  auto* out = r.mutable_proof_ops()->add_ops();
  out->set_type(op.type);
  out->set_key(ToString(op.key));
  out->set_data(ToString(op.data));
  return r;
}

}  // namespace

std::optional<std::string> StateKeyOfPath(const std::string& path) {
  auto rest = [&](std::string_view prefix) { return path.substr(prefix.size()); };
  if (path.starts_with("/account/")) return AccountKey(rest("/account/"));
  if (path.starts_with("/node/")) return NodeKey(rest("/node/"));
  if (path == "/params") return std::string(kParamsKey);
  if (path.starts_with("/model/")) return ModelKey(rest("/model/"));
  if (path.starts_with("/enclave/")) return EnclaveKey(rest("/enclave/"));
  if (path.starts_with("/claim/")) return ClaimKey(rest("/claim/"));
  if (path.starts_with("/zkml_key/")) return ZkmlKeyKey(rest("/zkml_key/"));
  if (auto key = StakingStateKeyOfPath(path)) return key;
  if (path.starts_with("/deposit/")) {
    std::string r = rest("/deposit/");
    auto slash = r.find('/');
    if (slash == std::string::npos) return std::nullopt;
    return DepositKey(r.substr(0, slash), r.substr(slash + 1));
  }
  return std::nullopt;
}

ResponseQuery HandleQuery(const Store& store, const ::tendermint::abci::RequestQuery& req) {
  const int64_t latest = store.meta().height;
  const int64_t height = req.height() == 0 ? latest : req.height();
  ResponseQuery r;
  if (height > latest || height < 0) {
    r = QueryFail(QueryCode::kFutureHeight, "query height " + std::to_string(req.height()) +
                                                " is not committed yet (last committed height " +
                                                std::to_string(latest) + ")");
  } else if (height < store.oldest_version()) {
    r = QueryFail(QueryCode::kPrunedHeight,
                  "query height " + std::to_string(height) +
                      " is pruned on this validator (oldest kept height " +
                      std::to_string(store.oldest_version()) + ", latest " +
                      std::to_string(latest) + ")");
  } else {
    VersionView view(store, height);
    r = AnswerPath(view, req);
    const auto code = static_cast<QueryCode>(r.code());
    if (req.prove() && (code == QueryCode::kOk || code == QueryCode::kNotFound)) {
      r = ProvedAnswer(store, height, req.path(), std::move(r));
    }
  }
  r.set_height(height);
  return r;
}

}  // namespace vinet::chain
