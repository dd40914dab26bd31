// The runtime's clamp to [−127, 127] as a closed-form lookup table (private).
//
// Row j holds (x, y) with x = j − 2^(bits−1) and y = clamp(x, −127, 127).
// y is ClampTable(bits, 8) (clamp to [−128, 127]) plus the indicator of
// x ≤ −128, whose MLE is (1 − r_top)·((1 − Z1) + Z1·Π_{i<7}(1 − r_i)) with
// Z1 = Π_{7≤i<bits−1} r_i. Requires bits > 8.
#pragma once

#include "vinet/zk/lookup/tables.h"

namespace vinet::zkml::detail {

class SymClampTable final : public zk::LookupTable {
 public:
  explicit SymClampTable(size_t bits) : bits_(bits), clamp_(bits, 8) {}
  size_t num_vars() const override { return bits_; }
  size_t num_columns() const override { return 2; }
  zk::Fp Value(size_t column, size_t row) const override;
  bool closed_form() const override { return true; }
  zk::Fp2 EvaluateColumn(size_t column, std::span<const zk::Fp2> point) const override;
  bool has_row_index() const override { return true; }
  size_t RowOfFirst(zk::Fp x) const override { return SignedRow(x, bits_); }

 private:
  size_t bits_;
  zk::ClampTable clamp_;
};

}  // namespace vinet::zkml::detail
