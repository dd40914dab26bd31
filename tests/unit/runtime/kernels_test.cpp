// Our GEMM kernel and OpenBLAS against a naive triple loop, on the edge
// shapes of the register blocking; requantization rounding.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "runtime/gemm.h"
#include "runtime/kernels.h"
#include "runtime/requant.h"

namespace vinet::runtime::detail {
namespace {

TEST(Gemm, OwnAndBlasMatchNaive) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> d(-1, 1);
  for (int64_t m : {1, 3, 4, 5, 9}) {
    for (int64_t n : {1, 7, 8, 16, 17, 63, 64, 65, 130}) {
      for (int64_t k : {1, 5, 33}) {
        std::vector<float> a(m * k), b(k * n), want(m * n, 0.0f);
        for (auto& v : a) v = d(rng);
        for (auto& v : b) v = d(rng);
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < n; ++j)
            for (int64_t p = 0; p < k; ++p) want[i * n + j] += a[i * k + p] * b[p * n + j];
        for (GemmBackend be : {GemmBackend::kOwn, GemmBackend::kBlas}) {
          std::vector<float> c(m * n, 1.0f);
          Gemm(m, n, k, a.data(), k, b.data(), n, c.data(), n, /*accumulate=*/true, be);
          for (int64_t i = 0; i < m * n; ++i) {
            ASSERT_NEAR(c[i], want[i] + 1.0f, 1e-4)
                << m << "x" << n << "x" << k << " backend " << int(be);
          }
        }
      }
    }
  }
}

TEST(Requant, RoundsHalfUpAndClamps) {
  EXPECT_EQ(Requantize(5, 1, 1), 3);    // 2.5 -> 3
  EXPECT_EQ(Requantize(-5, 1, 1), -2);  // -2.5 -> -2 (floor(x + 1/2))
  EXPECT_EQ(Requantize(-7, 1, 1), -3);  // -3.5 -> -3
  EXPECT_EQ(Requantize(1000, 1, 1), 127);
  EXPECT_EQ(Requantize(-1000, 1, 1), -127);
  EXPECT_EQ(Requantize(3, 3, 2), 2);  // 9/4 = 2.25 -> 2
}

TEST(Requant, ChoosesSixteenBitMultipliers) {
  for (double r : {1e-6, 0.001, 0.0123, 0.5, 0.75, 1.0, 3.7, 1000.0}) {
    auto q = ChooseRequant(r);
    ASSERT_TRUE(q.ok());
    EXPECT_GE(q->multiplier, 1 << 15) << r;
    EXPECT_LT(q->multiplier, 1 << 16) << r;
    EXPECT_NEAR(q->multiplier / std::ldexp(1.0, q->shift), r, r / 32768.0);
  }
  EXPECT_FALSE(ChooseRequant(0.0).ok());
  EXPECT_FALSE(ChooseRequant(1e6).ok());
  EXPECT_EQ(PoolMultiplier(4), 1 << 18);
  EXPECT_EQ(PoolMultiplier(3), ((1 << 20) + 1) / 3);
}

}  // namespace
}  // namespace vinet::runtime::detail

namespace vinet::runtime::detail {
namespace {

TEST(Erf, FastErfIsWithinTwoMicroOfLibm) {
  Node n;
  n.op = OpType::kErf;
  std::vector<float> x, y(20001);
  for (int i = -10000; i <= 10000; ++i) x.push_back(i * 0.0007f);
  UnaryKernel(n, x.data(), y.data(), static_cast<int64_t>(x.size()));
  for (size_t i = 0; i < x.size(); ++i) ASSERT_NEAR(y[i], std::erf(x[i]), 2e-6) << x[i];
}

}  // namespace
}  // namespace vinet::runtime::detail
