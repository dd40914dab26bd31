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
constexpr size_t kSamples = 4096;        // values per tensor the size estimate looks at

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

// Each value of a little-endian tensor of type T as a double, to `f`, until
// `f` returns a refusal.
template <typename T, typename F>
Status EachValue(const protocol::NamedTensor& t, size_t n, F&& f) {
  for (size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, t.data.data() + i * sizeof(T), sizeof(T));
    VINET_RETURN_IF_ERROR(f(i, static_cast<double>(v)));
  }
  return Status::Ok();
}

Result<protocol::NamedTensor> CastToF32(const protocol::NamedTensor& t) {
  size_t n = Elements(t.shape);
  bool is_float = t.dtype == "f32" || t.dtype == "f64";
  protocol::NamedTensor out{t.name, "f32", t.shape, Bytes(n * 4)};
  auto put = [&](size_t i, double v) -> Status {
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
    return Status::Ok();
  };
  Status s = t.dtype == "f32"   ? EachValue<float>(t, n, put)
             : t.dtype == "f64" ? EachValue<double>(t, n, put)
             : t.dtype == "i8"  ? EachValue<int8_t>(t, n, put)
             : t.dtype == "u8"  ? EachValue<uint8_t>(t, n, put)
             : t.dtype == "i32" ? EachValue<int32_t>(t, n, put)
                                : EachValue<int64_t>(t, n, put);
  if (!s.ok()) return s;
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
  size_t budget = body_limit > kEnvelopeBytes ? body_limit - kEnvelopeBytes : 0;
  if (count * kMaxValueBytes > budget) {
    double estimate = 0;
    for (const auto& t : out) {
      size_t n = Elements(t.shape), k = std::min<size_t>(n, kSamples);
      if (k == 0) continue;
      protocol::NamedTensor sample{t.name, t.dtype, {static_cast<int64_t>(k)}, {}};
      size_t width = protocol::DtypeSize(t.dtype);
      for (size_t i = 0; i < k; ++i) {
        size_t at = k == 1 ? 0 : i * (n - 1) / (k - 1);
        sample.data.insert(sample.data.end(), t.data.begin() + at * width,
                           t.data.begin() + (at + 1) * width);
      }
      std::string dumped = node::TensorMapToJson({sample})[t.name]["data"].dump();
      estimate += static_cast<double>(dumped.size() - 1) / k * n;  // value + ","
    }
    if (estimate > 2.0 * budget) {
      return Error(Code::kOutOfRange, "inputs: about " + Mib(static_cast<size_t>(estimate)) +
                                          " of JSON (" + std::to_string(count) +
                                          " values), over the node's request limit of " +
                                          Mib(body_limit) + " (" + std::to_string(body_limit) +
                                          " bytes; hint: split the batch into several inferences)");
    }
  }
  return out;
}

Status CheckBodySize(size_t size, size_t limit) {
  if (size <= limit) return Status::Ok();
  return Error(Code::kOutOfRange, "request body: " + Mib(size) + " (" + std::to_string(size) +
                                      " bytes), over the node's request limit of " + Mib(limit) +
                                      " (" + std::to_string(limit) +
                                      " bytes); not sent (hint: split the batch into several "
                                      "inferences)");
}

}  // namespace vinet::client
