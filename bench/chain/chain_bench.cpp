// In-process costs of the state machine, without CometBFT or sockets:
//   BM_CheckTransfer     decode + Ed25519 verify + execute one transfer (CheckTx path)
//   BM_FinalizeCommit    FinalizeBlock + Commit (RocksDB, synced) of a block of N transfers
//   BM_StateTreePrepare  app hash (state tree update) of a state of S accounts after
//                        touching 1000 keys (RocksDB-backed nodes, nothing written)
// The devnet end-to-end benchmark is bench/chain/devnet_throughput.py.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>

#include "vinet/chain/app.h"
#include "vinet/chain/executor.h"
#include "vinet/chain/genesis.h"

namespace {

using namespace vinet;
using namespace vinet::chain;

crypto::SecretKey Key(uint8_t b) {
  return crypto::SecretKey::FromSeed(Bytes(32, b)).value();
}

std::vector<std::string> Transfers(const crypto::SecretKey& from, const std::string& chain_id,
                                   int count) {
  std::vector<std::string> out;
  std::string to = crypto::AddressOf(Key(99).public_key());
  for (int i = 0; i < count; ++i) {
    txpb::TxBody b;
    b.set_chain_id(chain_id);
    b.set_nonce(static_cast<uint64_t>(i));
    b.set_fee(1);
    b.mutable_transfer()->set_to(to);
    b.mutable_transfer()->set_amount(1);
    out.push_back(ToString(BuildSignedTx(from, b)));
  }
  return out;
}

void BM_CheckTransfer(benchmark::State& st) {
  auto alice = Key(1);
  EmptyKv empty;
  Overlay genesis(empty);
  State s(genesis);
  Genesis g;
  g.params = DefaultParams();
  g.accounts.push_back({crypto::AddressOf(alice.public_key()), 1'000'000'000});
  if (auto applied = ApplyGenesis(g, s); !applied.ok()) {
    st.SkipWithError(applied.ToString().c_str());
    return;
  }
  auto txs = Transfers(alice, "bench", 1);
  for (auto _ : st) {
    auto mempool = Overlay::Over(genesis);
    auto r = ExecuteTx(mempool, AsBytes(txs[0]), 1, "bench", ExecMode::kCheck);
    benchmark::DoNotOptimize(r);
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_CheckTransfer);

void BM_FinalizeCommit(benchmark::State& st) {
  auto dir = std::filesystem::temp_directory_path() / "vinet_chain_bench";
  std::filesystem::remove_all(dir);
  auto app = std::move(ChainApp::Open(dir).value());
  auto alice = Key(1);
  abci::pb::RequestInitChain init;
  init.set_chain_id("bench");
  init.set_initial_height(1);
  Genesis g;
  g.params = DefaultParams();
  g.accounts.push_back({crypto::AddressOf(alice.public_key()), 1'000'000'000'000});
  init.set_app_state_bytes(GenesisToJson(g));
  app->InitChain(init);
  const int per_block = static_cast<int>(st.range(0));
  auto txs = Transfers(alice, "bench", per_block * 64);
  int64_t height = 0;
  size_t next = 0;
  for (auto _ : st) {
    if (next + static_cast<size_t>(per_block) > txs.size()) {
      st.SkipWithError("ran out of pre-signed txs");
      break;
    }
    abci::pb::RequestFinalizeBlock req;
    req.set_height(++height);
    for (int i = 0; i < per_block; ++i) req.add_txs(txs[next++]);
    benchmark::DoNotOptimize(app->FinalizeBlock(req));
    app->Commit();
  }
  st.SetItemsProcessed(st.iterations() * per_block);
  app.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_FinalizeCommit)->Arg(100)->Arg(1000)->Iterations(40)->Unit(benchmark::kMillisecond);

void BM_StateTreePrepare(benchmark::State& st) {
  Store::KeyValues state;
  std::mt19937_64 rng(7);
  for (int64_t i = 0; i < st.range(0); ++i) {
    state.emplace_back("a/" + std::to_string(rng()), std::string(12, 'v'));
  }
  std::sort(state.begin(), state.end());
  auto dir = std::filesystem::temp_directory_path() / ("vinet_tree_bench_" + std::to_string(rng()));
  {
    auto store = Store::Open(dir).value();
    if (!store->Reset(state, 1, "bench").ok()) st.SkipWithError("reset failed");
    Overlay touched(*store);
    for (int i = 0; i < 1000; ++i)
      touched.Put(state[static_cast<size_t>(i) * 7 % state.size()].first, "w");
    for (auto _ : st) benchmark::DoNotOptimize(store->Prepare(touched, 2));
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_StateTreePrepare)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
