#include "vinet/chain/app.h"

#include <unistd.h>

#include <charconv>
#include <cstdlib>

#include <spdlog/spdlog.h>

#include "vinet/chain/app_hash_signer.h"
#include "vinet/chain/executor.h"
#include "vinet/chain/genesis.h"
#include "vinet/chain/handlers.h"
#include "vinet/chain/query.h"
#include "vinet/chain/result_codes.h"
#include "vinet/chain/snapshot_restore.h"
#include "vinet/chain/snapshot_store.h"
#include "vinet/chain/snapshotter.h"
#include "vinet/chain/staking.h"

namespace vinet::chain {
namespace {

constexpr const char* kCrashEnv = "VINET_TEST_CRASH_BEFORE_COMMIT_AT_HEIGHT";

std::optional<int64_t> CrashHeightFromEnv() {
  const char* v = std::getenv(kCrashEnv);
  if (v == nullptr || *v == '\0') return std::nullopt;
  int64_t h = 0;
  std::string_view s(v);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), h);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return h;
}

template <typename Resp>
void SetResult(Resp& resp, const TxStatus& status) {
  resp.set_code(static_cast<uint32_t>(status.code));
  resp.set_log(status.log);
  resp.set_codespace(status.ok() ? "" : "vinet");
}

bool EnvFlag(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && std::string_view(v) == "1";
}

}  // namespace

// The store as a snapshot restore target (state_view.h); the caller holds mu_.
class ChainApp::Restore final : public RestoreTarget {
 public:
  explicit Restore(ChainApp& app) : app_(app) {}
  // Height 0: at most a genesis state or the leftovers of a restore that
  // crashed, both safe to replace.
  bool Empty() const override { return app_.store_->meta().height == 0; }
  Status Clear() override {
    pending_.clear();
    auto root = app_.store_->Reset({}, 0, "");
    app_.ResetMempool();
    return root.status();
  }
  // Pairs are held until Load, which bulk-loads them and builds the tree once.
  Status Write(const std::vector<KeyValue>& entries) override {
    pending_.insert(pending_.end(), entries.begin(), entries.end());
    return Status::Ok();
  }
  Result<Bytes> Load(const CommitMeta& meta) override {
    auto root = app_.store_->Reset(pending_, meta.height, meta.chain_id);
    pending_.clear();
    pending_.shrink_to_fit();
    app_.ResetMempool();
    return root;
  }

 private:
  ChainApp& app_;
  Store::KeyValues pending_;
};

ChainApp::ChainApp(std::unique_ptr<Store> store, ChainOptions options)
    : store_(std::move(store)), options_(std::move(options)) {
  crash_before_commit_at_ = CrashHeightFromEnv();
  garbage_proposals_ = EnvFlag("VINET_TEST_GARBAGE_PROPOSALS");
  if (garbage_proposals_) spdlog::warn("chain: test hook: proposing garbage txs (devnet only)");
  corrupt_chunks_ = EnvFlag("VINET_TEST_CORRUPT_SNAPSHOT_CHUNKS");
  if (corrupt_chunks_)
    spdlog::warn("chain: test hook: serving corrupt snapshot chunks (devnet only)");
  restore_target_ = std::make_unique<Restore>(*this);
  restorer_ = std::make_unique<SnapshotRestorer>(*restore_target_, options_.chain_id);
}

ChainApp::~ChainApp() = default;

Result<std::unique_ptr<ChainApp>> ChainApp::Open(const std::filesystem::path& data_dir,
                                                 StoreOptions store) {
  ChainOptions options;
  options.store = store;
  return Open(data_dir, options);
}

Result<std::unique_ptr<ChainApp>> ChainApp::Open(const std::filesystem::path& data_dir,
                                                 const ChainOptions& options) {
  VINET_ASSIGN_OR_RETURN(auto store, Store::Open(data_dir, options.store));
  std::unique_ptr<ChainApp> app(new ChainApp(std::move(store), options));
  if (options.snapshot_interval > 0) {
    VINET_ASSIGN_OR_RETURN(app->snapshots_, SnapshotStore::Open(data_dir / "snapshots"));
    app->snapshotter_ = std::make_unique<Snapshotter>(*app->snapshots_, options.snapshot_keep,
                                                      options.snapshot_chunk_bytes);
  }
  auto meta = app->store_->meta();
  if (!meta.app_hash.empty()) {
    auto root = app->store_->RootAt(meta.height);
    if (!root.ok()) {
      return Error(Code::kInternal,
                   "chain: " + root.status().message() +
                       " (a store from before the versioned state tree? re-initialize it)");
    }
    if (RootHashBytes(*root) != meta.app_hash) {
      return Error(Code::kInternal, "chain: stored app hash does not match the state tree root");
    }
  }
  if (!options.validator_key_file.empty()) {
    auto signer = AppHashSigner::FromCometKeyFile(options.validator_key_file);
    if (!signer.ok() && !options.validator_key_optional) return signer.status();
    if (signer.ok()) {
      app->signer_ = std::move(signer).value();
      if (EnvFlag("VINET_TEST_WRONG_APP_HASH_SIG")) {
        spdlog::warn("chain: test hook: signing wrong app hashes (devnet only)");
        app->signer_->set_sign_wrong_hash(true);
      }
      if (meta.height > 0) app->signer_->Record(meta.chain_id, meta.height, meta.app_hash);
      spdlog::info("chain: signing app hashes with {}", options.validator_key_file);
    } else {
      spdlog::warn("chain: signing no app hashes: {}", signer.status().ToString());
    }
  }
  app->ResetMempool();
  spdlog::info("chain: opened {} at height {}", data_dir.string(), meta.height);
  return app;
}

