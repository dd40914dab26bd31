#include "runtime/wire_check.h"

#include <fmt/format.h>

namespace vinet::runtime::detail {
namespace {

struct Walker {
  ByteSpan data;
  std::string error;

  bool Varint(size_t& pos, size_t end, uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) return false;
      uint8_t b = data[pos++];
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }

  // Walks [begin, end) as message `what`; `depth` limits recursion.
  bool Message(size_t begin, size_t end, const std::string& what, int depth) {
    size_t pos = begin;
    while (pos < end) {
      size_t at = pos;
      uint64_t key;
      if (!Varint(pos, end, key)) {
        error = fmt::format("{}: truncated field key at byte offset {}", what, at);
        return false;
      }
      uint64_t field = key >> 3, type = key & 7;
      if (field == 0) {
        error = fmt::format("{}: field number 0 at byte offset {}", what, at);
        return false;
      }
      uint64_t v;
      switch (type) {
        case 0:
          if (!Varint(pos, end, v)) {
            error =
                fmt::format("{}: field #{} varint truncated at byte offset {}", what, field, at);
            return false;
          }
          break;
        case 1:
        case 5: {
          size_t n = type == 1 ? 8 : 4;
          if (end - pos < n) {
            error = fmt::format("{}: field #{} fixed{} truncated at byte offset {}", what, field,
                                n * 8, at);
            return false;
          }
          pos += n;
          break;
        }
        case 2: {
          if (!Varint(pos, end, v)) {
            error =
                fmt::format("{}: field #{} length truncated at byte offset {}", what, field, at);
            return false;
          }
          if (v > end - pos) {
            error =
                fmt::format("{}: field #{} at byte offset {} declares {} bytes but only {} remain",
                            what, field, at, v, end - pos);
            return false;
          }
          std::string child = ChildName(what, field);
          if (depth > 0 && !child.empty() && !Message(pos, pos + v, child, depth - 1)) return false;
          pos += v;
          break;
        }
        default:
          error = fmt::format("{}: field #{} has invalid wire type {} at byte offset {}", what,
                              field, type, at);
          return false;
      }
    }
    return true;
  }

  static std::string ChildName(const std::string& parent, uint64_t field) {
    if (parent == "model" && field == 7) return "model.graph";
    if (parent == "model.graph" && field == 1) return "model.graph.node";
    if (parent == "model.graph" && field == 5) return "model.graph.initializer";
    return "";
  }
};

}  // namespace

std::string DescribeWireError(ByteSpan bytes) {
  Walker w{bytes, {}};
  w.Message(0, bytes.size(), "model", 2);
  return w.error;
}

}  // namespace vinet::runtime::detail
