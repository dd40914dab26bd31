// Test helper: seeded random field values for the zk tests (tables of 2^n
// values, points of n coordinates), from the caller's generator so that every
// run of a test sees the same values.
#pragma once

#include <random>
#include <vector>

#include "vinet/zk/field/extension.h"

namespace vinet::zk::testing {

inline Fp RandomFp(std::mt19937_64& rng) {
  return Fp(rng() % Fp::kModulus);
}

// 2^vars base-field values.
inline std::vector<Fp> RandomTable(std::mt19937_64& rng, size_t vars) {
  std::vector<Fp> t(size_t{1} << vars);
  for (auto& v : t) v = RandomFp(rng);
  return t;
}

// `count` F_p^2 values (a point of `count` coordinates, or a table).
inline std::vector<Fp2> RandomFp2s(std::mt19937_64& rng, size_t count) {
  std::vector<Fp2> out(count);
  for (auto& v : out) v = Fp2(RandomFp(rng), RandomFp(rng));
  return out;
}

}  // namespace vinet::zk::testing
