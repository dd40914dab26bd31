// AVX2 forms of the attention and feed-forward helpers of KernelTable
// (private; x86-64 only, used through Avx2Kernels() after its CPU check).
// Each gives the bits of the scalar loop in dot_scalar.cpp: the same lane
// order for dots (element i into lane i % 8), the same fused multiply-add
// sequence per element for axpy, and ExpD's exact operation sequence
// (math.cpp) on four doubles at a time, falling back to the scalar function
// for inputs outside [-700, 700] or NaN.
#pragma once

#include <cstddef>

namespace vinet::llm::kernels::detail {

void Avx2DotRows(const float* q, const float* rows, size_t stride, size_t n_rows, size_t n,
                 float* out);
void Avx2AxpyRows(const float* c, const float* rows, size_t stride, size_t n_rows, float* y,
                  size_t n);
void Avx2ExpInPlace(float* x, size_t n);
void Avx2SiLUMul(float* h, const float* g, size_t n);

}  // namespace vinet::llm::kernels::detail
