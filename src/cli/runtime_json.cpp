#include "cli/runtime_json.h"

#include <cmath>
#include <fstream>
#include <functional>

#include <fmt/format.h>

namespace vinet::cli {
namespace {

using nlohmann::json;
using runtime::Shape;
using runtime::Tensor;

Status Flatten(const json& j, const std::string& where, size_t depth, Shape& shape,
               std::vector<float>& out) {
  if (j.is_array()) {
    if (depth == shape.size()) shape.push_back(static_cast<int64_t>(j.size()));
    if (shape[depth] != static_cast<int64_t>(j.size())) {
      return Error(Code::kParse, fmt::format("{}: ragged array (length {}, expected {})", where,
                                             j.size(), shape[depth]));
    }
    for (size_t i = 0; i < j.size(); ++i) {
      VINET_RETURN_IF_ERROR(Flatten(j[i], fmt::format("{}[{}]", where, i), depth + 1, shape, out));
    }
    return Status::Ok();
  }
  if (!j.is_number())
    return Error(Code::kParse, where + ": expected a number, got " + std::string(j.type_name()));
  if (depth != shape.size())
    return Error(Code::kParse, where + ": ragged array (a number where an array was expected)");
  double v = j.get<double>();
  if (!std::isfinite(v) || std::fabs(v) > 3.4e38)
    return Error(Code::kParse, where + ": value is not a finite float");
  out.push_back(static_cast<float>(v));
  return Status::Ok();
}

}  // namespace

Result<Tensor> TensorFromJson(const json& j, const std::string& name) {
  Tensor t;
  if (j.is_object()) {
    if (!j.contains("shape") || !j.contains("data") || !j["shape"].is_array() ||
        !j["data"].is_array()) {
      return Error(Code::kParse, name + ": a tensor object needs \"shape\" and \"data\" arrays");
    }
    for (size_t i = 0; i < j["shape"].size(); ++i) {
      const json& d = j["shape"][i];
      if (!d.is_number_integer() || d.get<int64_t>() < 0) {
        return Error(Code::kParse,
                     fmt::format("{}.shape[{}]: expected a non-negative integer", name, i));
      }
      t.shape.push_back(d.get<int64_t>());
    }
    Shape flat;
    VINET_RETURN_IF_ERROR(Flatten(j["data"], name + ".data", 0, flat, t.data));
    if (flat.size() != 1) return Error(Code::kParse, name + ".data: must be a flat array");
    auto n = runtime::CheckedNumElements(t.shape);
    if (!n || static_cast<size_t>(*n) != t.data.size()) {
      return Error(Code::kParse,
                   fmt::format("{}: shape {} needs {} values, data has {}", name,
                               runtime::ShapeToString(t.shape), n.value_or(-1), t.data.size()));
    }
    return t;
  }
  if (!j.is_array()) return Error(Code::kParse, name + ": expected nested arrays or {shape, data}");
  VINET_RETURN_IF_ERROR(Flatten(j, name, 0, t.shape, t.data));
  return t;
}

json TensorToJson(const Tensor& t) {
  if (t.shape.empty()) return t.data.empty() ? json() : json(t.data[0]);
  // Build nested arrays recursively over the shape.
  std::function<json(size_t, size_t&)> build = [&](size_t depth, size_t& pos) -> json {
    json arr = json::array();
    for (int64_t i = 0; i < t.shape[depth]; ++i) {
      if (depth + 1 == t.shape.size()) {
        arr.push_back(t.data[pos++]);
      } else {
        arr.push_back(build(depth + 1, pos));
      }
    }
    return arr;
  };
  size_t pos = 0;
  return build(0, pos);
}

Result<runtime::TensorMap> InputsFromJson(const json& j, const runtime::Model& model) {
  if (!j.is_object())
    return Error(Code::kParse, "inputs: expected a JSON object {\"name\": tensor}");
  runtime::TensorMap out;
  for (const auto& [name, value] : j.items()) {
    const runtime::Model::IoInfo* info = nullptr;
    for (const auto& in : model.inputs()) {
      if (in.name == name) info = &in;
    }
    if (!info) {
      std::string names;
      for (const auto& in : model.inputs()) names += (names.empty() ? "" : ", ") + in.name;
      return Error(Code::kInvalidArgument,
                   fmt::format("unknown input '{}' (the model's inputs: {})", name, names));
    }
    VINET_ASSIGN_OR_RETURN(Tensor t, TensorFromJson(value, name));
    if (t.shape.size() + 1 == info->shape.size()) t.shape.insert(t.shape.begin(), 1);
    out[name] = std::move(t);
  }
  return out;
}

Result<json> ReadJsonFile(const std::string& path) {
  std::ifstream f(path);
  if (!f) return Error(Code::kIo, "cannot open '" + path + "'");
  try {
    return json::parse(f);
  } catch (const json::parse_error& e) {
    return Error(Code::kParse,
                 fmt::format("{}: invalid JSON at byte {}: {}", path, e.byte, e.what()));
  }
}

}  // namespace vinet::cli
