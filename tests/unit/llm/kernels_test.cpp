// Kernel tests: every dot kernel against dequantize-then-double, scalar vs
// AVX2 vs AVX-512 bit equality (with tails, single- and multi-row kernels),
// matmul independence of threads and batch,
// and the own math functions against libm.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "llm/kernels/blocks.h"
#include "llm/kernels/kernels.h"
#include "llm/kernels/math.h"
#include "llm/kernels/matmul.h"
#include "llm/kernels/thread_pool.h"

namespace vinet::llm::kernels {
namespace {

const GgmlType kTypes[] = {GgmlType::kF32,  GgmlType::kF16,  GgmlType::kQ8_0, GgmlType::kQ4_0,
                           GgmlType::kQ4_1, GgmlType::kQ4_K, GgmlType::kQ6_K};

const char* GgmlTypeName(GgmlType t) {
  switch (t) {
    case GgmlType::kF32:
      return "F32";
    case GgmlType::kF16:
      return "F16";
    case GgmlType::kQ8_0:
      return "Q8_0";
    case GgmlType::kQ4_0:
      return "Q4_0";
    case GgmlType::kQ4_1:
      return "Q4_1";
    case GgmlType::kQ4_K:
      return "Q4_K";
    case GgmlType::kQ6_K:
      return "Q6_K";
    default:
      return "?";
  }
}

uint16_t RandomHalf(std::mt19937& rng) {  // positive, in [2^-7, 2^-3)
  return static_cast<uint16_t>(((8 + rng() % 4) << 10) | (rng() & 0x3ff));
}

// Random valid weight row of n elements: random payload, sane scales.
std::vector<uint8_t> RandomRow(GgmlType type, size_t n, std::mt19937& rng) {
  size_t nb = n / BlockElems(type);
  std::vector<uint8_t> row(nb * BlockBytes(type));
  for (auto& b : row) b = static_cast<uint8_t>(rng());
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  auto put16 = [&](size_t off, uint16_t v) { std::memcpy(row.data() + off, &v, 2); };
  for (size_t b = 0; b < nb; ++b) {
    switch (type) {
      case GgmlType::kF32: {
        float f = u(rng);
        std::memcpy(row.data() + 4 * b, &f, 4);
        break;
      }
      case GgmlType::kF16:
        put16(2 * b, static_cast<uint16_t>(RandomHalf(rng) | ((rng() & 1) << 15)));
        break;
      case GgmlType::kQ8_0:
        put16(34 * b, RandomHalf(rng));
        break;
      case GgmlType::kQ4_0:
        put16(18 * b, RandomHalf(rng));
        break;
      case GgmlType::kQ4_1:
        put16(20 * b, RandomHalf(rng));
        put16(20 * b + 2, static_cast<uint16_t>(RandomHalf(rng) | 0x8000));
        break;
      case GgmlType::kQ4_K:
        put16(144 * b, RandomHalf(rng));
        put16(144 * b + 2, RandomHalf(rng));
        break;
      case GgmlType::kQ6_K:
        put16(210 * b + 208, RandomHalf(rng));
        break;
      default:
        break;
    }
  }
  return row;
}

std::vector<float> RandomVec(size_t n, std::mt19937& rng) {
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = g(rng);
  return v;
}

uint32_t Bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

TEST(LlmKernels, HalfToFloatMatchesCvt) {
  for (uint32_t h = 0; h < 65536; ++h) {
    float f = HalfToFloat(static_cast<uint16_t>(h));
    uint32_t exp = (h >> 10) & 31, man = h & 1023;
    if (exp == 31 && man != 0) {
      EXPECT_TRUE(std::isnan(f));
      continue;
    }
    double ref = exp == 31  ? INFINITY
                 : exp == 0 ? std::ldexp(man, -24)
                            : std::ldexp(1024 + man, exp - 25);
    if (h & 0x8000) ref = -ref;
    ASSERT_EQ(static_cast<double>(f), ref) << h;
  }
}

TEST(LlmKernels, FloatToHalfRoundsToNearestEven) {
  for (uint32_t h = 0; h < 0x7c00; ++h) {  // every finite non-negative half
    float f = HalfToFloat(static_cast<uint16_t>(h));
    ASSERT_EQ(FloatToHalf(f), h);
    ASSERT_EQ(FloatToHalf(-f), h | 0x8000);
    if (h + 1 < 0x7c00) {
      float next = HalfToFloat(static_cast<uint16_t>(h + 1));
      float mid = static_cast<float>((static_cast<double>(f) + next) / 2);  // exact in float
      ASSERT_EQ(FloatToHalf(mid), (h & 1) ? h + 1 : h) << h;
      ASSERT_EQ(FloatToHalf(std::nextafter(mid, 0.0f)), h) << h;
      ASSERT_EQ(FloatToHalf(std::nextafter(mid, 1e9f)), h + 1) << h;
    }
  }
  EXPECT_EQ(FloatToHalf(65519.0f), 0x7bff);
  EXPECT_EQ(FloatToHalf(65520.0f), 0x7c00);
  EXPECT_EQ(FloatToHalf(1e-9f), 0);
}

TEST(LlmKernels, ScalarDotMatchesDequantizedReference) {
  std::mt19937 rng(7);
  for (GgmlType type : kTypes) {
    for (size_t nb : {1u, 3u, 8u, 9u, 17u}) {
      size_t n = nb * std::max<uint32_t>(BlockElems(type), 32);
      auto w = RandomRow(type, n, rng);
      auto x = RandomVec(n, rng);
      std::vector<float> wf(n);
      DequantizeRow(type, w.data(), n, wf.data());
      // Reference over the quantized activations, as the kernel sees them.
      std::vector<uint8_t> act(ActRowBytes(type, n));
      QuantizeActs(type, x.data(), n, act.data());
      std::vector<float> xq(n);
      if (ActKindFor(type) == ActKind::kF32) {
        xq = x;
      } else if (ActKindFor(type) == ActKind::kQ8x32) {
        const Act32Row a = Act32(act.data(), n / 32);
        for (size_t i = 0; i < n; ++i) xq[i] = a.d[i / 32] * a.q[i];
      } else {
        auto* a = reinterpret_cast<const ActQ8x256*>(act.data());
        for (size_t i = 0; i < n; ++i) xq[i] = a[i / 256].d * a[i / 256].q[i % 256];
      }
      double ref = 0, mag = 0, err_act = 0;
      for (size_t i = 0; i < n; ++i) {
        ref += static_cast<double>(wf[i]) * xq[i];
        mag += std::fabs(static_cast<double>(wf[i]) * xq[i]);
        err_act += std::fabs(static_cast<double>(wf[i]) * (x[i] - xq[i]));
      }
      if (type == GgmlType::kQ4_1) {  // the offset term uses s = half(d * sum), not d_half * sum
        const Act32Row a = Act32(act.data(), n / 32);
        for (size_t b = 0; b < n / 32; ++b) {
          double m = HalfToFloat(reinterpret_cast<const BlockQ4_1*>(w.data())[b].m);
          ref += m * (a.s[b] - static_cast<double>(a.d[b]) * a.sum[b]);
        }
      }
      float got = ScalarKernels().For(type)(w.data(), act.data(), n);
      EXPECT_NEAR(got, ref, 1e-5 * mag + 1e-6) << GgmlTypeName(type) << " n=" << n;
      // And the activation quantization error is small (1/254 of the block max).
      double full = 0;
      for (size_t i = 0; i < n; ++i) full += static_cast<double>(wf[i]) * x[i];
      EXPECT_NEAR(got, full, 1e-5 * mag + err_act + 1e-6);
      EXPECT_LT(err_act, 0.02 * mag + 1e-6) << GgmlTypeName(type);
    }
  }
}

TEST(LlmKernels, Avx2EqualsScalarBitForBit) {
  const KernelTable* avx = Avx2Kernels();
  if (avx == nullptr) GTEST_SKIP() << "CPU without AVX2";
  std::mt19937 rng(11);
  for (GgmlType type : kTypes) {
    for (size_t nb = 1; nb <= 27; ++nb) {
      size_t n = nb * (BlockElems(type) == 1 ? 5 : BlockElems(type));  // F32/F16: odd tails
      auto w = RandomRow(type, n, rng);
      auto x = RandomVec(n, rng);
      std::vector<uint8_t> act(ActRowBytes(type, n));
      QuantizeActs(type, x.data(), n, act.data());
      float s = ScalarKernels().For(type)(w.data(), act.data(), n);
      float v = avx->For(type)(w.data(), act.data(), n);
      ASSERT_EQ(Bits(s), Bits(v)) << GgmlTypeName(type) << " n=" << n << " " << s << " vs " << v;
    }
  }
  for (size_t n = 1; n < 70; ++n) {
    auto a = RandomVec(n, rng), b = RandomVec(n, rng), y1 = RandomVec(n, rng);
    auto y2 = y1;
    ASSERT_EQ(Bits(ScalarKernels().dot(a.data(), b.data(), n)),
              Bits(avx->dot(a.data(), b.data(), n)));
    ScalarKernels().axpy(0.37f, a.data(), y1.data(), n);
    avx->axpy(0.37f, a.data(), y2.data(), n);
    ASSERT_EQ(0, std::memcmp(y1.data(), y2.data(), n * 4));
  }
}

TEST(LlmKernels, Avx512EqualsScalarBitForBit) {
  const KernelTable* avx = Avx512Kernels();
  if (avx == nullptr) GTEST_SKIP() << "CPU without AVX-512 VNNI";
  std::mt19937 rng(13);
  for (GgmlType type : kTypes) {
    for (size_t nb = 1; nb <= 35; ++nb) {
      size_t n = nb * (BlockElems(type) == 1 ? 5 : BlockElems(type));
      auto w = RandomRow(type, n, rng);
      if (type == GgmlType::kQ8_0 && nb % 3 == 0) {  // include -128 weights
        for (size_t b = 0; b < nb; ++b) w[34 * b + 2 + (b % 32)] = 0x80;
      }
      auto x = RandomVec(n, rng);
      std::vector<uint8_t> act(ActRowBytes(type, n));
      QuantizeActs(type, x.data(), n, act.data());
      float s = ScalarKernels().For(type)(w.data(), act.data(), n);
      float v = avx->For(type)(w.data(), act.data(), n);
      ASSERT_EQ(Bits(s), Bits(v)) << GgmlTypeName(type) << " n=" << n << " " << s << " vs " << v;
    }
  }
}

// The multi-row kernels (prefill): each of the kDotRows results equals the
// scalar single-row dot bit for bit, with and without tail blocks.
TEST(LlmKernels, Dot4EqualsScalarDotBitForBit) {
  const KernelTable* tables[] = {Avx2Kernels(), Avx512Kernels()};
  std::mt19937 rng(17);
  size_t checked = 0;
  for (const KernelTable* k : tables) {
    if (k == nullptr) continue;
    for (GgmlType type : kTypes) {
      const Dot4Fn dot4 = k->For4(type);
      if (dot4 == nullptr) continue;
      for (size_t nb = 1; nb <= 19; ++nb) {
        const size_t n = nb * BlockElems(type), arb = ActRowBytes(type, n);
        auto w = RandomRow(type, n, rng);
        if (type == GgmlType::kQ8_0 && nb % 2 == 0) {  // include -128 weights
          for (size_t b = 0; b < nb; ++b) w[34 * b + 2 + (b % 32)] = 0x80;
        }
        std::vector<uint8_t> act(kDotRows * arb);
        for (size_t t = 0; t < kDotRows; ++t) {
          auto x = RandomVec(n, rng);
          QuantizeActs(type, x.data(), n, act.data() + t * arb);
        }
        float out[kDotRows];
        dot4(w.data(), act.data(), arb, n, out);
        for (size_t t = 0; t < kDotRows; ++t) {
          float s = ScalarKernels().For(type)(w.data(), act.data() + t * arb, n);
          ASSERT_EQ(Bits(s), Bits(out[t]))
              << k->name << " " << GgmlTypeName(type) << " n=" << n << " row " << t;
          ++checked;
        }
      }
    }
  }
  if (checked == 0) GTEST_SKIP() << "no path with multi-row kernels on this CPU";
}

// The multi-row kernels with kDotCols weight rows (with a row stride that is
// not a block multiple) against one activation row (decode) and against
// kDotRows of them (prefill tile), each result the scalar dot bit for bit.
TEST(LlmKernels, Dot8EqualsScalarDotBitForBit) {
  const KernelTable* tables[] = {Avx2Kernels(), Avx512Kernels()};
  std::mt19937 rng(23);
  size_t checked = 0;
  for (const KernelTable* k : tables) {
    if (k == nullptr) continue;
    for (GgmlType type : kTypes) {
      const Dot8Fn dot8 = k->For8(type);
      if (dot8 == nullptr) continue;
      for (size_t nb = 1; nb <= 19; ++nb) {
        const size_t n = nb * BlockElems(type), rb = nb * BlockBytes(type) + 6;
        std::vector<uint8_t> w(kDotCols * rb);
        for (size_t r = 0; r < kDotCols; ++r) {
          auto row = RandomRow(type, n, rng);
          std::memcpy(w.data() + r * rb, row.data(), row.size());
        }
        auto x = RandomVec(n, rng);
        std::vector<uint8_t> act(ActRowBytes(type, n));
        QuantizeActs(type, x.data(), n, act.data());
        float out[kDotCols];
        dot8(w.data(), rb, act.data(), n, out);
        for (size_t r = 0; r < kDotCols; ++r) {
          float s = ScalarKernels().For(type)(w.data() + r * rb, act.data(), n);
          ASSERT_EQ(Bits(s), Bits(out[r]))
              << k->name << " " << GgmlTypeName(type) << " n=" << n << " row " << r;
          ++checked;
        }
        // The tile form: kDotCols rows x kDotRows activation rows.
        const Dot8x4Fn dot8x4 = k->For8x4(type);
        if (dot8x4 == nullptr) continue;
        const size_t arb = ActRowBytes(type, n), ys = kDotCols + 3;
        std::vector<uint8_t> acts(kDotRows * arb);
        for (size_t t = 0; t < kDotRows; ++t) {
          auto xt = RandomVec(n, rng);
          QuantizeActs(type, xt.data(), n, acts.data() + t * arb);
        }
        std::vector<float> y(kDotRows * ys);
        dot8x4(w.data(), rb, acts.data(), arb, n, y.data(), ys);
        for (size_t t = 0; t < kDotRows; ++t) {
          for (size_t r = 0; r < kDotCols; ++r) {
            float s = ScalarKernels().For(type)(w.data() + r * rb, acts.data() + t * arb, n);
            ASSERT_EQ(Bits(s), Bits(y[t * ys + r])) << k->name << " " << GgmlTypeName(type)
                                                    << " n=" << n << " row " << r << " act " << t;
            ++checked;
          }
        }
      }
    }
  }
  if (checked == 0) GTEST_SKIP() << "no path with multi-row decode kernels on this CPU";
}

// The attention and feed-forward helpers: every path gives the scalar bits,
// for odd lengths and strides, and for exp inputs at and past the edges of
// the vector range (where the vector forms fall back to the scalar one).
TEST(LlmKernels, RowAndActivationHelpersEqualScalarBitForBit) {
  const KernelTable* tables[] = {Avx2Kernels(), Avx512Kernels()};
  const KernelTable& sk = ScalarKernels();
  std::mt19937 rng(19);
  for (const KernelTable* k : tables) {
    if (k == nullptr) continue;
    for (size_t n : {1, 7, 8, 24, 64, 67, 128, 136}) {
      for (size_t n_rows : {1, 3, 4, 9, 33}) {
        const size_t stride = n + 5;
        auto rows = RandomVec(stride * n_rows, rng), q = RandomVec(n, rng);
        std::vector<float> o1(n_rows), o2(n_rows);
        sk.dot_rows(q.data(), rows.data(), stride, n_rows, n, o1.data());
        k->dot_rows(q.data(), rows.data(), stride, n_rows, n, o2.data());
        ASSERT_EQ(0, std::memcmp(o1.data(), o2.data(), n_rows * 4)) << k->name << " dot_rows " << n;
        auto c = RandomVec(n_rows, rng), y1 = RandomVec(n, rng);
        auto y2 = y1;
        sk.axpy_rows(c.data(), rows.data(), stride, n_rows, y1.data(), n);
        k->axpy_rows(c.data(), rows.data(), stride, n_rows, y2.data(), n);
        ASSERT_EQ(0, std::memcmp(y1.data(), y2.data(), n * 4)) << k->name << " axpy_rows " << n;
      }
    }
    std::vector<float> x = RandomVec(1000, rng);
    std::uniform_real_distribution<float> wide(-120.0f, 100.0f);
    for (size_t i = 0; i < 500; ++i) x[i] = wide(rng);
    const float edges[] = {-700.0f, 700.0f, -700.5f,  700.5f,    -745.5f, 88.7f,  89.0f, -104.0f,
                           0.0f,    -0.0f,  INFINITY, -INFINITY, NAN,     1e-30f, -87.5f};
    for (size_t i = 0; i < std::size(edges); ++i) x[37 * i + 3] = edges[i];
    auto e1 = x, e2 = x;
    sk.exp_f(e1.data(), e1.size());
    k->exp_f(e2.data(), e2.size());
    for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(Bits(e1[i]), Bits(e2[i])) << "exp " << x[i];
    auto g = RandomVec(x.size(), rng);
    auto s1 = x, s2 = x;
    sk.silu_mul(s1.data(), g.data(), s1.size());
    k->silu_mul(s2.data(), g.data(), s2.size());
    for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(Bits(s1[i]), Bits(s2[i])) << "silu " << x[i];
  }
}

TEST(LlmKernels, ActivationQuantizationRoundsHalfToEven) {
  // amax 127 -> d = 1, id = 1: x*id is exact, so ties show the rounding.
  std::vector<float> x(32, 0.0f);
  x[0] = 127.0f;
  x[1] = 2.5f;
  x[2] = 3.5f;
  x[3] = -2.5f;
  x[4] = 0.5f;
  x[5] = -0.5f;
  std::vector<uint8_t> buf(ActRowBytes(GgmlType::kQ8_0, 32));
  QuantizeActs(GgmlType::kQ8_0, x.data(), 32, buf.data());
  const Act32Row a = Act32(buf.data(), 1);
  EXPECT_EQ(a.d[0], 1.0f);
  EXPECT_EQ(a.q[1], 2);
  EXPECT_EQ(a.q[2], 4);
  EXPECT_EQ(a.q[3], -2);
  EXPECT_EQ(a.q[4], 0);
  EXPECT_EQ(a.q[5], 0);
  EXPECT_EQ(a.sum[0], 127 + 2 + 4 - 2);
  EXPECT_EQ(a.s[0], 127.0f + 2 + 4 - 2);  // half(1 * 131) is exact
}

TEST(LlmKernels, MatMulIndependentOfThreadsAndBatch) {
  std::mt19937 rng(3);
  for (GgmlType type : kTypes) {
    const uint32_t cols = 512, rows = 37;
    std::vector<uint8_t> data;
    for (uint32_t r = 0; r < rows; ++r) {
      auto row = RandomRow(type, cols, rng);
      data.insert(data.end(), row.begin(), row.end());
    }
    Matrix m{type, data.data(), rows, cols, data.size() / rows};
    const size_t T = 9;  // two passes of kDotRows rows and one single row
    auto x = RandomVec(T * cols, rng);
    std::vector<float> y1(T * rows), y2(T * rows), y3(T * rows), y4(T * rows);
    std::vector<uint8_t> scratch;
    ThreadPool p1(1), p2(2);
    MatMulJob j1{&m, y1.data(), rows}, j2{&m, y2.data(), rows}, j4{&m, y4.data(), rows};
    MatMul(ScalarKernels(), p1, &j1, 1, x.data(), cols, T, scratch);
    MatMul(Avx2Kernels() ? *Avx2Kernels() : ScalarKernels(), p2, &j2, 1, x.data(), cols, T,
           scratch);
    MatMul(Avx512Kernels() ? *Avx512Kernels() : ScalarKernels(), p2, &j4, 1, x.data(), cols, T,
           scratch);
    EXPECT_EQ(0, std::memcmp(y1.data(), y4.data(), y1.size() * 4)) << GgmlTypeName(type);
    for (size_t t = 0; t < T; ++t) {
      MatMulJob j3{&m, y3.data() + t * rows, rows};
      MatMul(ScalarKernels(), p2, &j3, 1, x.data() + t * cols, cols, 1, scratch);
    }
    EXPECT_EQ(0, std::memcmp(y1.data(), y2.data(), y1.size() * 4)) << GgmlTypeName(type);
    EXPECT_EQ(0, std::memcmp(y1.data(), y3.data(), y1.size() * 4)) << GgmlTypeName(type);
  }
}

TEST(LlmThreadPool, EveryChunkRunsExactlyOnce) {
  for (unsigned threads : {1u, 2u, 3u}) {
    ThreadPool pool(threads);
    // Chunk counts change from call to call (a stale worker must never run a
    // chunk of the previous job against the next job's count).
    for (int rep = 0; rep < 3000; ++rep) {
      const uint32_t n = rep % 500 == 0 ? 3000 : static_cast<uint32_t>((rep * 7) % 23);
      std::vector<std::atomic<int>> hits(3001);
      std::atomic<bool> bad_worker{false};
      pool.For(n, [&](uint32_t c, unsigned worker) {
        hits[std::min<uint32_t>(c, 3000)].fetch_add(1);
        if (worker >= threads) bad_worker = true;
      });
      for (uint32_t c = 0; c <= 3000; ++c) {
        ASSERT_EQ(hits[c].load(), c < n ? 1 : 0)
            << threads << " threads, n " << n << ", chunk " << c;
      }
      ASSERT_FALSE(bad_worker.load());
    }
  }
}

TEST(LlmMath, CloseToLibm) {
  for (double x = -700; x < 700; x += 0.731) EXPECT_NEAR(ExpD(x) / std::exp(x), 1.0, 4e-16) << x;
  for (double x = -20; x < 20; x += 0.0137) EXPECT_NEAR(ExpD(x) / std::exp(x), 1.0, 4e-16) << x;
  for (double x = 1e-300; x < 1e300; x *= 3.7)
    EXPECT_NEAR(LogD(x), std::log(x), 4e-16 * std::fabs(std::log(x)) + 4e-16) << x;
  for (double x = -9000; x < 9000; x += 0.917) {
    double s, c;
    SinCosD(x, &s, &c);
    EXPECT_NEAR(s, std::sin(x), 1e-12) << x;
    EXPECT_NEAR(c, std::cos(x), 1e-12) << x;
  }
  EXPECT_EQ(ExpD(0.0), 1.0);
  EXPECT_EQ(LogD(1.0), 0.0);
  EXPECT_NEAR(SiLU(1.0f), 1.0f / (1.0f + std::exp(-1.0f)), 1e-7);
}

}  // namespace
}  // namespace vinet::llm::kernels
