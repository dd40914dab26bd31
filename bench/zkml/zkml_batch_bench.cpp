// zkml_batch_bench MODEL.onnx [REPS] [THREADS]: batch proofs (ProveBatch) of
// k = 1, 4, 16 random inputs under the default (Basefold) key, next to the
// single proof (Prove) of the same run. One JSON line per k: proof bytes,
// prove and verify time (median over REPS, wall and process CPU), per
// inference and in total, the verifier's cost units and soundness bits.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <random>

#include "bench_timing.h"
#include "vinet/zk/heap.h"
#include "vinet/zkml/zkml.h"

using namespace vinet;
using bench::CpuMs;
using bench::Fail;
using bench::Median;
using bench::Ms;
using bench::RandomTensor;

int main(int argc, char** argv) {
  if (argc < 2)
    return fmt::print(stderr, "usage: zkml_batch_bench MODEL.onnx [REPS] [THREADS]\n"), 2;
  zk::KeepFreedHeapMapped();  // as a node's prover pool does
  int reps = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  unsigned threads = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : 2;
  auto model = runtime::Model::LoadFile(argv[1]);
  if (!model.ok()) return Fail(model.status());
  std::vector<runtime::TensorMap> cal;
  for (uint32_t i = 0; i < 16; ++i)
    cal.push_back({{(*model)->inputs()[0].name, RandomTensor(**model, i)}});
  auto q = runtime::Quantize(**model, cal);
  if (!q.ok()) return Fail(q.status());
  zkml::ZkmlParams params;
  params.threads = threads;
  auto c = zkml::Commit(*q, params);
  if (!c.ok()) return Fail(c.status());
  uint32_t seed = 500;
  // k = 0 stands for the single proof (Prove/Verify).
  for (size_t k : {size_t{0}, size_t{1}, size_t{4}, size_t{16}}) {
    std::vector<double> prove, prove_cpu, verify, verify_cpu;
    size_t bytes = 0;
    for (int r = 0; r < reps; ++r) {
      std::vector<runtime::Int8Tensor> in;
      for (size_t n = 0; n < std::max<size_t>(k, 1); ++n) {
        auto x = zkml::QuantizeInput(c->vk.spec, RandomTensor(**model, seed++));
        if (!x.ok()) return Fail(x.status());
        in.push_back(*x);
      }
      auto t0 = std::chrono::steady_clock::now();
      std::clock_t c0 = std::clock();
      Status st;
      if (k == 0) {
        auto p = zkml::Prove(*c->package, in[0]);
        if (!p.ok()) return Fail(p.status());
        prove.push_back(Ms(t0)), prove_cpu.push_back(CpuMs(c0));
        bytes = p->proof.size();
        t0 = std::chrono::steady_clock::now(), c0 = std::clock();
        st = zkml::Verify(c->vk, in[0], p->output, p->proof);
      } else {
        auto p = zkml::ProveBatch(*c->package, in);
        if (!p.ok()) return Fail(p.status());
        prove.push_back(Ms(t0)), prove_cpu.push_back(CpuMs(c0));
        bytes = p->proof.size();
        t0 = std::chrono::steady_clock::now(), c0 = std::clock();
        st = zkml::VerifyBatch(c->vk, in, p->outputs, p->proof);
      }
      verify.push_back(Ms(t0)), verify_cpu.push_back(CpuMs(c0));
      if (!st.ok()) return Fail(st);
    }
    double n = static_cast<double>(std::max<size_t>(k, 1));
    fmt::print(
        "{{\"model\": \"{}\", \"kind\": \"{}\", \"k\": {}, \"threads\": {}, \"reps\": {}, "
        "\"proof_bytes\": {}, \"proof_bytes_per_inference\": {:.0f}, \"prove_ms\": {:.1f}, "
        "\"prove_cpu_ms\": {:.1f}, \"prove_cpu_ms_per_inference\": {:.1f}, \"verify_ms\": {:.2f}, "
        "\"verify_cpu_ms\": {:.2f}, \"verify_cost_units\": {}, \"soundness_bits\": {:.1f}}}\n",
        argv[1], k == 0 ? "single" : "batch", std::max<size_t>(k, 1), threads, reps, bytes,
        static_cast<double>(bytes) / n, Median(prove), Median(prove_cpu), Median(prove_cpu) / n,
        Median(verify), Median(verify_cpu),
        zkml::EstimateBatchVerifyCost(c->vk, std::max<size_t>(k, 1)).units(),
        zkml::BatchSoundnessBits(c->vk, std::max<size_t>(k, 1)));
  }
  return 0;
}
