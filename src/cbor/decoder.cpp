#include <algorithm>
#include <cstring>
#include <string>

#include "vinet/cbor/cbor.h"

namespace vinet::cbor {
namespace {

Status ParseError(size_t offset, std::string_view what) {
  return Error(Code::kParse, "cbor: " + std::string(what) + " at offset " + std::to_string(offset));
}

// What a map key is compared by.
struct KeyRef {
  Type type;
  uint64_t uint;
  ByteSpan str;
  size_t offset;
};

// A total order on map keys (integers by value, strings by bytes) in which
// equal keys are adjacent: sorting by it finds duplicates in O(n log n).
template <typename K>
int CompareKeys(const K& a, const K& b) {
  if (a.type != b.type) return a.type < b.type ? -1 : 1;
  if (a.type == Type::kUnsigned || a.type == Type::kNegative)
    return a.uint == b.uint ? 0 : (a.uint < b.uint ? -1 : 1);
  size_t n = std::min(a.str.size(), b.str.size());
  if (n > 0) {
    if (int c = std::memcmp(a.str.data(), b.str.data(), n); c != 0) return c < 0 ? -1 : 1;
  }
  return a.str.size() == b.str.size() ? 0 : (a.str.size() < b.str.size() ? -1 : 1);
}

// Maps up to this size are checked pairwise (cheaper than sorting).
constexpr size_t kPairwiseKeys = 8;

// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
// Returns the offset of the first invalid byte, or text.size() when valid.
size_t FirstInvalidUtf8(ByteSpan t) {
  size_t i = 0;
  while (i < t.size()) {
    uint8_t b = t[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0, min = 0;
    if ((b & 0xe0) == 0xc0) {
      n = 1, cp = b & 0x1f, min = 0x80;
    } else if ((b & 0xf0) == 0xe0) {
      n = 2, cp = b & 0x0f, min = 0x800;
    } else if ((b & 0xf8) == 0xf0) {
      n = 3, cp = b & 0x07, min = 0x10000;
    } else {
      return i;
    }
    if (t.size() - i <= n) return i;
    for (size_t k = 1; k <= n; ++k) {
      if ((t[i + k] & 0xc0) != 0x80) return i;
      cp = (cp << 6) | (t[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return t.size();
}

class Decoder {
 public:
  Decoder(ByteSpan data, const Limits& limits) : data_(data), limits_(limits) {}

  Result<Value> DecodeAll() {
    if (data_.size() > limits_.max_bytes) {
      return ParseError(0, "input of " + std::to_string(data_.size()) + " bytes exceeds " +
                               std::to_string(limits_.max_bytes));
    }
    VINET_ASSIGN_OR_RETURN(Value v, Item(0));
    if (pos_ != data_.size()) {
      return ParseError(pos_, std::to_string(data_.size() - pos_) + " trailing byte(s)");
    }
    return v;
  }

 private:
  size_t left() const { return data_.size() - pos_; }

  // Reads the argument that follows an initial byte with additional info `ai`.
  Result<uint64_t> Argument(uint8_t ai, size_t start) {
    if (ai < 24) return uint64_t{ai};
    if (ai > 27) return ParseError(start, "reserved additional info " + std::to_string(ai));
    size_t n = size_t{1} << (ai - 24);
    if (left() < n) return ParseError(start, "truncated argument");
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | data_[pos_ + i];
    pos_ += n;
    return v;
  }

  Result<Value> Item(int depth) {
    if (depth > limits_.max_depth)
      return ParseError(pos_, "nesting deeper than " + std::to_string(limits_.max_depth));
    if (left() == 0) return ParseError(pos_, "unexpected end of input");
    if (++items_ > limits_.max_items)
      return ParseError(pos_, "more than " + std::to_string(limits_.max_items) + " items");
    size_t start = pos_;
    uint8_t initial = data_[pos_++];
    uint8_t major = initial >> 5, ai = initial & 0x1f;
    Value v;
    v.offset = start;
    if (ai == 31) {
      VINET_RETURN_IF_ERROR(Indefinite(major, start, depth, v));
    } else {
      VINET_ASSIGN_OR_RETURN(uint64_t arg, Argument(ai, start));
      VINET_RETURN_IF_ERROR(Definite(major, ai, arg, start, depth, v));
    }
    v.raw = data_.subspan(start, pos_ - start);
    return v;
  }

  Status Definite(uint8_t major, uint8_t ai, uint64_t arg, size_t start, int depth, Value& v) {
    switch (major) {
      case 0:
        v.type = Type::kUnsigned;
        v.uint = arg;
        return Status::Ok();
      case 1:
        v.type = Type::kNegative;
        v.uint = arg;
        return Status::Ok();
      case 2:
      case 3:
        v.type = major == 2 ? Type::kBytes : Type::kText;
        if (arg > left())
          return ParseError(start, "string length " + std::to_string(arg) + " past end");
        v.str = data_.subspan(pos_, arg);
        if (major == 3) {
          size_t bad = FirstInvalidUtf8(v.str);
          if (bad != v.str.size()) return ParseError(pos_ + bad, "invalid UTF-8 in text string");
        }
        pos_ += arg;
        return Status::Ok();
      case 4:
        v.type = Type::kArray;
        if (arg > left()) return ParseError(start, "array count past end");
        v.items.reserve(Reservable(arg));
        for (uint64_t i = 0; i < arg; ++i) {
          VINET_ASSIGN_OR_RETURN(Value item, Item(depth + 1));
          v.items.push_back(std::move(item));
        }
        return Status::Ok();
      case 5:
        v.type = Type::kMap;
        if (!limits_.allow_maps) return ParseError(start, "map not allowed here");
        if (arg > left() / 2) return ParseError(start, "map count past end");
        v.items.reserve(Reservable(2 * arg));
        for (uint64_t i = 0; i < arg; ++i) VINET_RETURN_IF_ERROR(MapEntry(v, depth));
        return CheckDuplicateKeys(v);
      case 6: {
        v.type = Type::kTag;
        v.uint = arg;
        VINET_ASSIGN_OR_RETURN(Value item, Item(depth + 1));
        v.items.push_back(std::move(item));
        return Status::Ok();
      }
      default:
        return Simple(ai, arg, start, v);
    }
  }

  Status Simple(uint8_t ai, uint64_t arg, size_t start, Value& v) {
    if (ai >= 25) {
      v.type = Type::kFloat;
      return Status::Ok();
    }
    if (ai == 24 && arg < 32) return ParseError(start, "non-canonical simple value");
    v.type = Type::kSimple;
    v.uint = arg;
    return Status::Ok();
  }

  Status Indefinite(uint8_t major, size_t start, int depth, Value& v) {
    v.indefinite = true;
    if (major == 4 || major == 5) {
      v.type = major == 4 ? Type::kArray : Type::kMap;
      if (major == 5 && !limits_.allow_maps) return ParseError(start, "map not allowed here");
      while (true) {
        if (left() == 0) return ParseError(start, "indefinite item without break");
        if (data_[pos_] == 0xff) {
          ++pos_;
          return major == 5 ? CheckDuplicateKeys(v) : Status::Ok();
        }
        if (major == 5) {
          VINET_RETURN_IF_ERROR(MapEntry(v, depth));
        } else {
          VINET_ASSIGN_OR_RETURN(Value item, Item(depth + 1));
          v.items.push_back(std::move(item));
        }
      }
    }
    if (major == 7) return ParseError(start, "unexpected break");
    if (major == 2 || major == 3)
      return ParseError(start, "indefinite-length string not supported");
    return ParseError(start,
                      "indefinite length not allowed for major type " + std::to_string(major));
  }

  Status MapEntry(Value& map, int depth) {
    size_t key_at = pos_;
    VINET_ASSIGN_OR_RETURN(Value key, Item(depth + 1));
    if (key.type != Type::kUnsigned && key.type != Type::kNegative && key.type != Type::kText &&
        key.type != Type::kBytes) {
      return ParseError(key_at, "map key of type " + std::string(key.TypeName()));
    }
    if (map.items.size() < 2 * kPairwiseKeys) {
      for (size_t i = 0; i < map.items.size(); i += 2) {
        if (CompareKeys(map.items[i], key) == 0) return ParseError(key_at, "duplicate map key");
      }
    }
    VINET_ASSIGN_OR_RETURN(Value value, Item(depth + 1));
    map.items.push_back(std::move(key));
    map.items.push_back(std::move(value));
    return Status::Ok();
  }

  // How many items to reserve for a definite container announcing `n`: never
  // more than the item budget left, so a count cannot make us allocate more
  // than the limits allow.
  size_t Reservable(uint64_t n) const {
    size_t budget = limits_.max_items > items_ ? limits_.max_items - items_ : 0;
    return static_cast<size_t>(std::min<uint64_t>(n, budget));
  }

  // Maps larger than kPairwiseKeys: sort the keys and report the earliest
  // repeat in input order, as a pairwise scan would.
  Status CheckDuplicateKeys(const Value& map) {
    size_t n = map.map_size();
    if (n <= kPairwiseKeys) return Status::Ok();
    // Compact copies (no pointer chasing into the tree while sorting).
    std::vector<KeyRef> keys(n);
    for (size_t i = 0; i < n; ++i) {
      const Value& k = map.key(i);
      keys[i] = {k.type, k.uint, k.str, k.offset};
    }
    // Ordered by key, then by offset: a total order (offsets differ), so the
    // result does not depend on the sort's stability.
    auto before = [](const KeyRef& a, const KeyRef& b) {
      int c = CompareKeys(a, b);
      return c != 0 ? c < 0 : a.offset < b.offset;
    };
    // Deterministic encoders emit sorted keys: check that first, in O(n).
    if (!std::is_sorted(keys.begin(), keys.end(), before))
      std::sort(keys.begin(), keys.end(), before);
    size_t first_repeat = SIZE_MAX;
    for (size_t i = 1; i < n; ++i) {
      if (CompareKeys(keys[i - 1], keys[i]) == 0)
        first_repeat = std::min(first_repeat, keys[i].offset);
    }
    if (first_repeat != SIZE_MAX) return ParseError(first_repeat, "duplicate map key");
    return Status::Ok();
  }

  ByteSpan data_;
  const Limits& limits_;
  size_t pos_ = 0;
  size_t items_ = 0;
};

}  // namespace

const Value* Value::Find(std::string_view text_key) const {
  if (type != Type::kMap) return nullptr;
  for (size_t i = 0; i < map_size(); ++i) {
    if (key(i).type == Type::kText && key(i).text() == text_key) return &value(i);
  }
  return nullptr;
}

const Value* Value::Find(uint64_t uint_key) const {
  if (type != Type::kMap) return nullptr;
  for (size_t i = 0; i < map_size(); ++i) {
    if (key(i).type == Type::kUnsigned && key(i).uint == uint_key) return &value(i);
  }
  return nullptr;
}

std::string_view Value::TypeName() const {
  switch (type) {
    case Type::kUnsigned:
      return "unsigned";
    case Type::kNegative:
      return "negative";
    case Type::kBytes:
      return "bytes";
    case Type::kText:
      return "text";
    case Type::kArray:
      return "array";
    case Type::kMap:
      return "map";
    case Type::kTag:
      return "tag";
    case Type::kSimple:
      return IsNull() ? "null" : "simple";
    case Type::kFloat:
      return "float";
  }
  return "unknown";
}

Result<Value> Decode(ByteSpan data) {
  return Decode(data, Limits{});
}

Result<Value> Decode(ByteSpan data, const Limits& limits) {
  return Decoder(data, limits).DecodeAll();
}

}  // namespace vinet::cbor
