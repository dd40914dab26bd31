// GGUF files (versions 2 and 3): a strict, zero-copy reader.
//
// `GgufFile::Open` maps the file read-only and parses the header, the
// metadata key/values and the tensor infos. Every count, length, type,
// alignment, offset and size is checked against the file before it is used,
// so a malformed or hostile file yields Code::kParse with the field and byte
// offset ("gguf: tensor 'blk.0.attn_q.weight' data [4096, 8192) past end of
// file (6000 bytes) at offset 812"), never a crash, in time linear in the
// size of the header. Limits (string length, array length, tensor count,
// dimension count) are checked before allocation.
//
// Strings, arrays and tensor data are views into the mapping: they stay valid
// for the lifetime of the GgufFile (move-only; moving keeps the views valid).
// Thread-safe for concurrent reads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/crypto/hash.h"
#include "vinet/llm/ggml_type.h"

namespace vinet::llm {

// GGUF metadata value types, as numbered in the file.
enum class GgufValueType : uint32_t {
  kUint8 = 0,
  kInt8 = 1,
  kUint16 = 2,
  kInt16 = 3,
  kUint32 = 4,
  kInt32 = 5,
  kFloat32 = 6,
  kBool = 7,
  kString = 8,
  kArray = 9,
  kUint64 = 10,
  kInt64 = 11,
  kFloat64 = 12,
};

std::string_view GgufValueTypeName(GgufValueType type);

// One metadata value. Scalars are widened (integers to int64/uint64 as the
// sign allows, floats to double); arrays keep their element type and view
// the raw little-endian elements in the file (strings: one view each).
struct GgufValue {
  GgufValueType type = GgufValueType::kUint8;
  uint64_t u = 0;  // unsigned ints and bool (also set for signed values >= 0)
  int64_t i = 0;   // signed ints (also set for unsigned values < 2^63)
  double f = 0;    // floats
  std::string_view str;
  GgufValueType array_type = GgufValueType::kUint8;
  uint64_t array_len = 0;
  ByteSpan array_raw;                     // numeric arrays: the raw elements
  std::vector<std::string_view> strings;  // string arrays
};

struct GgufTensor {
  std::string_view name;
  GgmlType type = GgmlType::kF32;
  std::vector<uint64_t> dims;  // ne[0] first: ne[0] is the contiguous (row) length
  uint64_t file_offset = 0;    // absolute offset of the data in the file
  uint64_t nbytes = 0;
  // Into the mapping. Open: aligned to the file's alignment (the mapping is
  // page-aligned). Parse: file_offset bytes past the caller's buffer start.
  const uint8_t* data = nullptr;

  uint64_t row_elems() const { return dims.empty() ? 1 : dims[0]; }
  uint64_t rows() const;  // product of dims[1..]
};

class GgufFile {
 public:
  // Maps and parses the file at `path`.
  static Result<GgufFile> Open(const std::filesystem::path& path);
  // Parses bytes the caller keeps alive for the lifetime of the result
  // (fuzzing, tests). No copy.
  static Result<GgufFile> Parse(ByteSpan bytes);

  GgufFile(GgufFile&&) noexcept;
  GgufFile& operator=(GgufFile&&) noexcept;
  GgufFile(const GgufFile&) = delete;
  GgufFile& operator=(const GgufFile&) = delete;
  ~GgufFile();

  uint32_t version() const { return version_; }
  uint64_t alignment() const { return alignment_; }
  ByteSpan bytes() const { return bytes_; }  // the whole file

  // Metadata, in file order, and by key.
  const std::vector<std::pair<std::string_view, GgufValue>>& metadata() const { return kv_; }
  const GgufValue* Find(std::string_view key) const;

  // Typed getters: kNotFound if absent, kParse naming the key if the type
  // does not fit (GetUint accepts any integer type holding a value >= 0).
  Result<std::string_view> GetString(std::string_view key) const;
  Result<uint64_t> GetUint(std::string_view key) const;
  Result<double> GetFloat(std::string_view key) const;  // any float or integer type
  Result<bool> GetBool(std::string_view key) const;
  Result<std::vector<std::string_view>> GetStringArray(std::string_view key) const;
  Result<std::vector<float>> GetFloatArray(std::string_view key) const;  // float32 arrays
  Result<std::vector<int64_t>> GetIntArray(std::string_view key) const;  // any integer array

  const std::vector<GgufTensor>& tensors() const { return tensors_; }
  const GgufTensor* FindTensor(std::string_view name) const;

  // SHA-256 of the whole file: the model's content address ("model id").
  // Computed once per call over the mapping (~0.1 s per 100 MB).
  crypto::Digest256 ModelId() const;

 private:
  GgufFile() = default;
  Status ParseInto(ByteSpan bytes);
  struct Mapping;
  std::unique_ptr<Mapping> mapping_;
  ByteSpan bytes_;
  uint32_t version_ = 0;
  uint64_t alignment_ = 32;
  std::vector<std::pair<std::string_view, GgufValue>> kv_;
  // (key, index into kv_) sorted by key; same for tensor names. Sorted
  // vectors: built in O(n log n) worst case, whatever the keys are.
  std::vector<std::pair<std::string_view, size_t>> kv_index_;
  std::vector<GgufTensor> tensors_;
  std::vector<std::pair<std::string_view, size_t>> tensor_index_;
};

}  // namespace vinet::llm
