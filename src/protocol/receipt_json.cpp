// JSON form of receipts and tensors (hex for bytes).
#include <nlohmann/json.hpp>

#include "vinet/protocol/receipt.h"
#include "vinet/protocol/tensor_json.h"

namespace vinet::protocol {
namespace {

using nlohmann::json;

Result<Bytes> HexField(const json& j, const char* field) {
  if (!j.contains(field) || !j[field].is_string()) {
    return Error(Code::kParse, std::string("receipt.") + field + ": missing or not a string");
  }
  auto b = FromHex(j[field].get<std::string>());
  if (!b.ok()) return b.status().WithContext(std::string("receipt.") + field);
  return b;
}

Result<std::optional<Bytes>> OptionalHex(const json& j, const char* field) {
  if (!j.contains(field) || j[field].is_null()) return std::optional<Bytes>();
  VINET_ASSIGN_OR_RETURN(Bytes b, HexField(j, field));
  return std::optional<Bytes>(std::move(b));
}

}  // namespace

json TensorToJson(const NamedTensor& t) {
  return json{{"name", t.name}, {"dtype", t.dtype}, {"shape", t.shape}, {"data", ToHex(t.data)}};
}

Result<NamedTensor> TensorFromJson(const json& j) {
  if (!j.is_object() || !j.contains("name") || !j["name"].is_string() || !j.contains("dtype") ||
      !j["dtype"].is_string() || !j.contains("shape") || !j["shape"].is_array()) {
    return Error(Code::kParse, "tensor: need name, dtype, shape and data");
  }
  NamedTensor t;
  t.name = j["name"].get<std::string>();
  t.dtype = j["dtype"].get<std::string>();
  for (const auto& d : j["shape"]) {
    if (!d.is_number_integer())
      return Error(Code::kParse, "tensor " + t.name + ": shape not integers");
    t.shape.push_back(d.get<int64_t>());
  }
  if (j.contains("data") && j["data"].is_string()) {
    auto data = FromHex(j["data"].get<std::string>());
    if (!data.ok()) return data.status().WithContext("tensor " + t.name);
    t.data = std::move(*data);
  } else if (j.contains("values") && j["values"].is_array() && t.dtype == "f32") {
    std::vector<float> values;
    for (const auto& v : j["values"]) {
      if (!v.is_number()) return Error(Code::kParse, "tensor " + t.name + ": values not numbers");
      values.push_back(v.get<float>());
    }
    t = F32Tensor(t.name, t.shape, values);
  } else {
    return Error(Code::kParse, "tensor " + t.name + ": need hex data (or f32 values)");
  }
  return t;
}

Result<std::vector<NamedTensor>> TensorsFromJson(const json& j) {
  if (!j.is_array()) return Error(Code::kParse, "tensors: not an array");
  std::vector<NamedTensor> out;
  for (const auto& t : j) {
    VINET_ASSIGN_OR_RETURN(NamedTensor nt, TensorFromJson(t));
    out.push_back(std::move(nt));
  }
  Status valid = ValidateTensors(out);
  if (!valid.ok()) return Error(Code::kParse, valid.message());
  return out;
}

json TensorsToJson(const std::vector<NamedTensor>& tensors) {
  json out = json::array();
  for (const auto& t : tensors) out.push_back(TensorToJson(t));
  return out;
}

std::string ReceiptToJson(const Receipt& r) {
  auto opt = [](const std::optional<Bytes>& b) { return b ? json(ToHex(*b)) : json(nullptr); };
  json j{{"inference_id", ToHex(r.inference_id)},
         {"model_id", r.model_id},
         {"mode", std::string(ModeName(r.mode))},
         {"input_hash", ToHex(r.input_hash)},
         {"output_hash", ToHex(r.output_hash)},
         {"outputs", TensorsToJson(r.outputs)},
         {"node_id", ToHex(r.node_id)},
         {"enclave_key", opt(r.enclave_key)},
         {"enclave_signature", opt(r.enclave_signature)},
         {"node_signature", opt(r.node_signature)}};
  return j.dump();
}

Result<Receipt> ReceiptFromJson(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error(Code::kParse, "receipt: not a JSON object");
  Receipt r;
  VINET_ASSIGN_OR_RETURN(r.inference_id, HexField(j, "inference_id"));
  if (!j.contains("model_id") || !j["model_id"].is_string()) {
    return Error(Code::kParse, "receipt.model_id: missing or not a string");
  }
  r.model_id = j["model_id"].get<std::string>();
  if (!j.contains("mode") || !j["mode"].is_string())
    return Error(Code::kParse, "receipt.mode: missing");
  VINET_ASSIGN_OR_RETURN(r.mode, ParseMode(j["mode"].get<std::string>()));
  VINET_ASSIGN_OR_RETURN(r.input_hash, HexField(j, "input_hash"));
  VINET_ASSIGN_OR_RETURN(r.output_hash, HexField(j, "output_hash"));
  if (!j.contains("outputs")) return Error(Code::kParse, "receipt.outputs: missing");
  auto outputs = TensorsFromJson(j["outputs"]);
  if (!outputs.ok()) return outputs.status().WithContext("receipt.outputs");
  r.outputs = std::move(*outputs);
  VINET_ASSIGN_OR_RETURN(r.node_id, HexField(j, "node_id"));
  VINET_ASSIGN_OR_RETURN(r.enclave_key, OptionalHex(j, "enclave_key"));
  VINET_ASSIGN_OR_RETURN(r.enclave_signature, OptionalHex(j, "enclave_signature"));
  VINET_ASSIGN_OR_RETURN(r.node_signature, OptionalHex(j, "node_signature"));
  Status valid = ValidateReceipt(r);
  if (!valid.ok()) return Error(Code::kParse, valid.message());
  return r;
}

}  // namespace vinet::protocol
