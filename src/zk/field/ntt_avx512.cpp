#include "zk/field/ntt_avx512.h"

#if defined(__x86_64__)
// GCC 12 warns about the deliberately undefined pass-through operand inside
// the AVX-512 shift and multiply intrinsics (a false positive once inlined).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#endif

namespace vinet::zk::detail {

#if defined(__x86_64__)
namespace {

constexpr uint64_t kP = 0xFFFFFFFF00000001ULL;
constexpr uint64_t kEps = 0xFFFFFFFFULL;  // 2^64 mod p

// a + b mod p: subtract p after a carry or when the sum reached p.
[[gnu::target("avx512f"), gnu::always_inline]] inline __m512i Add(__m512i a, __m512i b) {
  const __m512i p = _mm512_set1_epi64(static_cast<long long>(kP));
  __m512i s = _mm512_add_epi64(a, b);
  __mmask8 over = _mm512_cmplt_epu64_mask(s, a) | _mm512_cmpge_epu64_mask(s, p);
  return _mm512_mask_sub_epi64(s, over, s, p);
}

// a - b mod p: add p after a borrow.
[[gnu::target("avx512f"), gnu::always_inline]] inline __m512i Sub(__m512i a, __m512i b) {
  const __m512i p = _mm512_set1_epi64(static_cast<long long>(kP));
  __m512i d = _mm512_sub_epi64(a, b);
  return _mm512_mask_add_epi64(d, _mm512_cmplt_epu64_mask(a, b), d, p);
}

// a * b mod p: the 128-bit product from four 32x32 products, then the
// scalar Reduce128 step for step (2^64 = eps, 2^96 = -1 mod p).
[[gnu::target("avx512f"), gnu::always_inline]] inline __m512i Mul(__m512i a, __m512i b) {
  const __m512i p = _mm512_set1_epi64(static_cast<long long>(kP));
  const __m512i lo32 = _mm512_set1_epi64(static_cast<long long>(kEps));
  __m512i a_hi = _mm512_srli_epi64(a, 32), b_hi = _mm512_srli_epi64(b, 32);
  __m512i ll = _mm512_mul_epu32(a, b);
  __m512i lh = _mm512_mul_epu32(a, b_hi);
  __m512i hl = _mm512_mul_epu32(a_hi, b);
  __m512i hh = _mm512_mul_epu32(a_hi, b_hi);
  __m512i t = _mm512_add_epi64(hl, _mm512_srli_epi64(ll, 32));   // < 2^64
  __m512i t2 = _mm512_add_epi64(lh, _mm512_and_si512(t, lo32));  // < 2^64
  __m512i lo = _mm512_or_si512(_mm512_slli_epi64(t2, 32), _mm512_and_si512(ll, lo32));
  __m512i hi =
      _mm512_add_epi64(hh, _mm512_add_epi64(_mm512_srli_epi64(t, 32), _mm512_srli_epi64(t2, 32)));
  // Reduce128(lo, hi).
  __m512i hi_hi = _mm512_srli_epi64(hi, 32);
  __m512i hi_lo = _mm512_and_si512(hi, lo32);
  __m512i t0 = _mm512_sub_epi64(lo, hi_hi);
  t0 = _mm512_mask_sub_epi64(t0, _mm512_cmplt_epu64_mask(lo, hi_hi), t0, lo32);
  __m512i t1 = _mm512_sub_epi64(_mm512_slli_epi64(hi_lo, 32), hi_lo);  // hi_lo * eps
  __m512i r = _mm512_add_epi64(t0, t1);
  r = _mm512_mask_add_epi64(r, _mm512_cmplt_epu64_mask(r, t1), r, lo32);
  return _mm512_mask_sub_epi64(r, _mm512_cmpge_epu64_mask(r, p), r, p);
}

// Lane indices for one tail level of half H over 16 values x0 || x1:
// gather[0] the butterflies' first inputs (positions p with p & H == 0, in
// order), gather[1] their partners (p | H); scatter[0] / scatter[1] put the
// sums (indices 0..7) and differences (8..15) back at positions 0..7 / 8..15.
// Butterfly k has j = k mod H, so its twiddle tw[H + j] repeats with period H.
struct TailIndices {
  long long gather[2][8];
  long long scatter[2][8];
};

constexpr TailIndices MakeTail(int h) {
  TailIndices t{};
  int rank[16] = {};
  int k = 0;
  for (int p = 0; p < 16; ++p) {
    if ((p & h) != 0) continue;
    t.gather[0][k] = p;
    t.gather[1][k] = p | h;
    rank[p] = k++;
  }
  for (int p = 0; p < 16; ++p) {
    long long idx = (p & h) == 0 ? rank[p] : 8 + rank[p ^ h];
    t.scatter[p / 8][p % 8] = idx;
  }
  return t;
}

template <int H>
[[gnu::target("avx512f"), gnu::always_inline]] inline void TailLevel(__m512i& x0, __m512i& x1,
                                                                     const uint64_t* tw) {
  static constexpr TailIndices kIdx = MakeTail(H);
  __m512i u = _mm512_permutex2var_epi64(x0, _mm512_loadu_si512(kIdx.gather[0]), x1);
  __m512i v = _mm512_permutex2var_epi64(x0, _mm512_loadu_si512(kIdx.gather[1]), x1);
  __m512i sum = Add(u, v), diff = Sub(u, v);
  if constexpr (H == 4) {
    __m512i w =
        _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(tw + 4)));
    diff = Mul(diff, w);
  } else if constexpr (H == 2) {
    __m512i w = _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(tw + 2)));
    diff = Mul(diff, w);
  }
  x0 = _mm512_permutex2var_epi64(sum, _mm512_loadu_si512(kIdx.scatter[0]), diff);
  x1 = _mm512_permutex2var_epi64(sum, _mm512_loadu_si512(kIdx.scatter[1]), diff);
}

}  // namespace

