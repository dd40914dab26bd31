#include "vinet/node/submitter.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>

#include "vinet/chain/claim_status_wire.h"
#include "vinet/chain/enclave_nonce.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/chain/tx.h"

namespace vinet::node {
using json = nlohmann::json;
namespace {

constexpr int64_t kResubmitMs = 20'000;
constexpr int64_t kResubmitAfterSwitchMs = 3'000;
// A tx whose claims the status query has not found this long after its
// broadcast is looked up by hash (its claims may have ended without a record:
// REFUSED, UNFUNDED, INVALID, DUPLICATE, or the whole tx failed).
// Longer than a loaded devnet's trust gap (p99 ≈ 3.5 s): a tx that lands
// meanwhile is read by the status query, not as a whole.
constexpr int64_t kFindTxAfterMs = 5'000;

// id → (status, height) from the tx result's vinet.claim events.
ClaimFates ClaimStatuses(const json& tx) {
  ClaimFates out;
  int64_t height = std::stoll(tx.value("height", std::string("0")));
  // Read in place: json::value() would copy the whole events array.
  auto result = tx.find("tx_result");
  if (result == tx.end() || !result->is_object()) return out;
  auto events = result->find("events");
  if (events == result->end() || !events->is_array()) return out;
  for (const auto& e : *events) {
    if (!e.is_object() || e.value("type", "") != "vinet.claim") continue;
    auto attrs = e.find("attributes");
    if (attrs == e.end() || !attrs->is_array()) continue;
    std::string id, status;
    for (const auto& a : *attrs) {
      if (!a.is_object()) continue;
      if (a.value("key", "") == "id") id = a.value("value", "");
      if (a.value("key", "") == "status") status = a.value("value", "");
    }
    if (!id.empty()) out[id] = {status, height};
  }
  return out;
}

std::string ModeLabel(protocol::Mode m) {
  std::string s(protocol::ModeName(m));
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

}  // namespace

void Submitter::Start() {
  node_.ledger().OnAccepted([this] { Kick(); });
  node_.proof_jobs().OnProved([this] { Wake(); });
  thread_ = std::thread([this] {
    while (!stop_) {
      Step();
      in_flight_ = node_.ledger().HasOpen("SUBMITTED");
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(node_.config().submit_interval_ms),
                   [this] { return stop_.load() || kicked_; });
      kicked_ = false;
    }
  });
}

void Submitter::Kick() {
  if (!in_flight_) Wake();
}

void Submitter::Wake() {
  {
    std::lock_guard lock(mu_);
    kicked_ = true;
  }
  cv_.notify_all();
}

void Submitter::Stop() {
  node_.ledger().OnAccepted({});
  node_.proof_jobs().OnProved({});
  stop_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<uint64_t> Submitter::ChainNonce() {
  std::string address = crypto::AddressOf(node_.key().public_key());
  VINET_ASSIGN_OR_RETURN(auto account, node_.chain().Query("/account/" + address));
  return account ? account->value("nonce", uint64_t{0}) : uint64_t{0};
}

void Submitter::WatchChain() {
  const auto& endpoints = node_.chain().endpoints();
  if (endpoints->urls().size() < 2) return;
  chain::RpcClient rpc(endpoints, 5);
  auto height = rpc.LatestHeight();
  std::string url = rpc.url();
  if (height.ok() && endpoints->ObserveHeight(url, *height, chain::SteadyMs())) {
    spdlog::warn("chain rpc {}: no new block (height {}) within the stall bound", url, *height);
  }
  if (uint64_t n = endpoints->switches(); n != switches_seen_) {
    switches_seen_ = n;
    switched_ms_ = WallMs();
    spdlog::warn("chain rpc: now using {} (switch {})", endpoints->Current(), n);
  }
}

void Submitter::Step() {
  WatchChain();
  proofs_.ResendStored(nonce_);  // an earlier run's proof txs keep their nonces
  if (Status s = MaybeRegisterEnclave(); !s.ok())
    spdlog::warn("enclave registration: {}", s.ToString());
  if (Status s = Track(); !s.ok()) spdlog::warn("submitter track: {}", s.ToString());
  if (WallMs() < next_try_ms_) return;
  Status s = Submit();
  if (s.ok()) {
    failures_ = 0;
    proofs_.Step(nonce_, [this] { return ChainNonce(); });
    return;
  }
  ++failures_;
  int64_t backoff = std::min<int64_t>(8000, int64_t{100} << std::min(failures_, 7));
  next_try_ms_ = WallMs() + backoff;
  nonce_.reset();
  spdlog::warn("submitter: {} (retry in {} ms)", s.ToString(), backoff);
}

Status Submitter::Resolve(std::vector<ClaimRecord> claims, const ClaimFates& fates,
                          const std::string& unknown) {
  int64_t now = WallMs();
  std::string me = crypto::AddressOf(node_.key().public_key());
  for (auto& c : claims) {
    auto fate = fates.find(c.id_hex);
    std::string status = fate != fates.end() ? fate->second.first : "";
    int64_t height = fate != fates.end() ? fate->second.second : 0;
    if (status.empty() || status == "DUPLICATE") {
      // The chain may already hold this claim from an earlier tx of ours.
      VINET_ASSIGN_OR_RETURN(auto record, node_.chain().Query("/claim/" + c.id_hex));
      if (record && record->value("node", "") == me) {
        status = record->value("status", "SETTLED");
        height = record->value("height", height);
      } else if (status.empty()) {
        status = unknown;
      }
    }
    if (status == "REFUSED") {
      // Our enclave key had expired on chain: nothing was stored, so the
      // same claim goes out again once the enclave re-attests (not before
      // the next registration check: no tx-fee loop meanwhile).
      c.status = "ACCEPTED";
      c.tx_hash.clear();
      next_try_ms_ = std::max(next_try_ms_, now + 2000);
      node_.metrics().Count("vinet_node_claims_total", status);
      continue;
    }
    // The settlement changed the client's funds: read them fresh next time.
    node_.chain().Forget("/deposit/" + c.client + "/");
    node_.chain().Forget("/account/" + c.client);
    c.status = status;
    c.height = height;
    c.settled_ms = now;
    node_.metrics().Count("vinet_node_claims_total", status);
    if (status == "SETTLED") {
      node_.metrics().Observe("vinet_node_trust_gap_seconds", ModeLabel(c.mode),
                              static_cast<double>(now - c.accepted_ms) / 1000.0);
    }
  }
  return node_.ledger().Update(claims);
}

Result<ClaimFates> Submitter::StoredFates(chain::RpcClient& rpc,
                                          const std::vector<Ledger::OpenRef>& claims,
                                          int64_t* state_height) {
  ClaimFates out;
  *state_height = INT64_MAX;
  std::string path = "/claim_status/" + crypto::AddressOf(node_.key().public_key());
  for (size_t start = 0; start < claims.size(); start += chain::kMaxClaimStatusIds) {
    size_t n = std::min(chain::kMaxClaimStatusIds, claims.size() - start);
    Bytes ids;
    ids.reserve(n * 32);
    for (size_t i = start; i < start + n; ++i) {
      VINET_ASSIGN_OR_RETURN(Bytes id, FromHex(claims[i].id_hex));
      ids.insert(ids.end(), id.begin(), id.end());
    }
    VINET_ASSIGN_OR_RETURN(json r, rpc.AbciQuery(path, ids));
    if (r.value("code", 0) != 0) {
      return Error(Code::kUnavailable,
                   "claim_status query: code " + r["code"].dump() + ": " + r.value("log", ""));
    }
    *state_height = std::min(*state_height, r.value("height", int64_t{0}));
    VINET_ASSIGN_OR_RETURN(auto records,
                           chain::DecodeClaimStatuses(r["value"].get_ref<const std::string&>(), n));
    for (size_t i = 0; i < n; ++i) {
      std::string name = chain::ClaimStatusName(records[i].status);
      if (!name.empty()) out[claims[start + i].id_hex] = {name, records[i].height};
    }
  }
  return out;
}

Status Submitter::Track() {
  // References only: the records are copied for the claims that change.
  auto submitted = node_.ledger().OpenRefs("SUBMITTED");
  if (submitted.empty()) return Status::Ok();
  chain::RpcClient rpc(node_.chain().endpoints(), 5);
  // 1. The claims the chain now holds for this node, from one compact query
  //    per new block (no tx JSON with every claim's events).
  ClaimFates stored;
  bool by_status = false;  // the status query answered: txs may wait for it
  // /status counts a block once stored, which can be before the app has
  // committed it: the query's own height says which state it read.
  VINET_ASSIGN_OR_RETURN(int64_t height, rpc.LatestHeight());
  int64_t state_height = 0;
  if (height <= status_height_) {
    by_status = true;
  } else if (auto fates = StoredFates(rpc, submitted, &state_height); fates.ok()) {
    stored = std::move(*fates);
    status_height_ = state_height;
    by_status = true;
  } else {
    // E.g. a chain without /claim_status: every tx is looked up by hash.
    spdlog::debug("submitter: {}", fates.status().ToString());
  }
  std::map<std::string, std::vector<Ledger::OpenRef>> by_tx;
  std::vector<Ledger::OpenRef> settled;
  std::set<std::string> landed;  // txs known to be in a block
  for (auto& c : submitted) {
    if (stored.count(c.id_hex)) {
      landed.insert(c.tx_hash);
      settled.push_back(std::move(c));
    } else {
      by_tx[c.tx_hash].push_back(std::move(c));
    }
  }
  if (!settled.empty()) {
    VINET_RETURN_IF_ERROR(Resolve(node_.ledger().Records(settled), stored, "UNKNOWN"));
  }
  // 2. The others: their tx's events, once it is known to be in a block or
  //    has had time to land.
  for (auto& [hash, refs] : by_tx) {
    int64_t now = WallMs(), sent = refs.front().submitted_ms;
    if (!by_status || landed.count(hash) || now - sent >= kFindTxAfterMs) {
      VINET_ASSIGN_OR_RETURN(json tx, rpc.FindTx(hash));
      if (!tx.is_null() && tx.contains("tx_result")) {
        std::string unknown = tx["tx_result"].value("code", 0) == 0 ? "UNKNOWN" : "FAILED";
        VINET_RETURN_IF_ERROR(Resolve(node_.ledger().Records(refs), ClaimStatuses(tx), unknown));
        continue;
      }
    }
    bool stranded = switched_ms_ >= sent && now - switched_ms_ >= kResubmitAfterSwitchMs;
    if (now - sent < kResubmitMs && !stranded) continue;
    auto claims = node_.ledger().Records(refs);
    spdlog::warn("submitter: tx {} not in a block after {} ms{}; resubmitting {} claims", hash,
                 now - sent, stranded ? " (sent before an endpoint switch)" : "", claims.size());
    for (auto& c : claims) {
      c.status = "ACCEPTED";
      c.tx_hash.clear();
    }
    VINET_RETURN_IF_ERROR(node_.ledger().Update(claims));
  }
  return Status::Ok();
}

Status Submitter::Submit() {
  // A full batch may leave more behind: send txs back to back until the
  // backlog is gone (bounded per step), so the node's submission rate is
  // not max_batch per step period.
  for (int i = 0; i < kMaxTxsPerStep; ++i) {
    bool full = false;
    VINET_RETURN_IF_ERROR(SubmitBatch(&full));
    if (!full) break;
  }
  return Status::Ok();
}

Status Submitter::SubmitBatch(bool* full) {
  const size_t max_batch = static_cast<size_t>(node_.config().max_batch);
  auto batch = node_.ledger().OpenClaims("ACCEPTED", max_batch);
  if (batch.empty()) return Status::Ok();
  *full = batch.size() == max_batch;
  if (!nonce_) {
    VINET_ASSIGN_OR_RETURN(uint64_t n, ChainNonce());
    nonce_ = n;
  }
  const NodeConfig& cfg = node_.config();
  VINET_ASSIGN_OR_RETURN(chain::FeeSchedule fees, node_.chain().Fees());
  Bytes tx = BuildSubmitClaimsTx(node_.key(), cfg.chain_id, *nonce_, cfg.tx_fee, batch, fees,
                                 AttestBatch(batch));
  std::string hash = chain::TxHashHex(tx);
  int64_t now = WallMs();
  for (auto& c : batch) {
    c.status = "SUBMITTED";
    c.tx_hash = hash;
    c.submitted_ms = now;
  }
  VINET_RETURN_IF_ERROR(node_.ledger().Update(batch));
  chain::RpcClient rpc(node_.chain().endpoints(), 10);
  auto r = rpc.BroadcastTxSync(tx);
  if (r.ok() && (*r).value("code", 0) == 0) {
    ++*nonce_;
    spdlog::info("submitter: tx {} with {} claims, nonce {}", hash, batch.size(), *nonce_ - 1);
    return Status::Ok();
  }
  for (auto& c : batch) {
    c.status = "ACCEPTED";
    c.tx_hash.clear();
  }
  VINET_RETURN_IF_ERROR(node_.ledger().Update(batch));
  if (!r.ok()) return r.status();
  return Error(Code::kUnavailable,
               "SubmitClaims CheckTx code " + (*r)["code"].dump() + ": " + (*r).value("log", ""));
}

std::optional<ClaimBatchAttestation> Submitter::AttestBatch(
    const std::vector<ClaimRecord>& claims) {
  const auto& info = node_.enclave_info();
  if (!info || !node_.enclave()) return std::nullopt;
  auto leaves = TeeClaimLeaves(claims, info->enclave_key);
  if (leaves.empty()) return std::nullopt;
  auto sig = node_.enclave()->AttestBatch(node_.key().public_key(), leaves);
  if (!sig.ok()) {
    // Checked claim by claim on chain instead: slower, never wrong.
    spdlog::info("submitter: no batch attestation for {} TEE claims: {}", leaves.size(),
                 sig.status().ToString());
    return std::nullopt;
  }
  return ClaimBatchAttestation{info->enclave_key, std::move(*sig)};
}

Status Submitter::MaybeRegisterEnclave() {
  const auto& info = node_.enclave_info();
  int64_t now = WallMs();
  if (!info || now < next_enclave_try_ms_) return Status::Ok();
  next_enclave_try_ms_ = now + 2000;
  std::string key_hex = ToHex(info->enclave_key);
  // Only models whose chain record offers TEE and allows this enclave's PCR0:
  // one model id registered by someone else with another allowlist must not
  // make the whole registration fail (pcr_not_allowed).
  // ONNX and chat (GGUF) models alike: TEE chat claims need the enclave
  // registered for their model too.
  std::vector<std::string> candidates = info->models;
  for (const auto& c : info->chat_models) candidates.push_back(c.model_id);
  std::vector<std::string> models;
  for (const auto& id : candidates) {
    auto m = node_.chain().Model(id);
    if (m.ok() && m->registered &&
        std::find(m->modes.begin(), m->modes.end(), protocol::Mode::kTee) != m->modes.end() &&
        std::find(m->allowed_pcr0.begin(), m->allowed_pcr0.end(), info->pcr0) !=
            m->allowed_pcr0.end()) {
      models.push_back(id);
    }
  }
  if (models.empty()) return Status::Ok();
  VINET_ASSIGN_OR_RETURN(auto record, node_.chain().Query("/enclave/" + key_hex));
  std::vector<std::string> registered;
  if (record) {
    for (const auto& m : record->value("model_ids", json::array())) {
      if (m.is_string()) registered.push_back(m.get<std::string>());
    }
  }
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  if (record && sorted(registered) == sorted(models)) {
    int64_t expires = record->value("expires_time_ms", int64_t{0});
    int64_t ttl = 3'600'000;
    if (auto params = node_.chain().Query("/params"); params.ok() && *params) {
      ttl = (**params).value("enclave_ttl_ms", ttl);
    }
    int64_t late = node_.config().reattest_after_expiry_ms;
    if (late > 0 ? now < expires + late : expires - now > ttl / 3) return Status::Ok();
  }
  chain::RpcClient rpc(node_.chain().endpoints(), 10);
  VINET_ASSIGN_OR_RETURN(int64_t height, rpc.LatestHeight());
  crypto::Digest256 nonce_digest = chain::EnclaveNonce(
      node_.config().chain_id, node_.key().public_key(), static_cast<uint64_t>(height));
  Bytes nonce(nonce_digest.begin(), nonce_digest.end());
  VINET_ASSIGN_OR_RETURN(Bytes doc, node_.enclave()->Attest(nonce));
  VINET_ASSIGN_OR_RETURN(uint64_t n, ChainNonce());
  if (nonce_ && *nonce_ > n) n = *nonce_;
  VINET_ASSIGN_OR_RETURN(chain::FeeSchedule fees, node_.chain().Fees());
  Bytes tx = BuildRegisterEnclaveTx(node_.key(), node_.config().chain_id, n, node_.config().tx_fee,
                                    doc, models, height, fees);
  VINET_ASSIGN_OR_RETURN(json r, rpc.BroadcastTxSync(tx));
  if (r.value("code", 0) != 0) {
    nonce_.reset();
    return Error(Code::kVerification,
                 "RegisterEnclave CheckTx code " + r["code"].dump() + ": " + r.value("log", ""));
  }
  nonce_ = n + 1;
  next_enclave_try_ms_ = now + 5000;  // let it land before checking again
  spdlog::info("submitter: RegisterEnclave {} sent at height {}", key_hex, height);
  return Status::Ok();
}

}  // namespace vinet::node
