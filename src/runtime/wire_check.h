// Locates the first structural protobuf wire-format error in a serialized
// ModelProto (private), so that a failed parse can name a byte offset and
// field instead of only "invalid". Walks ModelProto and, inside it, the
// GraphProto (field 7) and its nodes/initializers one level deep.
#pragma once

#include <string>

#include "vinet/common/bytes.h"

namespace vinet::runtime::detail {

// "" when the framing is sound (the error is then semantic, e.g. bad UTF-8).
std::string DescribeWireError(ByteSpan bytes);

}  // namespace vinet::runtime::detail
