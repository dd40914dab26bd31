// Canonical byte encoding of proof objects.
//
// Integers are little-endian: u32 for lengths and counts, u64 for base field
// elements (which must be < p), two u64 (c0, c1) for extension elements,
// 32 raw bytes for digests. `ByteReader` rejects a value >= p, a read past the
// end, a length above the caller's bound, and (via Finish) trailing bytes,
// each as Code::kParse naming the field and the byte offset. Every encoding
// is therefore unique: changing any byte of a valid encoding either fails to
// parse or yields a different object.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/zk/field/extension.h"
#include "vinet/zk/field/goldilocks.h"

namespace vinet::zk {

using Digest = std::array<uint8_t, 32>;

class ByteWriter {
 public:
  void U32(uint32_t v);
  void U64(uint64_t v);
  void Field(Fp v) { U64(v.value()); }
  void Field(Fp2 v) {
    U64(v.c0().value());
    U64(v.c1().value());
  }
  void Raw(ByteSpan data) { out_.insert(out_.end(), data.begin(), data.end()); }
  void DigestValue(const Digest& d) { Raw(d); }
  template <typename F>
  void FieldVector(std::span<const F> v) {
    U32(static_cast<uint32_t>(v.size()));
    for (const F& x : v) Field(x);
  }

  Bytes Take() { return std::move(out_); }
  const Bytes& bytes() const { return out_; }

 private:
  Bytes out_;
};

class ByteReader {
 public:
  explicit ByteReader(ByteSpan data) : data_(data) {}

  Result<uint32_t> U32(std::string_view field);
  Result<uint64_t> U64(std::string_view field);
  Result<Fp> ReadFp(std::string_view field);
  Result<Fp2> ReadFp2(std::string_view field);
  // `width` (<= 32) bytes, zero-extended to a Digest (merkle.h's truncation).
  Result<Digest> ReadDigest(std::string_view field, size_t width = sizeof(Digest));
  // A u32 count that must be <= max_count.
  Result<uint32_t> Count(std::string_view field, uint32_t max_count);
  // A u32 count that must equal `expected` (kParse naming both and the offset).
  Status ExactCount(std::string_view field, size_t expected);
  // Exactly `count` elements of F (Fp or Fp2), no length prefix.
  template <typename F>
  Result<std::vector<F>> FieldArray(std::string_view field, size_t count);
  // A u32 count <= max_count, then that many elements of F (Fp or Fp2).
  template <typename F>
  Result<std::vector<F>> FieldVector(std::string_view field, uint32_t max_count);
  Result<std::vector<Fp>> FpVector(std::string_view field, uint32_t max_count) {
    return FieldVector<Fp>(field, max_count);
  }
  Result<std::vector<Fp2>> Fp2Vector(std::string_view field, uint32_t max_count) {
    return FieldVector<Fp2>(field, max_count);
  }
  // Steps over n bytes (kParse naming the field and offset if fewer remain).
  Status Skip(size_t n, std::string_view field);
  // Error unless every byte was consumed.
  Status Finish(std::string_view what) const;

  size_t offset() const { return offset_; }

 private:
  Status Need(size_t n, std::string_view field) const;

  ByteSpan data_;
  size_t offset_ = 0;
};

}  // namespace vinet::zk
