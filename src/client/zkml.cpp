#include "vinet/client/zkml.h"

#include <httplib.h>

#include <cstring>
#include <thread>

#include "vinet/chain/rpc_client.h"
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

Result<Bytes> FetchProof(const std::string& node_url, const std::string& inference_id,
                         int64_t timeout_ms) {
  int64_t deadline = NowMs() + timeout_ms;
  httplib::Client http(node_url);
  http.set_read_timeout(10);
  while (true) {
    auto res = http.Get("/v1/inferences/" + inference_id + "/proof");
    if (!res) return Error(Code::kUnavailable, "node " + node_url + ": no answer");
    json j = json::parse(res->body, nullptr, false);
    if (res->status != 200 || !j.is_object()) {
      return Error(Code::kNotFound, "node has no proof job for " + inference_id);
    }
    if (j.contains("proof") && j["proof"].is_string())
      return FromHex(j["proof"].get<std::string>());
    std::string status = j.value("status", "");
    if (status == "FAILED" || status == "SKIPPED") {
      return Error(Code::kVerification, "node will not prove " + inference_id + " (" + status +
                                            " " + j.value("error", "") + ")");
    }
    if (NowMs() >= deadline) return Error(Code::kTimeout, "no proof for " + inference_id + " yet");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Status VerifyZkml(const zkml::VerifyingKey& vk, const InferResult& result, ByteSpan proof) {
  if (result.outputs.size() != 1 || result.outputs[0].dtype != "i8") {
    return Error(Code::kVerification, "zkml: the result has no single int8 output");
  }
  VINET_ASSIGN_OR_RETURN(runtime::Tensor x, zkml::RequestInput(vk.spec, result.inputs));
  VINET_ASSIGN_OR_RETURN(runtime::Int8Tensor q, zkml::QuantizeInput(vk.spec, x));
  const auto& out = result.outputs[0];
  runtime::Int8Tensor y{out.shape, std::vector<int8_t>(out.data.size())};
  if (!out.data.empty()) std::memcpy(y.data.data(), out.data.data(), out.data.size());
  return zkml::Verify(vk, q, y, proof);
}

}  // namespace vinet::client
