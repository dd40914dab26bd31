// A minimal protobuf (proto3 wire format) writer for the light client's
// hashed and signed encodings. Fields equal to their default are omitted, as
// proto3 encoders do; callers write a field unconditionally with the
// `Always` variants where gogoproto's non-nullable fields do.
#pragma once

#include <cstdint>
#include <string_view>

#include "vinet/common/bytes.h"

namespace vinet::light::pb {

void Varint(Bytes& out, uint64_t v);
void Tag(Bytes& out, uint32_t field, uint32_t wire_type);
// Varint field, omitted when 0 (int64 values are written as two's complement).
void UintField(Bytes& out, uint32_t field, uint64_t v);
// sfixed64 field, omitted when 0.
void Sfixed64Field(Bytes& out, uint32_t field, int64_t v);
// Length-delimited field, omitted when empty.
void BytesField(Bytes& out, uint32_t field, ByteSpan data);
// Length-delimited field written even when empty (embedded non-nullable message).
void MessageAlways(Bytes& out, uint32_t field, ByteSpan data);

}  // namespace vinet::light::pb
