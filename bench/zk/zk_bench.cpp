// Google Benchmark programs for the proof-system core. For the full table
// (sizes 2^16..2^22, soundness bits) use `vinet zk bench`.
#include <benchmark/benchmark.h>

#include <random>

#include "vinet/zk/field/ntt.h"
#include "vinet/zk/pcs/ligero.h"
#include "vinet/zk/sumcheck/sumcheck.h"

namespace vinet::zk {
namespace {

std::vector<Fp> RandomVector(size_t n) {
  std::mt19937_64 rng(n);
  std::vector<Fp> v(n);
  for (auto& x : v) x = Fp(rng());
  return v;
}

void BM_FpMul(benchmark::State& state) {
  Fp a(3), b(0x123456789abcdefULL);
  for (auto _ : state) {
    a *= b;
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_FpMul);

void BM_Fp2Mul(benchmark::State& state) {
  Fp2 a(Fp(3), Fp(5)), b(Fp(0x123456789abcdefULL), Fp(77));
  for (auto _ : state) {
    a *= b;
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_Fp2Mul);

void BM_Ntt(benchmark::State& state) {
  auto v = RandomVector(size_t{1} << state.range(0));
  for (auto _ : state) {
    Ntt(v, static_cast<unsigned>(state.range(1)));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_Ntt)->ArgsProduct({{16, 20}, {1, 2}})->Unit(benchmark::kMillisecond);

void BM_LigeroCommit(benchmark::State& state) {
  auto v = RandomVector(size_t{1} << state.range(0));
  LigeroPcs pcs({100, 2, static_cast<unsigned>(state.range(1))});
  for (auto _ : state) benchmark::DoNotOptimize(pcs.Commit({v}));
}
BENCHMARK(BM_LigeroCommit)->ArgsProduct({{16, 20}, {1, 2}})->Unit(benchmark::kMillisecond);

void BM_LigeroVerify(benchmark::State& state) {
  size_t n = static_cast<size_t>(state.range(0));
  auto v = RandomVector(size_t{1} << n);
  LigeroPcs pcs({100, 2, 1});
  PcsCommitted c = pcs.Commit({v}).value();
  std::vector<Fp2> point(n);
  for (size_t i = 0; i < n; ++i) point[i] = Fp2(Fp(i + 3), Fp(7 * i + 1));
  Transcript tp("bench");
  PcsOpening open = pcs.Open(*c.data, point, tp).value();
  for (auto _ : state) {
    Transcript t("bench");
    benchmark::DoNotOptimize(pcs.Verify(c.commitment, point, open.evals, open.proof, t));
  }
  state.counters["bytes"] = static_cast<double>(open.proof.size());
}
BENCHMARK(BM_LigeroVerify)->Arg(15)->Arg(17)->Arg(20)->Unit(benchmark::kMicrosecond);

void BM_SumcheckProve(benchmark::State& state) {
  size_t n = size_t{1} << state.range(0);
  auto a = RandomVector(n), b = RandomVector(n / 2 * 2);
  std::vector<Fp2> ea(a.begin(), a.end()), eb(b.rbegin(), b.rend());
  std::vector<ProductTerm> terms = {{Fp2::One(), {0, 1}}};
  for (auto _ : state) {
    Transcript t("bench");
    benchmark::DoNotOptimize(ProveSumcheck({ea, eb}, terms, t, 2));
  }
}
BENCHMARK(BM_SumcheckProve)->Arg(16)->Arg(20)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace vinet::zk

BENCHMARK_MAIN();
