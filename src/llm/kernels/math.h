// The non-linear functions of the forward pass, in our own code from IEEE
// basic operations only (+ - * / and sqrt, all correctly rounded; no libm),
// so that any IEEE machine computes the same bits (docs/llm.md "Math").
// Private to src/llm.
#pragma once

namespace vinet::llm::kernels {

// The constants of ExpD, shared with the vector form (vec_avx2.cpp).
namespace exp_consts {
inline constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 0x3FE62E42FEE00000
inline constexpr double kLn2Lo = 1.90821492927058770002e-10;  // ln2 - kLn2Hi
inline constexpr double kInvLn2 = 1.44269504088896338700e+00;
inline constexpr double kRneMagic = 6755399441055744.0;   // 1.5 * 2^52
inline constexpr double kInvFact13 = 1.0 / 6227020800.0;  // 1/13!
// 1/12!, 1/11!, ..., 1/1!, 1/0!: the Horner coefficients after 1/13!.
inline constexpr double kInvFact[13] = {1.0 / 479001600.0,
                                        1.0 / 39916800.0,
                                        1.0 / 3628800.0,
                                        1.0 / 362880.0,
                                        1.0 / 40320.0,
                                        1.0 / 5040.0,
                                        1.0 / 720.0,
                                        1.0 / 120.0,
                                        1.0 / 24.0,
                                        1.0 / 6.0,
                                        1.0 / 2.0,
                                        1.0,
                                        1.0};
}  // namespace exp_consts

// e^x in double: x = k*ln2 + r (Cody-Waite, k = rne(x/ln2)), Taylor series
// of e^r to degree 13 by Horner, times 2^k built from bits.
double ExpD(double x);
// Natural log for x > 0 (x <= 0 gives -inf / NaN): x = 2^e * m with m in
// [sqrt(1/2), sqrt(2)), log m = 2*atanh((m-1)/(m+1)) to degree 25.
double LogD(double x);
// sin and cos in double: r = x - k*pi/2 (three-part Cody-Waite constant,
// valid for |x| < 2^20), Taylor series to degree 21/22, quadrant by k mod 4.
void SinCosD(double x, double* s, double* c);
// float e^x = (float)ExpD(x).
float ExpF(float x);
// x / (1 + ExpF(-x)).
float SiLU(float x);

}  // namespace vinet::llm::kernels
