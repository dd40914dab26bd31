// The quadratic extension F_{p^2} = F_p[x]/(x^2 - 7) of Goldilocks.
//
// 7 is a quadratic non-residue mod p, so x^2 - 7 is irreducible and Fp2 is a
// field with p^2 (about 2^128) elements. Every verifier challenge lives here.
// `Fp2` is a value type (c0 + c1*x) with canonical coordinates; base-field
// elements embed as c1 = 0. Inverse(0) == 0. Thread-safe (values).
#pragma once

#include <span>

#include "vinet/zk/field/goldilocks.h"

namespace vinet::zk {

class Fp2 {
 public:
  static constexpr uint64_t kNonResidue = 7;

  constexpr Fp2() = default;
  constexpr Fp2(Fp c0, Fp c1) : c0_(c0), c1_(c1) {}
  constexpr Fp2(Fp c0) : c0_(c0) {}  // NOLINT: the base field embeds implicitly
  static constexpr Fp2 Zero() { return Fp2(); }
  static constexpr Fp2 One() { return Fp2(Fp::One()); }

  constexpr Fp c0() const { return c0_; }
  constexpr Fp c1() const { return c1_; }
  constexpr bool IsZero() const { return c0_.IsZero() && c1_.IsZero(); }
  constexpr bool IsBase() const { return c1_.IsZero(); }

  [[gnu::always_inline]] friend constexpr Fp2 operator+(Fp2 a, Fp2 b) {
    return {a.c0_ + b.c0_, a.c1_ + b.c1_};
  }
  [[gnu::always_inline]] friend constexpr Fp2 operator-(Fp2 a, Fp2 b) {
    return {a.c0_ - b.c0_, a.c1_ - b.c1_};
  }
  [[gnu::always_inline]] constexpr Fp2 operator-() const { return {-c0_, -c1_}; }
  // Schoolbook with lazy reduction: c0 = a0 b0 + a1 (7 b1) and c1 = a0 b1 + a1 b0
  // are each two 128-bit products summed in three words, reduced once
  // (Fp::Reduce192); 7 b1 costs one small reduction.
  [[gnu::always_inline]] friend constexpr Fp2 operator*(Fp2 a, Fp2 b) {
    using U128 = unsigned __int128;
    uint64_t a0 = a.c0_.value(), a1 = a.c1_.value(), b0 = b.c0_.value(), b1 = b.c1_.value();
    uint64_t b1x7 = Fp::MulBy7(b.c1_).value();
    U128 x0 = U128(a0) * b0;
    U128 c0 = x0 + U128(a1) * b1x7;
    U128 x1 = U128(a0) * b1;
    U128 c1 = x1 + U128(a1) * b0;
    return {Fp::Reduce192(c0, c0 < x0), Fp::Reduce192(c1, c1 < x1)};
  }
  [[gnu::always_inline]] friend constexpr Fp2 operator*(Fp2 a, Fp b) {
    return {a.c0_ * b, a.c1_ * b};
  }
  [[gnu::always_inline]] friend constexpr Fp2 operator*(Fp a, Fp2 b) { return b * a; }
  [[gnu::always_inline]] constexpr Fp2& operator+=(Fp2 b) { return *this = *this + b; }
  [[gnu::always_inline]] constexpr Fp2& operator-=(Fp2 b) { return *this = *this - b; }
  [[gnu::always_inline]] constexpr Fp2& operator*=(Fp2 b) { return *this = *this * b; }
  [[gnu::always_inline]] constexpr Fp2& operator*=(Fp b) { return *this = *this * b; }
  friend constexpr bool operator==(Fp2 a, Fp2 b) { return a.c0_ == b.c0_ && a.c1_ == b.c1_; }

  constexpr Fp2 Square() const { return *this * *this; }
  constexpr Fp2 Pow(uint64_t e) const {
    Fp2 base = *this, acc = One();
    while (e != 0) {
      if (e & 1) acc *= base;
      base = base.Square();
      e >>= 1;
    }
    return acc;
  }
  // Norm c0^2 - 7 c1^2 is nonzero for nonzero elements (7 is a non-residue).
  constexpr Fp Norm() const { return c0_.Square() - MulByNonResidue(c1_.Square()); }
  constexpr Fp2 Inverse() const {
    Fp inv_norm = Norm().Inverse();
    return {c0_ * inv_norm, -(c1_ * inv_norm)};
  }

 private:
  [[gnu::always_inline]] static constexpr Fp MulByNonResidue(Fp a) {
    Fp a2 = a + a;
    Fp a4 = a2 + a2;
    return a4 + a2 + a;
  }

  Fp c0_;
  Fp c1_;
};

// Replaces every element by its inverse with one inversion; zeros stay zero.
void BatchInverse(std::span<Fp2> values);

}  // namespace vinet::zk
