#include "vinet/zk/poly/univariate.h"

namespace vinet::zk {

Fp2 UnivariatePoly::Evaluate(Fp2 x) const {
  Fp2 acc;
  for (size_t i = coeffs.size(); i-- > 0;) acc = acc * x + coeffs[i];
  return acc;
}

Fp2 UnivariatePoly::SumOverBooleans() const {
  Fp2 acc;
  for (size_t i = 0; i < coeffs.size(); ++i) acc += i == 0 ? coeffs[i] + coeffs[i] : coeffs[i];
  return acc;
}

UnivariatePoly UnivariatePoly::Interpolate(std::span<const Fp2> evals) {
  size_t n = evals.size();
  UnivariatePoly out{std::vector<Fp2>(n)};
  for (size_t i = 0; i < n; ++i) {
    // basis = prod_{j != i} (X - j) / (i - j)
    std::vector<Fp2> basis{Fp2::One()};
    Fp denom = Fp::One();
    for (size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      std::vector<Fp2> next(basis.size() + 1);
      for (size_t k = 0; k < basis.size(); ++k) {
        next[k + 1] += basis[k];
        next[k] -= basis[k] * Fp(j);
      }
      basis = std::move(next);
      denom *= Fp::FromSigned(static_cast<int64_t>(i) - static_cast<int64_t>(j));
    }
    Fp2 scale = evals[i] * denom.Inverse();
    for (size_t k = 0; k < n; ++k) out.coeffs[k] += basis[k] * scale;
  }
  return out;
}

}  // namespace vinet::zk
