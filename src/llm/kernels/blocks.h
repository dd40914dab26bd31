// Weight block formats as GGUF stores them (byte layouts fixed by the file
// format), the activation block formats vinet quantizes into, and exact
// half-precision conversion. Private to src/llm.
//
// Weight blocks (little-endian, packed):
//   Q8_0  (34 B / 32):  f16 d; int8 q[32];              w = d*q
//   Q4_0  (18 B / 32):  f16 d; u8 qs[16];               w = d*(q-8)
//   Q4_1  (20 B / 32):  f16 d, m; u8 qs[16];            w = d*q + m
//       element i < 16 is the low nibble of qs[i], element 16+i the high one.
//   Q4_K (144 B / 256): f16 d, dmin; u8 scales[12]; u8 qs[128]
//       8 sub-blocks of 32 with 6-bit scale sc_j and min m_j;
//       w = d*sc_j*q - dmin*m_j; for 64-element group g, qs[32g+l] holds
//       element 64g+l in its low nibble and 64g+32+l in its high nibble.
//   Q6_K (210 B / 256): u8 ql[128]; u8 qh[64]; int8 scales[16]; f16 d
//       16 sub-blocks of 16; w = d*scales[j]*(q-32), q 6-bit.
// Activation blocks (vinet's own, docs/llm.md "Activation quantization"):
//   A8x32 rows (Act32Row, below)                         for Q8_0/Q4_0/Q4_1
//   A8x256 (292 B): f32 d; int16 bsums[16]; int8 q[256] for Q4_K/Q6_K
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace vinet::llm::kernels {

struct BlockQ8_0 {
  uint16_t d;
  int8_t q[32];
};
struct BlockQ4_0 {
  uint16_t d;
  uint8_t qs[16];
};
struct BlockQ4_1 {
  uint16_t d;
  uint16_t m;
  uint8_t qs[16];
};
struct BlockQ4_K {
  uint16_t d;
  uint16_t dmin;
  uint8_t scales[12];
  uint8_t qs[128];
};
struct BlockQ6_K {
  uint8_t ql[128];
  uint8_t qh[64];
  int8_t scales[16];
  uint16_t d;
};
static_assert(sizeof(BlockQ8_0) == 34);
static_assert(sizeof(BlockQ4_0) == 18);
static_assert(sizeof(BlockQ4_1) == 20);
static_assert(sizeof(BlockQ4_K) == 144);
static_assert(sizeof(BlockQ6_K) == 210);

// A row of nb A8x32 blocks, stored as arrays (so 8 blocks' scales load as
// one vector): f32 d[nb]; f32 s[nb]; int32 sum[nb]; (pad to 32 bytes);
// int8 q[32 * nb]. d is the block scale rounded to half precision, sum the
// sum of the block's q, s = half(amax/127 * sum) (the Q4_1 offset factor).
struct Act32Row {
  const float* d;
  const float* s;
  const int32_t* sum;
  const int8_t* q;  // block b at q + 32 * b
};
inline size_t Act32HeaderBytes(size_t nb) {
  return (12 * nb + 31) / 32 * 32;
}
inline size_t Act32RowBytes(size_t nb) {
  return Act32HeaderBytes(nb) + 32 * nb;
}
inline Act32Row Act32(const void* row, size_t nb) {
  auto* p = static_cast<const uint8_t*>(row);
  return {reinterpret_cast<const float*>(p), reinterpret_cast<const float*>(p + 4 * nb),
          reinterpret_cast<const int32_t*>(p + 8 * nb),
          reinterpret_cast<const int8_t*>(p + Act32HeaderBytes(nb))};
}

struct ActQ8x256 {
  float d;
  int16_t bsums[16];  // sums of q over each 16 elements
  int8_t q[256];
};
static_assert(sizeof(ActQ8x256) == 292);

// Exact IEEE half -> float (every half is a float).
inline float HalfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t man = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (man << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112u) << 23) | (man << 13);
  } else if (man == 0) {
    bits = sign;
  } else {
    // Subnormal half: normalise.
    int e = -1;
    do {
      ++e;
      man <<= 1;
    } while ((man & 0x400u) == 0);
    bits = sign | ((112u - e) << 23) | ((man & 0x3ffu) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// float -> IEEE half, round to nearest even (overflow to infinity).
inline uint16_t FloatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  x &= 0x7fffffffu;
  if (x >= 0x7f800000u)
    return static_cast<uint16_t>(sign | 0x7c00u | (x > 0x7f800000u ? 0x200u : 0u));
  if (x >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // >= 65520
  if (x < 0x38800000u) {  // below 2^-14: a subnormal half (or zero)
    float a;
    std::memcpy(&a, &x, 4);
    volatile float magic = 12582912.0f;  // 1.5 * 2^23: rounds to an integer, ties to even
    float m = magic;
    float r = (a * 16777216.0f + m) - m;
    return static_cast<uint16_t>(sign | static_cast<uint16_t>(r));
  }
  uint32_t h = ((((x >> 23) - 112u) << 10) | ((x & 0x7fffffu) >> 13));
  uint32_t rem = x & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;
  return static_cast<uint16_t>(sign | h);
}

inline float RoundToHalf(float f) {
  return HalfToFloat(FloatToHalf(f));
}

// Q4_K: 6-bit scale and min of sub-block j (0..7).
inline void Q4KScaleMin(const uint8_t* s, int j, int* sc, int* m) {
  if (j < 4) {
    *sc = s[j] & 63;
    *m = s[j + 4] & 63;
  } else {
    *sc = (s[j + 4] & 0xf) | ((s[j - 4] >> 6) << 4);
    *m = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
  }
}

}  // namespace vinet::llm::kernels
