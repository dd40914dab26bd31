// Inputs for the zero-knowledge tests of the hiding commitments: a fixed
// random point and two different polynomials with the same evaluation there
// (deterministic: fixed seeds).
#pragma once

#include <array>
#include <random>
#include <span>
#include <vector>

#include "vinet/zk/poly/multilinear.h"

namespace vinet::zk::testing {

inline std::vector<Fp2> FixedPoint(size_t num_vars) {
  std::mt19937_64 rng(17);
  std::vector<Fp2> z(num_vars);
  for (auto& x : z) x = Fp2(Fp(rng()), Fp(rng()));
  return z;
}

// A != B with A(z) = B(z): B = A + D, D random but for two entries solved so
// that D(z) = 0 (a 2 x 2 system over F_p for the two coordinates of an F_p^2
// value).
inline std::array<std::vector<Fp>, 2> SameEvaluationPair(std::span<const Fp2> z) {
  std::mt19937_64 rng(23);
  size_t size = size_t{1} << z.size();
  std::vector<Fp> a(size), d(size);
  for (auto& x : a) x = Fp(rng() % Fp::kModulus);
  for (auto& x : d) x = Fp(rng() % Fp::kModulus);
  std::vector<Fp2> eq = EqTable(z);
  d[0] = d[1] = Fp::Zero();
  Fp2 rest;
  for (size_t i = 2; i < size; ++i) rest += eq[i] * d[i];
  Fp a00 = eq[0].c0(), a01 = eq[1].c0(), a10 = eq[0].c1(), a11 = eq[1].c1();
  Fp b0 = -rest.c0(), b1 = -rest.c1();
  Fp det_inv = (a00 * a11 - a01 * a10).Inverse();
  d[0] = (b0 * a11 - a01 * b1) * det_inv;
  d[1] = (a00 * b1 - b0 * a10) * det_inv;
  std::vector<Fp> b(size);
  for (size_t i = 0; i < size; ++i) b[i] = a[i] + d[i];
  return {a, b};
}

}  // namespace vinet::zk::testing
