// Fp4 = Fp2[y]/(y^2 - x): products match a GMP schoolbook reference in the
// equivalent basis Fp[y]/(y^4 - 7), x is a non-square in Fp2 (so Fp4 is a
// field), inverses, subfield embeddings and the Frobenius order p^4.
#include <gmp.h>
#include <gtest/gtest.h>

#include <array>
#include <random>

#include "vinet/zk/field/quartic.h"

namespace vinet::zk {
namespace {

constexpr uint64_t kP = Fp::kModulus;

Fp RandomFp(std::mt19937_64& rng) {
  uint64_t x = rng();
  // 1/4 of draws near 0 or p to reach the reduction edges.
  if ((x & 3) == 0) return Fp((x >> 2) & 1 ? rng() % 4 : kP - 1 - rng() % 4);
  return Fp(rng() % kP);
}

Fp4 RandomFp4(std::mt19937_64& rng) {
  return {Fp2(RandomFp(rng), RandomFp(rng)), Fp2(RandomFp(rng), RandomFp(rng))};
}

// Coordinates in the basis 1, y, y^2, y^3 (x = y^2).
std::array<uint64_t, 4> Coords(Fp4 a) {
  return {a.c0().c0().value(), a.c1().c0().value(), a.c0().c1().value(), a.c1().c1().value()};
}

// Schoolbook product in Fp[y]/(y^4 - 7) with GMP big integers.
std::array<uint64_t, 4> ReferenceProduct(const std::array<uint64_t, 4>& a,
                                         const std::array<uint64_t, 4>& b) {
  mpz_t acc[4], t, p;
  for (auto& v : acc) mpz_init(v);
  mpz_init(t);
  mpz_init_set_ui(p, 0);
  mpz_set_ui(p, 1);
  mpz_mul_2exp(p, p, 64);
  mpz_sub_ui(p, p, (uint64_t{1} << 32) - 1);  // 2^64 - 2^32 + 1
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      mpz_set_ui(t, a[i]);
      mpz_mul_ui(t, t, b[j]);
      if (i + j >= 4) mpz_mul_ui(t, t, 7);
      mpz_add(acc[(i + j) % 4], acc[(i + j) % 4], t);
    }
  }
  std::array<uint64_t, 4> out{};
  for (int k = 0; k < 4; ++k) {
    mpz_mod(acc[k], acc[k], p);
    out[k] = mpz_get_ui(acc[k]);
    mpz_clear(acc[k]);
  }
  mpz_clear(t);
  mpz_clear(p);
  return out;
}

TEST(Quartic, ProductsMatchTheReference) {
  static_assert(sizeof(unsigned long) == 8, "mpz_get_ui returns 64 bits");
  std::mt19937_64 rng(41);
  for (int i = 0; i < 100'000; ++i) {
    Fp4 a = RandomFp4(rng), b = RandomFp4(rng);
    ASSERT_EQ(Coords(a * b), ReferenceProduct(Coords(a), Coords(b))) << i;
    ASSERT_EQ((a + b) - b, a);
    ASSERT_EQ(a * b.c0(), a * Fp4(b.c0()));
    ASSERT_EQ(a * b.c0().c0(), a * Fp4(b.c0().c0()));
  }
}

TEST(Quartic, XIsANonSquareInFp2) {
  // Euler's criterion in Fp2: x^((p^2 - 1)/2) = -1, with (p^2-1)/2 = (p-1)/2 * (p+1).
  Fp2 x(Fp::Zero(), Fp::One());
  EXPECT_EQ(x.Pow((kP - 1) / 2).Pow(kP + 1), -Fp2::One());
}

TEST(Quartic, InverseFrobeniusAndSubfields) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 2000; ++i) {
    Fp4 a = RandomFp4(rng);
    if (a.IsZero()) continue;
    ASSERT_EQ(a * a.Inverse(), Fp4::One());
    // a^(p^4) = a; a^(p^2) = a only on the subfield Fp2.
    Fp4 f2 = a.Pow(kP).Pow(kP);
    EXPECT_EQ(f2.Pow(kP).Pow(kP), a);
    EXPECT_EQ(f2 == a, a.InFp2());
    Fp4 sub(a.c0());
    EXPECT_EQ(sub.Pow(kP).Pow(kP), sub);
  }
  EXPECT_TRUE(Fp4::Zero().Inverse().IsZero());
}

}  // namespace
}  // namespace vinet::zk
