// The x86 half of the block-combination contract (private; docs/llm.md):
// eight exact block sums fold into the eight float lanes in one step, and a
// tail block folds into lane b % 8 through combine.h. The AVX2 and AVX-512
// kernels differ only in how they compute the per-block int32 partial sums;
// both fold through these functions, so the lane order lives in one place.
// Force-inlined with the AVX2 target; callers compiled for a superset (the
// AVX-512 kernels) inline them as well.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "llm/kernels/blocks.h"
#include "llm/kernels/combine.h"

#define VINET_LLM_X86_FOLD [[gnu::always_inline]] inline __attribute__((target("avx2,fma,f16c")))

namespace vinet::llm::kernels::detail {

// Sum of the 8 int32 lanes of v.
VINET_LLM_X86_FOLD int32_t HSum(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}

// Lane k of the result = sum of the 8 lanes of v[k].
VINET_LLM_X86_FOLD __m256i Reduce8(const __m256i* v) {
  __m256i h01 = _mm256_hadd_epi32(v[0], v[1]);
  __m256i h23 = _mm256_hadd_epi32(v[2], v[3]);
  __m256i h45 = _mm256_hadd_epi32(v[4], v[5]);
  __m256i h67 = _mm256_hadd_epi32(v[6], v[7]);
  __m256i a = _mm256_hadd_epi32(h01, h23);
  __m256i b = _mm256_hadd_epi32(h45, h67);
  return _mm256_add_epi32(_mm256_permute2x128_si256(a, b, 0x20),
                          _mm256_permute2x128_si256(a, b, 0x31));
}

// Eight f16 fields (d or m of blocks b..b+7) as floats.
template <class Field>
VINET_LLM_X86_FOLD __m256 Halves8(Field f) {
  return _mm256_cvtph_ps(_mm_setr_epi16(static_cast<int16_t>(f(0)), static_cast<int16_t>(f(1)),
                                        static_cast<int16_t>(f(2)), static_cast<int16_t>(f(3)),
                                        static_cast<int16_t>(f(4)), static_cast<int16_t>(f(5)),
                                        static_cast<int16_t>(f(6)), static_cast<int16_t>(f(7))));
}

// Blocks b..b+7 of a 32-element row (Kind 0 = Q8_0, 1 = Q4_0, 2 = Q4_1),
// v[k] holding block b+k's int32 partial sums: acc lane k += its term.
template <int Kind, class Block>
VINET_LLM_X86_FOLD __m256 Fold8(const Block* w, const Act32Row& a, size_t b, const __m256i* v,
                                __m256 acc) {
  __m256i isum = Reduce8(v);
  __m256i asum = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.sum + b));
  if constexpr (Kind == 1) isum = _mm256_sub_epi32(isum, _mm256_slli_epi32(asum, 3));
  __m256 da = _mm256_loadu_ps(a.d + b);
  __m256 dw = Halves8([&](int k) { return w[b + k].d; });
  acc = _mm256_fmadd_ps(_mm256_mul_ps(dw, da), _mm256_cvtepi32_ps(isum), acc);
  if constexpr (Kind == 2) {
    auto* w1 = reinterpret_cast<const BlockQ4_1*>(w);
    __m256 mw = Halves8([&](int k) { return w1[b + k].m; });
    acc = _mm256_fmadd_ps(mw, _mm256_loadu_ps(a.s + b), acc);
  }
  return acc;
}

// A tail block b whose partial sums are p: lane[b % 8] += its term.
template <int Kind, class Block>
VINET_LLM_X86_FOLD void FoldTail(const Block* w, const Act32Row& a, size_t b, __m256i p,
                                 float* lane) {
  int32_t s = HSum(p);
  if constexpr (Kind == 1) s -= 8 * a.sum[b];
  AddBlock(&lane[b % 8], HalfToFloat(w[b].d), a.d[b], s);
  if constexpr (Kind == 2) {
    AddScaled(&lane[b % 8], HalfToFloat(reinterpret_cast<const BlockQ4_1*>(w)[b].m), a.s[b]);
  }
}

}  // namespace vinet::llm::kernels::detail

#endif
