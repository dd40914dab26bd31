// Compiler support for the hot kernels (private). Integer kernels give
// identical results in both variants; float kernels may differ in rounding
// (FMA), which the float path allows.
#pragma once

// v8f values pass between inline helpers of one translation unit only, so the
// AVX-vs-baseline calling convention difference GCC warns about cannot bite.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

// VINET_AVX2 compiles one function for AVX2 + FMA. A hot kernel is written
// once as a VINET_INLINE body and wrapped twice (baseline and VINET_AVX2);
// callers go through a dispatcher that tests the CPU once (HasAvx2Fma), so
// one binary runs on any x86-64 and uses AVX2 where the CPU has it.
#if defined(__x86_64__) && defined(__GNUC__)
#define VINET_AVX2 __attribute__((target("avx2,fma")))
#else
#define VINET_AVX2
#endif
#define VINET_INLINE [[gnu::always_inline]] inline

namespace vinet::runtime::detail {

typedef float v8f __attribute__((vector_size(32)));

inline bool HasAvx2Fma() {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
#else
  return false;
#endif
}

}  // namespace vinet::runtime::detail
