// The quartic extension F_{p^4} = Fp2[y]/(y^2 - x) of Goldilocks, x the
// generator of Fp2 = F_p[x]/(x^2 - 7).
//
// x is a non-square in Fp2: an element of Fp2 is a square iff its norm is a
// square in F_p, and N(x) = -7 is a non-residue (p = 1 mod 4 makes -1 a
// square, and 7 is a non-residue). So y^2 - x is irreducible and Fp4 is a
// field with p^4 (about 2^256) elements containing Fp2 (c1 = 0) and F_p.
// Used where a soundness bound needs |F| far above |D|^2 (Basefold's
// list-decoding regime, pcs/basefold.h). Multiplication is Karatsuba over
// Fp2 (three Fp2 products); multiplying by x is a swap and a times-7.
// `Fp4` is a value type (c0 + c1*y) with canonical coordinates. Thread-safe (values).
#pragma once

#include "vinet/zk/field/extension.h"

namespace vinet::zk {

class Fp4 {
 public:
  constexpr Fp4() = default;
  constexpr Fp4(Fp2 c0, Fp2 c1) : c0_(c0), c1_(c1) {}
  constexpr Fp4(Fp2 c0) : c0_(c0) {}      // NOLINT: Fp2 embeds implicitly
  constexpr Fp4(Fp c0) : c0_(Fp2(c0)) {}  // NOLINT: the base field embeds implicitly
  static constexpr Fp4 Zero() { return Fp4(); }
  static constexpr Fp4 One() { return Fp4(Fp2::One()); }

  constexpr Fp2 c0() const { return c0_; }
  constexpr Fp2 c1() const { return c1_; }
  constexpr bool IsZero() const { return c0_.IsZero() && c1_.IsZero(); }
  // True if the element lies in the subfield Fp2.
  constexpr bool InFp2() const { return c1_.IsZero(); }

  [[gnu::always_inline]] friend constexpr Fp4 operator+(Fp4 a, Fp4 b) {
    return {a.c0_ + b.c0_, a.c1_ + b.c1_};
  }
  [[gnu::always_inline]] friend constexpr Fp4 operator-(Fp4 a, Fp4 b) {
    return {a.c0_ - b.c0_, a.c1_ - b.c1_};
  }
  [[gnu::always_inline]] constexpr Fp4 operator-() const { return {-c0_, -c1_}; }
  [[gnu::always_inline]] friend constexpr Fp4 operator*(Fp4 a, Fp4 b) {
    Fp2 v0 = a.c0_ * b.c0_, v1 = a.c1_ * b.c1_;
    Fp2 mid = (a.c0_ + a.c1_) * (b.c0_ + b.c1_) - v0 - v1;
    return {v0 + MulByX(v1), mid};
  }
  [[gnu::always_inline]] friend constexpr Fp4 operator*(Fp4 a, Fp2 b) {
    return {a.c0_ * b, a.c1_ * b};
  }
  [[gnu::always_inline]] friend constexpr Fp4 operator*(Fp2 a, Fp4 b) { return b * a; }
  [[gnu::always_inline]] friend constexpr Fp4 operator*(Fp4 a, Fp b) {
    return {a.c0_ * b, a.c1_ * b};
  }
  [[gnu::always_inline]] friend constexpr Fp4 operator*(Fp a, Fp4 b) { return b * a; }
  [[gnu::always_inline]] constexpr Fp4& operator+=(Fp4 b) { return *this = *this + b; }
  [[gnu::always_inline]] constexpr Fp4& operator-=(Fp4 b) { return *this = *this - b; }
  [[gnu::always_inline]] constexpr Fp4& operator*=(Fp4 b) { return *this = *this * b; }
  [[gnu::always_inline]] constexpr Fp4& operator*=(Fp2 b) { return *this = *this * b; }
  [[gnu::always_inline]] constexpr Fp4& operator*=(Fp b) { return *this = *this * b; }
  friend constexpr bool operator==(Fp4 a, Fp4 b) { return a.c0_ == b.c0_ && a.c1_ == b.c1_; }

  constexpr Fp4 Square() const { return *this * *this; }
  constexpr Fp4 Pow(uint64_t e) const {
    Fp4 base = *this, acc = One();
    while (e != 0) {
      if (e & 1) acc *= base;
      base = base.Square();
      e >>= 1;
    }
    return acc;
  }
  // (c0 + c1 y)^-1 = (c0 - c1 y) / (c0^2 - x c1^2); the Fp2 norm is nonzero
  // for nonzero elements (x is a non-square). Inverse(0) == 0.
  constexpr Fp4 Inverse() const {
    Fp2 inv_norm = (c0_.Square() - MulByX(c1_.Square())).Inverse();
    return {c0_ * inv_norm, -(c1_ * inv_norm)};
  }

 private:
  // (a0 + a1 x) x = 7 a1 + a0 x.
  [[gnu::always_inline]] static constexpr Fp2 MulByX(Fp2 a) {
    Fp a1 = a.c1();
    Fp a2 = a1 + a1;
    Fp a4 = a2 + a2;
    return {a4 + a2 + a1, a.c0()};
  }

  Fp2 c0_;
  Fp2 c1_;
};

}  // namespace vinet::zk
