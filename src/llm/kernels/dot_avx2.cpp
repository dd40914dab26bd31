// The AVX2 path of the dot kernels (kernels.h). Each function carries its
// own target attribute, so this file builds for baseline x86-64 and the
// functions run only after the CPU check in Avx2Kernels(). The per-block
// integer sums are exact, and blocks are combined into the same 8 lanes with
// the same fused multiply-adds as dot_scalar.cpp, so results are identical.
#include "llm/kernels/combine.h"
#include "llm/kernels/kernels.h"
#include "llm/kernels/vec_avx2.h"
#include "llm/kernels/x86_fold.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define VINET_LLM_AVX2 __attribute__((target("avx2,fma,f16c")))

#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#else
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace vinet::llm::kernels {
namespace {

using detail::HSum;

using detail::AddBlock;
using detail::AddOffset;

// 32 nibbles of a Q4 block as bytes 0..31 in element order.
VINET_LLM_AVX2 inline __m256i Nibbles(const uint8_t* qs) {
  __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
  __m128i m = _mm_set1_epi8(15);
  __m128i lo = _mm_and_si128(raw, m);
  __m128i hi = _mm_and_si128(_mm_srli_epi16(raw, 4), m);
  return _mm256_set_m128i(hi, lo);
}

// 8 int32 partial sums of unsigned bytes u times signed bytes s.
VINET_LLM_AVX2 inline __m256i DotUS(__m256i u, __m256i s) {
  return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
}
VINET_LLM_AVX2 inline __m256i DotSS(__m256i a, __m256i b) {
  return DotUS(_mm256_sign_epi8(a, a), _mm256_sign_epi8(b, a));
}
VINET_LLM_AVX2 inline __m256i LoadQ(const int8_t* q) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
}

VINET_LLM_AVX2 float DotF32(const uint8_t* w8, const void* a, size_t n) {
  auto* w = reinterpret_cast<const float*>(w8);
  auto* x = static_cast<const float*>(a);
  __m256 acc = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    acc = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(x + i), acc);
  alignas(32) float lane[8];
  _mm256_store_ps(lane, acc);
  for (size_t k = 0; i < n; ++i, ++k) lane[k] = __builtin_fmaf(w[i], x[i], lane[k]);
  return LaneTree(lane);
}

VINET_LLM_AVX2 float DotFloat(const float* a, const float* b, size_t n) {
  return DotF32(reinterpret_cast<const uint8_t*>(a), b, n);
}

VINET_LLM_AVX2 float DotF16(const uint8_t* w8, const void* a, size_t n) {
  auto* w = reinterpret_cast<const uint16_t*>(w8);
  auto* x = static_cast<const float*>(a);
  __m256 acc = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 wf = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + i)));
    acc = _mm256_fmadd_ps(wf, _mm256_loadu_ps(x + i), acc);
  }
  alignas(32) float lane[8];
  _mm256_store_ps(lane, acc);
  for (size_t k = 0; i < n; ++i, ++k) lane[k] = __builtin_fmaf(HalfToFloat(w[i]), x[i], lane[k]);
  return LaneTree(lane);
}

// Shared driver for the 32-element block types: 8 blocks at a time in
// vectors (block 8g+k in lane k), the rest one by one into lane b % 8.
// Kind: 0 = Q8_0, 1 = Q4_0, 2 = Q4_1.
template <int Kind, class Block>
VINET_LLM_AVX2 inline __m256i BlockDot(const Block& w, const int8_t* q) {
  if constexpr (Kind == 0) {
    return DotSS(LoadQ(reinterpret_cast<const BlockQ8_0&>(w).q), LoadQ(q));
  } else {
    return DotUS(Nibbles(w.qs), LoadQ(q));
  }
}

template <int Kind, class Block>
VINET_LLM_AVX2 inline float Dot32(const uint8_t* w8, const void* a8, size_t n) {
  auto* w = reinterpret_cast<const Block*>(w8);
  const Act32Row a = Act32(a8, n / 32);
  const size_t nb = n / 32;
  __m256 acc = _mm256_setzero_ps();
  size_t b = 0;
  for (; b + 8 <= nb; b += 8) {
    __m256i v[8];
    for (int k = 0; k < 8; ++k) v[k] = BlockDot<Kind>(w[b + k], a.q + 32 * (b + k));
    acc = detail::Fold8<Kind>(w, a, b, v, acc);
  }
  alignas(32) float lane[8];
  _mm256_store_ps(lane, acc);
  for (; b < nb; ++b) {
    detail::FoldTail<Kind>(w, a, b, BlockDot<Kind>(w[b], a.q + 32 * b), lane);
  }
  return LaneTree(lane);
}

VINET_LLM_AVX2 float DotQ8_0(const uint8_t* w, const void* a, size_t n) {
  return Dot32<0, BlockQ8_0>(w, a, n);
}
VINET_LLM_AVX2 float DotQ4_0(const uint8_t* w, const void* a, size_t n) {
  return Dot32<1, BlockQ4_0>(w, a, n);
}
VINET_LLM_AVX2 float DotQ4_1(const uint8_t* w, const void* a, size_t n) {
  return Dot32<2, BlockQ4_1>(w, a, n);
}

