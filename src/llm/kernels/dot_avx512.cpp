// The AVX-512 VNNI path: the 32-element block kernels (Q8_0, Q4_0, Q4_1)
// here, Q4_K and Q6_K in dot_avx512_kquant.cpp, F32/F16 from the AVX2 table;
// each quantized type also has a kDotRows-row form for prefill. Two blocks
// share one 512-bit register and vpdpbusd forms their exact int32 partial sums; the
// per-block sums are then combined into the 8 lanes exactly as in
// dot_scalar.cpp / dot_avx2.cpp (block b into lane b % 8, the same fused
// multiply-adds), so results are identical bit for bit.
#include "llm/kernels/avx512_kquant.h"
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

// Two blocks' weights in one register (block k in bytes 0..31, k+1 in
// 32..63), made unsigned for vpdpbusd: Q8_0 keeps |w| and the sign mask,
// which moves onto the activations (|w| * (a with w's sign) = w * a).
template <int Kind>
struct PairWeights {
  __m512i u;
  __mmask64 neg;
};
template <int Kind, class Block>
VINET_LLM_AVX512 inline PairWeights<Kind> LoadPair(const Block* w) {
  __m512i wv =
      _mm512_inserti64x4(_mm512_castsi256_si512(Weights<Kind>(w[0])), Weights<Kind>(w[1]), 1);
  if constexpr (Kind == 0) {
    return {_mm512_abs_epi8(wv), _mm512_movepi8_mask(wv)};
  } else {
    return {wv, 0};
  }
}
// Exact partial sums of the two blocks: lanes 0..7 block k, 8..15 block k+1.
template <int Kind>
VINET_LLM_AVX512 inline __m512i PairDot(const PairWeights<Kind>& w, const int8_t* q) {
  __m512i av = _mm512_loadu_si512(q);
  if constexpr (Kind == 0) av = _mm512_mask_sub_epi8(av, w.neg, _mm512_setzero_si512(), av);
  return _mm512_dpbusd_epi32(_mm512_setzero_si512(), w.u, av);
}

// One block's partial sums (a tail block, past the last group of 8).
template <int Kind, class Block>
VINET_LLM_AVX512 inline __m256i TailDot(const Block& w, const int8_t* q) {
  __m256i wv = Weights<Kind>(w);
  __m256i av = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
  if constexpr (Kind == 0) {
    wv = _mm256_sign_epi8(wv, wv);
    av = _mm256_sign_epi8(av, Weights<Kind>(w));
  }
  return _mm256_madd_epi16(_mm256_maddubs_epi16(wv, av), _mm256_set1_epi16(1));
}

// The row dotted with NT activation rows (row t at act + t * stride); each
// group of 8 blocks is loaded and unpacked once for all NT.
template <int Kind, class Block, size_t NT>
VINET_LLM_AVX512 inline void Dot32(const uint8_t* w8, const uint8_t* act, size_t stride, size_t n,
                                   float* out) {
  auto* w = reinterpret_cast<const Block*>(w8);
  const size_t nb = n / 32;
  Act32Row a[NT];
  for (size_t t = 0; t < NT; ++t) a[t] = Act32(act + t * stride, nb);
  __m256 acc[NT];
  for (size_t t = 0; t < NT; ++t) acc[t] = _mm256_setzero_ps();
  size_t b = 0;
  for (; b + 8 <= nb; b += 8) {
    __m256i v[NT][8];
    for (int k = 0; k < 8; k += 2) {
      const PairWeights<Kind> pw = LoadPair<Kind>(w + b + k);
      for (size_t t = 0; t < NT; ++t) {
        __m512i p = PairDot<Kind>(pw, a[t].q + 32 * (b + k));
        v[t][k] = _mm512_castsi512_si256(p);
        v[t][k + 1] = _mm512_extracti64x4_epi64(p, 1);
      }
    }
    for (size_t t = 0; t < NT; ++t) acc[t] = detail::Fold8<Kind>(w, a[t], b, v[t], acc[t]);
  }
  for (size_t t = 0; t < NT; ++t) {
    alignas(32) float lane[8];
    _mm256_store_ps(lane, acc[t]);
    for (size_t c = b; c < nb; ++c) {
      detail::FoldTail<Kind>(w, a[t], c, TailDot<Kind>(w[c], a[t].q + 32 * c), lane);
    }
    out[t] = LaneTree(lane);
  }
}

template <int Kind, class Block>
VINET_LLM_AVX512 float Dot1(const uint8_t* w, const void* a, size_t n) {
  float out;
  Dot32<Kind, Block, 1>(w, static_cast<const uint8_t*>(a), 0, n, &out);
  return out;
}
template <int Kind, class Block>
VINET_LLM_AVX512 void Dot4(const uint8_t* w, const uint8_t* a, size_t stride, size_t n,
                           float* out) {
  Dot32<Kind, Block, kDotRows>(w, a, stride, n, out);
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
    t.dot_q8_0 = Dot1<0, BlockQ8_0>;
    t.dot_q4_0 = Dot1<1, BlockQ4_0>;
    t.dot_q4_1 = Dot1<2, BlockQ4_1>;
    t.dot_q4_k = detail::Avx512DotQ4_K;
    t.dot_q6_k = detail::Avx512DotQ6_K;
    t.dot4_q8_0 = Dot4<0, BlockQ8_0>;
    t.dot4_q4_0 = Dot4<1, BlockQ4_0>;
    t.dot4_q4_1 = Dot4<2, BlockQ4_1>;
    t.dot4_q4_k = detail::Avx512Dot4Q4_K;
    t.dot4_q6_k = detail::Avx512Dot4Q6_K;
    t.dot8_q4_k = detail::Avx512Dot8Q4_K;
    t.dot8_q6_k = detail::Avx512Dot8Q6_K;
    t.dot8x4_q4_k = detail::Avx512Dot8x4Q4_K;
    t.dot8x4_q6_k = detail::Avx512Dot8x4Q6_K;
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
