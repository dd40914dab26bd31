// Helpers shared by the zkml benchmark programs (zkml_bench,
// zkml_batch_bench): wall and process-CPU milliseconds, medians, the N(0,1)
// random input both use (negative dims read as 1), and the error exit.
// Bench code only.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/runtime/model.h"

namespace vinet::bench {

inline double Ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

inline double CpuMs(std::clock_t since) {
  return 1000.0 * static_cast<double>(std::clock() - since) / CLOCKS_PER_SEC;
}

inline double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

inline runtime::Tensor RandomTensor(const runtime::Model& m, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0, 1);
  runtime::Shape s = m.inputs()[0].shape;
  for (auto& v : s) v = v < 0 ? 1 : v;
  runtime::Tensor t{s, std::vector<float>(runtime::NumElements(s))};
  for (float& v : t.data) v = d(rng);
  return t;
}

// Prints `s` to stderr; the exit code of a failed run.
inline int Fail(const Status& s) {
  std::fprintf(stderr, "error: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace vinet::bench
