// The quartic extension F_{p^4} = Fp2[y]/(y^2 - x) of Goldilocks, x the
// generator of Fp2 = F_p[x]/(x^2 - 7).
//
// x is a non-square in Fp2: an element of Fp2 is a square iff its norm is a
// square in F_p, and N(x) = -7 is a non-residue (p = 1 mod 4 makes -1 a
// square, and 7 is a non-residue). So y^2 - x is irreducible and Fp4 is a
// field with p^4 (about 2^256) elements containing Fp2 (c1 = 0) and F_p.
// Used where a soundness bound needs |F| far above |D|^2 (Basefold's
// list-decoding regime, pcs/basefold.h). Multiplication is schoolbook in the
// equivalent basis 1, y, y^2, y^3 of F_p[y]/(y^4 - 7) with one reduction per
// coordinate; multiplying by x is a swap and a times-7.
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
  // Schoolbook in the basis 1, y, y^2, y^3 of F_p[y]/(y^4 - 7) (x = y^2):
  // each coordinate is four 128-bit products summed in three words and
  // reduced once; the wrapped-around terms use 7 b_j, three small reductions.
  [[gnu::always_inline]] friend constexpr Fp4 operator*(Fp4 a, Fp4 b) {
    const uint64_t p0 = a.c0_.c0().value(), p1 = a.c1_.c0().value(), p2 = a.c0_.c1().value(),
                   p3 = a.c1_.c1().value();
    const uint64_t q0 = b.c0_.c0().value(), q1 = b.c1_.c0().value(), q2 = b.c0_.c1().value(),
                   q3 = b.c1_.c1().value();
    const uint64_t q1x7 = Fp::MulBy7(b.c1_.c0()).value(), q2x7 = Fp::MulBy7(b.c0_.c1()).value(),
                   q3x7 = Fp::MulBy7(b.c1_.c1()).value();
    Fp y0 = Sum4(p0, q0, p1, q3x7, p2, q2x7, p3, q1x7);
    Fp y1 = Sum4(p0, q1, p1, q0, p2, q3x7, p3, q2x7);
    Fp y2 = Sum4(p0, q2, p1, q1, p2, q0, p3, q3x7);
    Fp y3 = Sum4(p0, q3, p1, q2, p2, q1, p3, q0);
    return {Fp2(y0, y2), Fp2(y1, y3)};
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
  // a0 b0 + a1 b1 + a2 b2 + a3 b3 mod p.
  [[gnu::always_inline]] static constexpr Fp Sum4(uint64_t a0, uint64_t b0, uint64_t a1,
                                                  uint64_t b1, uint64_t a2, uint64_t b2,
                                                  uint64_t a3, uint64_t b3) {
    using U128 = unsigned __int128;
    U128 s = U128(a0) * b0, t = U128(a1) * b1;
    s += t;
    uint64_t top = s < t;
    t = U128(a2) * b2;
    s += t;
    top += s < t;
    t = U128(a3) * b3;
    s += t;
    top += s < t;
    return Fp::Reduce192(s, top);
  }
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
