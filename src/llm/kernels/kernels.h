// Deterministic dot-product kernels for the weight types vinet computes with,
// behind one table per instruction-set path (scalar, AVX2, AVX-512). Private to
// src/llm.
//
// Contract (docs/llm.md "Kernels"): for every weight type, every path returns
// the same float, bit for bit, for the same inputs. A quantized row is dotted
// with activations quantized per block (QuantizeActs); the per-block integer
// dot is exact; block b adds into lane b % 8 with explicit fused
// multiply-adds; F32/F16 rows put element i into lane i % 8. The 8 lanes are
// summed by the fixed tree ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7)).
#pragma once

#include <cstddef>
#include <cstdint>

#include "vinet/llm/ggml_type.h"

namespace vinet::llm::kernels {

// How activations are laid out for a weight type.
enum class ActKind { kF32, kQ8x32, kQ8x256 };

// Activation kind for a weight type (F32 and F16 weights take raw floats).
ActKind ActKindFor(GgmlType type);
// Elements per weight block (1 for F32/F16) and bytes per block.
uint32_t BlockElems(GgmlType type);
uint32_t BlockBytes(GgmlType type);
// True for the types the kernels implement.
bool KernelSupports(GgmlType type);
// Bytes of one quantized activation row of n elements for weights of `type`.
size_t ActRowBytes(GgmlType type, size_t n);

// Quantizes (or, for F32/F16 weights, copies) n floats into `out`
// (ActRowBytes bytes). n must be a multiple of the block size. Identical on
// every path (one implementation).
void QuantizeActs(GgmlType type, const float* x, size_t n, void* out);

// Scalar reference dequantization of n elements (a multiple of the block).
void DequantizeRow(GgmlType type, const uint8_t* src, size_t n, float* out);

// One weight row (n elements) dotted with one activation row (n elements,
// as QuantizeActs wrote it).
using DotFn = float (*)(const uint8_t* w, const void* act, size_t n);

// One weight row dotted with kDotRows activation rows at once (row t at
// act + t * act_stride): out[t] is bit for bit the DotFn result for row t.
// The weight row is read and unpacked once for all of them (prefill).
inline constexpr size_t kDotRows = 4;
using Dot4Fn = void (*)(const uint8_t* w, const uint8_t* act, size_t act_stride, size_t n,
                        float* out);
// kDotCols weight rows (row r at w + r * row_bytes, 8 * row_bytes < 2^31)
// dotted with one activation row: out[r] is bit for bit the DotFn result
// for row r (decode; the rows share the activation loads and reductions).
inline constexpr size_t kDotCols = 8;
using Dot8Fn = void (*)(const uint8_t* w, size_t row_bytes, const void* act, size_t n, float* out);
// kDotCols weight rows with kDotRows activation rows (a prefill tile):
// y[t * y_stride + r] is bit for bit the DotFn result for (row r, act t).
using Dot8x4Fn = void (*)(const uint8_t* w, size_t row_bytes, const uint8_t* act, size_t act_stride,
                          size_t n, float* y, size_t y_stride);

struct KernelTable {
  const char* name;
  DotFn dot_f32, dot_f16, dot_q8_0, dot_q4_0, dot_q4_1, dot_q4_k, dot_q6_k;
  // Float dot of two float vectors (same lane contract as dot_f32).
  float (*dot)(const float* a, const float* b, size_t n);
  // y[i] = fma(a, x[i], y[i]) for each i.
  void (*axpy)(float a, const float* x, float* y, size_t n);

  // Multi-row kernels per quantized type; nullptr where a path has none
  // (MatMul then calls the DotFn per row).
  Dot4Fn dot4_q8_0 = nullptr, dot4_q4_0 = nullptr, dot4_q4_1 = nullptr, dot4_q4_k = nullptr,
         dot4_q6_k = nullptr;
  Dot8Fn dot8_q4_k = nullptr, dot8_q6_k = nullptr;
  Dot8x4Fn dot8x4_q4_k = nullptr, dot8x4_q6_k = nullptr;

  // Attention and feed-forward helpers, bit for bit the scalar loops:
  // out[s] = dot(q, rows + s * stride, n) for s < n_rows;
  void (*dot_rows)(const float* q, const float* rows, size_t stride, size_t n_rows, size_t n,
                   float* out);
  // y = axpy(c[s], rows + s * stride, y, n) for s = 0, 1, ..., n_rows - 1;
  void (*axpy_rows)(const float* c, const float* rows, size_t stride, size_t n_rows, float* y,
                    size_t n);
  // x[i] = ExpF(x[i]);  h[i] = SiLU(h[i]) * g[i] (math.h).
  void (*exp_f)(float* x, size_t n);
  void (*silu_mul)(float* h, const float* g, size_t n);

  DotFn For(GgmlType type) const;
  Dot4Fn For4(GgmlType type) const;
  Dot8Fn For8(GgmlType type) const;
  Dot8x4Fn For8x4(GgmlType type) const;
};

const KernelTable& ScalarKernels();
// nullptr when the CPU lacks AVX2+FMA+F16C.
const KernelTable* Avx2Kernels();
// AVX-512 (F, BW, VL, VNNI) for the quantized types (with multi-row
// kernels), AVX2 for F32/F16; nullptr when the CPU lacks them.
const KernelTable* Avx512Kernels();
bool CpuHasAvx2();

// The fixed lane tree.
inline float LaneTree(const float* l) {
  return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
}

}  // namespace vinet::llm::kernels