void ChainApp::ResetMempool() {
  mempool_ = std::make_unique<Overlay>(*store_);
}

CommitMeta ChainApp::committed() const {
  std::lock_guard lock(mu_);
  return store_->meta();
}

abci::pb::ResponseInfo ChainApp::Info(const abci::pb::RequestInfo& /*req*/) {
  std::lock_guard lock(mu_);
  // Info also serves the RPC's abci_info at any time (even between
  // FinalizeBlock and Commit), so it must not touch staged or mempool state.
  auto meta = store_->meta();
  abci::pb::ResponseInfo resp;
  resp.set_data("vinet");
  resp.set_version("0.1.0");
  resp.set_app_version(1);
  resp.set_last_block_height(meta.height);
  if (meta.height > 0) resp.set_last_block_app_hash(ToString(meta.app_hash));
  return resp;
}

abci::pb::ResponseQuery ChainApp::Query(const abci::pb::RequestQuery& req) {
  constexpr std::string_view kSigPath = "/app_hash_sig/";
  if (req.path().starts_with(kSigPath)) {  // the signer's own lock: never waits for a block
    if (signer_) return signer_->Answer(std::string_view(req.path()).substr(kSigPath.size()));
    abci::pb::ResponseQuery r;
    r.set_code(static_cast<uint32_t>(QueryCode::kNotFound));
    r.set_log("query " + req.path().substr(0, 60) +
              ": this node signs no app hashes (no validator key configured)");
    return r;
  }
  std::lock_guard lock(mu_);
  return HandleQuery(*store_, req);
}

