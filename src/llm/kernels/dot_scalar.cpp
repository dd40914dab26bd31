// The scalar reference path of the dot kernels (kernels.h).
#include "llm/kernels/combine.h"
#include "llm/kernels/kernels.h"
#include "llm/kernels/math.h"

namespace vinet::llm::kernels {
namespace {

using detail::AddBlock;
using detail::AddOffset;

float DotF32(const uint8_t* w8, const void* a, size_t n) {
  auto* w = reinterpret_cast<const float*>(w8);
  auto* x = static_cast<const float*>(a);
  float lane[8] = {};
  for (size_t i = 0; i < n; ++i) lane[i % 8] = __builtin_fmaf(w[i], x[i], lane[i % 8]);
  return LaneTree(lane);
}

float DotFloat(const float* a, const float* b, size_t n) {
  return DotF32(reinterpret_cast<const uint8_t*>(a), b, n);
}

float DotF16(const uint8_t* w8, const void* a, size_t n) {
  auto* w = reinterpret_cast<const uint16_t*>(w8);
  auto* x = static_cast<const float*>(a);
  float lane[8] = {};
  for (size_t i = 0; i < n; ++i) {
    lane[i % 8] = __builtin_fmaf(HalfToFloat(w[i]), x[i], lane[i % 8]);
  }
  return LaneTree(lane);
}

float DotQ8_0(const uint8_t* w8, const void* a8, size_t n) {
  auto* w = reinterpret_cast<const BlockQ8_0*>(w8);
  const Act32Row a = Act32(a8, n / 32);
  float lane[8] = {};
  for (size_t b = 0; b < n / 32; ++b) {
    int32_t s = 0;
    for (int i = 0; i < 32; ++i) s += w[b].q[i] * (a.q + 32 * b)[i];
    AddBlock(&lane[b % 8], HalfToFloat(w[b].d), a.d[b], s);
  }
  return LaneTree(lane);
}

int32_t Nibbles(const uint8_t* qs, const int8_t* q) {
  int32_t s = 0;
  for (int i = 0; i < 16; ++i) s += (qs[i] & 15) * q[i] + (qs[i] >> 4) * q[i + 16];
  return s;
}

float DotQ4_0(const uint8_t* w8, const void* a8, size_t n) {
  auto* w = reinterpret_cast<const BlockQ4_0*>(w8);
  const Act32Row a = Act32(a8, n / 32);
  float lane[8] = {};
  for (size_t b = 0; b < n / 32; ++b) {
    int32_t s = Nibbles(w[b].qs, (a.q + 32 * b)) - 8 * a.sum[b];
    AddBlock(&lane[b % 8], HalfToFloat(w[b].d), a.d[b], s);
  }
  return LaneTree(lane);
}

float DotQ4_1(const uint8_t* w8, const void* a8, size_t n) {
  auto* w = reinterpret_cast<const BlockQ4_1*>(w8);
  const Act32Row a = Act32(a8, n / 32);
  float lane[8] = {};
  for (size_t b = 0; b < n / 32; ++b) {
    AddBlock(&lane[b % 8], HalfToFloat(w[b].d), a.d[b], Nibbles(w[b].qs, (a.q + 32 * b)));
    detail::AddScaled(&lane[b % 8], HalfToFloat(w[b].m), a.s[b]);
  }
  return LaneTree(lane);
}

float DotQ4_K(const uint8_t* w8, const void* a8, size_t n) {
  auto* w = reinterpret_cast<const BlockQ4_K*>(w8);
  auto* a = static_cast<const ActQ8x256*>(a8);
  float lane[8] = {};
  for (size_t b = 0; b < n / 256; ++b) {
    int32_t s = 0;
    for (int g = 0; g < 4; ++g) {
      int sc0, m0, sc1, m1;
      Q4KScaleMin(w[b].scales, 2 * g, &sc0, &m0);
      Q4KScaleMin(w[b].scales, 2 * g + 1, &sc1, &m1);
      const uint8_t* qs = w[b].qs + 32 * g;
      const int8_t* q = a[b].q + 64 * g;
      int32_t s0 = 0, s1 = 0;
      for (int l = 0; l < 32; ++l) {
        s0 += (qs[l] & 15) * q[l];
        s1 += (qs[l] >> 4) * q[32 + l];
      }
      s += sc0 * s0 + sc1 * s1;
    }
    AddBlock(&lane[b % 8], HalfToFloat(w[b].d), a[b].d, s);
    AddOffset(&lane[b % 8], -HalfToFloat(w[b].dmin), a[b].d, detail::Q4KMinSum(w[b], a[b]));
  }
  return LaneTree(lane);
}

float DotQ6_K(const uint8_t* w8, const void* a8, size_t n) {
  auto* w = reinterpret_cast<const BlockQ6_K*>(w8);
  auto* a = static_cast<const ActQ8x256*>(a8);
  float lane[8] = {};
  for (size_t b = 0; b < n / 256; ++b) {
    int32_t s = 0;
    for (int h = 0; h < 2; ++h) {
      const uint8_t* ql = w[b].ql + 64 * h;
      const uint8_t* qh = w[b].qh + 32 * h;
      const int8_t* sc = w[b].scales + 8 * h;
      const int8_t* q = a[b].q + 128 * h;
      for (int l = 0; l < 32; ++l) {
        int is = l / 16;
        int q1 = (ql[l] & 15) | ((qh[l] & 3) << 4);
        int q2 = (ql[l + 32] & 15) | (((qh[l] >> 2) & 3) << 4);
        int q3 = (ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4);
        int q4 = (ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4);
        s += sc[is] * q1 * q[l] + sc[is + 2] * q2 * q[l + 32] + sc[is + 4] * q3 * q[l + 64] +
             sc[is + 6] * q4 * q[l + 96];
      }
    }
    s -= detail::Q6KOffset(w[b], a[b]);
    AddBlock(&lane[b % 8], HalfToFloat(w[b].d), a[b].d, s);
  }
  return LaneTree(lane);
}

void Axpy(float a, const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = __builtin_fmaf(a, x[i], y[i]);
}

void DotRows(const float* q, const float* rows, size_t stride, size_t n_rows, size_t n,
             float* out) {
  for (size_t s = 0; s < n_rows; ++s) out[s] = DotFloat(q, rows + s * stride, n);
}

void AxpyRows(const float* c, const float* rows, size_t stride, size_t n_rows, float* y, size_t n) {
  for (size_t s = 0; s < n_rows; ++s) Axpy(c[s], rows + s * stride, y, n);
}

void ExpInPlace(float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] = ExpF(x[i]);
}

void SiLUMul(float* h, const float* g, size_t n) {
  for (size_t i = 0; i < n; ++i) h[i] = SiLU(h[i]) * g[i];
}

}  // namespace

