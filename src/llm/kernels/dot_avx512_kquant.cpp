// AVX-512 VNNI kernels for Q4_K and Q6_K (avx512_kquant.h). A block of 256
// weights is unpacked into four 64-byte vectors of unsigned values, each
// multiplied with the matching 64 activation bytes by vpmaddubsw (pairs of
// products, at most 2*63*127 in magnitude, so no int16 saturation) and
// accumulated by vpdpwssd against a vector of the sub-block scales: the exact
// integer sum of dot_scalar.cpp. The offset terms (Q4_K mins, Q6_K's -32) use
// the activation block's 16-element sums, also exactly. Groups of 8 blocks
// then fold into the 8 float lanes with the fused multiply-adds of
// combine.h, block b into lane b % 8, per activation row.
#include "llm/kernels/avx512_kquant.h"

#include "llm/kernels/kernels.h"
#include "llm/kernels/x86_fold.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#include <cstring>
#include <type_traits>
#define VINET_LLM_AVX512 \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c")))

#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#else
#pragma GCC diagnostic ignored "-Wpsabi"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // see dot_avx512.cpp
#endif

namespace vinet::llm::kernels::detail {
namespace {

// Word-index vectors for vpermw: word i of the result takes the scale of the
// sub-block that byte pair i of a 64-byte weight vector belongs to.
// Q4_K: vector i (0..3) holds elements 64i..64i+63 in order (group i's low
// nibbles, then its high ones): sub-blocks 2i and 2i+1, 32 bytes each.
alignas(64) constexpr int16_t kQ4KIdx[4][32] = {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                                                {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
                                                 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3},
                                                {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
                                                 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5},
                                                {6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
                                                 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7}};
// Q6_K: vector v (0..3) holds elements 64v..64v+63 in order, four 16-element
// sub-blocks 4v..4v+3.
alignas(64) constexpr int16_t kQ6KIdx[4][32] = {
    {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
     2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3},
    {4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5,
     6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7},
    {8,  8,  8,  8,  8,  8,  8,  8,  9,  9,  9,  9,  9,  9,  9,  9,
     10, 10, 10, 10, 10, 10, 10, 10, 11, 11, 11, 11, 11, 11, 11, 11},
    {12, 12, 12, 12, 12, 12, 12, 12, 13, 13, 13, 13, 13, 13, 13, 13,
     14, 14, 14, 14, 14, 14, 14, 14, 15, 15, 15, 15, 15, 15, 15, 15}};
// Q6_K high-bit shifts per word: bytes 0..31 of a vector take qh bits at
// shift s, bytes 32..63 at s + 2 (s = 0 for the low nibbles, 4 for the high).
alignas(64) constexpr int16_t kQ6KShl[32] = {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
                                             2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
alignas(64) constexpr int16_t kQ6KShr[32] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                             2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};

VINET_LLM_AVX512 inline __m512i Load512(const void* p) {
  return _mm512_loadu_si512(p);
}
VINET_LLM_AVX512 inline __m512i Mac(__m512i acc, __m512i w, __m512i a, __m512i scales) {
  return _mm512_dpwssd_epi32(acc, _mm512_maddubs_epi16(w, a), scales);
}

VINET_LLM_AVX512 inline const ActQ8x256& ActAt(const uint8_t* act, size_t stride, size_t t,
                                               size_t b) {
  return reinterpret_cast<const ActQ8x256*>(act + t * stride)[b];
}

// 16 int32 lanes folded to 8 (exact).
VINET_LLM_AVX512 inline __m256i Fold16(__m512i v) {
  return _mm256_add_epi32(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
}

// Byte offsets k * stride, k = 0..7, for gathers.
VINET_LLM_AVX512 inline __m256i Offsets(int stride) {
  return _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(stride));
}

// The 32-bit words at p + k * stride for the k in mask (zero elsewhere), in
// registers (scalar stores then a vector load would stall the forwarding).
VINET_LLM_AVX512 inline __m256i Gather(const void* p, __m256i offsets, __mmask8 mask) {
  return _mm256_mmask_i32gather_epi32(_mm256_setzero_si256(), mask, offsets, p, 1);
}

// Halves in the low (hi = false) or high 16 bits of each word, as floats.
VINET_LLM_AVX512 inline __m256 HalvesOf(__m256i words, bool hi) {
  if (hi) words = _mm256_srli_epi32(words, 16);
  return _mm256_cvtph_ps(_mm256_cvtepi32_epi16(words));
}

// acc lane k += (mw[k] * da[k]) * sums[k] for the lanes in `mask` only: per
// lane, exactly combine.h's fused multiply-add of block b0 + k.
VINET_LLM_AVX512 inline __m256 FoldLanes(__m256 acc, __m256 mw, __m256 da, __m256i sums,
                                         __mmask8 mask) {
  return _mm256_mask3_fmadd_ps(_mm256_mul_ps(mw, da), _mm256_cvtepi32_ps(sums), acc, mask);
}

// A Q4_K block unpacked: q[i] = elements 64i..64i+63 as bytes 0..15, s[i]
// the matching sub-block scales per byte pair, mins (m_j at words 2j, 2j+1)
// against the activation's 16 bsums.
struct Q4KUnpacked {
  __m512i q[4], s[4];
  __m256i mins;
};
struct Q4KConsts {
  __m512i m4, nib, idx[4];
};
VINET_LLM_AVX512 inline Q4KConsts MakeQ4KConsts() {
  Q4KConsts c;
  c.m4 = _mm512_set1_epi8(15);
  c.nib = _mm512_setr_epi64(0, 0, 0, 0, 4, 4, 4, 4);
  for (int i = 0; i < 4; ++i) c.idx[i] = Load512(kQ4KIdx[i]);
  return c;
}
VINET_LLM_AVX512 inline Q4KUnpacked Unpack(const BlockQ4_K& blk, const Q4KConsts& c) {
  Q4KUnpacked u;
  // The 6-bit scales and mins of the 8 sub-blocks (blocks.h Q4KScaleMin).
  uint32_t x[3];
  std::memcpy(x, blk.scales, 12);
  const uint32_t sc_lo = x[0] & 0x3f3f3f3fu;
  const uint32_t sc_hi = (x[2] & 0x0f0f0f0fu) | ((x[0] >> 2) & 0x30303030u);
  const uint32_t m_lo = x[1] & 0x3f3f3f3fu;
  const uint32_t m_hi = ((x[2] >> 4) & 0x0f0f0f0fu) | ((x[1] >> 2) & 0x30303030u);
  const __m512i sc = _mm512_castsi128_si512(
      _mm_cvtepu8_epi16(_mm_cvtsi64_si128(static_cast<int64_t>(sc_lo | (uint64_t{sc_hi} << 32)))));
  const __m128i m16 =
      _mm_cvtepu8_epi16(_mm_cvtsi64_si128(static_cast<int64_t>(m_lo | (uint64_t{m_hi} << 32))));
  u.mins = _mm256_set_m128i(_mm_unpackhi_epi16(m16, m16), _mm_unpacklo_epi16(m16, m16));
  for (int i = 0; i < 4; ++i) u.s[i] = _mm512_permutexvar_epi16(c.idx[i], sc);
  // Group i's 32 bytes in both halves, shifted right by 0 and 4 bits.
  for (int i = 0; i < 4; ++i) {
    u.q[i] =
        _mm512_and_si512(_mm512_srlv_epi64(_mm512_broadcast_i64x4(_mm256_loadu_si256(
                                               reinterpret_cast<const __m256i*>(blk.qs + 32 * i))),
                                           c.nib),
                         c.m4);
  }
  return u;
}

// A Q6_K block unpacked: q[i] = elements 64i..64i+63 (0..63), s[i] their
// scales per byte pair, sc16 the 16 scales against the bsums.
struct Q6KUnpacked {
  __m512i q[4], s[4];
  __m256i sc16;
};
struct Q6KConsts {
  __m512i m4, m30, shl, shr, idx[4];
};
VINET_LLM_AVX512 inline Q6KConsts MakeQ6KConsts() {
  Q6KConsts c;
  c.m4 = _mm512_set1_epi8(15);
  c.m30 = _mm512_set1_epi8(0x30);
  c.shl = Load512(kQ6KShl);
  c.shr = Load512(kQ6KShr);
  for (int i = 0; i < 4; ++i) c.idx[i] = Load512(kQ6KIdx[i]);
  return c;
}
VINET_LLM_AVX512 inline Q6KUnpacked Unpack(const BlockQ6_K& blk, const Q6KConsts& c) {
  Q6KUnpacked u;
  u.sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.scales)));
  const __m512i scz = _mm512_castsi256_si512(u.sc16);
  for (int i = 0; i < 4; ++i) u.s[i] = _mm512_permutexvar_epi16(c.idx[i], scz);
  for (int h = 0; h < 2; ++h) {
    // ql[64h..64h+63]: low nibbles are elements 128h+0..63 in order, high
    // nibbles elements 128h+64..127; qh[32h+l] holds their top two bits at
    // shifts 0, 2 (low) and 4, 6 (high) for bytes l and 32 + l.
    const __m512i ql = Load512(blk.ql + 64 * h);
    const __m512i qh = _mm512_broadcast_i64x4(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk.qh + 32 * h)));
    const __m512i hlo = _mm512_and_si512(_mm512_sllv_epi16(qh, c.shl), c.m30);
    const __m512i hhi = _mm512_and_si512(_mm512_srlv_epi16(qh, c.shr), c.m30);
    // (x & 0x0f) | y, y holding only bits 4..5.
    u.q[2 * h] = _mm512_ternarylogic_epi32(ql, hlo, c.m4, 0xEC);
    u.q[2 * h + 1] = _mm512_ternarylogic_epi32(_mm512_srli_epi16(ql, 4), hhi, c.m4, 0xEC);
  }
  return u;
}

