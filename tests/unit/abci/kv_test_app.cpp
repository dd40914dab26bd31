#include "unit/abci/kv_test_app.h"

#include <optional>
#include <utility>

#include "vinet/crypto/hash.h"

namespace vinet::abci::testing {
namespace {

std::optional<std::pair<std::string, std::string>> ParseTx(const std::string& tx) {
  const size_t eq = tx.find('=');
  if (eq == std::string::npos || eq == 0 || tx.find('=', eq + 1) != std::string::npos) {
    return std::nullopt;
  }
  return std::make_pair(tx.substr(0, eq), tx.substr(eq + 1));
}

}  // namespace

std::string KvTestApp::AppHash(int64_t height, const std::map<std::string, std::string>& state) {
  Bytes buf;
  AppendU64BE(buf, static_cast<uint64_t>(height));
  for (const auto& [k, v] : state) {
    AppendLengthPrefixed(buf, AsBytes(k));
    AppendLengthPrefixed(buf, AsBytes(v));
  }
  const auto digest = crypto::Sha256(buf);
  return std::string(digest.begin(), digest.end());
}

pb::ResponseInfo KvTestApp::Info(const pb::RequestInfo&) {
  std::lock_guard lock(mu_);
  pb::ResponseInfo resp;
  resp.set_data("kv-test-app");
  resp.set_version("1.0.0");
  resp.set_app_version(1);
  resp.set_last_block_height(committed_height_);
  resp.set_last_block_app_hash(committed_hash_);
  return resp;
}

pb::ResponseQuery KvTestApp::Query(const pb::RequestQuery& req) {
  std::lock_guard lock(mu_);
  pb::ResponseQuery resp;
  resp.set_key(req.data());
  resp.set_height(committed_height_);
  auto it = committed_.find(req.data());
  if (it == committed_.end()) {
    resp.set_code(kCodeNotFound);
    resp.set_log("does not exist");
  } else {
    resp.set_value(it->second);
    resp.set_log("exists");
  }
  return resp;
}

pb::ResponseCheckTx KvTestApp::CheckTx(const pb::RequestCheckTx& req) {
  pb::ResponseCheckTx resp;
  if (!ParseTx(req.tx())) {
    resp.set_code(kCodeBadTx);
    resp.set_log("tx must be key=value with a non-empty key");
  }
  resp.set_gas_wanted(1);
  return resp;
}

pb::ResponseInitChain KvTestApp::InitChain(const pb::RequestInitChain&) {
  std::lock_guard lock(mu_);
  pb::ResponseInitChain resp;
  resp.set_app_hash(AppHash(0, committed_));
  return resp;
}

pb::ResponseFinalizeBlock KvTestApp::FinalizeBlock(const pb::RequestFinalizeBlock& req) {
  std::lock_guard lock(mu_);
  staged_ = committed_;
  pb::ResponseFinalizeBlock resp;
  for (const auto& tx : req.txs()) {
    auto* result = resp.add_tx_results();
    auto kv = ParseTx(tx);
    if (!kv) {
      result->set_code(kCodeBadTx);
      result->set_log("tx must be key=value with a non-empty key");
      continue;
    }
    staged_[kv->first] = kv->second;
    auto* event = result->add_events();
    event->set_type("kv");
    auto* attr = event->add_attributes();
    attr->set_key("key");
    attr->set_value(kv->first);
    attr->set_index(true);
  }
  staged_height_ = req.height();
  staged_hash_ = AppHash(staged_height_, staged_);
  has_staged_ = true;
  resp.set_app_hash(staged_hash_);
  return resp;
}

pb::ResponseCommit KvTestApp::Commit() {
  std::lock_guard lock(mu_);
  if (!has_staged_) return {};  // nothing finalized since the last Commit
  has_staged_ = false;
  committed_ = std::move(staged_);
  staged_.clear();
  committed_height_ = staged_height_;
  committed_hash_ = staged_hash_;
  return {};
}

}  // namespace vinet::abci::testing
