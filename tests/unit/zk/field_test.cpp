// Goldilocks and its quadratic extension against GMP, batch inversion, the
// canonical codec and the NTT against a naive DFT.
#include <gmp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "vinet/zk/codec.h"
#include "vinet/zk/field/extension.h"
#include "vinet/zk/field/goldilocks.h"
#include "vinet/zk/field/ntt.h"
#include "zk/field/ntt_avx512.h"

namespace vinet::zk {
namespace {

constexpr uint64_t kP = Fp::kModulus;

// A GMP integer with RAII.
struct Z {
  mpz_t v;
  Z() { mpz_init(v); }
  explicit Z(uint64_t x) {
    mpz_init(v);
    mpz_import(v, 1, 1, sizeof(x), 0, 0, &x);
  }
  ~Z() { mpz_clear(v); }
  uint64_t U64() const {
    uint64_t out = 0;
    size_t count = 0;
    mpz_export(&out, &count, 1, sizeof(out), 0, 0, v);
    return count == 0 ? 0 : out;
  }
};

uint64_t RandomU64(std::mt19937_64& rng) {
  // Bias toward edge values: 1/8 of draws come from near 0, p and 2^64.
  uint64_t x = rng();
  switch (x & 7) {
    case 0:
      return rng() % 4;
    case 1:
      return kP - 1 - rng() % 4;
    case 2:
      return kP - 1 - (rng() % (uint64_t{1} << 33));
    default:
      return rng() % kP;
  }
}

TEST(Goldilocks, ArithmeticMatchesGmpOnMillionsOfInputs) {
  std::mt19937_64 rng(1);
  Z p(kP), za, zb, zr;
  constexpr int kIterations = 1'000'000;
  for (int i = 0; i < kIterations; ++i) {
    uint64_t a = RandomU64(rng), b = RandomU64(rng);
    Z A(a), B(b);
    mpz_mul(zr.v, A.v, B.v);
    mpz_mod(zr.v, zr.v, p.v);
    ASSERT_EQ((Fp(a) * Fp(b)).value(), zr.U64()) << a << " * " << b;
    mpz_add(zr.v, A.v, B.v);
    mpz_mod(zr.v, zr.v, p.v);
    ASSERT_EQ((Fp(a) + Fp(b)).value(), zr.U64()) << a << " + " << b;
    mpz_sub(zr.v, A.v, B.v);
    mpz_mod(zr.v, zr.v, p.v);
    ASSERT_EQ((Fp(a) - Fp(b)).value(), zr.U64()) << a << " - " << b;
  }
}

TEST(Goldilocks, ConstructorReducesAnyU64AndSignedMapsToNegatives) {
  EXPECT_EQ(Fp(kP).value(), 0u);
  EXPECT_EQ(Fp(~uint64_t{0}).value(), ~uint64_t{0} - kP);
  EXPECT_EQ(Fp::FromSigned(-1).value(), kP - 1);
  EXPECT_EQ(Fp::FromSigned(INT64_MIN), -Fp(uint64_t{1} << 63));
  EXPECT_EQ(Fp::FromSigned(5).value(), 5u);
}

TEST(Goldilocks, InverseMatchesGmpAndBatchInverse) {
  std::mt19937_64 rng(2);
  Z p(kP), zr;
  std::vector<Fp> values;
  for (int i = 0; i < 20'000; ++i) {
    uint64_t a = 1 + rng() % (kP - 1);
    Z A(a);
    ASSERT_NE(mpz_invert(zr.v, A.v, p.v), 0);
    ASSERT_EQ(Fp(a).Inverse().value(), zr.U64());
    values.push_back(Fp(a));
  }
  values.push_back(Fp::Zero());
  std::vector<Fp> inv = values;
  BatchInverse(inv);
  for (size_t i = 0; i + 1 < values.size(); ++i) ASSERT_EQ(inv[i], values[i].Inverse());
  EXPECT_TRUE(inv.back().IsZero());
  EXPECT_TRUE(Fp::Zero().Inverse().IsZero());
}

TEST(Goldilocks, RootsOfUnityHaveExactOrder) {
  for (int k = 1; k <= Fp::kTwoAdicity; ++k) {
    Fp w = Fp::RootOfUnity(k);
    EXPECT_EQ(w.Pow(uint64_t{1} << (k - 1)), -Fp::One()) << k;
    EXPECT_EQ(w.Pow(uint64_t{1} << k), Fp::One()) << k;
  }
}

TEST(Extension, SevenIsANonResidue) {
  // Euler's criterion: 7^((p-1)/2) = -1.
  EXPECT_EQ(Fp(7).Pow((kP - 1) / 2), -Fp::One());
}

TEST(Extension, ArithmeticMatchesGmp) {
  std::mt19937_64 rng(3);
  Z p(kP), t0, t1, r0, r1, seven(7);
  for (int i = 0; i < 300'000; ++i) {
    uint64_t a0 = RandomU64(rng), a1 = RandomU64(rng), b0 = RandomU64(rng), b1 = RandomU64(rng);
    Fp2 a{Fp(a0), Fp(a1)}, b{Fp(b0), Fp(b1)};
    Fp2 prod = a * b;
    Z A0(a0), A1(a1), B0(b0), B1(b1);
    // (a0 + a1 x)(b0 + b1 x) = a0 b0 + 7 a1 b1 + (a0 b1 + a1 b0) x
    mpz_mul(r0.v, A0.v, B0.v);
    mpz_mul(t0.v, A1.v, B1.v);
    mpz_mul(t0.v, t0.v, seven.v);
    mpz_add(r0.v, r0.v, t0.v);
    mpz_mod(r0.v, r0.v, p.v);
    mpz_mul(r1.v, A0.v, B1.v);
    mpz_mul(t1.v, A1.v, B0.v);
    mpz_add(r1.v, r1.v, t1.v);
    mpz_mod(r1.v, r1.v, p.v);
    ASSERT_EQ(prod.c0().value(), r0.U64());
    ASSERT_EQ(prod.c1().value(), r1.U64());
    ASSERT_EQ((a + b) - b, a);
  }
}

TEST(Extension, InverseAndBatchInverse) {
  std::mt19937_64 rng(4);
  std::vector<Fp2> values;
  for (int i = 0; i < 5000; ++i) {
    Fp2 a{Fp(rng()), Fp(rng())};
    if (a.IsZero()) continue;
    ASSERT_EQ(a * a.Inverse(), Fp2::One());
    values.push_back(a);
  }
  values.insert(values.begin() + 7, Fp2::Zero());
  std::vector<Fp2> inv = values;
  BatchInverse(inv);
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].IsZero()) {
      EXPECT_TRUE(inv[i].IsZero());
    } else {
      ASSERT_EQ(inv[i] * values[i], Fp2::One());
    }
  }
}

