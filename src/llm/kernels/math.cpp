// Own implementations of exp, log, sin and cos (math.h).
#include "llm/kernels/math.h"

#include <cstdint>
#include <cstring>
#include <limits>

namespace vinet::llm::kernels {
namespace {

// Round to nearest even for |v| < 2^51.
inline double Rne(double v) {
  volatile double magic = 6755399441055744.0;  // 1.5 * 2^52
  double m = magic;
  return (v + m) - m;
}

inline double Pow2(int k) {  // 2^k for -1022 <= k <= 1023
  uint64_t bits = static_cast<uint64_t>(k + 1023) << 52;
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}

using exp_consts::kInvLn2;
using exp_consts::kLn2Hi;
using exp_consts::kLn2Lo;
constexpr double kPio2_1 = 1.57079632673412561417e+00;  // 33 bits of pi/2
constexpr double kPio2_2 = 6.07710050630396597660e-11;  // next 33 bits
constexpr double kPio2_3 = 2.02226624879595063154e-21;  // the rest
constexpr double kTwoOverPi = 6.36619772367581382433e-01;

}  // namespace

double ExpD(double x) {
  if (x != x) return x;
  if (x > 709.0) return std::numeric_limits<double>::infinity();
  if (x < -745.0) return 0.0;
  double k = Rne(x * kInvLn2);
  double r = (x - k * kLn2Hi) - k * kLn2Lo;
  // Taylor: sum r^i / i!, i = 0..13, Horner from the top.
  double p = exp_consts::kInvFact13;
  for (double c : exp_consts::kInvFact) p = p * r + c;
  int ki = static_cast<int>(k);
  if (ki < -1020) return (p * Pow2(ki + 600)) * Pow2(-600);
  if (ki > 1023) return (p * Pow2(ki - 100)) * Pow2(100);
  return p * Pow2(ki);
}

double LogD(double x) {
  if (x != x || x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  if (x == std::numeric_limits<double>::infinity()) return x;
  int e = 0;
  if (x < 2.2250738585072014e-308) {  // subnormal: scale up
    x *= 18014398509481984.0;         // 2^54
    e = -54;
  }
  uint64_t bits;
  std::memcpy(&bits, &x, 8);
  e += static_cast<int>((bits >> 52) & 0x7ff) - 1023;
  bits = (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
  double m;
  std::memcpy(&m, &bits, 8);  // [1, 2)
  if (m > 1.4142135623730951) {
    m = m * 0.5;
    e += 1;
  }
  double s = (m - 1.0) / (m + 1.0);
  double s2 = s * s;
  // 2*(s + s^3/3 + ... + s^25/25)
  double p = 1.0 / 25.0;
  for (int i = 23; i >= 1; i -= 2) p = p * s2 + 1.0 / static_cast<double>(i);
  double logm = 2.0 * s * p;
  double ed = static_cast<double>(e);
  return (ed * kLn2Hi + logm) + ed * kLn2Lo;
}

void SinCosD(double x, double* s, double* c) {
  double k = Rne(x * kTwoOverPi);
  double r = ((x - k * kPio2_1) - k * kPio2_2) - k * kPio2_3;
  double r2 = r * r;
  // sin r = r * sum (-1)^i r^(2i) / (2i+1)!, i = 0..10
  double ps = 0.0, pc = 0.0;
  double fs = 1.0, fc = 1.0;  // factorials, built the same way on every machine
  double coef_s[11], coef_c[12];
  for (int i = 0; i <= 10; ++i) {
    if (i > 0) fs = fs * static_cast<double>(2 * i) * static_cast<double>(2 * i + 1);
    coef_s[i] = ((i & 1) ? -1.0 : 1.0) / fs;
  }
  for (int i = 0; i <= 11; ++i) {
    if (i > 0) fc = fc * static_cast<double>(2 * i - 1) * static_cast<double>(2 * i);
    coef_c[i] = ((i & 1) ? -1.0 : 1.0) / fc;
  }
  for (int i = 10; i >= 0; --i) ps = ps * r2 + coef_s[i];
  for (int i = 11; i >= 0; --i) pc = pc * r2 + coef_c[i];
  double sr = r * ps, cr = pc;
  int q = static_cast<int>(static_cast<int64_t>(k) & 3);
  switch (q) {
    case 0:
      *s = sr;
      *c = cr;
      break;
    case 1:
      *s = cr;
      *c = -sr;
      break;
    case 2:
      *s = -sr;
      *c = -cr;
      break;
    default:
      *s = -cr;
      *c = sr;
      break;
  }
}

float ExpF(float x) {
  return static_cast<float>(ExpD(static_cast<double>(x)));
}

float SiLU(float x) {
  return x / (1.0f + ExpF(-x));
}

}  // namespace vinet::llm::kernels
