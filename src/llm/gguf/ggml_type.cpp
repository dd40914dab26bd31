// The GGML type table: block geometry of every type GGUF files use that
// vinet knows (sizes from the GGML block layouts; see docs/llm.md).
#include "vinet/llm/ggml_type.h"

namespace vinet::llm {

std::optional<GgmlTypeInfo> LookupGgmlType(uint32_t type_id) {
  switch (static_cast<GgmlType>(type_id)) {
    case GgmlType::kF32:
      return GgmlTypeInfo{"F32", 1, 4, true};
    case GgmlType::kF16:
      return GgmlTypeInfo{"F16", 1, 2, true};
    case GgmlType::kQ4_0:
      return GgmlTypeInfo{"Q4_0", 32, 18, true};
    case GgmlType::kQ4_1:
      return GgmlTypeInfo{"Q4_1", 32, 20, true};
    case GgmlType::kQ5_0:
      return GgmlTypeInfo{"Q5_0", 32, 22, false};
    case GgmlType::kQ5_1:
      return GgmlTypeInfo{"Q5_1", 32, 24, false};
    case GgmlType::kQ8_0:
      return GgmlTypeInfo{"Q8_0", 32, 34, true};
    case GgmlType::kQ8_1:
      return GgmlTypeInfo{"Q8_1", 32, 36, false};
    case GgmlType::kQ2_K:
      return GgmlTypeInfo{"Q2_K", 256, 84, false};
    case GgmlType::kQ3_K:
      return GgmlTypeInfo{"Q3_K", 256, 110, false};
    case GgmlType::kQ4_K:
      return GgmlTypeInfo{"Q4_K", 256, 144, true};
    case GgmlType::kQ5_K:
      return GgmlTypeInfo{"Q5_K", 256, 176, false};
    case GgmlType::kQ6_K:
      return GgmlTypeInfo{"Q6_K", 256, 210, true};
    case GgmlType::kQ8_K:
      return GgmlTypeInfo{"Q8_K", 256, 292, false};
    case GgmlType::kBF16:
      return GgmlTypeInfo{"BF16", 1, 2, false};
  }
  return std::nullopt;
}

std::optional<uint64_t> RowBytes(GgmlType type, uint64_t elems) {
  auto info = LookupGgmlType(static_cast<uint32_t>(type));
  if (!info || elems % info->block_elems != 0) return std::nullopt;
  uint64_t blocks = elems / info->block_elems;
  if (blocks > UINT64_MAX / info->block_bytes) return std::nullopt;
  return blocks * info->block_bytes;
}

}  // namespace vinet::llm