TEST(Codec, RoundTripsAndRejectsNonCanonical) {
  ByteWriter w;
  w.Field(Fp(kP - 1));
  w.Field(Fp2(Fp(3), Fp(9)));
  Bytes bytes = w.Take();
  ByteReader r(bytes);
  EXPECT_EQ(r.ReadFp("a").value(), Fp(kP - 1));
  EXPECT_EQ(r.ReadFp2("b").value(), Fp2(Fp(3), Fp(9)));
  EXPECT_TRUE(r.Finish("t").ok());

  ByteWriter big;
  big.U64(kP);
  Bytes b2 = big.Take();
  ByteReader r2(b2);
  auto bad = r2.ReadFp("value");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kParse);
  EXPECT_NE(bad.status().message().find("value"), std::string::npos);

  Bytes trailing = bytes;
  trailing.push_back(0);
  ByteReader r3(trailing);
  ASSERT_TRUE(r3.ReadFp("a").ok());
  ASSERT_TRUE(r3.ReadFp2("b").ok());
  EXPECT_EQ(r3.Finish("t").code(), Code::kParse);

  ByteReader r4(ByteSpan(bytes).first(5));
  EXPECT_EQ(r4.ReadFp("a").status().code(), Code::kParse);
}

TEST(Ntt, MatchesNaiveDftAndInverts) {
  std::mt19937_64 rng(5);
  for (int log_n = 0; log_n <= 10; ++log_n) {
    std::vector<Fp> a(size_t{1} << log_n);
    for (auto& x : a) x = Fp(rng());
    std::vector<Fp> expect = NaiveDft(a);
    std::vector<Fp> got = a;
    Ntt(got);
    ASSERT_EQ(got, expect) << "log_n=" << log_n;
    InverseNtt(got);
    ASSERT_EQ(got, a) << "log_n=" << log_n;
  }
}

TEST(Ntt, LargeSizesAgreeAcrossThreadCountsAndInvert) {
  std::mt19937_64 rng(6);
  for (int log_n : {13, 16}) {
    std::vector<Fp> a(size_t{1} << log_n);
    for (auto& x : a) x = Fp(rng());
    std::vector<Fp> one = a, two = a;
    Ntt(one, 1);
    Ntt(two, 2);
    ASSERT_EQ(one, two);
    // Spot-check a few outputs against the definition.
    Fp w = Fp::RootOfUnity(log_n);
    for (size_t k : {size_t{0}, size_t{1}, size_t{12345} % a.size(), a.size() - 1}) {
      Fp acc, x = Fp::One(), wk = w.Pow(k);
      for (size_t j = 0; j < a.size(); ++j) {
        acc += a[j] * x;
        x *= wk;
      }
      ASSERT_EQ(one[k], acc) << k;
    }
    InverseNtt(two, 2);
    ASSERT_EQ(two, a);
  }
}

}  // namespace
}  // namespace vinet::zk

