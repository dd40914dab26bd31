// WideSum / Fp2Sum (zk/field/lazy_sum.h) equal term-by-term field sums,
// including sums of many near-p products whose 128-bit total carries.
#include <gtest/gtest.h>

#include <random>

#include "zk/field/lazy_sum.h"

namespace vinet::zk {
namespace {

constexpr uint64_t kP = Fp::kModulus;

Fp EdgeOrRandom(std::mt19937_64& rng) {
  uint64_t x = rng();
  if ((x & 3) == 0) return Fp((x >> 2) & 1 ? rng() % 4 : kP - 1 - rng() % 4);
  return Fp(rng() % kP);
}

TEST(LazySum, WideSumMatchesFieldSumThroughCarries) {
  std::mt19937_64 rng(7);
  // (p-1)^2 ~ 2^128: every other all-max product carries out of 128 bits.
  for (size_t terms : {1, 2, 3, 5, 100, 5000}) {
    detail::WideSum wide, max_wide;
    Fp want, max_want;
    for (size_t i = 0; i < terms; ++i) {
      Fp a = EdgeOrRandom(rng), b = EdgeOrRandom(rng);
      wide.Add(a.value(), b.value());
      want += a * b;
      max_wide.Add(kP - 1, kP - 1);
      max_want += Fp(kP - 1) * Fp(kP - 1);
    }
    EXPECT_EQ(wide.Value(), want) << terms;
    EXPECT_EQ(max_wide.Value(), max_want) << terms;
    detail::WideSum merged = wide;
    merged.Add(max_wide);
    EXPECT_EQ(merged.Value(), want + max_want) << terms;
  }
}

TEST(LazySum, Fp2SumMatchesFieldProducts) {
  std::mt19937_64 rng(8);
  detail::Fp2Sum base, ext;
  Fp2 want_base, want_ext;
  for (int i = 0; i < 20'000; ++i) {
    Fp2 a(EdgeOrRandom(rng), EdgeOrRandom(rng)), b(EdgeOrRandom(rng), EdgeOrRandom(rng));
    Fp c = EdgeOrRandom(rng);
    base.Add(a, c);
    want_base += a * c;
    ext.Add(a, b);
    want_ext += a * b;
    if (i % 997 == 0) {
      ASSERT_EQ(base.Value(), want_base) << i;
      ASSERT_EQ(ext.Value(), want_ext) << i;
    }
  }
  EXPECT_EQ(base.Value(), want_base);
  EXPECT_EQ(ext.Value(), want_ext);
  detail::Fp2Sum both = base;
  both.Add(ext);
  EXPECT_EQ(both.Value(), want_base + want_ext);
}

TEST(LazySum, MulBy7AndReduce192MatchFieldArithmetic) {
  std::mt19937_64 rng(9);
  for (int i = 0; i < 100'000; ++i) {
    Fp a = EdgeOrRandom(rng), b = EdgeOrRandom(rng);
    ASSERT_EQ(Fp::MulBy7(a), a * Fp(7)) << a.value();
    uint64_t top = rng() % 4;
    unsigned __int128 x = static_cast<unsigned __int128>(a.value()) * b.value();
    // 2^128 = (2^64)^2 in the field.
    Fp two64 = Fp(uint64_t{1} << 32) * Fp(uint64_t{1} << 32);
    ASSERT_EQ(Fp::Reduce192(x, top), a * b + Fp(top) * two64 * two64) << i;
  }
}

}  // namespace
}  // namespace vinet::zk
