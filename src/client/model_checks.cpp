#include "vinet/client/model_checks.h"

#include <cmath>
#include <cstring>
#include <set>

#include "vinet/node/tensor_json.h"

namespace vinet::client {
namespace {

using json = nlohmann::json;

// JSON bytes per value: at least "0," and at most a float32's exact double.
constexpr size_t kMinValueBytes = 2, kMaxValueBytes = 24;
constexpr size_t kEnvelopeBytes = 4096;  // the signed request and names around the values

std::string Dims(const std::vector<int64_t>& shape, bool symbolic) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    s += i ? ", " : "";
    s += symbolic && shape[i] <= 0 ? "N" : std::to_string(shape[i]);
  }
  return s + "]";
}

std::string Mib(size_t n) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f MiB", static_cast<double>(n) / (1 << 20));
  return buf;
}

size_t Elements(const std::vector<int64_t>& shape) {
  size_t n = 1;
  for (int64_t d : shape) n *= static_cast<size_t>(std::max<int64_t>(d, 0));
  return n;
}

// The value at index i of a little-endian tensor, as a double.
double ValueAt(const protocol::NamedTensor& t, size_t i) {
  const uint8_t* p = t.data.data() + i * protocol::DtypeSize(t.dtype);
  auto read = [p]<typename T>(T) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return static_cast<double>(v);
  };
  if (t.dtype == "f32") return read(float{});
  if (t.dtype == "f64") return read(double{});
  if (t.dtype == "i8") return read(int8_t{});
  if (t.dtype == "u8") return read(uint8_t{});
  if (t.dtype == "i32") return read(int32_t{});
  return read(int64_t{});
}

Result<protocol::NamedTensor> CastToF32(const protocol::NamedTensor& t) {
  size_t n = Elements(t.shape);
  bool is_float = t.dtype == "f32" || t.dtype == "f64";
  protocol::NamedTensor out{t.name, "f32", t.shape, Bytes(n * 4)};
  for (size_t i = 0; i < n; ++i) {
    double v = ValueAt(t, i);
    if (is_float && !std::isfinite(v)) {
      return Error(Code::kInvalidArgument,
                   "input '" + t.name + "': value " + std::to_string(v) + " at flat index " +
                       std::to_string(i) +
                       " is not finite (NaN and infinity cannot be sent; hint: replace them)");
    }
    float f = static_cast<float>(v);
    if (!std::isfinite(f)) {
      return Error(Code::kInvalidArgument, "input '" + t.name + "': value " + std::to_string(v) +
                                               " at flat index " + std::to_string(i) +
                                               " is beyond f32's range (the model's dtype)");
    }
    std::memcpy(out.data.data() + i * 4, &f, 4);
  }
  return out;
}

