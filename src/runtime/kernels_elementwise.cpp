// Broadcasting binary ops and unary activations.
#include <algorithm>
#include <array>
#include <cmath>

#include "runtime/kernels.h"
#include "runtime/simd.h"

namespace vinet::runtime::detail {
namespace {

template <typename F>
VINET_INLINE void Row(F f, const float* a, bool va, const float* b, bool vb, float* y, int64_t n) {
  if (va && vb) {
    for (int64_t i = 0; i < n; ++i) y[i] = f(a[i], b[i]);
  } else if (va) {
    float bv = b[0];
    for (int64_t i = 0; i < n; ++i) y[i] = f(a[i], bv);
  } else if (vb) {
    float av = a[0];
    for (int64_t i = 0; i < n; ++i) y[i] = f(av, b[i]);
  } else {
    float v = f(a[0], b[0]);
    for (int64_t i = 0; i < n; ++i) y[i] = v;
  }
}

// Walks the output in rows of its innermost dimension; a and b advance by
// their broadcast strides (0 on broadcast axes).
template <typename F>
void Broadcast(F f, const float* a, const Shape& sa, const float* b, const Shape& sb, float* y,
               const Shape& so) {
  size_t r = so.size();
  if (r == 0) {
    y[0] = f(a[0], b[0]);
    return;
  }
  std::array<int64_t, kMaxRank> stride_a{}, stride_b{}, idx{};
  auto fill = [&](const Shape& s, std::array<int64_t, kMaxRank>& st) {
    int64_t acc = 1;
    for (size_t i = 0; i < s.size(); ++i) {
      size_t j = s.size() - 1 - i, oj = r - 1 - i;
      st[oj] = s[j] == 1 ? 0 : acc;
      acc *= s[j];
    }
  };
  fill(sa, stride_a);
  fill(sb, stride_b);
  int64_t inner = so[r - 1];
  int64_t ia = stride_a[r - 1], ib = stride_b[r - 1];
  int64_t rows = inner == 0 ? 0 : NumElements(so) / inner;
  for (int64_t row = 0; row < rows; ++row) {
    int64_t oa = 0, ob = 0;
    for (size_t d = 0; d + 1 < r; ++d) oa += idx[d] * stride_a[d], ob += idx[d] * stride_b[d];
    float* yr = y + row * inner;
    Row(f, a + oa, ia != 0, b + ob, ib != 0, yr, inner);
    for (size_t d = r - 1; d-- > 0;) {
      if (++idx[d] < so[d]) break;
      idx[d] = 0;
    }
  }
}

// erf by Abramowitz & Stegun 7.1.28: 1 − (1 + a1·x + … + a6·x^6)^−16 for
// x ≥ 0, odd extension; absolute error ≤ 3e-7 (plus float rounding, ≤ 2e-6).
// No libm call, so the loop vectorizes, unlike std::erf.
inline float FastErf(float x) {
  float ax = std::fabs(x);
  float p =
      1.0f + ax * (0.0705230784f +
                   ax * (0.0422820123f +
                         ax * (0.0092705272f +
                               ax * (0.0001520143f + ax * (0.0002765672f + ax * 0.0000430638f)))));
  p *= p;
  p *= p;
  p *= p;
  p *= p;
  return std::copysign(1.0f - 1.0f / p, x);
}

}  // namespace

void BinaryKernel(OpType op, const float* a, const Shape& sa, const float* b, const Shape& sb,
                  float* y, const Shape& so) {
  switch (op) {
    case OpType::kAdd:
      return Broadcast([](float p, float q) { return p + q; }, a, sa, b, sb, y, so);
    case OpType::kSub:
      return Broadcast([](float p, float q) { return p - q; }, a, sa, b, sb, y, so);
    case OpType::kMul:
      return Broadcast([](float p, float q) { return p * q; }, a, sa, b, sb, y, so);
    case OpType::kDiv:
      return Broadcast([](float p, float q) { return p / q; }, a, sa, b, sb, y, so);
    case OpType::kPow:
      return Broadcast([](float p, float q) { return q == 2.0f ? p * p : std::pow(p, q); }, a, sa,
                       b, sb, y, so);
    default:
      return;
  }
}

void UnaryKernel(const Node& node, const float* x, float* y, int64_t n) {
  const Attrs& a = node.attrs;
  switch (node.op) {
    case OpType::kRelu:
      for (int64_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
      return;
    case OpType::kLeakyRelu: {
      float al = a.alpha;
      for (int64_t i = 0; i < n; ++i) y[i] = x[i] >= 0.0f ? x[i] : x[i] * al;
      return;
    }
    case OpType::kSigmoid:
      for (int64_t i = 0; i < n; ++i) y[i] = 1.0f / (1.0f + std::exp(-x[i]));
      return;
    case OpType::kTanh:
      for (int64_t i = 0; i < n; ++i) y[i] = std::tanh(x[i]);
      return;
    case OpType::kClip: {
      float lo = a.clip_min, hi = a.clip_max;
      for (int64_t i = 0; i < n; ++i) y[i] = std::min(std::max(x[i], lo), hi);
      return;
    }
    case OpType::kErf:
      for (int64_t i = 0; i < n; ++i) y[i] = FastErf(x[i]);
      return;
    case OpType::kSqrt:
      for (int64_t i = 0; i < n; ++i) y[i] = std::sqrt(x[i]);
      return;
    case OpType::kGelu:
      if (a.gelu_tanh) {
        const float c = 0.7978845608028654f;  // sqrt(2/pi)
        for (int64_t i = 0; i < n; ++i) {
          float v = x[i];
          y[i] = 0.5f * v * (1.0f + std::tanh(c * (v + 0.044715f * v * v * v)));
        }
      } else {
        for (int64_t i = 0; i < n; ++i)
          y[i] = 0.5f * x[i] * (1.0f + std::erf(x[i] * 0.7071067811865476f));
      }
      return;
    default:
      if (x != y) std::copy(x, x + n, y);
      return;
  }
}

}  // namespace vinet::runtime::detail
