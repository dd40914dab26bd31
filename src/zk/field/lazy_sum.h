// Sums of many field products with one reduction at the end (private to zk).
//
// WideSum keeps sum_i a_i b_i over 64-bit canonical Goldilocks values as an
// exact integer in three words (128 bits plus a carry count), so a dot
// product costs one 64x64 multiplication and a three-word add per term and
// a single reduction mod p, instead of one reduction per term. Fp2Sum does
// the same per coordinate for Fp2 products (the non-residue 7 folded into
// one factor with a small reduction). Results equal the term-by-term field
// sums exactly. Values (no sharing): one per thread.
#pragma once

#include <cstdint>

#include "vinet/zk/field/extension.h"

namespace vinet::zk::detail {

class WideSum {
 public:
  [[gnu::always_inline]] void Add(uint64_t a, uint64_t b) {
    unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
    lo_ += p;
    top_ += lo_ < p;
  }
  [[gnu::always_inline]] void Add(const WideSum& o) {
    lo_ += o.lo_;
    top_ += o.top_ + (lo_ < o.lo_);
  }
  // lo + 2^128 top mod p, 2^128 = -2^32 (mod p).
  Fp Value() const {
    return Fp::Reduce(lo_) - Fp::Reduce(static_cast<unsigned __int128>(top_) << 32);
  }

 private:
  unsigned __int128 lo_ = 0;
  uint64_t top_ = 0;
};

class Fp2Sum {
 public:
  // += a * b, b in the base field.
  [[gnu::always_inline]] void Add(Fp2 a, Fp b) {
    c0_.Add(a.c0().value(), b.value());
    c1_.Add(a.c1().value(), b.value());
  }
  // += a * b: (a0 + a1 x)(b0 + b1 x) = a0 b0 + a1 (7 b1) + (a0 b1 + a1 b0) x.
  [[gnu::always_inline]] void Add(Fp2 a, Fp2 b) {
    uint64_t a0 = a.c0().value(), a1 = a.c1().value(), b0 = b.c0().value(), b1 = b.c1().value();
    c0_.Add(a0, b0);
    c0_.Add(a1, Fp::MulBy7(b.c1()).value());
    c1_.Add(a0, b1);
    c1_.Add(a1, b0);
  }
  void Add(const Fp2Sum& o) {
    c0_.Add(o.c0_);
    c1_.Add(o.c1_);
  }
  Fp2 Value() const { return {c0_.Value(), c1_.Value()}; }

 private:
  WideSum c0_, c1_;
};

}  // namespace vinet::zk::detail
