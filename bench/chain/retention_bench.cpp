// State size on disk after N settled claims, with and without state retention
// (genesis claim_retention_blocks). Drives the real ChainApp (FinalizeBlock +
// synced Commit into RocksDB) with blocks of 1,000 VANILLA claims whose
// requests expire 2 s (block time) after submission; blocks are 1 s apart.
// After the claims, 2·R + versions + 10 empty blocks let retention and
// version pruning finish. Reports the live
// state (keys, bytes of keys + values) and the RocksDB directory's size after
// a full compaction (without it, tombstones and unflushed logs dominate).
// Both runs keep `versions` state versions (the store's history window:
// older values, tree nodes and roots are pruned), so a claim pruned from the
// live state also leaves the disk once its last version is out of the window.
//
//   build/release/bench/chain_retention_bench [claims=100000] [retention=100] [versions=100]
#include <rocksdb/db.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "vinet/chain/app.h"
#include "vinet/chain/fee.h"
#include "vinet/chain/genesis.h"
#include "vinet/chain/store.h"
#include "vinet/chain/tx.h"
#include "vinet/protocol/request.h"

namespace {

using namespace vinet;
using namespace vinet::chain;
namespace fs = std::filesystem;
constexpr std::string_view kChain = "bench-chain";
constexpr int kPerBlock = 1000;
constexpr int64_t kT0 = 1'800'000'000'000;  // ms

crypto::SecretKey Key(uint8_t b) {
  return std::move(crypto::SecretKey::FromSeed(Bytes(32, b)).value());
}

struct Run {
  crypto::SecretKey node = Key(1), client = Key(2);
  std::unique_ptr<ChainApp> app;
  uint64_t nonce = 0;
  int64_t height = 0;
  uint64_t claim_nonce = 0;

  std::string Tx(txpb::TxBody body) {
    body.set_chain_id(std::string(kChain));
    body.set_nonce(nonce++);
    body.set_fee(1);
    PayMinimumFee(FeesOf(DefaultParams()), body);
    return ToString(BuildSignedTx(node, body));
  }
  void Block(const std::vector<std::string>& txs) {
    abci::pb::RequestFinalizeBlock req;
    req.set_height(++height);
    req.mutable_time()->set_seconds((kT0 + height * 1000) / 1000);
    for (const auto& t : txs) req.add_txs(t);
    auto resp = app->FinalizeBlock(req);
    for (const auto& r : resp.tx_results()) {
      if (r.code() != 0) {
        std::fprintf(stderr, "tx failed at %lld: %s\n", static_cast<long long>(height),
                     r.log().c_str());
        std::exit(1);
      }
    }
    app->Commit();
  }
  std::string Claims(int count) {
    txpb::TxBody body;
    int64_t now = kT0 + (height + 1) * 1000;
    for (int i = 0; i < count; ++i) {
      protocol::InferenceRequest r;
      r.chain_id = std::string(kChain);
      r.model_id = "m1";
      r.mode = protocol::Mode::kVanilla;
      r.input_hash = Bytes(32, 1);
      r.max_fee = 10;
      r.nonce = ++claim_nonce;
      r.node_pubkey = node.public_key();
      r.timestamp_ms = now - 1000;
      r.expires_ms = now + 2000;
      auto signed_req = protocol::SignRequest(r, client);
      protocol::Receipt receipt;
      auto id = protocol::InferenceId(signed_req);
      receipt.inference_id = Bytes(id.begin(), id.end());
      receipt.model_id = "m1";
      receipt.mode = protocol::Mode::kVanilla;
      receipt.input_hash = r.input_hash;
      receipt.output_hash = Bytes(32, 2);
      receipt.node_id = Bytes(node.public_key().begin(), node.public_key().end());
      (void)protocol::SignAsNode(receipt, node);
      auto* c = body.mutable_submit_claims()->add_claims();
      c->mutable_request()->ParseFromString(ToString(protocol::EncodeSignedRequest(signed_req)));
      c->set_receipt(ToString(protocol::EncodeReceipt(receipt)));
    }
    return Tx(body);
  }
};

// Bytes of the directory's files; `sst_only`: only the table files (the
// state itself, without logs, manifest and RocksDB's own info logs).
uint64_t DirBytes(const fs::path& dir, bool sst_only) {
  uint64_t total = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    if (sst_only && e.path().extension() != ".sst") continue;
    total += e.file_size();
  }
  return total;
}