// Exact partial sums of a block against activation q (8 lanes that sum to
// the block's integer dot), and the offset partial sums: Q4_K's min term
// (its own float factor) or, for Q6_K, already subtracted (the -32).
VINET_LLM_AVX512 inline __m256i Dot(const Q4KUnpacked& u, const ActQ8x256& a, __m256i* mins) {
  __m512i p = _mm512_setzero_si512();
  for (int i = 0; i < 4; ++i) p = Mac(p, u.q[i], Load512(a.q + 64 * i), u.s[i]);
  *mins = _mm256_madd_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.bsums)), u.mins);
  return Fold16(p);
}
VINET_LLM_AVX512 inline __m256i Dot(const Q6KUnpacked& u, const ActQ8x256& a) {
  __m512i p = _mm512_setzero_si512();
  for (int i = 0; i < 4; ++i) p = Mac(p, u.q[i], Load512(a.q + 64 * i), u.s[i]);
  // The -32 offset: 32 * sum_j scale_j * bsum_j, taken off lane-wise.
  const __m256i off =
      _mm256_madd_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.bsums)), u.sc16);
  return _mm256_sub_epi32(Fold16(p), _mm256_slli_epi32(off, 5));
}

VINET_LLM_AVX512 inline float Tree(__m256 acc) {
  alignas(32) float lane[8];
  _mm256_store_ps(lane, acc);
  return LaneTree(lane);
}

