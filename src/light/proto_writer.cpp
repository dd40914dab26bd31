#include "light/proto_writer.h"

namespace vinet::light::pb {

void Varint(Bytes& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
}

void Tag(Bytes& out, uint32_t field, uint32_t wire_type) {
  Varint(out, (field << 3) | wire_type);
}

void UintField(Bytes& out, uint32_t field, uint64_t v) {
  if (v == 0) return;
  Tag(out, field, 0);
  Varint(out, v);
}

void Sfixed64Field(Bytes& out, uint32_t field, int64_t v) {
  if (v == 0) return;
  Tag(out, field, 1);
  auto u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(u >> (8 * i)));
}

void BytesField(Bytes& out, uint32_t field, ByteSpan data) {
  if (data.empty()) return;
  MessageAlways(out, field, data);
}

void MessageAlways(Bytes& out, uint32_t field, ByteSpan data) {
  Tag(out, field, 2);
  Varint(out, data.size());
  out.insert(out.end(), data.begin(), data.end());
}

}  // namespace vinet::light::pb
