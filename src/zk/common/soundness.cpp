#include "vinet/zk/soundness.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>

#include "vinet/zk/field/goldilocks.h"

namespace vinet::zk {

double ExtensionFieldBits() {
  return 2.0 * std::log2(static_cast<double>(Fp::kModulus));
}

double SumcheckSoundnessBits(size_t degree, size_t rounds) {
  return ExtensionFieldBits() -
         std::log2(static_cast<double>(std::max<size_t>(1, degree * rounds)));
}

double LogUpSoundnessBits(size_t witness_vars, size_t table_vars, size_t num_columns) {
  double nw = std::ldexp(1.0, static_cast<int>(witness_vars));
  double nt = std::ldexp(1.0, static_cast<int>(table_vars));
  size_t tree_vars = 1 + std::max(witness_vars, table_vars);
  (void)num_columns;  // alpha and beta are one bivariate Schwartz-Zippel draw
  double numerator = nw + nt;
  for (size_t k = 1; k < tree_vars; ++k) numerator += 3.0 * static_cast<double>(k) + 2.0;
  return ExtensionFieldBits() - std::log2(numerator);
}

double LogUpBatchSoundnessBits(std::span<const std::array<size_t, 2>> vars) {
  double numerator = 0;
  size_t tree_vars = 1;
  for (auto [w, t] : vars) {
    numerator += std::ldexp(1.0, static_cast<int>(w)) + std::ldexp(1.0, static_cast<int>(t));
    tree_vars = std::max(tree_vars, 1 + std::max(w, t));
  }
  double lambda = 2.0 * static_cast<double>(vars.size()) - 1.0;
  for (size_t k = 1; k < tree_vars; ++k) {
    numerator += 3.0 * static_cast<double>(k) + lambda + 1.0;
  }
  return ExtensionFieldBits() - std::log2(numerator);
}

double CombineSoundnessBits(std::initializer_list<double> bits) {
  double sum = 0;
  for (double b : bits) sum += std::exp2(-b);
  return -std::log2(sum);
}

}  // namespace vinet::zk
