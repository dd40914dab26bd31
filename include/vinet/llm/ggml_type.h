// GGML tensor element types as GGUF files number them, with their block
// geometry. Pure data: no kernels here (those live in src/llm/kernels/).
//
// A row of `n` elements of a block type occupies n / block_elems blocks of
// block_bytes each; `n` must be a multiple of block_elems. Types vinet does not
// compute with are still described (so a file can be inspected) but marked
// `supported = false`; the engine refuses them by name.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vinet::llm {

enum class GgmlType : uint32_t {
  kF32 = 0,
  kF16 = 1,
  kQ4_0 = 2,
  kQ4_1 = 3,
  kQ5_0 = 6,
  kQ5_1 = 7,
  kQ8_0 = 8,
  kQ8_1 = 9,
  kQ2_K = 10,
  kQ3_K = 11,
  kQ4_K = 12,
  kQ5_K = 13,
  kQ6_K = 14,
  kQ8_K = 15,
  kBF16 = 30,
};

struct GgmlTypeInfo {
  std::string_view name;  // "Q4_K", as GGUF tools print it
  uint32_t block_elems;   // elements per block (1 for F32/F16/BF16)
  uint32_t block_bytes;   // bytes per block
  bool supported;         // the engine has kernels for it
};

// Info for a known type id; nullopt for an id GGUF does not define (or one
// vinet does not know at all).
std::optional<GgmlTypeInfo> LookupGgmlType(uint32_t type_id);

// Bytes of a row of `elems` elements; nullopt if `elems` is not a multiple
// of the block size or the type is unknown.
std::optional<uint64_t> RowBytes(GgmlType type, uint64_t elems);

}  // namespace vinet::llm
