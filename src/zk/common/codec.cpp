#include "vinet/zk/codec.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>
#include <type_traits>

namespace vinet::zk {

static_assert(std::endian::native == std::endian::little,
              "the codec copies little-endian integers directly");

void ByteWriter::U32(uint32_t v) {
  size_t at = out_.size();
  out_.resize(at + 4);
  std::memcpy(out_.data() + at, &v, 4);
}

void ByteWriter::U64(uint64_t v) {
  size_t at = out_.size();
  out_.resize(at + 8);
  std::memcpy(out_.data() + at, &v, 8);
}

Status ByteReader::Need(size_t n, std::string_view field) const {
  if (data_.size() - offset_ < n) {
    return Error(Code::kParse, std::string(field) + ": truncated at offset " +
                                   std::to_string(offset_) + " (need " + std::to_string(n) +
                                   " bytes, have " + std::to_string(data_.size() - offset_) + ")");
  }
  return Status::Ok();
}

Result<uint32_t> ByteReader::U32(std::string_view field) {
  VINET_RETURN_IF_ERROR(Need(4, field));
  uint32_t v = 0;
  std::memcpy(&v, data_.data() + offset_, 4);
  offset_ += 4;
  return v;
}

Result<uint64_t> ByteReader::U64(std::string_view field) {
  VINET_RETURN_IF_ERROR(Need(8, field));
  uint64_t v = 0;
  std::memcpy(&v, data_.data() + offset_, 8);
  offset_ += 8;
  return v;
}

Result<Fp> ByteReader::ReadFp(std::string_view field) {
  size_t at = offset_;
  VINET_ASSIGN_OR_RETURN(uint64_t v, U64(field));
  if (v >= Fp::kModulus) {
    return Error(Code::kParse,
                 std::string(field) + ": field element >= p at offset " + std::to_string(at));
  }
  return Fp(v);
}

Result<Fp2> ByteReader::ReadFp2(std::string_view field) {
  VINET_ASSIGN_OR_RETURN(Fp c0, ReadFp(field));
  VINET_ASSIGN_OR_RETURN(Fp c1, ReadFp(field));
  return Fp2(c0, c1);
}

Result<Digest> ByteReader::ReadDigest(std::string_view field, size_t width) {
  width = std::min(width, sizeof(Digest));
  VINET_RETURN_IF_ERROR(Need(width, field));
  Digest d{};
  for (size_t i = 0; i < width; ++i) d[i] = data_[offset_ + i];
  offset_ += width;
  return d;
}

Result<uint32_t> ByteReader::Count(std::string_view field, uint32_t max_count) {
  size_t at = offset_;
  VINET_ASSIGN_OR_RETURN(uint32_t n, U32(field));
  if (n > max_count) {
    return Error(Code::kParse, std::string(field) + ": count " + std::to_string(n) +
                                   " exceeds limit " + std::to_string(max_count) + " at offset " +
                                   std::to_string(at));
  }
  return n;
}

template <typename F>
Result<std::vector<F>> ByteReader::FieldArray(std::string_view field, size_t count) {
  constexpr size_t kWords = std::is_same_v<F, Fp2> ? 2 : 1;
  if (count > (data_.size() - offset_) / (8 * kWords)) return Need(count * 8 * kWords, field);
  std::vector<F> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    uint64_t w[kWords];
    std::memcpy(w, data_.data() + offset_, 8 * kWords);
    for (size_t k = 0; k < kWords; ++k) {
      if (w[k] >= Fp::kModulus) {
        return Error(Code::kParse, std::string(field) + ": field element >= p at offset " +
                                       std::to_string(offset_ + 8 * k));
      }
    }
    offset_ += 8 * kWords;
    if constexpr (kWords == 2) {
      out.emplace_back(Fp(w[0]), Fp(w[1]));
    } else {
      out.emplace_back(w[0]);
    }
  }
  return out;
}

template <typename F>
Result<std::vector<F>> ByteReader::FieldVector(std::string_view field, uint32_t max_count) {
  VINET_ASSIGN_OR_RETURN(uint32_t n, Count(field, max_count));
  return FieldArray<F>(field, n);
}

template Result<std::vector<Fp>> ByteReader::FieldArray<Fp>(std::string_view, size_t);
template Result<std::vector<Fp2>> ByteReader::FieldArray<Fp2>(std::string_view, size_t);
template Result<std::vector<Fp>> ByteReader::FieldVector<Fp>(std::string_view, uint32_t);
template Result<std::vector<Fp2>> ByteReader::FieldVector<Fp2>(std::string_view, uint32_t);

Status ByteReader::ExactCount(std::string_view field, size_t expected) {
  size_t at = offset_;
  VINET_ASSIGN_OR_RETURN(uint32_t n, U32(field));
  if (n != expected) {
    return Error(Code::kParse, std::string(field) + ": expected " + std::to_string(expected) +
                                   ", got " + std::to_string(n) + " at offset " +
                                   std::to_string(at));
  }
  return Status::Ok();
}

Status ByteReader::Skip(size_t n, std::string_view field) {
  VINET_RETURN_IF_ERROR(Need(n, field));
  offset_ += n;
  return Status::Ok();
}

Status ByteReader::Finish(std::string_view what) const {
  if (offset_ != data_.size()) {
    return Error(Code::kParse, std::string(what) + ": " + std::to_string(data_.size() - offset_) +
                                   " trailing bytes at offset " + std::to_string(offset_));
  }
  return Status::Ok();
}

}  // namespace vinet::zk
