#include "vinet/llm/session.h"

namespace vinet::llm {

Result<KernelPath> ParseKernelPath(std::string_view name) {
  if (name == "auto") return KernelPath::kAuto;
  if (name == "scalar") return KernelPath::kScalar;
  if (name == "avx2") return KernelPath::kAvx2;
  if (name == "avx512") return KernelPath::kAvx512;
  return Status(Code::kInvalidArgument,
                "kernels: expected auto, scalar, avx2 or avx512, got '" + std::string(name) + "'");
}

}  // namespace vinet::llm
