// AVX2 attention and feed-forward helpers (vec_avx2.h).
#include "llm/kernels/vec_avx2.h"

#include "llm/kernels/kernels.h"
#include "llm/kernels/math.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define VINET_LLM_AVX2 __attribute__((target("avx2,fma,f16c")))

#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#else
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace vinet::llm::kernels::detail {
namespace {

// The lanes of one dot after the vector part, the tail, the lane tree: as
// DotF32 in dot_avx2.cpp.
VINET_LLM_AVX2 inline float Finish(__m256 acc, const float* q, const float* x, size_t i, size_t n) {
  alignas(32) float lane[8];
  _mm256_store_ps(lane, acc);
  for (size_t k = 0; i < n; ++i, ++k) lane[k] = __builtin_fmaf(q[i], x[i], lane[k]);
  return LaneTree(lane);
}

// y[0..8M) += c[s] * row s, for every row in order, held in registers.
template <int M>
VINET_LLM_AVX2 inline void AxpyChunk(const float* c, const float* rows, size_t stride,
                                     size_t n_rows, float* y) {
  __m256 acc[M];
  for (int j = 0; j < M; ++j) acc[j] = _mm256_loadu_ps(y + 8 * j);
  for (size_t s = 0; s < n_rows; ++s) {
    const __m256 cs = _mm256_set1_ps(c[s]);
    const float* r = rows + s * stride;
    for (int j = 0; j < M; ++j) acc[j] = _mm256_fmadd_ps(cs, _mm256_loadu_ps(r + 8 * j), acc[j]);
  }
  for (int j = 0; j < M; ++j) _mm256_storeu_ps(y + 8 * j, acc[j]);
}

// ExpD of four doubles inside [-700, 700]: the operations of math.cpp in
// the same order (no contraction), 2^k built from bits.
VINET_LLM_AVX2 inline __m256d ExpD4(__m256d x) {
  using namespace exp_consts;
  const __m256d magic = _mm256_set1_pd(kRneMagic);
  const __m256d k =
      _mm256_sub_pd(_mm256_add_pd(_mm256_mul_pd(x, _mm256_set1_pd(kInvLn2)), magic), magic);
  const __m256d r = _mm256_sub_pd(_mm256_sub_pd(x, _mm256_mul_pd(k, _mm256_set1_pd(kLn2Hi))),
                                  _mm256_mul_pd(k, _mm256_set1_pd(kLn2Lo)));
  __m256d p = _mm256_set1_pd(kInvFact13);
  for (double c : kInvFact) p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(c));
  const __m256i e = _mm256_slli_epi64(
      _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(k)), _mm256_set1_epi64x(1023)), 52);
  return _mm256_mul_pd(p, _mm256_castsi256_pd(e));
}

// ExpF of 8 floats, or false if one of them is outside the fast range.
VINET_LLM_AVX2 inline bool ExpF8(__m256 x, __m256* out) {
  const __m256 in = _mm256_and_ps(_mm256_cmp_ps(x, _mm256_set1_ps(-700.0f), _CMP_GE_OQ),
                                  _mm256_cmp_ps(x, _mm256_set1_ps(700.0f), _CMP_LE_OQ));
  if (_mm256_movemask_ps(in) != 0xff) return false;
  const __m128 lo = _mm256_cvtpd_ps(ExpD4(_mm256_cvtps_pd(_mm256_castps256_ps128(x))));
  const __m128 hi = _mm256_cvtpd_ps(ExpD4(_mm256_cvtps_pd(_mm256_extractf128_ps(x, 1))));
  *out = _mm256_set_m128(hi, lo);
  return true;
}

}  // namespace

VINET_LLM_AVX2 void Avx2DotRows(const float* q, const float* rows, size_t stride, size_t n_rows,
                                size_t n, float* out) {
  size_t s = 0;
  for (; s + 4 <= n_rows; s += 4) {  // four independent rows per pass
    const float* x[4] = {rows + s * stride, rows + (s + 1) * stride, rows + (s + 2) * stride,
                         rows + (s + 3) * stride};
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                     _mm256_setzero_ps()};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      const __m256 qv = _mm256_loadu_ps(q + i);
      for (int r = 0; r < 4; ++r) acc[r] = _mm256_fmadd_ps(qv, _mm256_loadu_ps(x[r] + i), acc[r]);
    }
    for (int r = 0; r < 4; ++r) out[s + r] = Finish(acc[r], q, x[r], i, n);
  }
  for (; s < n_rows; ++s) {
    const float* x = rows + s * stride;
    __m256 acc = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
      acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_loadu_ps(x + i), acc);
    out[s] = Finish(acc, q, x, i, n);
  }
}

VINET_LLM_AVX2 void Avx2AxpyRows(const float* c, const float* rows, size_t stride, size_t n_rows,
                                 float* y, size_t n) {
  size_t i = 0;
  for (; i + 64 <= n; i += 64) AxpyChunk<8>(c, rows + i, stride, n_rows, y + i);
  for (; i + 8 <= n; i += 8) AxpyChunk<1>(c, rows + i, stride, n_rows, y + i);
  for (; i < n; ++i) {
    for (size_t s = 0; s < n_rows; ++s) y[i] = __builtin_fmaf(c[s], rows[s * stride + i], y[i]);
  }
}

VINET_LLM_AVX2 void Avx2ExpInPlace(float* x, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 e;
    if (ExpF8(_mm256_loadu_ps(x + i), &e)) {
      _mm256_storeu_ps(x + i, e);
    } else {
      for (size_t k = i; k < i + 8; ++k) x[k] = ExpF(x[k]);
    }
  }
  for (; i < n; ++i) x[i] = ExpF(x[i]);
}

VINET_LLM_AVX2 void Avx2SiLUMul(float* h, const float* g, size_t n) {
  size_t i = 0;
  const __m256 one = _mm256_set1_ps(1.0f);
  for (; i + 8 <= n; i += 8) {
    const __m256 x = _mm256_loadu_ps(h + i);
    __m256 e;
    if (ExpF8(_mm256_sub_ps(_mm256_setzero_ps(), x), &e)) {
      // x / (1 + e^-x), then times g: SiLU(x) * g.
      _mm256_storeu_ps(
          h + i, _mm256_mul_ps(_mm256_div_ps(x, _mm256_add_ps(one, e)), _mm256_loadu_ps(g + i)));
    } else {
      for (size_t k = i; k < i + 8; ++k) h[k] = SiLU(h[k]) * g[k];
    }
  }
  for (; i < n; ++i) h[i] = SiLU(h[i]) * g[i];
}

}  // namespace vinet::llm::kernels::detail

#endif
