#include "runtime/onnx_tensor.h"

#include <cstring>

#include <fmt/format.h>

namespace vinet::runtime::detail {
namespace {

using TP = onnx::TensorProto;

int ElementBytes(int32_t type) {
  switch (type) {
    case TP::FLOAT:
      return 4;
    case TP::DOUBLE:
      return 8;
    case TP::INT64:
      return 8;
    case TP::INT32:
      return 4;
    case TP::INT8:
      return 1;
    case TP::UINT8:
      return 1;
    case TP::BOOL:
      return 1;
    default:
      return 0;
  }
}

// Little-endian raw bytes -> values (the host is little-endian x86-64/arm64).
template <typename T>
T ReadRaw(const std::string& raw, int64_t index) {
  T v;
  std::memcpy(&v, raw.data() + index * static_cast<int64_t>(sizeof(T)), sizeof(T));
  return v;
}

void FromRaw(const std::string& raw, int32_t type, int64_t n, ConstData& out) {
  for (int64_t k = 0; k < n; ++k) {
    switch (type) {
      case TP::FLOAT:
        out.f[k] = ReadRaw<float>(raw, k);
        break;
      case TP::DOUBLE:
        out.f[k] = static_cast<float>(ReadRaw<double>(raw, k));
        break;
      case TP::INT64:
        out.i[k] = ReadRaw<int64_t>(raw, k);
        break;
      case TP::INT32:
        out.i[k] = ReadRaw<int32_t>(raw, k);
        break;
      case TP::INT8:
        out.i[k] = ReadRaw<int8_t>(raw, k);
        break;
      default:
        out.i[k] = ReadRaw<uint8_t>(raw, k);
        break;  // UINT8, BOOL
    }
  }
}

Status FromTyped(const TP& t, int64_t n, const std::string& what, ConstData& out) {
  int64_t have = 0;
  switch (t.data_type()) {
    case TP::FLOAT:
      have = t.float_data_size();
      break;
    case TP::DOUBLE:
      have = t.double_data_size();
      break;
    case TP::INT64:
      have = t.int64_data_size();
      break;
    default:
      have = t.int32_data_size();
      break;  // INT32, INT8, UINT8, BOOL
  }
  if (have != n) {
    return Error(
        Code::kParse,
        fmt::format("{}: dims declare {} elements but the data field holds {}", what, n, have));
  }
  for (int64_t k = 0; k < n; ++k) {
    switch (t.data_type()) {
      case TP::FLOAT:
        out.f[k] = t.float_data(static_cast<int>(k));
        break;
      case TP::DOUBLE:
        out.f[k] = static_cast<float>(t.double_data(static_cast<int>(k)));
        break;
      case TP::INT64:
        out.i[k] = t.int64_data(static_cast<int>(k));
        break;
      default:
        out.i[k] = t.int32_data(static_cast<int>(k));
        break;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<ConstData> DecodeTensor(const TP& t, const std::string& what, int64_t max_elements) {
  if (t.data_location() == TP::EXTERNAL || t.external_data_size() > 0) {
    return Error(Code::kUnsupported, what + ": external tensor data is not supported");
  }
  if (t.has_segment())
    return Error(Code::kUnsupported, what + ": segmented tensors are not supported");
  int bytes = ElementBytes(t.data_type());
  if (bytes == 0) {
    return Error(Code::kUnsupported,
                 fmt::format("{}: data_type {} is not supported (float, double, int64, int32, "
                             "int8, uint8, bool are)",
                             what, t.data_type()));
  }
  ConstData out;
  out.onnx_type = t.data_type();
  out.is_float = t.data_type() == TP::FLOAT || t.data_type() == TP::DOUBLE;
  for (int64_t d : t.dims()) out.shape.push_back(d);
  auto n = CheckedNumElements(out.shape, max_elements);
  if (!n) {
    return Error(Code::kOutOfRange, fmt::format("{}: dims {} are negative or exceed {} elements",
                                                what, ShapeToString(out.shape), max_elements));
  }
  if (t.has_raw_data()) {
    if (static_cast<int64_t>(t.raw_data().size()) != *n * bytes) {
      return Error(Code::kParse,
                   fmt::format("{}: dims {} need {} bytes of raw_data, found {}", what,
                               ShapeToString(out.shape), *n * bytes, t.raw_data().size()));
    }
  }
  if (out.is_float) {
    out.f.resize(static_cast<size_t>(*n));
  } else {
    out.i.resize(static_cast<size_t>(*n));
  }
  if (t.has_raw_data()) {
    FromRaw(t.raw_data(), t.data_type(), *n, out);
  } else {
    VINET_RETURN_IF_ERROR(FromTyped(t, *n, what, out));
  }
  return out;
}

}  // namespace vinet::runtime::detail
