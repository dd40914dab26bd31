// PCS alone, both schemes in one run: commit, open and verify times, opening
// bytes, queries and soundness bits at sizes 2^min..2^max (one polynomial).
// Usage: pcs_bench [min_log max_log threads reps [k fold_log final_vars grinding [schemes
//        [first_fold_log [hiding [conjectured [digest_bytes]]]]]]]
// schemes: bit mask, 1 = ligero, 2 = basefold (default parameters, Johnson
// regime over Fp4), 4 = basefold-ud (the unique-decoding Fp2 set of
// PcsKind::kBasefold keys, rate 1/4); default 7.
// Verification is single-threaded (wall and CPU time, medians of at least 5);
// commit and open use `threads`.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <random>
#include <vector>

#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/pcs/ligero.h"

namespace vinet::zk {
namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

template <typename Fn>
double Median(int reps, Fn fn) {
  std::vector<double> v;
  for (int i = 0; i < reps; ++i) v.push_back(fn());
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void Row(const char* scheme, const MultilinearPcs& pcs, size_t n, int reps) {
  std::mt19937_64 rng(n);
  std::vector<Fp> poly(size_t{1} << n);
  for (auto& x : poly) x = Fp(rng() % Fp::kModulus);
  std::vector<Fp2> point(n);
  for (auto& x : point) x = Fp2(Fp(rng() % Fp::kModulus), Fp(rng() % Fp::kModulus));
  PcsCommitted c;
  double commit = Median(reps, [&] {
    auto t0 = Clock::now();
    c = pcs.Commit({poly}).value();
    return Ms(t0, Clock::now());
  });
  PcsOpening o;
  double open = Median(reps, [&] {
    Transcript t("pcs-bench");
    auto t0 = Clock::now();
    o = pcs.Open(*c.data, point, t).value();
    return Ms(t0, Clock::now());
  });
  std::vector<double> cpu;
  double verify = Median(std::max(reps, 5), [&] {
    Transcript t("pcs-bench");
    auto t0 = Clock::now();
    std::clock_t c0 = std::clock();
    Status s = pcs.Verify(c.commitment, point, o.evals, o.proof, t);
    cpu.push_back(1000.0 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
    double ms = Ms(t0, Clock::now());
    if (!s.ok()) {
      std::fprintf(stderr, "%s: verify failed: %s\n", scheme, s.ToString().c_str());
      std::exit(1);
    }
    return ms;
  });
  std::sort(cpu.begin(), cpu.end());
  std::printf("%-11s %4zu %10.1f %10.1f %10.3f %10.3f %12zu %10.1f %8.1f\n", scheme, n, commit,
              open, verify, cpu[cpu.size() / 2], o.proof.size(), o.proof.size() / 1024.0,
              pcs.SoundnessBits(n));
}

}  // namespace
}  // namespace vinet::zk

int main(int argc, char** argv) {
  using namespace vinet::zk;
  auto arg = [&](int i, int d) { return argc > i ? std::atoi(argv[i]) : d; };
  int min_log = arg(1, 16), max_log = arg(2, 22), reps = arg(4, 3);
  unsigned threads = static_cast<unsigned>(arg(3, 2));
  BasefoldParams bp = BasefoldParams::Default();
  bp.log_inv_rate = arg(5, bp.log_inv_rate);
  bp.fold_log = arg(6, bp.fold_log);
  bp.final_vars = arg(7, bp.final_vars);
  bp.grinding_bits = arg(8, bp.grinding_bits);
  bp.first_fold_log = arg(10, bp.first_fold_log);
  bp.hiding = arg(11, 0) != 0;  // 1: hiding Basefold (BasefoldParams::hiding)
  // 1: the conjectured regime (BasefoldRegime::kConjecturedFp4) for scheme 2.
  bool conjectured = arg(12, 0) != 0;
  if (conjectured) bp.regime = BasefoldRegime::kConjecturedFp4;
  // Merkle digest bytes: the conjectured sets' 26 unless given.
  bp.digest_bytes = arg(13, conjectured ? BasefoldParams::kCompactDigest : 32);
  bp.threads = threads;
  int schemes = arg(9, 7);
  BasefoldPcs basefold(bp);
  BasefoldPcs unique(BasefoldParams::UniqueDecoding(100, 2, threads));
  LigeroPcs ligero({100, 2, threads});
  std::printf(
      "threads %u (verify: 1), median of %d; basefold k=%d fold_log=%d final_vars=%d "
      "grinding=%d first=%d hiding=%d regime=%u digest=%d\n",
      threads, reps, bp.log_inv_rate, bp.fold_log, bp.final_vars, bp.grinding_bits,
      bp.first_fold_log, bp.hiding ? 1 : 0, static_cast<unsigned>(bp.regime), bp.digest_bytes);
  std::printf("%-11s %4s %10s %10s %10s %10s %12s %10s %8s\n", "scheme", "log", "commit_ms",
              "open_ms", "verify_ms", "vrfy_cpu", "proof_bytes", "proof_KiB", "bits");
  for (int n = min_log; n <= max_log; ++n) {
    if (schemes & 1) Row("ligero", ligero, static_cast<size_t>(n), reps);
    if (schemes & 2) Row("basefold", basefold, static_cast<size_t>(n), reps);
    if (schemes & 4) Row("basefold-ud", unique, static_cast<size_t>(n), reps);
  }
  return 0;
}
