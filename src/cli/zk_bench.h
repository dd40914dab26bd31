// `vinet zk bench`: timings of the proof-system core on this machine.
//
// For each size 2^n in [min_log, max_log]: NTT, sumcheck (product of two
// multilinears) prove/verify, LogUp-GKR (2^n values into a 2^16 range table)
// prove/verify, Ligero commit/open/verify and opening size, plus the
// soundness bits of the configured parameters. Field multiplication rates are
// measured once. Each timing is the median of `reps` runs, as wall clock and
// as process CPU time (the latter is comparable on a shared machine).
#pragma once

#include <nlohmann/json.hpp>

namespace vinet::cli {

struct ZkBenchOptions {
  int min_log = 16;
  int max_log = 22;
  int logup_max_log = 22;  // LogUp keeps its whole tree in memory (~1.2 GB at 2^22)
  int reps = 3;
  unsigned threads = 2;
};

nlohmann::json RunZkBench(const ZkBenchOptions& options);
void PrintZkBench(const nlohmann::json& result);

}  // namespace vinet::cli