VINET_LLM_AVX2 float DotQ4_K(const uint8_t* w8, const void* a8, size_t n) {
  auto* w = reinterpret_cast<const BlockQ4_K*>(w8);
  auto* a = static_cast<const ActQ8x256*>(a8);
  const __m256i m4 = _mm256_set1_epi8(15);
  float lane[8] = {};
  for (size_t b = 0; b < n / 256; ++b) {
    __m256i acc = _mm256_setzero_si256();
    for (int g = 0; g < 4; ++g) {
      int sc0, m0, sc1, m1;
      Q4KScaleMin(w[b].scales, 2 * g, &sc0, &m0);
      Q4KScaleMin(w[b].scales, 2 * g + 1, &sc1, &m1);
      __m256i raw = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[b].qs + 32 * g));
      __m256i lo = _mm256_and_si256(raw, m4);
      __m256i hi = _mm256_and_si256(_mm256_srli_epi16(raw, 4), m4);
      __m256i p0 = _mm256_maddubs_epi16(lo, LoadQ(a[b].q + 64 * g));
      __m256i p1 = _mm256_maddubs_epi16(hi, LoadQ(a[b].q + 64 * g + 32));
      acc = _mm256_add_epi32(acc,
                             _mm256_madd_epi16(p0, _mm256_set1_epi16(static_cast<int16_t>(sc0))));
      acc = _mm256_add_epi32(acc,
                             _mm256_madd_epi16(p1, _mm256_set1_epi16(static_cast<int16_t>(sc1))));
    }
    AddBlock(&lane[b % 8], HalfToFloat(w[b].d), a[b].d, HSum(acc));
    AddOffset(&lane[b % 8], -HalfToFloat(w[b].dmin), a[b].d, detail::Q4KMinSum(w[b], a[b]));
  }
  return LaneTree(lane);
}

VINET_LLM_AVX2 inline __m256i Scales2(int s0, int s1) {
  return _mm256_set_m128i(_mm_set1_epi16(static_cast<int16_t>(s1)),
                          _mm_set1_epi16(static_cast<int16_t>(s0)));
}

VINET_LLM_AVX2 float DotQ6_K(const uint8_t* w8, const void* a8, size_t n) {
  auto* w = reinterpret_cast<const BlockQ6_K*>(w8);
  auto* a = static_cast<const ActQ8x256*>(a8);
  const __m256i m4 = _mm256_set1_epi8(15);
  const __m256i m2 = _mm256_set1_epi8(3);
  float lane[8] = {};
  for (size_t b = 0; b < n / 256; ++b) {
    __m256i acc = _mm256_setzero_si256();
    for (int h = 0; h < 2; ++h) {
      const uint8_t* ql = w[b].ql + 64 * h;
      const int8_t* sc = w[b].scales + 8 * h;
      const int8_t* q = a[b].q + 128 * h;
      __m256i la = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql));
      __m256i lb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql + 32));
      __m256i hv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[b].qh + 32 * h));
      __m256i q1 =
          _mm256_or_si256(_mm256_and_si256(la, m4), _mm256_slli_epi16(_mm256_and_si256(hv, m2), 4));
      __m256i q2 =
          _mm256_or_si256(_mm256_and_si256(lb, m4),
                          _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hv, 2), m2), 4));
      __m256i q3 =
          _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(la, 4), m4),
                          _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hv, 4), m2), 4));
      __m256i q4 =
          _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(lb, 4), m4),
                          _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hv, 6), m2), 4));
      acc = _mm256_add_epi32(
          acc, _mm256_madd_epi16(_mm256_maddubs_epi16(q1, LoadQ(q)), Scales2(sc[0], sc[1])));
      acc = _mm256_add_epi32(
          acc, _mm256_madd_epi16(_mm256_maddubs_epi16(q2, LoadQ(q + 32)), Scales2(sc[2], sc[3])));
      acc = _mm256_add_epi32(
          acc, _mm256_madd_epi16(_mm256_maddubs_epi16(q3, LoadQ(q + 64)), Scales2(sc[4], sc[5])));
      acc = _mm256_add_epi32(
          acc, _mm256_madd_epi16(_mm256_maddubs_epi16(q4, LoadQ(q + 96)), Scales2(sc[6], sc[7])));
    }
    int32_t s = HSum(acc) - detail::Q6KOffset(w[b], a[b]);
    AddBlock(&lane[b % 8], HalfToFloat(w[b].d), a[b].d, s);
  }
  return LaneTree(lane);
}

VINET_LLM_AVX2 void Axpy(float a, const float* x, float* y, size_t n) {
  __m256 av = _mm256_set1_ps(a);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(av, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
  }
  for (; i < n; ++i) y[i] = __builtin_fmaf(a, x[i], y[i]);
}

}  // namespace

// F16C is CPUID leaf 1, ECX bit 29 (read directly: not every compiler's
// __builtin_cpu_supports knows the name).
static bool CpuHasF16c() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 && (ecx & (1u << 29)) != 0;
}

bool CpuHasAvx2() {
  static const bool has =
      __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && CpuHasF16c();
  return has;
}

const KernelTable* Avx2Kernels() {
  static const KernelTable table{.name = "avx2",
                                 .dot_f32 = DotF32,
                                 .dot_f16 = DotF16,
                                 .dot_q8_0 = DotQ8_0,
                                 .dot_q4_0 = DotQ4_0,
                                 .dot_q4_1 = DotQ4_1,
                                 .dot_q4_k = DotQ4_K,
                                 .dot_q6_k = DotQ6_K,
                                 .dot = DotFloat,
                                 .axpy = Axpy,
                                 .dot_rows = detail::Avx2DotRows,
                                 .axpy_rows = detail::Avx2AxpyRows,
                                 .exp_f = detail::Avx2ExpInPlace,
                                 .silu_mul = detail::Avx2SiLUMul};
  return CpuHasAvx2() ? &table : nullptr;
}

}  // namespace vinet::llm::kernels

#else
namespace vinet::llm::kernels {
bool CpuHasAvx2() {
  return false;
}
const KernelTable* Avx2Kernels() {
  return nullptr;
}
}  // namespace vinet::llm::kernels
#endif
