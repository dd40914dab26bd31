// The AVX-512 VNNI path of the 32-element block kernels (Q8_0, Q4_0, Q4_1);
// every other entry of its table is the AVX2 kernel. Two blocks share one
// 512-bit register and vpdpbusd forms their exact int32 partial sums; the
// per-block sums are then combined into the 8 lanes exactly as in
// dot_scalar.cpp / dot_avx2.cpp (block b into lane b % 8, the same fused
// multiply-adds), so results are identical bit for bit.
#include "llm/kernels/combine.h"
#include "llm/kernels/kernels.h"
#include "llm/kernels/x86_fold.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define VINET_LLM_AVX512 \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c")))

#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#else
#pragma GCC diagnostic ignored "-Wpsabi"
// GCC 12's avx512fintrin.h builds 512-bit casts from an undefined value and
// then warns about it (a known false positive).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace vinet::llm::kernels {
namespace {


// The 32 weight values of a block as bytes in element order, and whether
// they are signed (Q8_0) or unsigned nibbles (Q4_0, Q4_1).
VINET_LLM_AVX512 inline __m256i Nibbles(const uint8_t* qs) {
  __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
  __m128i m = _mm_set1_epi8(15);
  return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(raw, 4), m), _mm_and_si128(raw, m));
}

template <int Kind, class Block>
VINET_LLM_AVX512 inline __m256i Weights(const Block& w) {
  if constexpr (Kind == 0) {
    return _mm256_loadu_si256(
        reinterpret_cast<const __m256i*>(reinterpret_cast<const BlockQ8_0&>(w).q));
  } else {
    return Nibbles(w.qs);
  }
}

// Exact partial sums of two blocks: lanes 0..7 block k, lanes 8..15 block k+1.
template <int Kind, class Block>
VINET_LLM_AVX512 inline __m512i PairDot(const Block* w, const int8_t* q) {
  __m512i wv =
      _mm512_inserti64x4(_mm512_castsi256_si512(Weights<Kind>(w[0])), Weights<Kind>(w[1]), 1);
  __m512i av = _mm512_inserti64x4(
      _mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q))),
      _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 32)), 1);
  if constexpr (Kind == 0) {  // signed x signed: |w| x (a with w's sign)
    __mmask64 neg = _mm512_movepi8_mask(wv);
    av = _mm512_mask_sub_epi8(av, neg, _mm512_setzero_si512(), av);
    wv = _mm512_abs_epi8(wv);
  }
  return _mm512_dpbusd_epi32(_mm512_setzero_si512(), wv, av);
}

template <int Kind, class Block>
VINET_LLM_AVX512 inline float Dot32(const uint8_t* w8, const void* a8, size_t n) {
  auto* w = reinterpret_cast<const Block*>(w8);
  const Act32Row a = Act32(a8, n / 32);
  const size_t nb = n / 32;
  __m256 acc = _mm256_setzero_ps();
  size_t b = 0;
  for (; b + 8 <= nb; b += 8) {
    __m256i v[8];
    for (int k = 0; k < 8; k += 2) {
      __m512i p = PairDot<Kind>(w + b + k, a.q + 32 * (b + k));
      v[k] = _mm512_castsi512_si256(p);
      v[k + 1] = _mm512_extracti64x4_epi64(p, 1);
    }
    acc = detail::Fold8<Kind>(w, a, b, v, acc);
  }
  alignas(32) float lane[8];
  _mm256_store_ps(lane, acc);
  for (; b < nb; ++b) {
    __m256i p;
    if constexpr (Kind == 0) {
      __m256i wv = Weights<Kind>(w[b]);
      __m256i av = _mm256_loadu_si256(reinterpret_cast<const __m256i*>((a.q + 32 * b)));
      p = _mm256_madd_epi16(
          _mm256_maddubs_epi16(_mm256_sign_epi8(wv, wv), _mm256_sign_epi8(av, wv)),
          _mm256_set1_epi16(1));
    } else {
      p = _mm256_madd_epi16(
          _mm256_maddubs_epi16(
              Weights<Kind>(w[b]),
              _mm256_loadu_si256(reinterpret_cast<const __m256i*>((a.q + 32 * b)))),
          _mm256_set1_epi16(1));
    }
    detail::FoldTail<Kind>(w, a, b, p, lane);
  }
  return LaneTree(lane);
}

VINET_LLM_AVX512 float DotQ8_0(const uint8_t* w, const void* a, size_t n) {
  return Dot32<0, BlockQ8_0>(w, a, n);
}
VINET_LLM_AVX512 float DotQ4_0(const uint8_t* w, const void* a, size_t n) {
  return Dot32<1, BlockQ4_0>(w, a, n);
}
VINET_LLM_AVX512 float DotQ4_1(const uint8_t* w, const void* a, size_t n) {
  return Dot32<2, BlockQ4_1>(w, a, n);
}

}  // namespace

const KernelTable* Avx512Kernels() {
  static const bool has =
      CpuHasAvx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
  if (!has) return nullptr;
  static const KernelTable table = [] {
    KernelTable t = *Avx2Kernels();
    t.name = "avx512";
    t.dot_q8_0 = DotQ8_0;
    t.dot_q4_0 = DotQ4_0;
    t.dot_q4_1 = DotQ4_1;
    return t;
  }();
  return &table;
}

}  // namespace vinet::llm::kernels

#else
namespace vinet::llm::kernels {
const KernelTable* Avx512Kernels() {
  return nullptr;
}
}  // namespace vinet::llm::kernels
#endif