const KernelTable& ScalarKernels() {
  static const KernelTable table{.name = "scalar",
                                 .dot_f32 = DotF32,
                                 .dot_f16 = DotF16,
                                 .dot_q8_0 = DotQ8_0,
                                 .dot_q4_0 = DotQ4_0,
                                 .dot_q4_1 = DotQ4_1,
                                 .dot_q4_k = DotQ4_K,
                                 .dot_q6_k = DotQ6_K,
                                 .dot = DotFloat,
                                 .axpy = Axpy,
                                 .dot_rows = DotRows,
                                 .axpy_rows = AxpyRows,
                                 .exp_f = ExpInPlace,
                                 .silu_mul = SiLUMul};
  return table;
}

DotFn KernelTable::For(GgmlType type) const {
  switch (type) {
    case GgmlType::kF32:
      return dot_f32;
    case GgmlType::kF16:
      return dot_f16;
    case GgmlType::kQ8_0:
      return dot_q8_0;
    case GgmlType::kQ4_0:
      return dot_q4_0;
    case GgmlType::kQ4_1:
      return dot_q4_1;
    case GgmlType::kQ4_K:
      return dot_q4_k;
    case GgmlType::kQ6_K:
      return dot_q6_k;
    default:
      return nullptr;
  }
}

Dot4Fn KernelTable::For4(GgmlType type) const {
  switch (type) {
    case GgmlType::kQ8_0:
      return dot4_q8_0;
    case GgmlType::kQ4_0:
      return dot4_q4_0;
    case GgmlType::kQ4_1:
      return dot4_q4_1;
    case GgmlType::kQ4_K:
      return dot4_q4_k;
    case GgmlType::kQ6_K:
      return dot4_q6_k;
    default:
      return nullptr;
  }
}

Dot8Fn KernelTable::For8(GgmlType type) const {
  switch (type) {
    case GgmlType::kQ4_K:
      return dot8_q4_k;
    case GgmlType::kQ6_K:
      return dot8_q6_k;
    default:
      return nullptr;
  }
}

Dot8x4Fn KernelTable::For8x4(GgmlType type) const {
  switch (type) {
    case GgmlType::kQ4_K:
      return dot8x4_q4_k;
    case GgmlType::kQ6_K:
      return dot8x4_q6_k;
    default:
      return nullptr;
  }
}

}  // namespace vinet::llm::kernels