// One row, NT activation rows. Blocks are taken in groups of up to 8
// (b0 = 8i): block b0 + k's exact sums become lane k of one vector
// (Reduce8), and the group folds into the 8 float lanes at once, as the
// scalar path folds block b into lane b % 8.
template <size_t NT>
VINET_LLM_AVX512 inline void Q4K(const uint8_t* w8, const uint8_t* act, size_t stride, size_t n,
                                 float* out) {
  auto* w = reinterpret_cast<const BlockQ4_K*>(w8);
  const size_t nb = n / 256;
  const __m256i woff = Offsets(int{sizeof(BlockQ4_K)}), aoff = Offsets(int{sizeof(ActQ8x256)});
  const Q4KConsts c = MakeQ4KConsts();
  __m256 acc[NT];
  for (size_t t = 0; t < NT; ++t) acc[t] = _mm256_setzero_ps();
  for (size_t b0 = 0; b0 < nb; b0 += 8) {
    const size_t g = nb - b0 < 8 ? nb - b0 : 8;
    __m256i v[NT][8], mv[NT][8];
    for (size_t k = 0; k < 8; ++k) {
      if (k >= g) {
        for (size_t t = 0; t < NT; ++t) v[t][k] = mv[t][k] = _mm256_setzero_si256();
        continue;
      }
      const Q4KUnpacked u = Unpack(w[b0 + k], c);
      for (size_t t = 0; t < NT; ++t) v[t][k] = Dot(u, ActAt(act, stride, t, b0 + k), &mv[t][k]);
    }
    const __mmask8 mask = static_cast<__mmask8>((1u << g) - 1);
    // d and dmin of the group's blocks (one word per block), dmin negated.
    const __m256i dd = Gather(&w[b0], woff, mask);
    const __m256 dwv = HalvesOf(dd, false);
    const __m256 mwv = _mm256_sub_ps(_mm256_setzero_ps(), HalvesOf(dd, true));
    for (size_t t = 0; t < NT; ++t) {
      const __m256 da = _mm256_castsi256_ps(Gather(&ActAt(act, stride, t, b0), aoff, mask));
      acc[t] = FoldLanes(acc[t], dwv, da, Reduce8(v[t]), mask);
      acc[t] = FoldLanes(acc[t], mwv, da, Reduce8(mv[t]), mask);
    }
  }
  for (size_t t = 0; t < NT; ++t) out[t] = Tree(acc[t]);
}

