// Integer requantization parameters (private): the choice of M and s.
#pragma once

#include <cstdint>

#include "vinet/common/result.h"

namespace vinet::runtime::detail {

// Fixed shift of the average-pool divisions: M_k = floor((2^20 + k/2) / k).
inline constexpr int kPoolShift = 20;

// M and s with 2^15 <= M < 2^16 and M / 2^s within 2^-16 (relative) of
// `ratio`; s <= 62 (for tiny ratios M may then be below 2^15, even 0).
// Errors: ratio not finite, <= 0, or >= 2^15 (s would be < 1).
struct Requant {
  int64_t multiplier = 0;
  int shift = 0;
};
Result<Requant> ChooseRequant(double ratio);

// M for a given shift: round(ratio · 2^s).
int64_t MultiplierFor(double ratio, int shift);

// The rounding shift with clamp to [-127, 127].
inline int32_t Requantize(int64_t acc, int64_t multiplier, int shift) {
  int64_t v = (acc * multiplier + (int64_t{1} << (shift - 1))) >> shift;
  return static_cast<int32_t>(v < -127 ? -127 : (v > 127 ? 127 : v));
}

// Pool divisor multiplier, integer only.
inline int64_t PoolMultiplier(int64_t k) {
  return ((int64_t{1} << kPoolShift) + k / 2) / k;
}

}  // namespace vinet::runtime::detail
