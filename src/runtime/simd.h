// Compiler support for the hot kernels (private): VINET_HOT clones a function
// for AVX2+FMA and a baseline, chosen once at load time by the dynamic linker
// (GCC target_clones), so one binary runs everywhere and uses AVX2 where the
// CPU has it. Integer kernels give identical results in every clone.
#pragma once

// v8f values pass between inline helpers of one translation unit only, so the
// AVX-vs-baseline calling convention difference GCC warns about cannot bite.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VINET_HOT __attribute__((target_clones("arch=haswell", "default")))
#else
#define VINET_HOT
#endif

namespace vinet::runtime::detail {
typedef float v8f __attribute__((vector_size(32)));
}  // namespace vinet::runtime::detail