Status CheckCount(size_t n, size_t limit) {
  size_t budget = limit > kEnvelopeBytes ? limit - kEnvelopeBytes : 0;
  if (n * kMinValueBytes > budget) {
    return Error(Code::kOutOfRange, "inputs: " + std::to_string(n) + " values need at least " +
                                        Mib(n * kMinValueBytes) +
                                        " of JSON, over the node's request limit of " + Mib(limit) +
                                        " (" + std::to_string(limit) +
                                        " bytes; hint: split the batch into several inferences)");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<ModelInfo>> ParseModels(const json& body) {
  const json& list = body.is_object() && body.contains("data") ? body["data"] : body;
  if (!list.is_array()) return Error(Code::kParse, "models: answer is not a list");
  std::vector<ModelInfo> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const json& m = list[i];
    std::string at = "models[" + std::to_string(i) + "]";
    if (!m.is_object()) return Error(Code::kParse, at + ": not an object");
    ModelInfo info;
    try {
      info.model_id = m.value("model_id", m.value("id", std::string()));
      info.kind = m.value("kind", std::string("onnx"));
      if (m.contains("inputs") && m["inputs"].is_object()) {
        for (auto& [name, shape] : m["inputs"].items()) {
          info.inputs[name] = shape.get<std::vector<int64_t>>();
        }
      }
      if (m.contains("input_dtypes") && m["input_dtypes"].is_object()) {
        for (auto& [name, dtype] : m["input_dtypes"].items()) {
          info.input_dtypes[name] = dtype.get<std::string>();
        }
      }
      for (const auto& mode : m.value("modes", json::array())) {
        auto parsed = protocol::ParseMode(mode.get<std::string>());
        if (parsed.ok()) info.modes.push_back(*parsed);
      }
      if (m.contains("fee") && m["fee"].is_number_unsigned()) info.fee = m["fee"].get<uint64_t>();
    } catch (const json::exception& e) {
      return Error(Code::kParse, at + ": " + e.what());
    }
    if (info.model_id.empty()) return Error(Code::kParse, at + ".model_id: missing");
    out.push_back(std::move(info));
  }
  return out;
}

Status CheckModel(const ModelInfo& model, protocol::Mode mode, uint64_t max_fee) {
  if (model.kind != "onnx") {
    return Error(Code::kInvalidArgument,
                 "model " + model.model_id + " is a chat model (hint: use Client::Chat)");
  }
  if (std::find(model.modes.begin(), model.modes.end(), mode) == model.modes.end()) {
    std::string served;
    for (auto m : model.modes)
      served += (served.empty() ? "" : ", ") + std::string(protocol::ModeName(m));
    return Error(Code::kUnsupported,
                 "model " + model.model_id + " is not served in " +
                     std::string(protocol::ModeName(mode)) +
                     " mode here (served in: " + (served.empty() ? "no mode" : served) + ")");
  }
  if (!model.fee) {
    return Error(Code::kNotFound, "model " + model.model_id +
                                      " has no fee: it is not registered on chain "
                                      "(hint: register it, `vinet tx register-model`)");
  }
  if (max_fee < *model.fee) {
    return Error(Code::kInvalidArgument,
                 "max_fee " + std::to_string(max_fee) + " is below the model's fee " +
                     std::to_string(*model.fee) +
                     " (hint: set ClientOptions::max_fee >= " + std::to_string(*model.fee) + ")");
  }
  return Status::Ok();
}

Result<std::vector<protocol::NamedTensor>> PrepareInputs(
    const ModelInfo& model, const std::vector<protocol::NamedTensor>& inputs, size_t body_limit) {
  std::set<std::string> given, wanted;
  for (const auto& t : inputs) given.insert(t.name);
  for (const auto& [name, shape] : model.inputs) wanted.insert(name);
  if (given != wanted || given.size() != inputs.size()) {
    std::string names;
    for (const auto& n : wanted) names += (names.empty() ? "" : ", ") + n;
    return Error(Code::kInvalidArgument, "inputs: model " + model.model_id.substr(0, 12) +
                                             " takes exactly [" + names + "], once each");
  }
  VINET_RETURN_IF_ERROR(protocol::ValidateTensors(inputs));
  size_t count = 0;
  for (const auto& t : inputs) {
    const auto& declared = model.inputs.at(t.name);
    bool ok = t.shape.size() == declared.size();
    for (size_t i = 0; ok && i < declared.size(); ++i) {
      ok = declared[i] <= 0 ? t.shape[i] >= 1 : t.shape[i] == declared[i];
    }
    if (!ok) {
      return Error(Code::kOutOfRange, "input '" + t.name + "': shape " + Dims(t.shape, false) +
                                          " does not match the model's " + Dims(declared, true) +
                                          " (N: any size >= 1)");
    }
    count += Elements(t.shape);
  }
  VINET_RETURN_IF_ERROR(CheckCount(count, body_limit));
  std::vector<protocol::NamedTensor> out;
  for (const auto& t : inputs) {
    auto it = model.input_dtypes.find(t.name);
    std::string want = it == model.input_dtypes.end() ? "f32" : it->second;
    if (want != "f32") {
      if (t.dtype != want) {
        return Error(Code::kInvalidArgument, "input '" + t.name + "': dtype " + t.dtype +
                                                 " (the model takes " + want + ")");
      }
      out.push_back(t);
      continue;
    }
    VINET_ASSIGN_OR_RETURN(auto cast, CastToF32(t));
    out.push_back(std::move(cast));
  }
  if (count * kMaxValueBytes > body_limit - kEnvelopeBytes) {
    size_t size = node::TensorMapToJson(out).dump().size();
    if (size + kEnvelopeBytes > body_limit) {
      return Error(Code::kOutOfRange, "inputs: " + Mib(size) +
                                          " of JSON, over the node's request limit of " +
                                          Mib(body_limit) + " (" + std::to_string(body_limit) +
                                          " bytes; hint: split the batch into several inferences)");
    }
  }
  return out;
}

}  // namespace vinet::client
