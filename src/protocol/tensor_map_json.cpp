#include "vinet/protocol/tensor_map_json.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace vinet::protocol {
namespace {

using json = nlohmann::json;

// Nested arrays deeper than this are refused before recursing further (the
// documents come from files and HTTP bodies; each level is a stack frame).
constexpr size_t kMaxRank = 32;

Status Flatten(const json& j, size_t depth, std::vector<int64_t>& shape, std::vector<double>& out,
               const std::string& name) {
  if (depth > kMaxRank) {
    return Error(Code::kParse,
                 "tensor " + name + ": arrays nested deeper than " + std::to_string(kMaxRank));
  }
  if (j.is_number()) {
    if (depth != shape.size()) return Error(Code::kParse, "tensor " + name + ": ragged array");
    out.push_back(j.get<double>());
    return Status::Ok();
  }
  if (!j.is_array()) return Error(Code::kParse, "tensor " + name + ": non-number element");
  if (depth == shape.size()) {
    if (!out.empty()) return Error(Code::kParse, "tensor " + name + ": ragged array");
    shape.push_back(static_cast<int64_t>(j.size()));
  } else if (depth > shape.size() || shape[depth] != static_cast<int64_t>(j.size())) {
    return Error(Code::kParse,
                 "tensor " + name + ": ragged array at depth " + std::to_string(depth));
  }
  for (const auto& e : j) VINET_RETURN_IF_ERROR(Flatten(e, depth + 1, shape, out, name));
  return Status::Ok();
}

template <typename T>
void Append(Bytes& data, T v) {
  uint8_t b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  data.insert(data.end(), b, b + sizeof(T));
}

template <typename T>
Status AppendInt(Bytes& data, double v, const std::string& name) {
  if (v != std::floor(v) || v < static_cast<double>(std::numeric_limits<T>::min()) ||
      v > static_cast<double>(std::numeric_limits<T>::max())) {
    return Error(Code::kParse, "tensor " + name + ": value out of range for its dtype");
  }
  Append<T>(data, static_cast<T>(v));
  return Status::Ok();
}

Result<Bytes> Pack(const std::vector<double>& values, const std::string& dtype,
                   const std::string& name) {
  Bytes data;
  data.reserve(values.size() * DtypeSize(dtype));
  for (double v : values) {
    if (!std::isfinite(v)) return Error(Code::kParse, "tensor " + name + ": non-finite value");
    if (dtype == "f32") {
      // A finite double beyond float's range would become inf, which the
      // runtime refuses and JSON cannot carry back: refuse it here.
      if (std::fabs(v) > static_cast<double>(std::numeric_limits<float>::max())) {
        return Error(Code::kParse, "tensor " + name + ": value out of range for f32");
      }
      Append<float>(data, static_cast<float>(v));
    } else if (dtype == "f64") {
      Append<double>(data, v);
    } else if (dtype == "i8") {
      VINET_RETURN_IF_ERROR(AppendInt<int8_t>(data, v, name));
    } else if (dtype == "u8") {
      VINET_RETURN_IF_ERROR(AppendInt<uint8_t>(data, v, name));
    } else if (dtype == "i32") {
      VINET_RETURN_IF_ERROR(AppendInt<int32_t>(data, v, name));
    } else {
      VINET_RETURN_IF_ERROR(AppendInt<int64_t>(data, v, name));
    }
  }
  return data;
}

Result<NamedTensor> OneFromJson(const std::string& name, const json& j) {
  NamedTensor t{name, "f32", {}, {}};
  std::vector<double> values;
  if (j.is_object()) {
    if (!j.contains("shape") || !j["shape"].is_array() || !j.contains("data") ||
        !j["data"].is_array()) {
      return Error(Code::kParse, "tensor " + name + ": object form needs \"shape\" and \"data\"");
    }
    if (j.contains("dtype")) {
      if (!j["dtype"].is_string()) return Error(Code::kParse, "tensor " + name + ": bad dtype");
      t.dtype = j["dtype"].get<std::string>();
    }
    for (const auto& d : j["shape"]) {
      if (!d.is_number_integer() || d.get<int64_t>() < 0) {
        return Error(Code::kParse, "tensor " + name + ": bad shape");
      }
      t.shape.push_back(d.get<int64_t>());
    }
    for (const auto& v : j["data"]) {
      if (!v.is_number()) return Error(Code::kParse, "tensor " + name + ": non-number in data");
      values.push_back(v.get<double>());
    }
  } else {
    VINET_RETURN_IF_ERROR(Flatten(j, 0, t.shape, values, name));
  }
  if (DtypeSize(t.dtype) == 0) {
    return Error(Code::kParse, "tensor " + name + ": unknown dtype \"" + t.dtype + "\"");
  }
  int64_t n = 1;
  for (int64_t d : t.shape) {
    if (d > (int64_t{1} << 31) || (n *= d) > (int64_t{1} << 31)) {
      return Error(Code::kParse, "tensor " + name + ": too large");
    }
  }
  if (static_cast<int64_t>(values.size()) != n) {
    return Error(Code::kParse, "tensor " + name + ": " + std::to_string(values.size()) +
                                   " values for shape of " + std::to_string(n));
  }
  VINET_ASSIGN_OR_RETURN(t.data, Pack(values, t.dtype, name));
  return t;
}

template <typename T>
json Unpack(const Bytes& data) {
  json out = json::array();
  for (size_t i = 0; i + sizeof(T) <= data.size(); i += sizeof(T)) {
    T v;
    std::memcpy(&v, data.data() + i, sizeof(T));
    out.push_back(v);
  }
  return out;
}

json DataToJson(const NamedTensor& t) {
  if (t.dtype == "f32") return Unpack<float>(t.data);
  if (t.dtype == "f64") return Unpack<double>(t.data);
  if (t.dtype == "i8") return Unpack<int8_t>(t.data);
  if (t.dtype == "u8") return Unpack<uint8_t>(t.data);
  if (t.dtype == "i32") return Unpack<int32_t>(t.data);
  return Unpack<int64_t>(t.data);
}

}  // namespace

Result<std::vector<NamedTensor>> TensorMapFromJson(const nlohmann::json& j) {
  if (!j.is_object() || j.empty()) {
    return Error(Code::kParse, "inputs: expected a non-empty object {name: tensor}");
  }
  std::vector<NamedTensor> out;
  for (const auto& [name, value] : j.items()) {
    VINET_ASSIGN_OR_RETURN(NamedTensor t, OneFromJson(name, value));
    out.push_back(std::move(t));
  }
  if (Status s = ValidateTensors(out); !s.ok()) {
    return Error(Code::kParse, "inputs: " + s.message());
  }
  return out;
}

nlohmann::json TensorMapToJson(const std::vector<NamedTensor>& tensors) {
  json out = json::object();
  for (const auto& t : tensors) {
    out[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data", DataToJson(t)}};
  }
  return out;
}

}  // namespace vinet::protocol