bool HasAvx512() {
  static const bool has = __builtin_cpu_supports("avx512f");
  return has;
}

[[gnu::target("avx512f")]] size_t DifLevelAvx512(uint64_t* a, size_t half, const uint64_t* tw,
                                                 size_t j0, size_t j1) {
  size_t j = j0;
  for (; j + 8 <= j1; j += 8) {
    __m512i u = _mm512_loadu_si512(a + j);
    __m512i v = _mm512_loadu_si512(a + j + half);
    __m512i w = _mm512_loadu_si512(tw + half + j);
    _mm512_storeu_si512(a + j, Add(u, v));
    _mm512_storeu_si512(a + j + half, Mul(Sub(u, v), w));
  }
  return j;
}

[[gnu::target("avx512f")]] void DifLevelsAvx512(uint64_t* a, size_t n, const uint64_t* tw) {
  for (size_t half = n / 2; half >= 8; half /= 2) {
    for (size_t block = 0; block < n; block += 2 * half) {
      uint64_t* b = a + block;
      for (size_t j = 0; j < half; j += 8) {
        __m512i u = _mm512_loadu_si512(b + j);
        __m512i v = _mm512_loadu_si512(b + j + half);
        __m512i w = _mm512_loadu_si512(tw + half + j);
        _mm512_storeu_si512(b + j, Add(u, v));
        _mm512_storeu_si512(b + j + half, Mul(Sub(u, v), w));
      }
    }
  }
}

[[gnu::target("avx512f")]] size_t DifTailAvx512(uint64_t* a, size_t n, const uint64_t* tw) {
  size_t j = 0;
  for (; j + 16 <= n; j += 16) {
    __m512i x0 = _mm512_loadu_si512(a + j), x1 = _mm512_loadu_si512(a + j + 8);
    TailLevel<4>(x0, x1, tw);
    TailLevel<2>(x0, x1, tw);
    TailLevel<1>(x0, x1, tw);
    _mm512_storeu_si512(a + j, x0);
    _mm512_storeu_si512(a + j + 8, x1);
  }
  return j;
}

[[gnu::target("avx512f")]] size_t MulAvx512(uint64_t* dst, const uint64_t* src, const uint64_t* tw,
                                            size_t n) {
  size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    _mm512_storeu_si512(dst + j, Mul(_mm512_loadu_si512(src + j), _mm512_loadu_si512(tw + j)));
  }
  return j;
}

#else

bool HasAvx512() {
  return false;
}
size_t DifLevelAvx512(uint64_t*, size_t, const uint64_t*, size_t j0, size_t) {
  return j0;
}
void DifLevelsAvx512(uint64_t*, size_t, const uint64_t*) {}
size_t DifTailAvx512(uint64_t*, size_t, const uint64_t*) {
  return 0;
}
size_t MulAvx512(uint64_t*, const uint64_t*, const uint64_t*, size_t) {
  return 0;
}

#endif

}  // namespace vinet::zk::detail
