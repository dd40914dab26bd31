// A small GGUF writer for tests: builds valid files (any value type, tensors
// of any type id with aligned offsets) and records where each field landed so
// a test can corrupt exactly one of them. Not a library: test code only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/llm/ggml_type.h"
#include "vinet/llm/gguf.h"

namespace vinet::llm::testing {

class GgufWriter {
 public:
  explicit GgufWriter(uint32_t version = 3) : version_(version) {}

  // Layout of the last Build(): absolute offsets of each key/value, each
  // tensor info and the data section.
  struct Layout {
    std::vector<uint64_t> kv_at;
    std::vector<uint64_t> tensor_at;
    uint64_t data_start = 0;
  };

  // Metadata. `payload` is the value's bytes after its type (scalars, the
  // string's length+bytes, or an array's element type+count+elements).
  GgufWriter& Kv(std::string_view key, GgufValueType type, const Bytes& payload) {
    kvs_.push_back({std::string(key), type, payload});
    return *this;
  }
  template <typename T>
  GgufWriter& Scalar(std::string_view key, GgufValueType type, T v) {
    Bytes p;
    Put(p, v);
    return Kv(key, type, p);
  }
  GgufWriter& U32(std::string_view k, uint32_t v) { return Scalar(k, GgufValueType::kUint32, v); }
  GgufWriter& I32(std::string_view k, int32_t v) { return Scalar(k, GgufValueType::kInt32, v); }
  GgufWriter& U64(std::string_view k, uint64_t v) { return Scalar(k, GgufValueType::kUint64, v); }
  GgufWriter& F32(std::string_view k, float v) { return Scalar(k, GgufValueType::kFloat32, v); }
  GgufWriter& Bool(std::string_view k, bool v) {
    return Scalar(k, GgufValueType::kBool, static_cast<uint8_t>(v));
  }
  GgufWriter& Str(std::string_view k, std::string_view v) {
    Bytes p;
    PutString(p, v);
    return Kv(k, GgufValueType::kString, p);
  }
  GgufWriter& StrArray(std::string_view k, const std::vector<std::string>& v) {
    Bytes p;
    Put(p, static_cast<uint32_t>(GgufValueType::kString));
    Put(p, static_cast<uint64_t>(v.size()));
    for (const auto& s : v) PutString(p, s);
    return Kv(k, GgufValueType::kArray, p);
  }
  template <typename T>
  GgufWriter& Array(std::string_view k, GgufValueType elem, const std::vector<T>& v) {
    Bytes p;
    Put(p, static_cast<uint32_t>(elem));
    Put(p, static_cast<uint64_t>(v.size()));
    for (const T& x : v) Put(p, x);
    return Kv(k, GgufValueType::kArray, p);
  }
  // Sets general.alignment (as a uint32 key) and uses it for the layout.
  GgufWriter& Alignment(uint32_t a) {
    alignment_ = a;
    return U32("general.alignment", a);
  }

  // A tensor of type id `type` (raw, so unknown ids can be written). Data is
  // `data` if given, else a deterministic pattern of the size the type
  // implies; the offset is the next aligned one unless `offset` is given
  // (relative to the data section, as in the file).
  GgufWriter& Tensor(std::string_view name, uint32_t type, std::vector<uint64_t> dims,
                     std::optional<Bytes> data = std::nullopt,
                     std::optional<uint64_t> offset = std::nullopt) {
    tensors_.push_back({std::string(name), type, std::move(dims), std::move(data), offset});
    return *this;
  }
  GgufWriter& Tensor(std::string_view name, GgmlType type, std::vector<uint64_t> dims) {
    return Tensor(name, static_cast<uint32_t>(type), std::move(dims));
  }

  Bytes Build(Layout* layout = nullptr) const {
    Layout lay;
    Bytes out = {'G', 'G', 'U', 'F'};
    Put(out, version_);
    Put(out, static_cast<uint64_t>(tensors_.size()));
    Put(out, static_cast<uint64_t>(kvs_.size()));
    for (const auto& kv : kvs_) {
      lay.kv_at.push_back(out.size());
      PutString(out, kv.key);
      Put(out, static_cast<uint32_t>(kv.type));
      out.insert(out.end(), kv.payload.begin(), kv.payload.end());
    }
    // Data blobs and their offsets first, so the infos can name them.
    std::vector<Bytes> blobs;
    std::vector<uint64_t> offsets;
    uint64_t next = 0;
    for (size_t t = 0; t < tensors_.size(); ++t) {
      const auto& ts = tensors_[t];
      Bytes blob;
      if (ts.data) {
        blob = *ts.data;
      } else {
        uint64_t elems = 1;
        for (uint64_t d : ts.dims) elems *= d;
        uint64_t n = elems;
        if (auto row = RowBytes(static_cast<GgmlType>(ts.type), ts.dims.empty() ? 1 : ts.dims[0]))
          n = *row * (elems / (ts.dims.empty() ? 1 : ts.dims[0]));
        blob.resize(n);
        for (uint64_t i = 0; i < n; ++i) blob[i] = static_cast<uint8_t>(i * 31 + t * 7 + 1);
      }
      uint64_t off = ts.offset ? *ts.offset : next;
      offsets.push_back(off);
      next = std::max(next, AlignUp(off + blob.size()));
      blobs.push_back(std::move(blob));
    }
    for (size_t t = 0; t < tensors_.size(); ++t) {
      const auto& ts = tensors_[t];
      lay.tensor_at.push_back(out.size());
      PutString(out, ts.name);
      Put(out, static_cast<uint32_t>(ts.dims.size()));
      for (uint64_t d : ts.dims) Put(out, d);
      Put(out, ts.type);
      Put(out, offsets[t]);
    }
    out.resize(AlignUp(out.size()), 0);
    lay.data_start = out.size();
    for (size_t t = 0; t < tensors_.size(); ++t) {
      uint64_t at = lay.data_start + offsets[t];
      if (out.size() < at + blobs[t].size()) out.resize(at + blobs[t].size(), 0);
      if (!blobs[t].empty()) std::memcpy(out.data() + at, blobs[t].data(), blobs[t].size());
    }
    if (layout) *layout = lay;
    return out;
  }

  template <typename T>
  static void Put(Bytes& out, T v) {
    uint8_t b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.insert(out.end(), b, b + sizeof(T));
  }
  static void PutString(Bytes& out, std::string_view s) {
    Put(out, static_cast<uint64_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
  }
  // Overwrites a little-endian value at `at`.
  template <typename T>
  static void Patch(Bytes& bytes, uint64_t at, T v) {
    std::memcpy(bytes.data() + at, &v, sizeof(T));
  }

 private:
  struct KvSpec {
    std::string key;
    GgufValueType type;
    Bytes payload;
  };
  struct TensorSpec {
    std::string name;
    uint32_t type;
    std::vector<uint64_t> dims;
    std::optional<Bytes> data;
    std::optional<uint64_t> offset;
  };
  uint64_t AlignUp(uint64_t x) const { return (x + alignment_ - 1) / alignment_ * alignment_; }

  uint32_t version_;
  uint32_t alignment_ = 32;
  std::vector<KvSpec> kvs_;
  std::vector<TensorSpec> tensors_;
};

}  // namespace vinet::llm::testing
