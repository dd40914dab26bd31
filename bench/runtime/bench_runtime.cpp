// Google Benchmark programs for the runtime.
//
// BM_Gemm/<backend>/M/N/K: C = A·B with our register-blocked kernel vs
// OpenBLAS on the shapes the four reference models produce (batch 1 and
// 64); docs/runtime.md explains the rule ChooseGemmBackend derives from them.
// BM_Model/<file>/<batch>: ExecutionContext::RunInPlace latency for each
// model in $VINET_RUNTIME_BENCH_DIR (no Python in the loop).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "runtime/gemm.h"
#include "vinet/runtime/model.h"

namespace {

using vinet::runtime::detail::Gemm;
using vinet::runtime::detail::GemmBackend;

void BM_Gemm(benchmark::State& state, GemmBackend backend) {
  int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> d(-1, 1);
  std::vector<float> a(m * k), b(k * n), c(m * n);
  for (auto& v : a) v = d(rng);
  for (auto& v : b) v = d(rng);
  for (auto _ : state) {
    Gemm(m, n, k, a.data(), k, b.data(), n, c.data(), n, false, backend);
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["GFLOPS"] =
      benchmark::Counter(2.0 * m * n * k * state.iterations(), benchmark::Counter::kIsRate,
                         benchmark::Counter::kIs1000);
}

// M, N, K: MLP and LeNet dense layers at batch 1 and 64, the im2col GEMMs of
// LeNet and the small ResNet (M = out channels, N = output pixels), and the
// transformer block's projections (M = tokens).
const std::vector<std::vector<int64_t>> kShapes = {
    {1, 128, 784},  {1, 10, 128},   {1, 120, 400},  {64, 128, 784},  {64, 10, 128},
    {6, 784, 25},   {16, 100, 150}, {16, 1024, 27}, {16, 1024, 144}, {32, 256, 144},
    {32, 256, 288}, {16, 64, 64},   {16, 128, 64},  {1024, 64, 64},  {1024, 128, 64},
};

void RegisterGemm() {
  for (auto [name, be] :
       {std::pair{"own", GemmBackend::kOwn}, std::pair{"openblas", GemmBackend::kBlas}}) {
    auto* b = benchmark::RegisterBenchmark((std::string("BM_Gemm/") + name).c_str(),
                                           [be = be](benchmark::State& s) { BM_Gemm(s, be); });
    for (const auto& s : kShapes) b->Args(s);
  }
}

void RegisterModels() {
  const char* dir = std::getenv("VINET_RUNTIME_BENCH_DIR");
  if (!dir) return;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".onnx") continue;
    auto model = vinet::runtime::Model::LoadFile(entry.path().string());
    if (!model.ok()) continue;
    for (int64_t batch : {1, 64}) {
      std::string name = "BM_Model/" + entry.path().stem().string() + "/" + std::to_string(batch);
      std::shared_ptr<const vinet::runtime::Model> m = *model;
      benchmark::RegisterBenchmark(name.c_str(), [m, batch](benchmark::State& state) {
        vinet::runtime::ExecutionContext ctx(m);
        std::vector<std::vector<float>> data;
        std::vector<vinet::runtime::Shape> shapes;
        std::vector<const float*> ptrs;
        for (const auto& in : m->inputs()) {
          vinet::runtime::Shape s = in.shape;
          s[0] = batch;
          for (auto& d : s) d = d < 0 ? 1 : d;
          data.emplace_back(vinet::runtime::NumElements(s), 0.25f);
          shapes.push_back(s);
        }
        for (auto& d : data) ptrs.push_back(d.data());
        for (auto _ : state) {
          if (!ctx.RunInPlace(ptrs, shapes).ok()) state.SkipWithError("run failed");
        }
        state.counters["samples/s"] = benchmark::Counter(
            static_cast<double>(batch * state.iterations()), benchmark::Counter::kIsRate);
      })->Unit(benchmark::kMicrosecond);
    }
  }
}

// `bench_runtime --profile MODEL.onnx`: per-op-type share of run time at
// batch 1 and 64 over 200 runs (where the time goes).
int Profile(const char* path) {
  auto model = vinet::runtime::Model::LoadFile(path);
  if (!model.ok()) {
    std::fprintf(stderr, "%s\n", model.status().ToString().c_str());
    return 1;
  }
  for (int64_t batch : {1, 64}) {
    vinet::runtime::ExecutionContext ctx(*model);
    std::vector<vinet::runtime::Shape> shapes;
    std::vector<std::vector<float>> data;
    std::vector<const float*> ptrs;
    for (const auto& in : (*model)->inputs()) {
      vinet::runtime::Shape s = in.shape;
      s[0] = batch;
      for (auto& d : s) d = d < 0 ? 1 : d;
      data.emplace_back(vinet::runtime::NumElements(s), 0.25f);
      shapes.push_back(s);
    }
    for (auto& d : data) ptrs.push_back(d.data());
    (void)ctx.RunInPlace(ptrs, shapes);
    ctx.EnableProfiling(true);
    int runs = batch == 1 ? 200 : 20;
    for (int i = 0; i < runs; ++i) (void)ctx.RunInPlace(ptrs, shapes);
    int64_t total = 0;
    for (const auto& [op, p] : ctx.profile()) total += p.nanos;
    std::printf("  batch %ld: %.1f us per run\n", static_cast<long>(batch), total / 1e3 / runs);
    for (const auto& [op, p] : ctx.profile()) {
      std::printf("    %-20s %6.1f%%  %8.1f us/run  %ld calls/run\n", op.c_str(),
                  100.0 * p.nanos / total, p.nanos / 1e3 / runs, static_cast<long>(p.calls / runs));
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  vinet::runtime::SetBlasThreads(1);
  if (argc == 3 && std::string(argv[1]) == "--profile") return Profile(argv[2]);
  RegisterGemm();
  RegisterModels();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
