// The non-linear functions of the forward pass, in our own code from IEEE
// basic operations only (+ - * / and sqrt, all correctly rounded; no libm),
// so that any IEEE machine computes the same bits (docs/llm.md "Math").
// Private to src/llm.
#pragma once

namespace vinet::llm::kernels {

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