abci::pb::ResponseCheckTx ChainApp::CheckTx(const abci::pb::RequestCheckTx& req) {
  std::lock_guard lock(mu_);
  auto meta = store_->meta();
  // A recheck of bytes that already passed CheckTx need not verify their
  // claims' signatures again (they are a function of the bytes).
  auto digest = crypto::Sha256(AsBytes(req.tx()));
  std::string hash(digest.begin(), digest.end());
  bool known = req.type() == abci::pb::CheckTxType::RECHECK && checked_.count(hash) > 0;
  auto result = ExecuteTx(*mempool_, AsBytes(req.tx()), meta.height + 1, meta.chain_id,
                          known ? ExecMode::kRecheck : ExecMode::kCheck, last_block_time_ms_);
  if (known) ++cheap_rechecks_;
  if (result.status.ok()) {
    if (checked_.size() >= 200'000) checked_.clear();
    checked_.insert(std::move(hash));
  } else {
    checked_.erase(hash);
  }
  abci::pb::ResponseCheckTx resp;
  SetResult(resp, result.status);
  return resp;
}

std::optional<std::string> ChainApp::Refuse(const abci::pb::Request& req) {
  std::lock_guard lock(mu_);
  const int64_t height = store_->meta().height;
  switch (req.value_case()) {
    case abci::pb::Request::kInitChain:
      if (height > 0) return "the chain is at height " + std::to_string(height) + ", not genesis";
      return std::nullopt;
    case abci::pb::Request::kFinalizeBlock:
      if (req.finalize_block().height() != height + 1) {
        return "height " + std::to_string(req.finalize_block().height()) +
               " is not the next block " + std::to_string(height + 1);
      }
      return std::nullopt;
    case abci::pb::Request::kCommit:
      if (!pending_) return std::string("no finalized block to commit");
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

abci::pb::ResponseInitChain ChainApp::InitChain(const abci::pb::RequestInitChain& req) {
  std::lock_guard lock(mu_);
  abci::pb::ResponseInitChain resp;
  auto genesis = ParseGenesis(req.app_state_bytes());
  Status adopted = genesis.ok() ? AdoptConsensusGenesis(req, *genesis) : genesis.status();
  if (!adopted.ok()) {
    // No valid state can follow a bad genesis; stop rather than diverge.
    spdlog::critical("chain: {}", adopted.ToString());
    std::_Exit(78);
  }
  // Genesis replaces any previous state (InitChain may be repeated after a crash).
  EmptyKv empty;
  Overlay changes(empty);
  State state(changes);
  Status applied = ApplyGenesis(*genesis, state);
  auto set = applied.ok() ? UpdateValidatorSet(state, genesis->params)
                          : Result<std::vector<::tendermint::abci::ValidatorUpdate>>(applied);
  if (!set.ok() || (set->empty() && req.validators_size() > 0)) {
    spdlog::critical("chain: genesis validators: {}",
                     set.ok() ? "none is eligible (bond, min_self_bond)" : set.status().ToString());
    std::_Exit(78);
  }
  // The app's set replaces genesis.json's (the same one when adopted from it).
  for (auto& u : *set) *resp.add_validators() = std::move(u);
  Store::KeyValues records;
  for (const auto& [key, value] : changes.changes()) {
    if (value) records.emplace_back(key, *value);
  }
  const int64_t height = req.initial_height() > 0 ? req.initial_height() - 1 : 0;
  auto app_hash = store_->Reset(records, height, req.chain_id());
  if (!app_hash.ok()) {
    spdlog::critical("chain: init_chain: {}", app_hash.status().ToString());
    std::_Exit(74);
  }
  ResetMempool();
  resp.set_app_hash(ToString(*app_hash));
  spdlog::info("chain: init_chain {} with {} accounts", req.chain_id(), genesis->accounts.size());
  return resp;
}

abci::pb::ResponseFinalizeBlock ChainApp::FinalizeBlock(const abci::pb::RequestFinalizeBlock& req) {
  std::lock_guard lock(mu_);
  auto meta = store_->meta();
  // Always from the last committed state: a replay discards any staged block.
  auto changes = std::make_unique<Overlay>(*store_);
  changes->CacheBaseReads();  // the store changes only in Commit, which drops `changes`
  abci::pb::ResponseFinalizeBlock resp;
  // Block time from the header, the same on every validator.
  int64_t block_time_ms = req.time().seconds() * 1000 + req.time().nanos() / 1'000'000;
  last_block_time_ms_ = block_time_ms;
  uint32_t index = 0;
  // Misbehavior first: a validator's txs in this block cannot move stake out of reach.
  {
    State state(*changes);
    Events events;
    auto params = state.GetParams();
    Status s = params.ok()
                   ? ApplyMisbehavior(state, *params, req.misbehavior(), req.height(), events)
                   : params.status();
    if (!s.ok()) {
      spdlog::critical("chain: misbehavior of block {}: {}", req.height(), s.ToString());
      std::_Exit(74);
    }
    for (auto& ev : events) *resp.add_events() = std::move(ev);
  }
  uint64_t verify_units = 0;                   // ZKML verification work of this block (metered)
  std::map<std::string, uint64_t> node_units;  // the same, per node (fairness)
  for (const auto& tx : req.txs()) {
    auto result = ExecuteTx(*changes, AsBytes(tx), req.height(), meta.chain_id, ExecMode::kDeliver,
                            block_time_ms, index++, &verify_units, &node_units);
    auto* out = resp.add_tx_results();
    SetResult(*out, result.status);
    for (auto& ev : result.events) *out->add_events() = std::move(ev);
  }
  EndBlock(*changes, req.height(), block_time_ms, resp);
  auto tree = store_->Prepare(*changes, req.height());
  if (!tree.ok()) {
    // A store failure here would make this validator diverge; stop instead.
    spdlog::critical("chain: state tree of block {}: {}", req.height(), tree.status().ToString());
    std::_Exit(74);
  }
  Bytes app_hash = RootHashBytes(tree->root);
  resp.set_app_hash(ToString(app_hash));
  pending_ = Pending{req.height(), std::move(app_hash), std::move(changes), std::move(*tree)};
  return resp;
}

// After the block's txs: ZKML claims whose deadline passed expire; their
// events are block events (subscribers match them by vinet.claim.id).
void ChainApp::EndBlock(Overlay& changes, int64_t height, int64_t block_time_ms,
                        abci::pb::ResponseFinalizeBlock& resp) {
  State state(changes);
  auto params = state.GetParams();
  Events events;
  Status s = params.ok() ? ExpireClaims(state, *params, height, events) : params.status();
  if (s.ok()) s = PruneClaims(state, *params, height, block_time_ms);
  if (s.ok()) s = CompleteUnbondings(state, height, events);
  // Any validator record changed in this block: the set may have.
  auto touched = changes.changes().lower_bound(std::string_view("v/"));
  if (s.ok() && touched != changes.changes().end() && touched->first.starts_with("v/")) {
    auto updates = UpdateValidatorSet(state, *params);
    if (updates.ok()) {
      for (auto& u : *updates) *resp.add_validator_updates() = std::move(u);
    } else {
      s = updates.status();
    }
  }
  if (!s.ok()) {
    // A store failure here would make this validator diverge; stop instead.
    spdlog::critical("chain: end block {}: {}", height, s.ToString());
    std::_Exit(74);
  }
  for (auto& ev : events) *resp.add_events() = std::move(ev);
}

abci::pb::ResponseCommit ChainApp::Commit() {
  std::lock_guard lock(mu_);
  abci::pb::ResponseCommit resp;
  if (!pending_) {
    spdlog::critical("chain: Commit without FinalizeBlock");
    std::_Exit(70);
  }
  if (crash_before_commit_at_ && *crash_before_commit_at_ == pending_->height) {
    spdlog::warn("chain: test hook: exiting before Commit of height {}", pending_->height);
    std::fflush(nullptr);
    _exit(70);
  }
  CommitMeta meta{pending_->height, pending_->app_hash, store_->meta().chain_id};
  if (auto s = store_->Commit(*pending_->changes, pending_->tree, meta); !s.ok()) {
    // Continuing would diverge from the chain; stop and let the operator restart.
    spdlog::critical("chain: {}", s.ToString());
    std::_Exit(74);
  }
  pending_.reset();
  if (signer_) signer_->Record(meta.chain_id, meta.height, meta.app_hash);
  ResetMempool();
  if (snapshotter_ && meta.height % options_.snapshot_interval == 0) {
    snapshotter_->Schedule(store_->OpenView());  // O(1): the writing happens in the background
  }
  resp.set_retain_height(RetainHeight(meta.height));
  return resp;
}

int64_t ChainApp::RetainHeight(int64_t height) const {
  if (options_.retain_blocks <= 0) return 0;
  int64_t retain = height - options_.retain_blocks + 1;
  // Blocks from the oldest retained state version on: a proof at version v
  // is checked against the app hash in header v + 1.
  retain = std::min(retain, store_->oldest_version());
  if (snapshots_) {
    if (auto oldest = snapshots_->Oldest()) retain = std::min(retain, *oldest);
    if (auto writing = snapshotter_->InFlight()) retain = std::min(retain, *writing);
  }
  return std::max<int64_t>(retain, 0);
}

abci::pb::ResponseListSnapshots ChainApp::ListSnapshots(const abci::pb::RequestListSnapshots&) {
  abci::pb::ResponseListSnapshots resp;
  if (!snapshots_) return resp;
  auto list = snapshots_->List();
  if (!list.ok()) {
    spdlog::error("chain: list snapshots: {}", list.status().ToString());
    return resp;
  }
  for (const auto& info : *list) {
    auto* s = resp.add_snapshots();
    s->set_height(static_cast<uint64_t>(info.height));
    s->set_format(kSnapshotFormat);
    s->set_chunks(info.chunks);
    s->set_hash(ToString(info.hash));
    s->set_metadata(ToString(info.metadata));
  }
  return resp;
}

abci::pb::ResponseLoadSnapshotChunk ChainApp::LoadSnapshotChunk(
    const abci::pb::RequestLoadSnapshotChunk& req) {
  abci::pb::ResponseLoadSnapshotChunk resp;
  if (!snapshots_ || req.format() != kSnapshotFormat || req.height() > (uint64_t{1} << 62)) {
    return resp;
  }
  auto chunk = snapshots_->LoadChunk(static_cast<int64_t>(req.height()), req.chunk());
  if (!chunk.ok()) {
    spdlog::error("chain: load snapshot chunk: {}", chunk.status().ToString());
    return resp;
  }
  if (!*chunk) return resp;  // unknown: CometBFT asks another peer
  if (corrupt_chunks_ && !(*chunk)->empty() &&
      committed().chain_id.find("devnet") != std::string::npos) {
    (**chunk)[(*chunk)->size() / 2] ^= 0x01;
    spdlog::warn("chain: test hook: serving chunk {} of height {} corrupted", req.chunk(),
                 req.height());
  }
  resp.set_chunk(ToString(**chunk));
  return resp;
}

abci::pb::ResponseOfferSnapshot ChainApp::OfferSnapshot(const abci::pb::RequestOfferSnapshot& req) {
  std::lock_guard lock(mu_);
  return restorer_->Offer(req);
}

abci::pb::ResponseApplySnapshotChunk ChainApp::ApplySnapshotChunk(
    const abci::pb::RequestApplySnapshotChunk& req) {
  std::lock_guard lock(mu_);
  return restorer_->Apply(req);
}

void ChainApp::WaitForSnapshots() {
  if (snapshotter_) snapshotter_->Drain();
}

uint64_t ChainApp::snapshot_chunks_refetched() const {
  std::lock_guard lock(mu_);
  return restorer_->refetched();
}

}  // namespace vinet::chain
