// Test helper: the two-sample chi-square homogeneity statistic of two samples
// of base-field values over 8 equal-width bins of [0, p) (df = 7; the 0.001
// critical value is kChiSquare7Dof001), and the verdict of a distinguishing
// test built on it. Used by the zero-knowledge distinguishing tests (zk and
// zkml).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vinet/zk/field/goldilocks.h"

namespace vinet::zk::testing {

inline constexpr double kChiSquare7Dof001 = 24.32;
// A hidden scheme's classifier accuracy band (chance is 0.5).
inline constexpr double kMinChanceAccuracy = 0.35;
inline constexpr double kMaxChanceAccuracy = 0.65;

inline double ChiSquareHomogeneity(const std::vector<uint64_t>& x, const std::vector<uint64_t>& y) {
  auto bin = [](uint64_t v) {
    return static_cast<size_t>((static_cast<unsigned __int128>(v) * 8) / Fp::kModulus);
  };
  std::array<double, 8> cx{}, cy{};
  for (uint64_t v : x) cx[bin(v)] += 1;
  for (uint64_t v : y) cy[bin(v)] += 1;
  double nx = static_cast<double>(x.size()), ny = static_cast<double>(y.size());
  double stat = 0;
  for (size_t b = 0; b < 8; ++b) {
    double total = cx[b] + cy[b];
    if (total == 0) continue;
    double ex = total * nx / (nx + ny), ey = total * ny / (nx + ny);
    stat += (cx[b] - ex) * (cx[b] - ex) / ex + (cy[b] - ey) * (cy[b] - ey) / ey;
  }
  return stat;
}

// A distinguisher made `correct` right guesses out of `trials`, and `shown`
// holds the values each side's proofs revealed. Hidden: no better than chance
// (35-65 % right) and the shown values homogeneous (below the 0.001 critical
// value); not hidden: the distinguisher is always right (so the test can tell).
inline void ExpectDistinguisherVerdict(bool hidden, size_t correct, size_t trials,
                                       const std::array<std::vector<uint64_t>, 2>& shown) {
  double accuracy = static_cast<double>(correct) / static_cast<double>(trials);
  if (hidden) {
    EXPECT_GE(accuracy, kMinChanceAccuracy);
    EXPECT_LE(accuracy, kMaxChanceAccuracy);
    EXPECT_LT(ChiSquareHomogeneity(shown[0], shown[1]), kChiSquare7Dof001);
  } else {
    EXPECT_EQ(accuracy, 1.0);
  }
}

// True iff a hiding scheme's run looks hidden: accuracy within 35-65 % and
// the statistic below the 0.001 critical value.
inline bool LooksHidden(size_t correct, size_t trials,
                        const std::array<std::vector<uint64_t>, 2>& shown) {
  double accuracy = static_cast<double>(correct) / static_cast<double>(trials);
  return accuracy >= kMinChanceAccuracy && accuracy <= kMaxChanceAccuracy &&
         ChiSquareHomogeneity(shown[0], shown[1]) < kChiSquare7Dof001;
}

// The verdict of a seeded distinguishing run, `run(seed, correct, shown)`.
// One seed is one draw of the statistic and the classifier: a protocol change
// re-draws them, and about 1 in 1,000 draws of a hiding scheme falls outside
// the bands by chance. So when a hiding scheme's run with `seed` does, an
// independent run with `seed + 1` decides (false alarm 10^-6 per change); a
// leak shows in every seed, and the power checks (hidden = false) use `seed`.
template <typename Run>
void ExpectDistinguisherVerdictOverSeeds(bool hidden, size_t trials, uint64_t seed, Run run) {
  size_t correct = 0;
  std::array<std::vector<uint64_t>, 2> shown;
  run(seed, correct, shown);
  if (hidden && !LooksHidden(correct, trials, shown)) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " fell outside the bands (statistic " +
                 std::to_string(ChiSquareHomogeneity(shown[0], shown[1])) + ", " +
                 std::to_string(correct) + " of " + std::to_string(trials) +
                 " right); the verdict of seed " + std::to_string(seed + 1) + ":");
    correct = 0;
    shown = {};
    run(seed + 1, correct, shown);
    ExpectDistinguisherVerdict(hidden, correct, trials, shown);
    return;
  }
  ExpectDistinguisherVerdict(hidden, correct, trials, shown);
}

}  // namespace vinet::zk::testing