void Measure(const fs::path& dir, int claims, int64_t retention, uint64_t versions) {
  fs::remove_all(dir);
  auto start = std::chrono::steady_clock::now();
  {
    Run run;
    StoreOptions store;
    store.versions_kept = versions;
    run.app = std::move(ChainApp::Open(dir, store).value());
    Genesis g;
    g.params = DefaultParams();
    g.params.set_claim_retention_blocks(retention);
    g.accounts.push_back({crypto::AddressOf(run.node.public_key()), 1'000'000'000});
    g.accounts.push_back({crypto::AddressOf(run.client.public_key()), 1'000'000'000});
    abci::pb::RequestInitChain init;
    init.set_chain_id(std::string(kChain));
    init.set_initial_height(1);
    init.set_app_state_bytes(GenesisToJson(g));
    run.app->InitChain(init);
    txpb::TxBody reg;
    reg.mutable_register_node()->set_stake(10'000);
    reg.mutable_register_node()->set_endpoint("http://n");
    txpb::TxBody model;
    auto* m = model.mutable_register_model();
    m->set_model_id("m1");
    m->set_name("m");
    m->set_format("onnx");
    m->set_fee_per_inference(1);
    m->add_modes(inference::v1::MODE_VANILLA);
    run.Block({run.Tx(reg)});
    run.Block({run.Tx(model)});
    for (int done = 0; done < claims; done += kPerBlock) {
      run.Block({run.Claims(std::min(kPerBlock, claims - done))});
    }
    // Retention finishes (2R), then the pruned values leave the version window.
    // The store prunes in bounded work per commit (>= 4,096 stale records), so
    // give it ~1,000 more blocks to drop the deleted claims' tree nodes too.
    int64_t tail = 2 * std::max<int64_t>(retention, 1) + static_cast<int64_t>(versions) + 1010;
    for (int64_t i = 0; i < tail; ++i) run.Block({});
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Live state and compacted size, read straight from RocksDB.
  rocksdb::DB* raw = nullptr;
  rocksdb::Options options;
  if (!rocksdb::DB::Open(options, dir.string(), &raw).ok()) std::exit(1);
  std::unique_ptr<rocksdb::DB> db(raw);
  uint64_t keys = 0, bytes = 0, claim_keys = 0, versioned = 0;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (static_cast<uint8_t>(it->key()[0]) == 0xfe) ++versioned;  // history, tree, stale index
    if (static_cast<uint8_t>(it->key()[0]) >= 0xfe) continue;
    ++keys;
    bytes += it->key().size() + it->value().size();
    if (it->key().starts_with("c/")) ++claim_keys;
  }
  it.reset();
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  db->CompactRange(compact, nullptr, nullptr);
  db->Flush(rocksdb::FlushOptions());
  db.reset();
  std::printf(
      "claims=%d retention=%lld versions=%llu: %llu state keys (%llu claims), %.2f MB of "
      "keys+values, %llu history/tree records, "
      "%.2f MB of table files after compaction (%.2f MB directory) (%.1f s to run)\n",
      claims, static_cast<long long>(retention), static_cast<unsigned long long>(versions),
      static_cast<unsigned long long>(keys), static_cast<unsigned long long>(claim_keys),
      bytes / 1e6, static_cast<unsigned long long>(versioned), DirBytes(dir, true) / 1e6,
      DirBytes(dir, false) / 1e6, secs);
}

}  // namespace

int main(int argc, char** argv) {
  int claims = argc > 1 ? std::atoi(argv[1]) : 100'000;
  int64_t retention = argc > 2 ? std::atoll(argv[2]) : 100;
  uint64_t versions = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 100;
  std::random_device rd;
  fs::path base = fs::temp_directory_path() / ("vinet_retention_bench_" + std::to_string(rd()));
  Measure(base / "keep", claims, 0, versions);
  Measure(base / "retain", claims, retention, versions);
  fs::remove_all(base);
  return 0;
}
