// The AVX-512 VNNI kernels of the 256-element k-quant types (private; only
// on x86-64, called only through Avx512Kernels(), which checks the CPU).
// Each block's integer dot product is formed exactly (vpmaddubsw pairs, then
// vpdpwssd with the sub-block scales), and block b adds into lane b % 8 with
// the fused multiply-adds of combine.h, as on the scalar path: same bits.
// The Dot4 forms take kDotRows activation rows and unpack the weights once;
// the Dot8 forms take kDotCols weight rows and one activation row (decode),
// the Dot8x4 forms kDotCols weight rows and kDotRows activation rows.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vinet::llm::kernels::detail {

float Avx512DotQ4_K(const uint8_t* w, const void* act, size_t n);
float Avx512DotQ6_K(const uint8_t* w, const void* act, size_t n);
void Avx512Dot4Q4_K(const uint8_t* w, const uint8_t* act, size_t act_stride, size_t n, float* out);
void Avx512Dot4Q6_K(const uint8_t* w, const uint8_t* act, size_t act_stride, size_t n, float* out);
void Avx512Dot8Q4_K(const uint8_t* w, size_t row_bytes, const void* act, size_t n, float* out);
void Avx512Dot8Q6_K(const uint8_t* w, size_t row_bytes, const void* act, size_t n, float* out);
void Avx512Dot8x4Q4_K(const uint8_t* w, size_t row_bytes, const uint8_t* act, size_t act_stride,
                      size_t n, float* y, size_t y_stride);
void Avx512Dot8x4Q6_K(const uint8_t* w, size_t row_bytes, const uint8_t* act, size_t act_stride,
                      size_t n, float* y, size_t y_stride);

}  // namespace vinet::llm::kernels::detail
