// Univariate polynomials over Fp2 in coefficient form (c_0 + c_1 X + ...),
// used as sumcheck round messages. A value type; the coefficient vector's
// length is the degree bound + 1 (trailing zeros are kept on purpose so that
// every round message of a protocol has the same, canonical length).
#pragma once

#include <span>
#include <vector>

#include "vinet/zk/field/extension.h"

namespace vinet::zk {

struct UnivariatePoly {
  std::vector<Fp2> coeffs;

  Fp2 Evaluate(Fp2 x) const;
  // p(0) + p(1), the quantity a sumcheck verifier compares to the claim.
  Fp2 SumOverBooleans() const;

  // The unique polynomial of degree < evals.size() with p(i) = evals[i] for
  // i = 0, 1, ..., evals.size() - 1 (Lagrange interpolation).
  static UnivariatePoly Interpolate(std::span<const Fp2> evals);
};

}  // namespace vinet::zk
