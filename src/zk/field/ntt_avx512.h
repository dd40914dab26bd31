// AVX-512 kernels of the NTT (src/zk/field/ntt.cpp): Goldilocks butterflies
// on 8 lanes, with exactly the scalar Fp results (canonical values, the same
// reduction). Used only when the CPU has AVX-512F (checked once at run time);
// each kernel handles whole groups of 8 and returns where it stopped, the
// caller finishes the rest with scalar code.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vinet::zk::detail {

// True if the CPU runs the kernels below.
bool HasAvx512();

// DIF butterflies a[j], a[j + half] = a[j] + a[j + half], (a[j] - a[j + half]) * tw[half + j]
// for j from j0 in steps of 8 while j + 8 <= j1; half >= 8. Returns the first j not done.
size_t DifLevelAvx512(uint64_t* a, size_t half, const uint64_t* tw, size_t j0, size_t j1);

// Every DIF level from half = n / 2 down to half = 8 on a[0, n) (n >= 16 a
// power of two), level by level, each over all its blocks in one call (the
// same butterflies as DifLevelAvx512 block by block, without a call per
// block of the short levels).
void DifLevelsAvx512(uint64_t* a, size_t n, const uint64_t* tw);

// The last three DIF levels (half = 4, 2, 1; the last without twiddles) on
// every block of 8 of a[0, n), 16 values at a time while they last; returns
// the first index not done (a multiple of 16).
size_t DifTailAvx512(uint64_t* a, size_t n, const uint64_t* tw);

// dst[j] = src[j] * tw[j] for j from 0 in steps of 8 while j + 8 <= n; returns the first j not
// done.
size_t MulAvx512(uint64_t* dst, const uint64_t* src, const uint64_t* tw, size_t n);

}  // namespace vinet::zk::detail
