#include "vinet/cbor/cbor.h"

namespace vinet::cbor {

void Writer::Head(uint8_t major, uint64_t v) {
  uint8_t m = static_cast<uint8_t>(major << 5);
  if (v < 24) {
    out_.push_back(m | static_cast<uint8_t>(v));
    return;
  }
  int bytes = v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffffULL ? 4 : 8;
  uint8_t ai = bytes == 1 ? 24 : bytes == 2 ? 25 : bytes == 4 ? 26 : 27;
  out_.push_back(m | ai);
  for (int i = bytes - 1; i >= 0; --i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

Writer& Writer::Uint(uint64_t v) {
  Head(0, v);
  return *this;
}
Writer& Writer::Int(int64_t v) {
  if (v >= 0) {
    Head(0, static_cast<uint64_t>(v));
  } else {
    Head(1, static_cast<uint64_t>(-(v + 1)));
  }
  return *this;
}
Writer& Writer::Bstr(ByteSpan b) {
  Head(2, b.size());
  out_.insert(out_.end(), b.begin(), b.end());
  return *this;
}
Writer& Writer::Text(std::string_view s) {
  Head(3, s.size());
  out_.insert(out_.end(), s.begin(), s.end());
  return *this;
}
Writer& Writer::Array(uint64_t n) {
  Head(4, n);
  return *this;
}
Writer& Writer::Map(uint64_t n) {
  Head(5, n);
  return *this;
}
Writer& Writer::IndefiniteMap() {
  out_.push_back(0xbf);
  return *this;
}
Writer& Writer::IndefiniteArray() {
  out_.push_back(0x9f);
  return *this;
}
Writer& Writer::Break() {
  out_.push_back(0xff);
  return *this;
}
Writer& Writer::Tag(uint64_t tag) {
  Head(6, tag);
  return *this;
}
Writer& Writer::Bool(bool b) {
  out_.push_back(b ? 0xf5 : 0xf4);
  return *this;
}
Writer& Writer::Null() {
  out_.push_back(0xf6);
  return *this;
}
Writer& Writer::Raw(ByteSpan encoded) {
  out_.insert(out_.end(), encoded.begin(), encoded.end());
  return *this;
}

}  // namespace vinet::cbor
