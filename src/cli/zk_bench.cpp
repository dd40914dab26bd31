#include "cli/zk_bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <random>
#include <string>

#include "vinet/common/result.h"
#include "vinet/zk/field/extension.h"
#include "vinet/zk/field/ntt.h"
#include "vinet/zk/lookup/logup_gkr.h"
#include "vinet/zk/pcs/ligero.h"
#include "vinet/zk/soundness.h"
#include "vinet/zk/sumcheck/sumcheck.h"

namespace vinet::cli {
namespace {

using namespace vinet::zk;
using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Runs `fn` (which returns the wall time of its timed part) `reps` times and
// stores the median wall time as row[key + "_ms"] and the median process CPU
// time (all threads, including fn's untimed setup) as row[key + "_cpu_ms"].
// CPU time is what to compare when the machine is shared.
void Measure(nlohmann::json& row, const std::string& key, int reps,
             const std::function<double()>& fn) {
  std::vector<double> wall, cpu;
  for (int i = 0; i < std::max(1, reps); ++i) {
    double c0 = CpuMs();
    wall.push_back(fn());
    cpu.push_back(CpuMs() - c0);
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  row[key + "_ms"] = wall[wall.size() / 2];
  row[key + "_cpu_ms"] = cpu[cpu.size() / 2];
}

template <typename F>
double MulsPerSecond() {
  std::mt19937_64 rng(1);
  F acc[8];
  for (auto& x : acc) x = F(Fp(rng()));
  F m = F(Fp(rng()));
  constexpr size_t kIters = 1u << 20;
  auto t0 = Clock::now();
  for (size_t i = 0; i < kIters; ++i) {
    for (auto& x : acc) x *= m;
  }
  auto t1 = Clock::now();
  volatile uint64_t sink = 0;
  for (auto& x : acc) sink = sink + Fp2(x).c0().value();
  return 8.0 * kIters / (Ms(t0, t1) / 1e3);
}

std::vector<Fp> RandomBase(size_t n, std::mt19937_64& rng) {
  std::vector<Fp> v(n);
  for (auto& x : v) x = Fp(rng());
  return v;
}

nlohmann::json BenchSize(int log_n, const ZkBenchOptions& o) {
  std::mt19937_64 rng(log_n);
  size_t n = size_t{1} << log_n;
  nlohmann::json row = {{"log_size", log_n}};
  std::vector<Fp> base = RandomBase(n, rng);

  Measure(row, "ntt", o.reps, [&] {
    std::vector<Fp> a = base;
    auto t0 = Clock::now();
    Ntt(a, o.threads);
    return Ms(t0, Clock::now());
  });

  // Sumcheck for sum_x A(x) B(x).
  std::vector<ProductTerm> terms = {{Fp2::One(), {0, 1}}};
  std::vector<Fp2> a(base.begin(), base.end()), b(n);
  for (auto& x : b) x = Fp2(Fp(rng()));
  SumcheckProverOutput sc;
  Measure(row, "sumcheck_prove", o.reps, [&] {
    Transcript t("bench");
    auto t0 = Clock::now();
    sc = ValueOrThrow(ProveSumcheck({a, b}, terms, t, o.threads));
    return Ms(t0, Clock::now());
  });
  Measure(row, "sumcheck_verify", o.reps, [&] {
    Transcript t("bench");
    auto t0 = Clock::now();
    ValueOrThrow(VerifySumcheck(log_n, 2, terms, sc.claimed_sum, sc.proof, t));
    return Ms(t0, Clock::now());
  });
  row["sumcheck_bits"] = SumcheckSoundnessBits(2, log_n);

  if (log_n <= o.logup_max_log) {
    RangeTable table(16);
    std::vector<std::vector<Fp>> w(1, std::vector<Fp>(n));
    for (auto& x : w[0]) x = Fp(rng() & 0xffff);
    std::vector<Fp> m = ValueOrThrow(ComputeMultiplicities(table, w));
    LogUpProof lp;
    Measure(row, "logup_prove", o.reps, [&] {
      Transcript t("bench");
      auto t0 = Clock::now();
      lp = ValueOrThrow(ProveLogUp(table, w, m, t, o.threads));
      return Ms(t0, Clock::now());
    });
    LogUpStatement st = StatementFor(table, log_n);
    Measure(row, "logup_verify", o.reps, [&] {
      Transcript t("bench");
      auto t0 = Clock::now();
      ValueOrThrow(VerifyLogUp(st, lp, t));
      return Ms(t0, Clock::now());
    });
    row["logup_proof_bytes"] = lp.ToBytes().size();
    row["logup_bits"] = LogUpSoundnessBits(log_n, 16, 1);
  }

  LigeroPcs pcs({100, 2, o.threads});
  PcsCommitted committed;
  Measure(row, "pcs_commit", o.reps, [&] {
    auto t0 = Clock::now();
    committed = ValueOrThrow(pcs.Commit({base}));
    return Ms(t0, Clock::now());
  });
  std::vector<Fp2> point(log_n);
  for (auto& x : point) x = Fp2(Fp(rng()), Fp(rng()));
  PcsOpening opening;
  Measure(row, "pcs_open", o.reps, [&] {
    Transcript t("bench");
    auto t0 = Clock::now();
    opening = ValueOrThrow(pcs.Open(*committed.data, point, t));
    return Ms(t0, Clock::now());
  });
  Measure(row, "pcs_verify", o.reps, [&] {
    Transcript t("bench");
    auto t0 = Clock::now();
    ThrowIfError(pcs.Verify(committed.commitment, point, opening.evals, opening.proof, t));
    return Ms(t0, Clock::now());
  });
  row["pcs_opening_bytes"] = opening.proof.size();
  row["pcs_queries"] = pcs.num_queries(log_n);
  row["pcs_bits"] = pcs.SoundnessBits(log_n);
  return row;
}

}  // namespace

nlohmann::json RunZkBench(const ZkBenchOptions& o) {
  if (o.min_log < 1 || o.max_log > 26 || o.min_log > o.max_log || o.threads < 1) {
    throw StatusError(Error(Code::kInvalidArgument,
                            "zk bench: need 1 <= min-log <= max-log <= 26 and threads >= 1"));
  }
  nlohmann::json out;
  out["threads"] = o.threads;
  out["reps"] = o.reps;
  out["field"] = {{"base_mul_per_s", MulsPerSecond<Fp>()},
                  {"ext_mul_per_s", MulsPerSecond<Fp2>()},
                  {"ext_field_bits", ExtensionFieldBits()}};
  out["pcs"] = {{"scheme", "ligero-sha256-rs4"},
                {"rate", 0.25},
                {"security_bits_target", 100},
                {"queries", LigeroNumQueries(100, 2)}};
  nlohmann::json sizes = nlohmann::json::array();
  for (int log_n = o.min_log; log_n <= o.max_log; ++log_n) sizes.push_back(BenchSize(log_n, o));
  out["sizes"] = sizes;
  return out;
}

void PrintZkBench(const nlohmann::json& r) {
  std::printf("threads %u, median of %d\n", r["threads"].get<unsigned>(), r["reps"].get<int>());
  std::printf("field: %.3g base mul/s, %.3g ext mul/s; challenges in Fp2 (%.2f bits)\n",
              r["field"]["base_mul_per_s"].get<double>(), r["field"]["ext_mul_per_s"].get<double>(),
              r["field"]["ext_field_bits"].get<double>());
  std::printf("pcs: Ligero, rate 1/4, %d queries for 100 bits\n\n", r["pcs"]["queries"].get<int>());
  std::printf("%4s %9s %10s %10s %10s %10s %10s %10s %9s %10s %8s %8s %8s\n", "log", "ntt_ms",
              "sc_prove", "sc_verify", "lu_prove", "lu_verify", "pcs_commit", "pcs_open",
              "pcs_vrfy", "open_bytes", "sc_bits", "lu_bits", "pcs_bits");
  for (const auto& s : r["sizes"]) {
    auto num = [&](const char* k) { return s.contains(k) ? s[k].get<double>() : -1.0; };
    std::printf(
        "%4d %9.2f %10.2f %10.3f %10.2f %10.3f %10.2f %10.2f %9.3f %10zu %8.1f %8.1f %8.1f\n",
        s["log_size"].get<int>(), num("ntt_ms"), num("sumcheck_prove_ms"),
        num("sumcheck_verify_ms"), num("logup_prove_ms"), num("logup_verify_ms"),
        num("pcs_commit_ms"), num("pcs_open_ms"), num("pcs_verify_ms"),
        s["pcs_opening_bytes"].get<size_t>(), num("sumcheck_bits"), num("logup_bits"),
        num("pcs_bits"));
  }
  std::printf("(-1: not run at this size; raise --logup-max-log)\n\n");
  std::printf("process CPU ms, all threads (stable when the machine is shared):\n");
  std::printf("%4s %10s %10s %10s %10s %10s\n", "log", "sc_prove", "lu_prove", "pcs_commit",
              "pcs_open", "pcs_vrfy");
  for (const auto& s : r["sizes"]) {
    auto num = [&](const char* k) { return s.contains(k) ? s[k].get<double>() : -1.0; };
    std::printf("%4d %10.2f %10.2f %10.2f %10.2f %10.3f\n", s["log_size"].get<int>(),
                num("sumcheck_prove_cpu_ms"), num("logup_prove_cpu_ms"), num("pcs_commit_cpu_ms"),
                num("pcs_open_cpu_ms"), num("pcs_verify_cpu_ms"));
  }
}

}  // namespace vinet::cli
