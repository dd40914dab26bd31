// State proofs of one claim in a store of S claims (RocksDB-backed tree):
//   BM_ProveClaim        Store::ProveAt (what a validator does per proved query)
//   BM_VerifyClaimProof  merkle::VerifyMembership of the encoded proof (what a
//                        light client / SDK does), with proof_bytes reported
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>

#include "vinet/chain/store.h"
#include "vinet/merkle/proof.h"

namespace {

using namespace vinet;
using namespace vinet::chain;

struct ClaimStore {
  explicit ClaimStore(int64_t claims) {
    std::mt19937_64 rng(static_cast<uint64_t>(claims));
    dir = std::filesystem::temp_directory_path() / ("vinet_proof_bench_" + std::to_string(rng()));
    Store::KeyValues state;
    for (int64_t i = 0; i < claims; ++i) {
      Bytes id(32);
      for (auto& b : id) b = static_cast<uint8_t>(rng());
      state.emplace_back("c/" + ToHex(id), std::string(180, 'v'));  // ~ a settled claim record
    }
    std::sort(state.begin(), state.end());
    key = state[state.size() / 2].first;
    value = state[state.size() / 2].second;
    store = std::move(Store::Open(dir).value());
    if (!store->Reset(state, 1, "bench").ok()) std::abort();
  }
  ~ClaimStore() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
  std::filesystem::path dir;
  std::unique_ptr<Store> store;
  std::string key, value;
};

void BM_ProveClaim(benchmark::State& st) {
  ClaimStore cs(st.range(0));
  for (auto _ : st) benchmark::DoNotOptimize(cs.store->ProveAt(cs.key, 1));
}
BENCHMARK(BM_ProveClaim)->Arg(10'000)->Arg(200'000)->Unit(benchmark::kMicrosecond);

void BM_VerifyClaimProof(benchmark::State& st) {
  ClaimStore cs(st.range(0));
  Bytes proof = merkle::EncodeProof(cs.store->ProveAt(cs.key, 1).value());
  Bytes root = RootHashBytes(cs.store->RootAt(1).value());
  if (!merkle::VerifyMembership(root, AsBytes(cs.key), AsBytes(cs.value), proof).ok()) {
    st.SkipWithError("proof does not verify");
  }
  for (auto _ : st) {
    benchmark::DoNotOptimize(
        merkle::VerifyMembership(root, AsBytes(cs.key), AsBytes(cs.value), proof));
  }
  st.counters["proof_bytes"] = static_cast<double>(proof.size());
}
BENCHMARK(BM_VerifyClaimProof)->Arg(10'000)->Arg(200'000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
