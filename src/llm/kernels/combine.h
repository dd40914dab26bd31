// The block-combination step shared by every kernel path (private). Each
// function is force-inlined into its caller, so it compiles with the caller's
// instruction set; __builtin_fmaf is a correctly rounded fused multiply-add
// either way (an instruction with FMA, a libm call without), so all paths
// give the same bits.
#pragma once

#include <cstddef>
#include <cstdint>

#include "llm/kernels/blocks.h"

#define VINET_LLM_INLINE [[gnu::always_inline]] inline

namespace vinet::llm::kernels::detail {

// lane += (dw*da) * isum
VINET_LLM_INLINE void AddBlock(float* lane, float dw, float da, int32_t isum) {
  *lane = __builtin_fmaf(dw * da, static_cast<float>(isum), *lane);
}
// lane += (mw*da) * msum  (the offset term of Q4_1 / Q4_K; mw may be negated)
VINET_LLM_INLINE void AddOffset(float* lane, float mw, float da, int32_t msum) {
  *lane = __builtin_fmaf(mw * da, static_cast<float>(msum), *lane);
}

// lane += mw * s  (the Q4_1 offset term: s = half(d_a * sum q_a))
VINET_LLM_INLINE void AddScaled(float* lane, float mw, float s) {
  *lane = __builtin_fmaf(mw, s, *lane);
}

// Q4_K: sum over sub-blocks of m_j * (sum of the 32 activation q's).
VINET_LLM_INLINE int32_t Q4KMinSum(const BlockQ4_K& w, const ActQ8x256& a) {
  int32_t s = 0;
  for (int j = 0; j < 8; ++j) {
    int sc, m;
    Q4KScaleMin(w.scales, j, &sc, &m);
    s += m * (a.bsums[2 * j] + a.bsums[2 * j + 1]);
  }
  return s;
}

// Q6_K: 32 * sum over sub-blocks of scale_j * bsum_j (the -32 offset).
VINET_LLM_INLINE int32_t Q6KOffset(const BlockQ6_K& w, const ActQ8x256& a) {
  int32_t s = 0;
  for (int j = 0; j < 16; ++j) s += w.scales[j] * a.bsums[j];
  return 32 * s;
}

}  // namespace vinet::llm::kernels::detail
