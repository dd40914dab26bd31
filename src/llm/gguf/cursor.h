// A bounds-checked little-endian reader over a byte span, for the GGUF
// parser. Every read checks the remaining bytes first and fails with
// Code::kParse naming the field and the byte offset where it starts.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"

namespace vinet::llm::gguf_internal {

static_assert(std::endian::native == std::endian::little,
              "GGUF readers assume a little-endian host");

// `s` quoted for an error message: printable ASCII kept, other bytes as \xNN,
// cut after `max` bytes.
std::string Quote(std::string_view s, size_t max = 64);

class Cursor {
 public:
  explicit Cursor(ByteSpan bytes) : bytes_(bytes) {}

  uint64_t pos() const { return pos_; }
  uint64_t size() const { return bytes_.size(); }
  uint64_t remaining() const { return bytes_.size() - pos_; }
  const uint8_t* data() const { return bytes_.data(); }

  Status Fail(std::string_view field, std::string_view what, uint64_t at) const {
    return Error(Code::kParse, fmt::format("{}: {} at offset {}", field, what, at));
  }

  // Checks that `n` bytes remain for `field`.
  Status Need(uint64_t n, std::string_view field) const {
    if (n > remaining())
      return Fail(
          field,
          fmt::format("needs {} bytes, {} left in the file ({} bytes)", n, remaining(), size()),
          pos_);
    return Status::Ok();
  }

  template <typename T>
  Result<T> Read(std::string_view field) {
    VINET_RETURN_IF_ERROR(Need(sizeof(T), field));
    T v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof(T));  // GGUF is little-endian, as are our hosts
    pos_ += sizeof(T);
    return v;
  }

  // A gguf_string: uint64 length, then that many bytes (bounded by the file
  // and by `max_len`).
  Result<std::string_view> ReadString(std::string_view field, uint64_t max_len) {
    uint64_t at = pos_;
    VINET_ASSIGN_OR_RETURN(uint64_t len, Read<uint64_t>(field));
    if (len > max_len)
      return Fail(field, fmt::format("string length {} exceeds the limit {}", len, max_len), at);
    if (len > remaining())
      return Fail(
          field, fmt::format("string length {} past end of file ({} bytes left)", len, remaining()),
          at);
    std::string_view s(reinterpret_cast<const char*>(bytes_.data() + pos_), len);
    pos_ += len;
    return s;
  }

  ByteSpan Take(uint64_t n) {  // precondition: Need(n) succeeded
    ByteSpan s = bytes_.subspan(pos_, n);
    pos_ += n;
    return s;
  }

 private:
  ByteSpan bytes_;
  uint64_t pos_ = 0;
};

}  // namespace vinet::llm::gguf_internal
