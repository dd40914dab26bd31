#include "vinet/node/chain_view.h"

#include "vinet/chain/rpc_client.h"

namespace vinet::node {
using json = nlohmann::json;

ChainView::ChainView(std::vector<std::string> rpc_urls, uint64_t default_fee, int64_t ttl_ms)
    : endpoints_(std::make_shared<chain::RpcEndpoints>(std::move(rpc_urls))),
      default_fee_(default_fee),
      ttl_(ttl_ms) {}

Result<std::optional<json>> ChainView::Query(const std::string& path) const {
  chain::RpcClient rpc(endpoints_, 5);
  VINET_ASSIGN_OR_RETURN(json answer, rpc.AbciQuery(path));
  if (answer.value("code", 0) != 0) return std::optional<json>();
  const std::string& value = answer["value"].get_ref<const std::string&>();
  json j = json::parse(value, nullptr, false);
  if (j.is_discarded()) return Error(Code::kParse, "chain query " + path + ": answer is not JSON");
  return std::optional<json>(std::move(j));
}

Result<std::optional<json>> ChainView::CachedQuery(const std::string& path) {
  auto now = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  for (;;) {
    auto it = cache_.find(path);
    if (it != cache_.end() && now - it->second.at < ttl_) {
      if (it->second.value.is_null()) return std::optional<json>();
      return std::optional<json>(it->second.value);
    }
    auto f = flights_.find(path);
    if (f == flights_.end()) break;
    std::shared_ptr<Flight> flight = f->second;
    landed_.wait(lock, [&] { return flight->done; });
    if (!flight->forgotten) return flight->result;
    now = std::chrono::steady_clock::now();  // forgotten meanwhile: ask again
  }
  auto flight = std::make_shared<Flight>();
  flights_[path] = flight;
  lock.unlock();
  auto r = Query(path);
  if (!r.ok()) r = r.status().WithContext("chain " + rpc_url());
  lock.lock();
  if (r.ok() && !flight->forgotten) cache_[path] = {r->has_value() ? **r : json(), now};
  if (auto f = flights_.find(path); f != flights_.end() && f->second == flight) flights_.erase(f);
  flight->result = r;
  flight->done = true;
  landed_.notify_all();
  return r;
}

Result<uint64_t> ChainView::Balance(const std::string& address) {
  VINET_ASSIGN_OR_RETURN(auto account, CachedQuery("/account/" + address));
  if (!account) return uint64_t{0};
  return account->value("balance", uint64_t{0});
}

Result<chain::FeeSchedule> ChainView::Fees() {
  VINET_ASSIGN_OR_RETURN(auto p, CachedQuery("/params"));
  chain::FeeSchedule f;
  if (!p) return f;
  f.min_fee = p->value("min_fee", uint64_t{0});
  f.fee_per_kib = p->value("fee_per_kib", uint64_t{0});
  f.fee_per_claim = p->value("fee_per_claim", uint64_t{0});
  f.fee_per_million_verify_units = p->value("fee_per_million_verify_units", uint64_t{0});
  return f;
}

Result<ChainModel> ChainView::Model(const std::string& model_id) {
  VINET_ASSIGN_OR_RETURN(auto record, CachedQuery("/model/" + model_id));
  ChainModel m;
  if (!record) {
    m.fee = default_fee_;
    m.modes = {protocol::Mode::kVanilla, protocol::Mode::kTee};
    return m;
  }
  m.registered = true;
  m.fee = record->value("fee_per_inference", record->value("fee", uint64_t{0}));
  m.format = record->value("format", "");
  m.zkml_verify_cost = record->value("zkml_verify_cost", uint64_t{0});
  for (const auto& mode : record->value("modes", json::array())) {
    if (mode.is_number_unsigned()) {
      m.modes.push_back(static_cast<protocol::Mode>(mode.get<int>()));
    } else if (mode.is_string()) {
      if (auto p = protocol::ParseMode(mode.get<std::string>()); p.ok()) m.modes.push_back(*p);
    }
  }
  m.owner = record->value("owner", "");
  for (const auto& p : record->value("allowed_pcr0", json::array())) {
    if (!p.is_string()) continue;
    if (auto b = FromHex(p.get<std::string>()); b.ok()) m.allowed_pcr0.push_back(std::move(*b));
  }
  if (auto z = FromHex(record->value("zkml_model_id", "")); z.ok()) m.zkml_model_id = *z;
  m.price_per_input_token = record->value("price_per_input_token", uint64_t{0});
  m.price_per_output_token = record->value("price_per_output_token", uint64_t{0});
  m.name = record->value("name", "");
  m.retired = record->value("retired", false);
  m.previous_fee = record->value("previous_fee_per_inference", uint64_t{0});
  m.fee_changed_time_ms = record->value("fee_changed_time_ms", int64_t{0});
  return m;
}

Result<ChainDeposit> ChainView::Deposit(const std::string& client, const std::string& node) {
  VINET_ASSIGN_OR_RETURN(auto record, CachedQuery("/deposit/" + client + "/" + node));
  ChainDeposit d;
  if (record) {
    d.amount = record->value("amount", uint64_t{0});
    d.unlock_time_ms = record->value("unlock_time_ms", int64_t{0});
  }
  return d;
}

void ChainView::Forget(const std::string& prefix) {
  std::lock_guard lock(mu_);
  for (auto it = cache_.lower_bound(prefix); it != cache_.end() && it->first.starts_with(prefix);) {
    it = cache_.erase(it);
  }
  // Answers in flight were asked before the change: not cached, and later
  // callers ask again.
  for (auto it = flights_.lower_bound(prefix);
       it != flights_.end() && it->first.starts_with(prefix);) {
    it->second->forgotten = true;
    it = flights_.erase(it);
  }
}

Result<std::optional<ChainEnclave>> ChainView::Enclave(const std::string& key_hex) {
  VINET_ASSIGN_OR_RETURN(auto record, CachedQuery("/enclave/" + key_hex));
  if (!record) return std::optional<ChainEnclave>();
  ChainEnclave e;
  e.node = record->value("node", "");
  if (auto p = FromHex(record->value("pcr0", "")); p.ok()) e.pcr0 = *p;
  for (const auto& m : record->value("model_ids", json::array())) {
    if (m.is_string()) e.model_ids.push_back(m.get<std::string>());
  }
  e.expires_time_ms = record->value("expires_time_ms", int64_t{0});
  return std::optional<ChainEnclave>(std::move(e));
}

}  // namespace vinet::node
