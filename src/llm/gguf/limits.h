// Limits of the GGUF reader, checked before any allocation (docs/llm.md,
// "GGUF reader"). Generous for real models (the largest vocabularies have
// ~260k tokens; chat templates are a few KiB), tight enough that a hostile
// header cannot make the reader allocate much more than the file holds.
#pragma once

#include <cstdint>

namespace vinet::llm::gguf_internal {

inline constexpr uint64_t kMaxKeys = 1u << 16;           // metadata key/values
inline constexpr uint64_t kMaxTensors = 1u << 16;        // tensor infos
inline constexpr uint64_t kMaxKeyBytes = 65535;          // one metadata key
inline constexpr uint64_t kMaxTensorNameBytes = 1024;    // one tensor name
inline constexpr uint64_t kMaxStringBytes = 1ull << 30;  // one string value
inline constexpr uint64_t kMaxArrayLen = 1ull << 24;     // elements of one array
inline constexpr uint32_t kMaxDims = 4;                  // dimensions of a tensor
inline constexpr uint64_t kMaxAlignment = 1u << 16;      // general.alignment

}  // namespace vinet::llm::gguf_internal
