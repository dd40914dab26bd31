#include "vinet/zk/lookup/tables.h"

#include <algorithm>
#include <bit>
#include <cassert>

#include "vinet/zk/poly/multilinear.h"

namespace vinet::zk {
namespace {

// sum_{k < bits} 2^k r_k: the MLE of the row index.
Fp2 IndexMle(std::span<const Fp2> point, size_t bits) {
  Fp2 acc;
  for (size_t k = bits; k-- > 0;) acc = acc + acc + point[k];
  return acc;
}

}  // namespace

Fp2 RangeTable::EvaluateColumn(size_t, std::span<const Fp2> point) const {
  assert(point.size() == bits_);
  return IndexMle(point, bits_);
}

Fp ReluClampTable::Value(size_t column, size_t row) const {
  int64_t x = static_cast<int64_t>(row) - (int64_t{1} << (bits_ - 1));
  if (column == 0) return Fp::FromSigned(x);
  int64_t hi = (int64_t{1} << out_bits_) - 1;
  return Fp(static_cast<uint64_t>(std::min(std::max<int64_t>(x, 0), hi)));
}

Fp2 ReluClampTable::EvaluateColumn(size_t column, std::span<const Fp2> point) const {
  assert(point.size() == bits_);
  if (column == 0) return IndexMle(point, bits_) - Fp(uint64_t{1} << (bits_ - 1));
  // Rows with the top bit set are x >= 0; among them x < 2^out_bits iff the
  // bits out_bits .. bits-2 are all zero.
  Fp2 z = Fp2::One();
  for (size_t k = out_bits_; k + 1 < bits_; ++k) z *= Fp2::One() - point[k];
  Fp2 low = IndexMle(point, out_bits_);
  Fp2 sat = Fp2(Fp((uint64_t{1} << out_bits_) - 1));
  return point[bits_ - 1] * (z * low + (Fp2::One() - z) * sat);
}

Fp ClampTable::Value(size_t column, size_t row) const {
  int64_t x = static_cast<int64_t>(row) - (int64_t{1} << (bits_ - 1));
  if (column == 0) return Fp::FromSigned(x);
  int64_t half = int64_t{1} << (out_bits_ - 1);
  return Fp::FromSigned(std::min(std::max(x, -half), half - 1));
}

Fp2 ClampTable::EvaluateColumn(size_t column, std::span<const Fp2> point) const {
  assert(point.size() == bits_);
  if (column == 0) return IndexMle(point, bits_) - Fp(uint64_t{1} << (bits_ - 1));
  // Negative x (top bit 0) is at least -2^(c-1) iff the bits c-1 .. bits-2
  // are all one; non-negative x is below 2^(c-1) iff they are all zero.
  Fp2 z0 = Fp2::One(), z1 = Fp2::One();
  for (size_t k = out_bits_ - 1; k + 1 < bits_; ++k) {
    z0 *= Fp2::One() - point[k];
    z1 *= point[k];
  }
  Fp2 v = IndexMle(point, out_bits_ - 1);
  Fp half = Fp(uint64_t{1} << (out_bits_ - 1));
  Fp2 top = point[bits_ - 1];
  Fp2 neg = z1 * v - half;
  Fp2 pos = z0 * v + (Fp2::One() - z0) * (half - Fp::One());
  return (Fp2::One() - top) * neg + top * pos;
}

CommittedTable::CommittedTable(std::vector<std::vector<Fp>> columns)
    : columns_(std::move(columns)), num_vars_(std::countr_zero(columns_.at(0).size())) {}

Fp2 CommittedTable::EvaluateColumn(size_t column, std::span<const Fp2> point) const {
  return EvaluateMle(std::span<const Fp>(columns_[column]), point);
}

}  // namespace vinet::zk