template <size_t NT>
VINET_LLM_AVX512 inline void Q6K(const uint8_t* w8, const uint8_t* act, size_t stride, size_t n,
                                 float* out) {
  auto* w = reinterpret_cast<const BlockQ6_K*>(w8);
  const size_t nb = n / 256;
  const __m256i woff = Offsets(int{sizeof(BlockQ6_K)}), aoff = Offsets(int{sizeof(ActQ8x256)});
  const Q6KConsts c = MakeQ6KConsts();
  __m256 acc[NT];
  for (size_t t = 0; t < NT; ++t) acc[t] = _mm256_setzero_ps();
  for (size_t b0 = 0; b0 < nb; b0 += 8) {
    const size_t g = nb - b0 < 8 ? nb - b0 : 8;
    __m256i v[NT][8];
    for (size_t k = 0; k < 8; ++k) {
      if (k >= g) {
        for (size_t t = 0; t < NT; ++t) v[t][k] = _mm256_setzero_si256();
        continue;
      }
      const Q6KUnpacked u = Unpack(w[b0 + k], c);
      for (size_t t = 0; t < NT; ++t) v[t][k] = Dot(u, ActAt(act, stride, t, b0 + k));
    }
    const __mmask8 mask = static_cast<__mmask8>((1u << g) - 1);
    // d is the last 2 bytes of a block: the high half of the word at 206.
    const __m256 dwv =
        HalvesOf(Gather(reinterpret_cast<const uint8_t*>(&w[b0]) + 206, woff, mask), true);
    for (size_t t = 0; t < NT; ++t) {
      const __m256 da = _mm256_castsi256_ps(Gather(&ActAt(act, stride, t, b0), aoff, mask));
      acc[t] = FoldLanes(acc[t], dwv, da, Reduce8(v[t]), mask);
    }
  }
  for (size_t t = 0; t < NT; ++t) out[t] = Tree(acc[t]);
}

// kDotCols rows r (at w + r * row_bytes) with NT activation rows t (at act
// + t * act_stride): the same per-row arithmetic with the rows in the vector
// lanes. lanes[t][k] lane r is (row r, activation t)'s lane k; block b of
// every row folds into lanes[t][b % 8] (the exact sums of the 8 rows' block
// b reduced into one vector), and the lane tree runs on 8 rows at once.
// Results: y[t * y_stride + r].
template <class Block>
VINET_LLM_AVX512 inline auto MakeConsts() {
  if constexpr (std::is_same_v<Block, BlockQ4_K>) {
    return MakeQ4KConsts();
  } else {
    return MakeQ6KConsts();
  }
}