namespace vinet::zk {
namespace {

TEST(Ntt, VectorKernelsMatchScalarArithmeticOnEdgeValues) {
  // The AVX-512 butterflies and products against Fp's operators on values
  // that hit every carry and borrow of the reduction (and random ones).
  if (!detail::HasAvx512()) GTEST_SKIP() << "no AVX-512F: the scalar path is the one that runs";
  const uint64_t p = Fp::kModulus;
  std::vector<uint64_t> edge = {0,
                                1,
                                2,
                                p - 1,
                                p - 2,
                                0xFFFFFFFF,
                                0x100000000,
                                p >> 1,
                                (p >> 1) + 1,
                                0xFFFFFFFE00000002ULL,
                                0x8000000000000000ULL,
                                0x7FFFFFFFFFFFFFFFULL,
                                0xFFFFFFFF00000000ULL};
  std::mt19937_64 rng(8);
  std::vector<uint64_t> xs, ys;
  for (uint64_t x : edge) {
    for (uint64_t y : edge) {
      xs.push_back(x);
      ys.push_back(y);
    }
  }
  for (int i = 0; i < 4096; ++i) {
    xs.push_back(Fp(rng()).value());
    ys.push_back(Fp(rng()).value());
  }
  while (xs.size() % 8 != 0) {
    xs.push_back(1);
    ys.push_back(p - 1);
  }
  size_t n = xs.size();
  std::vector<uint64_t> prod(n);
  ASSERT_EQ(detail::MulAvx512(prod.data(), xs.data(), ys.data(), n), n);
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(prod[i], (Fp(xs[i]) * Fp(ys[i])).value()) << xs[i] << " * " << ys[i];
  }
  // One level with half = n / 2: a = xs[0, n/2) || ys[0, n/2), twiddles ys.
  size_t half = n / 2 / 8 * 8;
  std::vector<uint64_t> a(2 * half), tw(2 * half);
  std::copy(xs.begin(), xs.begin() + half, a.begin());
  std::copy(ys.begin(), ys.begin() + half, a.begin() + half);
  std::copy(ys.rbegin(), ys.rbegin() + half, tw.begin() + half);
  std::vector<uint64_t> got = a;
  ASSERT_EQ(detail::DifLevelAvx512(got.data(), half, tw.data(), 0, half), half);
  for (size_t j = 0; j < half; ++j) {
    Fp u(a[j]), v(a[j + half]);
    ASSERT_EQ(got[j], (u + v).value()) << j;
    ASSERT_EQ(got[j + half], ((u - v) * Fp(tw[half + j])).value()) << j;
  }
}

TEST(Ntt, VectorTailLevelsMatchScalarButterflies) {
  // The last three DIF levels (half 4, 2, 1) on blocks of 8, 16 values per
  // step, against the scalar butterflies with the same twiddles.
  if (!detail::HasAvx512()) GTEST_SKIP() << "no AVX-512F: the scalar path is the one that runs";
  std::vector<uint64_t> tw(8);
  for (int log_h = 0; log_h < 3; ++log_h) {
    size_t h = size_t{1} << log_h;
    Fp w = Fp::RootOfUnity(log_h + 1), acc = Fp::One();
    for (size_t j = 0; j < h; ++j, acc *= w) tw[h + j] = acc.value();
  }
  std::mt19937_64 rng(9);
  const uint64_t p = Fp::kModulus;
  std::vector<uint64_t> a(256);
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = i < 64 ? std::vector<uint64_t>{0, 1, p - 1, p - 2}[i % 4] : Fp(rng()).value();
  }
  std::vector<Fp> want(a.begin(), a.end());
  for (size_t block = 0; block < want.size(); block += 8) {
    for (size_t h = 4; h >= 1; h /= 2) {
      for (size_t sub = block; sub < block + 8; sub += 2 * h) {
        for (size_t j = 0; j < h; ++j) {
          Fp u = want[sub + j], v = want[sub + j + h];
          want[sub + j] = u + v;
          want[sub + j + h] = h == 1 ? u - v : (u - v) * Fp(tw[h + j]);
        }
      }
    }
  }
  ASSERT_EQ(detail::DifTailAvx512(a.data(), a.size(), tw.data()), a.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], want[i].value()) << i;
}

TEST(Ntt, PaddedTransformMatchesFullTransform) {
  std::mt19937_64 rng(7);
  for (int log_n = 1; log_n <= 15; ++log_n) {
    for (int log_prefix = 0; log_prefix <= log_n; ++log_prefix) {
      std::vector<Fp> a(size_t{1} << log_n);
      for (size_t i = 0; i < (size_t{1} << log_prefix); ++i) a[i] = Fp(rng());
      std::vector<Fp> full = a;
      NttBitReversed(full);
      std::vector<Fp> split = a;
      NttBitReversedPadded(a, size_t{1} << log_prefix);
      ASSERT_EQ(a, full) << log_n << " " << log_prefix;
      if (log_n >= 12) {  // large enough for both threads to get work
        NttBitReversedPadded(split, size_t{1} << log_prefix, 2);
        ASSERT_EQ(split, full) << log_n << " " << log_prefix << " 2 threads";
      }
    }
  }
}

}  // namespace
}  // namespace vinet::zk
