#include "vinet/client/zkml.h"

#include <httplib.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "vinet/chain/rpc_client.h"
#include "vinet/protocol/tensor_map_json.h"
#include "vinet/zkml/request_input.h"

namespace vinet::client {
using json = nlohmann::json;

Result<zkml::VerifyingKey> FetchZkmlKey(const std::string& chain_rpc, const std::string& model_id) {
  chain::RpcClient rpc(chain_rpc, 10);
  VINET_ASSIGN_OR_RETURN(json answer, rpc.AbciQuery("/zkml_key/" + model_id));
  if (answer.value("code", 0) != 0) {
    return Error(Code::kNotFound, "chain has no zkml key for " + model_id + ": " +
                                      answer.value("log", std::string()));
  }
  json j = json::parse(answer.value("value", std::string()), nullptr, false);
  if (!j.is_object() || !j.contains("verifying_key") || !j["verifying_key"].is_string()) {
    return Error(Code::kParse, "/zkml_key answer: no verifying_key");
  }
  VINET_ASSIGN_OR_RETURN(Bytes vk, FromHex(j["verifying_key"].get<std::string>()));
  return zkml::VerifyingKey::Parse(vk);
}

namespace {

Result<json> GetJson(httplib::Client& http, const std::string& path) {
  auto res = http.Get(path);
  if (!res) return Error(Code::kUnavailable, "node: no answer for " + path);
  json j = json::parse(res->body, nullptr, false);
  if (res->status != 200 || !j.is_object()) {
    return Error(Code::kNotFound, "node: " + path + " answered " + std::to_string(res->status));
  }
  return j;
}

// One instance of a proof: the f32 input quantized with the key's scale and
// the int8 output.
struct Instance {
  runtime::Int8Tensor x, y;
};

Result<Instance> InstanceOf(const zkml::VerifyingKey& vk,
                            const std::vector<protocol::NamedTensor>& inputs,
                            const std::vector<protocol::NamedTensor>& outputs) {
  if (outputs.size() != 1 || outputs[0].dtype != "i8") {
    return Error(Code::kVerification, "zkml: the result has no single int8 output");
  }
  VINET_ASSIGN_OR_RETURN(runtime::Tensor x, zkml::RequestInput(vk.spec, inputs));
  VINET_ASSIGN_OR_RETURN(runtime::Int8Tensor q, zkml::QuantizeInput(vk.spec, x));
  const auto& out = outputs[0];
  runtime::Int8Tensor y{out.shape, std::vector<int8_t>(out.data.size())};
  if (!out.data.empty()) std::memcpy(y.data.data(), out.data.data(), out.data.size());
  return Instance{std::move(q), std::move(y)};
}

// An inference as the node stored it: its proof job's inputs, its answer's
// outputs and model id.
Result<StoredInference> Stored(httplib::Client& http, const std::string& id) {
  VINET_ASSIGN_OR_RETURN(json job, GetJson(http, "/v1/inferences/" + id + "/proof"));
  VINET_ASSIGN_OR_RETURN(json answer, GetJson(http, "/v1/inferences/" + id));
  if (!job.contains("inputs") || !job["inputs"].is_string() || !answer.contains("outputs") ||
      !answer["model_id"].is_string()) {
    return Error(Code::kVerification,
                 "zkml: inference " + id + ": the node has no inputs or outputs");
  }
  StoredInference out;
  out.model_id = answer["model_id"].get<std::string>();
  out.result.inference_id = id;
  VINET_ASSIGN_OR_RETURN(Bytes encoded, FromHex(job["inputs"].get<std::string>()));
  VINET_ASSIGN_OR_RETURN(out.result.inputs, protocol::DecodeTensors(encoded));
  VINET_ASSIGN_OR_RETURN(out.result.outputs, protocol::TensorMapFromJson(answer["outputs"]));
  return out;
}

}  // namespace

Result<StoredInference> FetchStoredInference(const std::string& node_url,
                                             const std::string& inference_id) {
  httplib::Client http(node_url);
  http.set_read_timeout(10);
  return Stored(http, inference_id);
}

Result<NodeProof> FetchProof(const std::string& node_url, const std::string& inference_id,
                             int64_t timeout_ms) {
  int64_t deadline = NowMs() + timeout_ms;
  httplib::Client http(node_url);
  http.set_read_timeout(10);
  while (true) {
    auto got = GetJson(http, "/v1/inferences/" + inference_id + "/proof");
    if (!got.ok() && got.status().code() == Code::kUnavailable) return got.status();
    if (!got.ok()) return Error(Code::kNotFound, "node has no proof job for " + inference_id);
    const json& j = *got;
    if (j.contains("proof") && j["proof"].is_string()) {
      NodeProof out;
      VINET_ASSIGN_OR_RETURN(out.proof, FromHex(j["proof"].get<std::string>()));
      if (j.contains("batch") && j["batch"].is_array() && j["batch"].size() > 1) {
        for (const auto& id : j["batch"]) {
          if (!id.is_string()) return Error(Code::kParse, "proof job: batch ids are not strings");
          out.batch.push_back(id.get<std::string>());
        }
      }
      return out;
    }
    std::string status = j.value("status", "");
    if (status == "FAILED" || status == "SKIPPED") {
      return Error(Code::kVerification, "node will not prove " + inference_id + " (" + status +
                                            " " + j.value("error", "") + ")");
    }
    if (NowMs() >= deadline) return Error(Code::kTimeout, "no proof for " + inference_id + " yet");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Status VerifyZkml(const zkml::VerifyingKey& vk, const InferResult& result, const NodeProof& proof,
                  const std::string& node_url) {
  VINET_ASSIGN_OR_RETURN(Instance own, InstanceOf(vk, result.inputs, result.outputs));
  if (proof.batch.empty()) return zkml::Verify(vk, own.x, own.y, proof.proof);
  if (std::count(proof.batch.begin(), proof.batch.end(), result.inference_id) != 1) {
    return Error(Code::kVerification,
                 "zkml: the node's batch does not hold inference " + result.inference_id + " once");
  }
  httplib::Client http(node_url);
  http.set_read_timeout(10);
  std::vector<runtime::Int8Tensor> xs, ys;
  for (const std::string& id : proof.batch) {
    if (id == result.inference_id) {
      xs.push_back(own.x);
      ys.push_back(own.y);
      continue;
    }
    VINET_ASSIGN_OR_RETURN(StoredInference other, Stored(http, id));
    VINET_ASSIGN_OR_RETURN(Instance m, InstanceOf(vk, other.result.inputs, other.result.outputs));
    xs.push_back(std::move(m.x));
    ys.push_back(std::move(m.y));
  }
  return zkml::VerifyBatch(vk, xs, ys, proof.proof);
}

}  // namespace vinet::client