template <class Block, size_t NT>
VINET_LLM_AVX512 inline void Rows8(const uint8_t* w8, size_t row_bytes, const uint8_t* act,
                                   size_t act_stride, size_t n, float* y, size_t y_stride) {
  constexpr bool kQ4K = std::is_same_v<Block, BlockQ4_K>;
  constexpr size_t kGroup = NT == 1 ? 8 : 4;  // blocks per group (bounds the stack)
  const size_t nb = n / 256;
  const __m256i roff = Offsets(static_cast<int>(row_bytes));
  const auto c = MakeConsts<Block>();
  __m256 lanes[NT][8];
  for (size_t t = 0; t < NT; ++t) {
    for (int k = 0; k < 8; ++k) lanes[t][k] = _mm256_setzero_ps();
  }
  // Each row's run of a group of blocks is read in order (sequential memory
  // per row); then each block's 8 row sums are reduced, per activation row.
  for (size_t b0 = 0; b0 < nb; b0 += kGroup) {
    const size_t g = nb - b0 < kGroup ? nb - b0 : kGroup;
    __m256i v[kGroup][NT][8], mv[kQ4K ? kGroup : 1][NT][8];  // [block k][act t][row r]
    for (size_t r = 0; r < 8; ++r) {
      auto* w = reinterpret_cast<const Block*>(w8 + r * row_bytes);
      for (size_t k = 0; k < g; ++k) {
        if constexpr (kQ4K) {
          const Q4KUnpacked u = Unpack(w[b0 + k], c);
          for (size_t t = 0; t < NT; ++t) {
            v[k][t][r] = Dot(u, ActAt(act, act_stride, t, b0 + k), &mv[k][t][r]);
          }
        } else {
          const Q6KUnpacked u = Unpack(w[b0 + k], c);
          for (size_t t = 0; t < NT; ++t) v[k][t][r] = Dot(u, ActAt(act, act_stride, t, b0 + k));
        }
      }
    }
    for (size_t k = 0; k < g; ++k) {
      const size_t b = b0 + k;
      if constexpr (kQ4K) {
        const __m256i dd = Gather(w8 + b * sizeof(Block), roff, 0xff);
        const __m256 dwv = HalvesOf(dd, false);
        const __m256 mwv = _mm256_sub_ps(_mm256_setzero_ps(), HalvesOf(dd, true));
        for (size_t t = 0; t < NT; ++t) {
          const __m256 da = _mm256_set1_ps(ActAt(act, act_stride, t, b).d);
          __m256& l = lanes[t][b % 8];
          l = FoldLanes(l, dwv, da, Reduce8(v[k][t]), 0xff);
          l = FoldLanes(l, mwv, da, Reduce8(mv[k][t]), 0xff);
        }
      } else {
        const __m256 dwv = HalvesOf(Gather(w8 + b * sizeof(Block) + 206, roff, 0xff), true);
        for (size_t t = 0; t < NT; ++t) {
          const __m256 da = _mm256_set1_ps(ActAt(act, act_stride, t, b).d);
          lanes[t][b % 8] = FoldLanes(lanes[t][b % 8], dwv, da, Reduce8(v[k][t]), 0xff);
        }
      }
    }
  }
  for (size_t t = 0; t < NT; ++t) {
    const __m256* l = lanes[t];
    const __m256 tree =
        _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(l[0], l[1]), _mm256_add_ps(l[2], l[3])),
                      _mm256_add_ps(_mm256_add_ps(l[4], l[5]), _mm256_add_ps(l[6], l[7])));
    _mm256_storeu_ps(y + t * y_stride, tree);
  }
}

}  // namespace

VINET_LLM_AVX512 float Avx512DotQ4_K(const uint8_t* w, const void* act, size_t n) {
  float out;
  Q4K<1>(w, static_cast<const uint8_t*>(act), 0, n, &out);
  return out;
}
VINET_LLM_AVX512 float Avx512DotQ6_K(const uint8_t* w, const void* act, size_t n) {
  float out;
  Q6K<1>(w, static_cast<const uint8_t*>(act), 0, n, &out);
  return out;
}
VINET_LLM_AVX512 void Avx512Dot4Q4_K(const uint8_t* w, const uint8_t* act, size_t act_stride,
                                     size_t n, float* out) {
  Q4K<kDotRows>(w, act, act_stride, n, out);
}
VINET_LLM_AVX512 void Avx512Dot8Q4_K(const uint8_t* w, size_t row_bytes, const void* act, size_t n,
                                     float* out) {
  Rows8<BlockQ4_K, 1>(w, row_bytes, static_cast<const uint8_t*>(act), 0, n, out, 0);
}
VINET_LLM_AVX512 void Avx512Dot8Q6_K(const uint8_t* w, size_t row_bytes, const void* act, size_t n,
                                     float* out) {
  Rows8<BlockQ6_K, 1>(w, row_bytes, static_cast<const uint8_t*>(act), 0, n, out, 0);
}
VINET_LLM_AVX512 void Avx512Dot8x4Q4_K(const uint8_t* w, size_t row_bytes, const uint8_t* act,
                                       size_t act_stride, size_t n, float* y, size_t y_stride) {
  Rows8<BlockQ4_K, kDotRows>(w, row_bytes, act, act_stride, n, y, y_stride);
}
VINET_LLM_AVX512 void Avx512Dot8x4Q6_K(const uint8_t* w, size_t row_bytes, const uint8_t* act,
                                       size_t act_stride, size_t n, float* y, size_t y_stride) {
  Rows8<BlockQ6_K, kDotRows>(w, row_bytes, act, act_stride, n, y, y_stride);
}
VINET_LLM_AVX512 void Avx512Dot4Q6_K(const uint8_t* w, const uint8_t* act, size_t act_stride,
                                     size_t n, float* out) {
  Q6K<kDotRows>(w, act, act_stride, n, out);
}

}  // namespace vinet::llm::kernels::detail

#endif
