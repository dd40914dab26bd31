#include "zkml/sym_clamp_table.h"

#include <algorithm>

namespace vinet::zkml::detail {

using zk::Fp;
using zk::Fp2;

Fp SymClampTable::Value(size_t column, size_t row) const {
  int64_t x = static_cast<int64_t>(row) - (int64_t{1} << (bits_ - 1));
  if (column == 0) return Fp::FromSigned(x);
  return Fp::FromSigned(std::clamp<int64_t>(x, -127, 127));
}

Fp2 SymClampTable::EvaluateColumn(size_t column, std::span<const Fp2> r) const {
  Fp2 base = clamp_.EvaluateColumn(column, r);
  if (column == 0) return base;
  Fp2 z1 = Fp2::One(), low = Fp2::One();
  for (size_t i = 7; i + 1 < bits_; ++i) z1 *= r[i];
  for (size_t i = 0; i < 7; ++i) low *= Fp2::One() - r[i];
  Fp2 below = (Fp2::One() - r[bits_ - 1]) * ((Fp2::One() - z1) + z1 * low);
  return base + below;
}

}  // namespace vinet::zkml::detail
