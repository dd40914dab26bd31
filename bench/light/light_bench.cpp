// Light-client verification cost (Google Benchmark).
//
// The chain is SYNTHETIC (tests/unit/light/synthetic_chain.h: deterministic
// test keys, not a real network): 10,000 heights, 1 s apart. Blocks are
// fetched and signed once before timing (a caching provider), so the numbers
// are verification only: hashing, Ed25519 checks, trust arithmetic, bisection.
//   BM_GenesisTo10000/<set size>/<rotate>  skipping verification (CometBFT's
//       bisection) from the genesis root to height 10,000; `rotate` validators
//       of the set are replaced every 1,000 heights (0 = a fixed set).
//   BM_Sequential10000/<set size>          the same target by adjacent steps
//       (every header): the peer the skipping ratio is stated against.
//   BM_ClaimProof/<keys>                   one claim's proof (ProofOps decode
//       + membership against an app hash) in a state tree of <keys> keys.
#include <benchmark/benchmark.h>

#include <map>

#include "light/synthetic_chain.h"
#include "vinet/light/light_client.h"
#include "vinet/light/time.h"
#include "vinet/merkle/proof_ops.h"
#include "vinet/merkle/tree.h"

namespace {

using namespace vinet;
using light::testing::SyntheticChain;
using light::testing::SyntheticChainOptions;

class CachedChain : public light::Provider {
 public:
  explicit CachedChain(std::shared_ptr<SyntheticChain> chain) : chain_(std::move(chain)) {}
  Result<light::LightBlock> Fetch(int64_t h) override {
    if (h == 0) h = chain_->options().length;
    auto it = cache_->find(h);
    if (it != cache_->end()) return it->second;
    VINET_ASSIGN_OR_RETURN(auto b, chain_->Fetch(h));
    cache_->emplace(h, b);
    return b;
  }
  std::string Name() const override { return "synthetic"; }
  std::shared_ptr<std::map<int64_t, light::LightBlock>> cache_ =
      std::make_shared<std::map<int64_t, light::LightBlock>>();

 private:
  std::shared_ptr<SyntheticChain> chain_;
};

light::LightClientOptions Clock(const SyntheticChain& c) {
  light::LightClientOptions o;
  auto now = light::AddNanos(c.HeaderAt(c.options().length).time, 60'000'000'000);
  o.clock = [now] { return now; };
  return o;
}

void BM_GenesisTo10000(benchmark::State& state) {
  SyntheticChainOptions so;
  so.length = 10'000;
  so.set_size = static_cast<int>(state.range(0));
  so.epoch = 1'000;
  so.rotate = static_cast<int>(state.range(1));
  auto chain = std::make_shared<SyntheticChain>(so);
  auto cache = std::make_shared<std::map<int64_t, light::LightBlock>>();
  int64_t fetched = 0, bisections = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto p = std::make_unique<CachedChain>(chain);
    p->cache_ = cache;
    state.ResumeTiming();
    auto lc = light::LightClient::FromGenesis(std::move(p), {}, chain->Genesis(), Clock(*chain));
    if (!lc.ok()) state.SkipWithError(lc.status().ToString().c_str());
    auto b = lc->VerifyHeight(10'000);
    if (!b.ok()) state.SkipWithError(b.status().ToString().c_str());
    fetched = lc->stats().blocks_fetched;
    bisections = lc->stats().bisections;
  }
  state.counters["blocks_fetched"] = static_cast<double>(fetched);
  state.counters["bisections"] = static_cast<double>(bisections);
}
BENCHMARK(BM_GenesisTo10000)
    ->Args({4, 0})
    ->Args({4, 2})
    ->Args({32, 0})
    ->Args({32, 16})
    ->Unit(benchmark::kMillisecond);

void BM_Sequential10000(benchmark::State& state) {
  SyntheticChainOptions so;
  so.length = 10'000;
  so.set_size = static_cast<int>(state.range(0));
  auto chain = std::make_shared<SyntheticChain>(so);
  std::vector<light::LightBlock> blocks;
  for (int64_t h = 1; h <= so.length; ++h) blocks.push_back(chain->Fetch(h).value());
  auto now = light::AddNanos(chain->HeaderAt(so.length).time, 60'000'000'000);
  for (auto _ : state) {
    for (size_t i = 1; i < blocks.size(); ++i) {
      Status s = light::Verify(blocks[i - 1], blocks[i], now, {});
      if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    }
  }
}
BENCHMARK(BM_Sequential10000)->Arg(4)->Arg(32)->Unit(benchmark::kMillisecond)->Iterations(1);

class MemoryNodes : public merkle::NodeReader {
 public:
  Result<merkle::InternalNode> ReadNode(const merkle::NodeKey& key) const override {
    auto it = nodes.find(merkle::EncodeNodeKey(key));
    if (it == nodes.end()) return Error(Code::kNotFound, "node");
    return it->second;
  }
  std::map<Bytes, merkle::InternalNode> nodes;
};

void BM_ClaimProof(benchmark::State& state) {
  MemoryNodes nodes;
  merkle::ChildRef root;
  const int64_t keys = state.range(0);
  std::vector<merkle::Change> changes;
  for (int64_t i = 0; i < keys; ++i) {
    std::string k = "c/" + std::to_string(i);
    changes.push_back({merkle::KeyHash(AsBytes(k)), merkle::ValueHash(AsBytes("claim" + k))});
  }
  std::sort(changes.begin(), changes.end(),
            [](const auto& a, const auto& b) { return a.key_hash < b.key_hash; });
  auto up = merkle::ApplyChanges(nodes, root, 1, changes).value();
  for (auto& [k, n] : up.written) nodes.nodes[merkle::EncodeNodeKey(k)] = n;
  const std::string key = "c/" + std::to_string(keys / 2);
  const Bytes value = ToBytes("claim" + key);
  auto proof = merkle::Prove(nodes, up.root, merkle::KeyHash(AsBytes(key))).value();
  Bytes wire = merkle::EncodeProofOps({merkle::MakeProofOp(AsBytes(key), proof)});
  const auto& app = up.root.hash;
  for (auto _ : state) {
    auto ops = merkle::DecodeProofOps(wire);
    Status s = merkle::VerifyProofOps(app, AsBytes(key), ByteSpan(value), *ops);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.counters["proof_bytes"] = static_cast<double>(wire.size());
}
BENCHMARK(BM_ClaimProof)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMicrosecond);

}  // namespace
BENCHMARK_MAIN();
