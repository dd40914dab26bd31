// Activation quantization, block geometry and scalar dequantization.
#include <cmath>
#include <cstring>

#include "llm/kernels/blocks.h"
#include "llm/kernels/kernels.h"

namespace vinet::llm::kernels {
namespace {

// Round to nearest, ties to even, for |v| <= 2^22 (adding and subtracting
// 1.5 * 2^23 leaves the integer part, IEEE round-to-nearest-even).
inline float RoundHalfEven(float v) {
  volatile float magic = 12582912.0f;  // volatile: keep the two roundings
  float m = magic;
  return (v + m) - m;
}

// One block of k values: d = amax / 127; q_i = rne(x_i * (1/d)) clamped to
// [-127, 127] (NaN -> -127); all-zero block -> d = 0, q = 0.
inline float QuantizeBlock(const float* x, int k, int8_t* q) {
  float amax = 0.0f;
  for (int i = 0; i < k; ++i) {
    float a = std::fabs(x[i]);
    if (a > amax) amax = a;
  }
  float d = amax / 127.0f;
  float id = d != 0.0f ? 1.0f / d : 0.0f;
  for (int i = 0; i < k; ++i) {
    float v = x[i] * id;
    if (!(v >= -127.0f)) v = -127.0f;
    if (v > 127.0f) v = 127.0f;
    q[i] = static_cast<int8_t>(static_cast<int>(RoundHalfEven(v)));
  }
  return d;
}

}  // namespace

ActKind ActKindFor(GgmlType type) {
  switch (type) {
    case GgmlType::kQ8_0:
    case GgmlType::kQ4_0:
    case GgmlType::kQ4_1:
      return ActKind::kQ8x32;
    case GgmlType::kQ4_K:
    case GgmlType::kQ6_K:
      return ActKind::kQ8x256;
    default:
      return ActKind::kF32;
  }
}

uint32_t BlockElems(GgmlType type) {
  switch (type) {
    case GgmlType::kQ8_0:
    case GgmlType::kQ4_0:
    case GgmlType::kQ4_1:
      return 32;
    case GgmlType::kQ4_K:
    case GgmlType::kQ6_K:
      return 256;
    default:
      return 1;
  }
}

uint32_t BlockBytes(GgmlType type) {
  switch (type) {
    case GgmlType::kF32:
      return 4;
    case GgmlType::kF16:
      return 2;
    case GgmlType::kQ8_0:
      return 34;
    case GgmlType::kQ4_0:
      return 18;
    case GgmlType::kQ4_1:
      return 20;
    case GgmlType::kQ4_K:
      return 144;
    case GgmlType::kQ6_K:
      return 210;
    default:
      return 0;
  }
}

bool KernelSupports(GgmlType type) {
  return BlockBytes(type) != 0;
}

size_t ActRowBytes(GgmlType type, size_t n) {
  switch (ActKindFor(type)) {
    case ActKind::kQ8x32:
      return Act32RowBytes(n / 32);
    case ActKind::kQ8x256:
      return n / 256 * sizeof(ActQ8x256);
    case ActKind::kF32:
      break;
  }
  return n * sizeof(float);
}

void QuantizeActs(GgmlType type, const float* x, size_t n, void* out) {
  switch (ActKindFor(type)) {
    case ActKind::kQ8x32: {
      const size_t nb = n / 32;
      auto* p = static_cast<uint8_t*>(out);
      auto* dd = reinterpret_cast<float*>(p);
      auto* ss = reinterpret_cast<float*>(p + 4 * nb);
      auto* sums = reinterpret_cast<int32_t*>(p + 8 * nb);
      std::memset(p + 12 * nb, 0, Act32HeaderBytes(nb) - 12 * nb);
      auto* q = reinterpret_cast<int8_t*>(p + Act32HeaderBytes(nb));
      for (size_t b = 0; b < nb; ++b) {
        const float d = QuantizeBlock(x + 32 * b, 32, q + 32 * b);
        int32_t s = 0;
        for (int i = 0; i < 32; ++i) s += q[32 * b + i];
        dd[b] = RoundToHalf(d);
        sums[b] = s;
        ss[b] = RoundToHalf(d * static_cast<float>(s));
      }
      return;
    }
    case ActKind::kQ8x256: {
      auto* a = static_cast<ActQ8x256*>(out);
      for (size_t b = 0; b < n / 256; ++b) {
        a[b].d = QuantizeBlock(x + 256 * b, 256, a[b].q);
        for (int j = 0; j < 16; ++j) {
          int s = 0;
          for (int i = 0; i < 16; ++i) s += a[b].q[16 * j + i];
          a[b].bsums[j] = static_cast<int16_t>(s);
        }
      }
      return;
    }
    case ActKind::kF32:
      std::memcpy(out, x, n * sizeof(float));
      return;
  }
}

void DequantizeRow(GgmlType type, const uint8_t* src, size_t n, float* out) {
  switch (type) {
    case GgmlType::kF32:
      std::memcpy(out, src, n * sizeof(float));
      return;
    case GgmlType::kF16:
      for (size_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        out[i] = HalfToFloat(h);
      }
      return;
    case GgmlType::kQ8_0: {
      auto* b = reinterpret_cast<const BlockQ8_0*>(src);
      for (size_t k = 0; k < n / 32; ++k) {
        float d = HalfToFloat(b[k].d);
        for (int i = 0; i < 32; ++i) out[32 * k + i] = d * static_cast<float>(b[k].q[i]);
      }
      return;
    }
    case GgmlType::kQ4_0: {
      auto* b = reinterpret_cast<const BlockQ4_0*>(src);
      for (size_t k = 0; k < n / 32; ++k) {
        float d = HalfToFloat(b[k].d);
        for (int i = 0; i < 16; ++i) {
          out[32 * k + i] = d * static_cast<float>((b[k].qs[i] & 15) - 8);
          out[32 * k + 16 + i] = d * static_cast<float>((b[k].qs[i] >> 4) - 8);
        }
      }
      return;
    }
    case GgmlType::kQ4_1: {
      auto* b = reinterpret_cast<const BlockQ4_1*>(src);
      for (size_t k = 0; k < n / 32; ++k) {
        float d = HalfToFloat(b[k].d), m = HalfToFloat(b[k].m);
        for (int i = 0; i < 16; ++i) {
          out[32 * k + i] = d * static_cast<float>(b[k].qs[i] & 15) + m;
          out[32 * k + 16 + i] = d * static_cast<float>(b[k].qs[i] >> 4) + m;
        }
      }
      return;
    }
    case GgmlType::kQ4_K: {
      auto* b = reinterpret_cast<const BlockQ4_K*>(src);
      for (size_t k = 0; k < n / 256; ++k) {
        float d = HalfToFloat(b[k].d), dmin = HalfToFloat(b[k].dmin);
        float* y = out + 256 * k;
        for (int g = 0; g < 4; ++g) {
          int sc0, m0, sc1, m1;
          Q4KScaleMin(b[k].scales, 2 * g, &sc0, &m0);
          Q4KScaleMin(b[k].scales, 2 * g + 1, &sc1, &m1);
          float d0 = d * static_cast<float>(sc0), n0 = dmin * static_cast<float>(m0);
          float d1 = d * static_cast<float>(sc1), n1 = dmin * static_cast<float>(m1);
          const uint8_t* q = b[k].qs + 32 * g;
          for (int l = 0; l < 32; ++l) {
            y[64 * g + l] = d0 * static_cast<float>(q[l] & 15) - n0;
            y[64 * g + 32 + l] = d1 * static_cast<float>(q[l] >> 4) - n1;
          }
        }
      }
      return;
    }
    case GgmlType::kQ6_K: {
      auto* b = reinterpret_cast<const BlockQ6_K*>(src);
      for (size_t k = 0; k < n / 256; ++k) {
        float d = HalfToFloat(b[k].d);
        for (int h = 0; h < 2; ++h) {
          const uint8_t* ql = b[k].ql + 64 * h;
          const uint8_t* qh = b[k].qh + 32 * h;
          const int8_t* sc = b[k].scales + 8 * h;
          float* y = out + 256 * k + 128 * h;
          for (int l = 0; l < 32; ++l) {
            int is = l / 16;
            int q1 = ((ql[l] & 15) | (((qh[l] >> 0) & 3) << 4)) - 32;
            int q2 = ((ql[l + 32] & 15) | (((qh[l] >> 2) & 3) << 4)) - 32;
            int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
            int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
            y[l] = d * static_cast<float>(sc[is] * q1);
            y[l + 32] = d * static_cast<float>(sc[is + 2] * q2);
            y[l + 64] = d * static_cast<float>(sc[is + 4] * q3);
            y[l + 96] = d * static_cast<float>(sc[is + 6] * q4);
          }
        }
      }
      return;
    }
    default:
      for (size_t i = 0; i < n; ++i) out[i] = 0.0f;
      return;
  }
}

}  // namespace vinet::llm::kernels
