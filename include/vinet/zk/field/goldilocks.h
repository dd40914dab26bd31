// The Goldilocks prime field F_p, p = 2^64 - 2^32 + 1.
//
// `Fp` is a value type holding the canonical representative (0 <= v < p);
// every operation keeps it canonical, so `==` compares field elements.
// Arithmetic is branch-light 64-bit code with 128-bit products and the
// reduction 2^64 = 2^32 - 1 (mod p). Inversion of zero returns zero; callers
// that must not divide by zero check `IsZero()` first. Thread-safe (values).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace vinet::zk {

class Fp {
 public:
  static constexpr uint64_t kModulus = 0xFFFFFFFF00000001ULL;
  static constexpr uint64_t kEpsilon = 0xFFFFFFFFULL;  // 2^64 mod p
  static constexpr int kTwoAdicity = 32;

  constexpr Fp() = default;
  // Reduces any 64-bit integer mod p.
  constexpr explicit Fp(uint64_t x) : v_(x >= kModulus ? x - kModulus : x) {}
  // Signed integers map to p - |x| when negative.
  static constexpr Fp FromSigned(int64_t x) {
    return x >= 0 ? Fp(static_cast<uint64_t>(x)) : -Fp(static_cast<uint64_t>(-(x + 1)) + 1);
  }
  static constexpr Fp Zero() { return Fp(); }
  static constexpr Fp One() { return Fp(1); }

  constexpr uint64_t value() const { return v_; }
  constexpr bool IsZero() const { return v_ == 0; }

  // Branch-free: field data is random, so branches would mispredict.
  [[gnu::always_inline]] friend constexpr Fp operator+(Fp a, Fp b) {
    uint64_t s = a.v_ + b.v_;
    uint64_t carry = s < a.v_;
    uint64_t t = s - kModulus;
    uint64_t below = s < kModulus;
    // Take s - p (mod 2^64) if the true sum reached p: a carry, or s >= p.
    uint64_t take = carry | (below ^ 1);
    return Raw(t ^ ((s ^ t) & (take - 1)));
  }
  [[gnu::always_inline]] friend constexpr Fp operator-(Fp a, Fp b) {
    uint64_t d = a.v_ - b.v_;
    uint64_t borrow = a.v_ < b.v_;
    return Raw(d + (kModulus & (0 - borrow)));
  }
  [[gnu::always_inline]] constexpr Fp operator-() const { return Fp() - *this; }
  [[gnu::always_inline]] friend constexpr Fp operator*(Fp a, Fp b) {
    unsigned __int128 prod = static_cast<unsigned __int128>(a.v_) * b.v_;
    return Reduce128(static_cast<uint64_t>(prod), static_cast<uint64_t>(prod >> 64));
  }
  [[gnu::always_inline]] constexpr Fp& operator+=(Fp b) { return *this = *this + b; }
  [[gnu::always_inline]] constexpr Fp& operator-=(Fp b) { return *this = *this - b; }
  [[gnu::always_inline]] constexpr Fp& operator*=(Fp b) { return *this = *this * b; }
  friend constexpr bool operator==(Fp a, Fp b) { return a.v_ == b.v_; }

  constexpr Fp Square() const { return *this * *this; }
  constexpr Fp Pow(uint64_t e) const {
    Fp base = *this, acc = One();
    while (e != 0) {
      if (e & 1) acc *= base;
      base = base.Square();
      e >>= 1;
    }
    return acc;
  }
  // Multiplicative inverse (Fermat); Inverse(0) == 0.
  constexpr Fp Inverse() const { return Pow(kModulus - 2); }

  // x mod p for any 128-bit x.
  [[gnu::always_inline]] static constexpr Fp Reduce(unsigned __int128 x) {
    return Reduce128(static_cast<uint64_t>(x), static_cast<uint64_t>(x >> 64));
  }

  // x + 2^128 top mod p, top < 2^32 (2^128 = -2^32 mod p): the reduction of
  // a sum of a few 128-bit products kept in three words.
  [[gnu::always_inline]] static constexpr Fp Reduce192(unsigned __int128 x, uint64_t top) {
    return Reduce(x) - Raw(top << 32);
  }
  // 7 a, for the extension fields' non-residue (one small reduction).
  [[gnu::always_inline]] static constexpr Fp MulBy7(Fp a) {
    unsigned __int128 x = static_cast<unsigned __int128>(a.v_) * 7;
    uint64_t lo = static_cast<uint64_t>(x), hi = static_cast<uint64_t>(x >> 64);  // hi < 7
    // lo + 2^64 hi = lo + (2^32 - 1) hi (mod p); hi (2^32 - 1) < 2^35.
    uint64_t t = lo + hi * kEpsilon;
    t += kEpsilon & (0 - static_cast<uint64_t>(t < lo));  // a carry is 2^64 = eps
    t -= kModulus & (0 - static_cast<uint64_t>(t >= kModulus));
    return Raw(t);
  }

  // A primitive 2^log_n-th root of unity, log_n <= 32 (7 generates F_p^*).
  static Fp RootOfUnity(int log_n);

 private:
  static constexpr Fp Raw(uint64_t v) {
    Fp f;
    f.v_ = v;
    return f;
  }
  // x = lo + 2^64 hi = lo + 2^64 hi_lo + 2^96 hi_hi = lo + eps*hi_lo - hi_hi.
  [[gnu::always_inline]] static constexpr Fp Reduce128(uint64_t lo, uint64_t hi) {
    uint64_t hi_hi = hi >> 32;
    uint64_t hi_lo = hi & kEpsilon;
    uint64_t t0 = lo - hi_hi;
    t0 -= kEpsilon & (0 - static_cast<uint64_t>(lo < hi_hi));
    uint64_t t1 = hi_lo * kEpsilon;
    uint64_t t2 = t0 + t1;
    t2 += kEpsilon & (0 - static_cast<uint64_t>(t2 < t1));
    t2 -= kModulus & (0 - static_cast<uint64_t>(t2 >= kModulus));
    return Raw(t2);
  }

  uint64_t v_ = 0;
};

// Replaces every element by its inverse with one field inversion
// (Montgomery's trick). Zeros stay zero and do not disturb the others.
void BatchInverse(std::span<Fp> values);

}  // namespace vinet::zk
