// Growth-rate checks for parsers: how much longer does twice the input take?
//
// `GrowthRatio(small, large, runs)` runs the two callables alternately and
// returns min(time of large) / min(time of small), each time measured as this
// thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so a busy machine that
// preempts the test does not count, and the minimum of interleaved runs
// drops what other processes do to the caches. Tests assert on the ratio
// (linear parsing: doubling the input must stay near 2x), never on seconds.
#pragma once

#include <time.h>

#include <algorithm>

namespace vinet::testing {

inline double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

template <typename F>
double CpuSecondsOf(F&& f) {
  double t0 = ThreadCpuSeconds();
  f();
  return ThreadCpuSeconds() - t0;
}

template <typename Small, typename Large>
double GrowthRatio(Small&& small, Large&& large, int runs) {
  CpuSecondsOf(small);  // warm up
  CpuSecondsOf(large);
  double ts = 1e9, tl = 1e9;
  for (int i = 0; i < runs; ++i) {
    ts = std::min(ts, CpuSecondsOf(small));
    tl = std::min(tl, CpuSecondsOf(large));
  }
  return tl / ts;
}

}  // namespace vinet::testing
