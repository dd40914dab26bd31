// Lookup tables for LogUp: 2^num_vars rows of one or two base-field columns.
//
// A closed-form table lets the verifier evaluate each column's multilinear
// extension at any point in O(num_vars) field operations, so the table is
// never committed. A committed table (data supplied by the prover, committed
// by the caller) has no closed form: LogUp then returns claims on its column
// MLEs for the caller to open. Tables are immutable values; thread-safe.
// A table whose first column is a computable, injective function of the row
// (range and clamp tables) also names the row of a value (RowOfFirst), so the
// prover counts multiplicities in a flat array instead of a hash index.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "vinet/zk/field/extension.h"

namespace vinet::zk {

class LookupTable {
 public:
  virtual ~LookupTable() = default;
  virtual size_t num_vars() const = 0;
  virtual size_t num_columns() const = 0;  // 1 or 2
  virtual Fp Value(size_t column, size_t row) const = 0;
  virtual bool closed_form() const = 0;
  // MLE of `column` at `point` (num_vars coordinates); closed-form tables only.
  virtual Fp2 EvaluateColumn(size_t column, std::span<const Fp2> point) const = 0;

  static constexpr size_t kNoRow = SIZE_MAX;
  // True if RowOfFirst is implemented; false (the default) means no rule.
  virtual bool has_row_index() const { return false; }
  // The only row whose first column is x, or kNoRow if no row holds x.
  virtual size_t RowOfFirst(Fp) const { return kNoRow; }

 protected:
  // Row x + 2^(bits-1) for a signed x in [-2^(bits-1), 2^(bits-1)), else kNoRow.
  static size_t SignedRow(Fp x, size_t bits) {
    uint64_t j = (x + Fp(uint64_t{1} << (bits - 1))).value();
    return j < (uint64_t{1} << bits) ? static_cast<size_t>(j) : kNoRow;
  }
};

// Row j holds j, for j in [0, 2^bits): range checks. MLE = sum_k 2^k r_k.
class RangeTable final : public LookupTable {
 public:
  explicit RangeTable(size_t bits) : bits_(bits) {}
  size_t num_vars() const override { return bits_; }
  size_t num_columns() const override { return 1; }
  Fp Value(size_t, size_t row) const override { return Fp(row); }
  bool closed_form() const override { return true; }
  Fp2 EvaluateColumn(size_t column, std::span<const Fp2> point) const override;
  bool has_row_index() const override { return true; }
  size_t RowOfFirst(Fp x) const override {
    return x.value() < (uint64_t{1} << bits_) ? static_cast<size_t>(x.value()) : kNoRow;
  }

 private:
  size_t bits_;
};

// Row j holds (x, y) with x = j - 2^(bits-1) (signed, as a field element) and
// y = min(max(x, 0), 2^out_bits - 1): ReLU then clamp to an unsigned range.
// Requires 1 <= out_bits < bits. MLE of y = r_top * (Z * sum_{k<out_bits}
// 2^k r_k + (1 - Z)(2^out_bits - 1)), Z = prod_{out_bits<=k<bits-1} (1 - r_k).
class ReluClampTable final : public LookupTable {
 public:
  ReluClampTable(size_t bits, size_t out_bits) : bits_(bits), out_bits_(out_bits) {}
  size_t num_vars() const override { return bits_; }
  size_t num_columns() const override { return 2; }
  Fp Value(size_t column, size_t row) const override;
  bool closed_form() const override { return true; }
  Fp2 EvaluateColumn(size_t column, std::span<const Fp2> point) const override;
  bool has_row_index() const override { return true; }
  size_t RowOfFirst(Fp x) const override { return SignedRow(x, bits_); }

 private:
  size_t bits_, out_bits_;
};

// Row j holds (x, y) with x = j - 2^(bits-1) and y = clamp(x) to the signed
// range [-2^(out_bits-1), 2^(out_bits-1)) (requantization without ReLU).
// Requires 1 <= out_bits < bits. With v = sum_{k<out_bits-1} 2^k r_k, the MLE
// of y = (1 - r_top)(Z1 v - 2^(out_bits-1)) + r_top(Z0 v + (1 - Z0)(2^(out_bits-1) - 1)),
// Z1 = prod_{out_bits-1<=k<bits-1} r_k, Z0 = prod_{out_bits-1<=k<bits-1} (1 - r_k).
class ClampTable final : public LookupTable {
 public:
  ClampTable(size_t bits, size_t out_bits) : bits_(bits), out_bits_(out_bits) {}
  size_t num_vars() const override { return bits_; }
  size_t num_columns() const override { return 2; }
  Fp Value(size_t column, size_t row) const override;
  bool closed_form() const override { return true; }
  Fp2 EvaluateColumn(size_t column, std::span<const Fp2> point) const override;
  bool has_row_index() const override { return true; }
  size_t RowOfFirst(Fp x) const override { return SignedRow(x, bits_); }

 private:
  size_t bits_, out_bits_;
};

// Arbitrary columns supplied by the prover (each of size 2^num_vars).
class CommittedTable final : public LookupTable {
 public:
  explicit CommittedTable(std::vector<std::vector<Fp>> columns);
  size_t num_vars() const override { return num_vars_; }
  size_t num_columns() const override { return columns_.size(); }
  Fp Value(size_t column, size_t row) const override { return columns_[column][row]; }
  bool closed_form() const override { return false; }
  Fp2 EvaluateColumn(size_t column, std::span<const Fp2> point) const override;

 private:
  std::vector<std::vector<Fp>> columns_;
  size_t num_vars_;
};

}  // namespace vinet::zk
