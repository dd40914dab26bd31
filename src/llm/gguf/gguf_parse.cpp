// GgufFile::Parse: the strict GGUF v2/v3 header, metadata and tensor-info
// parser. One pass over the header (linear in its size; the duplicate and
// overlap checks add a log factor in the number of keys and tensors), every
// length bounded by the bytes left before anything is allocated.
#include <algorithm>

#include "llm/gguf/cursor.h"
#include "llm/gguf/limits.h"
#include "llm/gguf/mapping.h"
#include "vinet/llm/gguf.h"

namespace vinet::llm {
namespace {

using gguf_internal::Cursor;
using gguf_internal::Quote;
namespace lim = gguf_internal;

// Bytes of one element of a fixed-size value type; 0 for string and array.
uint64_t ScalarSize(GgufValueType t) {
  switch (t) {
    case GgufValueType::kUint8:
    case GgufValueType::kInt8:
    case GgufValueType::kBool:
      return 1;
    case GgufValueType::kUint16:
    case GgufValueType::kInt16:
      return 2;
    case GgufValueType::kUint32:
    case GgufValueType::kInt32:
    case GgufValueType::kFloat32:
      return 4;
    case GgufValueType::kUint64:
    case GgufValueType::kInt64:
    case GgufValueType::kFloat64:
      return 8;
    case GgufValueType::kString:
    case GgufValueType::kArray:
      return 0;
  }
  return 0;
}

bool KnownValueType(uint32_t t) {
  return t <= static_cast<uint32_t>(GgufValueType::kFloat64);
}

// Decodes a scalar at `p` into `v` (type already set).
Status DecodeScalar(const uint8_t* p, GgufValue& v, const Cursor& c, std::string_view field,
                    uint64_t at) {
  auto load = [p](auto x) {
    std::memcpy(&x, p, sizeof(x));
    return x;
  };
  auto set_signed = [&v](int64_t x) {
    v.i = x;
    if (x >= 0) v.u = static_cast<uint64_t>(x);
  };
  auto set_unsigned = [&v](uint64_t x) {
    v.u = x;
    if (x <= static_cast<uint64_t>(INT64_MAX)) v.i = static_cast<int64_t>(x);
  };
  switch (v.type) {
    case GgufValueType::kUint8:
      set_unsigned(load(uint8_t{}));
      break;
    case GgufValueType::kInt8:
      set_signed(load(int8_t{}));
      break;
    case GgufValueType::kUint16:
      set_unsigned(load(uint16_t{}));
      break;
    case GgufValueType::kInt16:
      set_signed(load(int16_t{}));
      break;
    case GgufValueType::kUint32:
      set_unsigned(load(uint32_t{}));
      break;
    case GgufValueType::kInt32:
      set_signed(load(int32_t{}));
      break;
    case GgufValueType::kUint64:
      set_unsigned(load(uint64_t{}));
      break;
    case GgufValueType::kInt64:
      set_signed(load(int64_t{}));
      break;
    case GgufValueType::kFloat32:
      v.f = load(float{});
      break;
    case GgufValueType::kFloat64:
      v.f = load(double{});
      break;
    case GgufValueType::kBool: {
      uint8_t b = *p;
      if (b > 1) return c.Fail(field, fmt::format("bool value {} is not 0 or 1", b), at);
      v.u = b;
      v.i = b;
      break;
    }
    case GgufValueType::kString:
    case GgufValueType::kArray:
      return c.Fail(field, "not a scalar", at);
  }
  return Status::Ok();
}

Result<GgufValue> ReadValue(Cursor& c, std::string_view field) {
  GgufValue v;
  uint64_t type_at = c.pos();
  VINET_ASSIGN_OR_RETURN(uint32_t type, c.Read<uint32_t>(field));
  if (!KnownValueType(type))
    return c.Fail(field, fmt::format("unknown value type {}", type), type_at);
  v.type = static_cast<GgufValueType>(type);
  if (v.type == GgufValueType::kString) {
    VINET_ASSIGN_OR_RETURN(v.str, c.ReadString(field, lim::kMaxStringBytes));
    return v;
  }
  if (v.type != GgufValueType::kArray) {
    uint64_t at = c.pos();
    uint64_t n = ScalarSize(v.type);
    VINET_RETURN_IF_ERROR(c.Need(n, field));
    VINET_RETURN_IF_ERROR(DecodeScalar(c.data() + at, v, c, field, at));
    c.Take(n);
    return v;
  }
  // Array: element type, count, elements. Nested arrays are refused.
  uint64_t et_at = c.pos();
  VINET_ASSIGN_OR_RETURN(uint32_t et, c.Read<uint32_t>(field));
  if (!KnownValueType(et))
    return c.Fail(field, fmt::format("unknown array element type {}", et), et_at);
  v.array_type = static_cast<GgufValueType>(et);
  if (v.array_type == GgufValueType::kArray)
    return c.Fail(field, "nested arrays are not supported", et_at);
  uint64_t len_at = c.pos();
  VINET_ASSIGN_OR_RETURN(v.array_len, c.Read<uint64_t>(field));
  if (v.array_len > lim::kMaxArrayLen)
    return c.Fail(
        field, fmt::format("array length {} exceeds the limit {}", v.array_len, lim::kMaxArrayLen),
        len_at);
  // Each element takes at least this many bytes (a string: its length).
  uint64_t min_elem = v.array_type == GgufValueType::kString ? 8 : ScalarSize(v.array_type);
  if (v.array_len > c.remaining() / min_elem)
    return c.Fail(field,
                  fmt::format("array of {} {} elements past end of file ({} bytes left)",
                              v.array_len, GgufValueTypeName(v.array_type), c.remaining()),
                  len_at);
  if (v.array_type == GgufValueType::kString) {
    v.strings.reserve(v.array_len);
    for (uint64_t k = 0; k < v.array_len; ++k) {
      auto s = c.ReadString(field, lim::kMaxStringBytes);
      if (!s.ok()) return s.status().WithContext(fmt::format("element {}", k));
      v.strings.push_back(*s);
    }
    return v;
  }
  uint64_t at = c.pos();
  v.array_raw = c.Take(v.array_len * min_elem);
  if (v.array_type == GgufValueType::kBool) {
    for (uint64_t k = 0; k < v.array_len; ++k)
      if (v.array_raw[k] > 1)
        return c.Fail(field, fmt::format("bool element {} is {}, not 0 or 1", k, v.array_raw[k]),
                      at + k);
  }
  return v;
}

uint64_t AlignUp(uint64_t x, uint64_t a) {
  return x + (a - x % a) % a;
}

// Reads a tensor info after its name: dimensions, type, offset; checks the
// shape against the type. The offset's alignment and range are checked later.
Status ReadTensorInfo(Cursor& c, GgufTensor& ti) {
  uint64_t nd_at = c.pos();
  VINET_ASSIGN_OR_RETURN(uint32_t n_dims, c.Read<uint32_t>("n_dims"));
  if (n_dims < 1 || n_dims > lim::kMaxDims)
    return c.Fail("n_dims", fmt::format("{} dimensions, expected 1..{}", n_dims, lim::kMaxDims),
                  nd_at);
  ti.dims.resize(n_dims);
  uint64_t elems = 1;
  for (uint32_t d = 0; d < n_dims; ++d) {
    uint64_t d_at = c.pos();
    VINET_ASSIGN_OR_RETURN(ti.dims[d], c.Read<uint64_t>("ne"));
    if (ti.dims[d] == 0 || ti.dims[d] > static_cast<uint64_t>(INT64_MAX))
      return c.Fail("ne", fmt::format("ne[{}] = {} is not in [1, 2^63)", d, ti.dims[d]), d_at);
    if (elems > static_cast<uint64_t>(INT64_MAX) / ti.dims[d])
      return c.Fail("ne", "element count overflows 2^63", d_at);
    elems *= ti.dims[d];
  }
  uint64_t type_at = c.pos();
  VINET_ASSIGN_OR_RETURN(uint32_t type_id, c.Read<uint32_t>("type"));
  auto info = LookupGgmlType(type_id);
  if (!info) return c.Fail("type", fmt::format("unknown tensor type id {}", type_id), type_at);
  ti.type = static_cast<GgmlType>(type_id);
  if (ti.dims[0] % info->block_elems != 0)
    return c.Fail("type",
                  fmt::format("ne[0] = {} is not a multiple of the {} block size {}", ti.dims[0],
                              info->name, info->block_elems),
                  type_at);
  auto row = RowBytes(ti.type, ti.dims[0]);
  uint64_t rows = elems / ti.dims[0];
  if (!row || *row > UINT64_MAX / rows) return c.Fail("type", "byte size overflows 2^64", type_at);
  ti.nbytes = *row * rows;
  VINET_ASSIGN_OR_RETURN(ti.file_offset, c.Read<uint64_t>("offset"));
  return Status::Ok();
}

// Sorts a (name, index) vector by name; the first repeated name, as the
// index of its later occurrence, or -1.
int64_t SortAndFindDuplicate(std::vector<std::pair<std::string_view, size_t>>& index) {
  std::sort(index.begin(), index.end());
  for (size_t k = 1; k < index.size(); ++k)
    if (index[k].first == index[k - 1].first)
      return static_cast<int64_t>(std::max(index[k].second, index[k - 1].second));
  return -1;
}

}  // namespace

Result<GgufFile> GgufFile::Parse(ByteSpan bytes) {
  GgufFile f;
  Status s = f.ParseInto(bytes);
  if (!s.ok()) return s.WithContext("gguf");
  return f;
}

Status GgufFile::ParseInto(ByteSpan bytes) {
  Cursor c(bytes);
  bytes_ = bytes;

  // Header.
  VINET_RETURN_IF_ERROR(c.Need(4, "magic"));
  if (std::memcmp(bytes.data(), "GGUF", 4) != 0)
    return c.Fail("magic",
                  fmt::format("expected \"GGUF\", got {}",
                              Quote({reinterpret_cast<const char*>(bytes.data()), 4})),
                  0);
  c.Take(4);
  VINET_ASSIGN_OR_RETURN(version_, c.Read<uint32_t>("version"));
  if (version_ != 2 && version_ != 3) {
    std::string hint = version_ == 1              ? " (GGUF v1 is obsolete)"
                       : (version_ & 0xffff) == 0 ? " (a big-endian file?)"
                                                  : "";
    return c.Fail("version",
                  fmt::format("version {} is not supported, only 2 and 3{}", version_, hint), 4);
  }
  VINET_ASSIGN_OR_RETURN(uint64_t n_tensors, c.Read<uint64_t>("tensor_count"));
  VINET_ASSIGN_OR_RETURN(uint64_t n_kv, c.Read<uint64_t>("metadata_kv_count"));
  if (n_tensors > lim::kMaxTensors)
    return c.Fail("tensor_count",
                  fmt::format("{} tensors exceed the limit {}", n_tensors, lim::kMaxTensors), 8);
  if (n_kv > lim::kMaxKeys)
    return c.Fail("metadata_kv_count",
                  fmt::format("{} keys exceed the limit {}", n_kv, lim::kMaxKeys), 16);
  // Smallest encodings: a key/value 8+1 (key) + 4 + 1 bytes, a tensor info
  // 8+1 (name) + 4 + 8 (one dim) + 4 + 8 bytes.
  if (n_kv > c.remaining() / 14)
    return c.Fail("metadata_kv_count",
                  fmt::format("{} keys cannot fit in the {} bytes left", n_kv, c.remaining()), 16);
  if (n_tensors > c.remaining() / 33)
    return c.Fail(
        "tensor_count",
        fmt::format("{} tensors cannot fit in the {} bytes left", n_tensors, c.remaining()), 8);

  // Metadata. Context strings are built only on the error path.
  kv_.reserve(n_kv);
  kv_index_.reserve(n_kv);
  std::vector<uint64_t> kv_at(n_kv);
  for (uint64_t k = 0; k < n_kv; ++k) {
    uint64_t at = kv_at[k] = c.pos();
    auto key = c.ReadString("key", lim::kMaxKeyBytes);
    if (!key.ok()) return key.status().WithContext(fmt::format("metadata[{}]", k));
    if (key->empty()) return c.Fail(fmt::format("metadata[{}]", k), "empty key", at);
    auto value = ReadValue(c, "value");
    if (!value.ok()) return value.status().WithContext(fmt::format("metadata {}", Quote(*key)));
    if (*key == "general.alignment") {
      std::string field = fmt::format("metadata {}", Quote(*key));
      if (value->type != GgufValueType::kUint32)
        return c.Fail(field, fmt::format("must be uint32, not {}", GgufValueTypeName(value->type)),
                      at);
      if (value->u == 0 || (value->u & (value->u - 1)) != 0 || value->u > lim::kMaxAlignment)
        return c.Fail(field,
                      fmt::format("alignment {} is not a power of two in [1, {}]", value->u,
                                  lim::kMaxAlignment),
                      at);
      alignment_ = value->u;
    }
    kv_index_.emplace_back(*key, kv_.size());
    kv_.emplace_back(*key, std::move(value).value());
  }
  if (int64_t dup = SortAndFindDuplicate(kv_index_); dup >= 0)
    return c.Fail(fmt::format("metadata[{}]", dup),
                  fmt::format("duplicate key {}", Quote(kv_[dup].first)), kv_at[dup]);

  // Tensor infos (offsets relative to the data section until checked below).
  tensors_.reserve(n_tensors);
  tensor_index_.reserve(n_tensors);
  std::vector<uint64_t> info_at(n_tensors);  // where each tensor info starts, for messages
  for (uint64_t t = 0; t < n_tensors; ++t) {
    uint64_t at = info_at[t] = c.pos();
    GgufTensor ti;
    auto name = c.ReadString("name", lim::kMaxTensorNameBytes);
    if (!name.ok()) return name.status().WithContext(fmt::format("tensor[{}]", t));
    if (name->empty()) return c.Fail(fmt::format("tensor[{}]", t), "empty tensor name", at);
    ti.name = *name;
    Status st = ReadTensorInfo(c, ti);
    if (!st.ok()) return st.WithContext(fmt::format("tensor {}", Quote(ti.name)));
    tensor_index_.emplace_back(ti.name, tensors_.size());
    tensors_.push_back(std::move(ti));
  }
  if (int64_t dup = SortAndFindDuplicate(tensor_index_); dup >= 0)
    return c.Fail(fmt::format("tensor[{}]", dup),
                  fmt::format("duplicate tensor name {}", Quote(tensors_[dup].name)), info_at[dup]);

  // Data section: starts at the next multiple of the alignment. Make the
  // offsets absolute and check them against the file and each other.
  uint64_t data_start = AlignUp(c.pos(), alignment_);
  uint64_t data_size = data_start <= c.size() ? c.size() - data_start : 0;
  if (!tensors_.empty() && data_start > c.size())
    return c.Fail("data section",
                  fmt::format("starts at {}, past end of file ({} bytes)", data_start, c.size()),
                  c.pos());
  std::vector<size_t> order(tensors_.size());
  for (size_t t = 0; t < tensors_.size(); ++t) {
    GgufTensor& ti = tensors_[t];
    order[t] = t;
    if (ti.file_offset % alignment_ != 0)
      return c.Fail(fmt::format("tensor {}", Quote(ti.name)),
                    fmt::format("data offset {} is not a multiple of the alignment {}",
                                ti.file_offset, alignment_),
                    info_at[t]);
    if (ti.file_offset > data_size || ti.nbytes > data_size - ti.file_offset) {
      // Saturated end: only for the message.
      uint64_t end =
          ti.nbytes > UINT64_MAX - ti.file_offset ? UINT64_MAX : ti.file_offset + ti.nbytes;
      return c.Fail(fmt::format("tensor {}", Quote(ti.name)),
                    fmt::format("data [{}, {}) past end of the data section ({} bytes from "
                                "offset {})",
                                ti.file_offset, end, data_size, data_start),
                    info_at[t]);
    }
    ti.file_offset += data_start;
    ti.data = bytes.data() + ti.file_offset;
  }
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return tensors_[a].file_offset < tensors_[b].file_offset; });
  for (size_t k = 1; k < order.size(); ++k) {
    const GgufTensor& prev = tensors_[order[k - 1]];
    const GgufTensor& cur = tensors_[order[k]];
    if (prev.file_offset + prev.nbytes > cur.file_offset)
      return c.Fail(fmt::format("tensor {}", Quote(cur.name)),
                    fmt::format("data [{}, {}) overlaps tensor {} at [{}, {})", cur.file_offset,
                                cur.file_offset + cur.nbytes, Quote(prev.name), prev.file_offset,
                                prev.file_offset + prev.nbytes),
                    info_at[order[k]]);
  }
  return Status::Ok();
}

}  // namespace vinet::llm
