// Integer kernels of the int8 path (private). Integer arithmetic only, so the
// results do not depend on the CPU, compiler or flags.
#pragma once

#include <cstdint>

#include "runtime/op_geometry.h"

namespace vinet::runtime::detail {

// acc[M,N] = bias[N or none] + A[M,K] · B[K,N] (int8 in, int32 out).
void Int8GemmBiasCols(int64_t m, int64_t n, int64_t k, const int8_t* a, const int8_t* b,
                      const int32_t* bias, int32_t* acc);

// acc[OC, P] per image = bias[OC] + W[OC, Kc] · im2col(x) for every group.
// `col` is scratch of (C/group)·kh·kw·oh·ow bytes. acc is [N, OC, oh, ow].
void Int8Conv(const WindowGeom& g, const int8_t* x, const int8_t* w, const int32_t* bias,
              int8_t* col, int32_t* acc);

}  // namespace vinet::runtime::detail
