// Matrix products over weight rows (private): y[t][r] = dot(W row r, x[t])
// for T activation rows, chunks of rows spread over the pool's threads. Every output
// is one per-row dot (DotFn, or one row of a Dot4Fn, the same bits), so it
// depends on neither the thread count nor T (docs/llm.md "Matrix products").
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "llm/kernels/kernels.h"
#include "llm/kernels/thread_pool.h"

namespace vinet::llm::kernels {

// A weight matrix: `rows` rows of `cols` elements, row r at data + r*row_bytes.
struct Matrix {
  GgmlType type = GgmlType::kF32;
  const uint8_t* data = nullptr;
  uint32_t rows = 0;
  uint32_t cols = 0;
  size_t row_bytes = 0;
};

// One product of a MatMul call: W times the shared input, into y (T rows of
// W.rows floats, row stride y_stride).
struct MatMulJob {
  const Matrix* w;
  float* y;
  size_t y_stride;
};

// Computes every job over the same input x (T rows of `cols` floats, row
// stride x_stride) in one pool For. `scratch` holds quantized activations.
void MatMul(const KernelTable& k, ThreadPool& pool, const MatMulJob* jobs, size_t n_jobs,
            const float* x, size_t x_stride, size_t T, std::vector<uint8_t>& scratch);

}  // namespace vinet::llm::kernels
