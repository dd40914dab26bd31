#include <unistd.h>

#include <nlohmann/json.hpp>

#include "refusal.h"
#include "vinet/protocol/tensor_json.h"
#include "vinet/tee/enclave_server.h"
#include "vinet/tee/infer_frame.h"

namespace vinet::tee {
namespace {

using nlohmann::json;

Result<json> Reply(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("ok")) {
    return Error(Code::kParse, "enclave reply is not a JSON object with \"ok\"");
  }
  if (!j["ok"].get<bool>()) {
    return EnclaveRefusal(j.value("code", std::string("?")), j.value("error", std::string("?")));
  }
  return j;
}

Result<Bytes> HexOf(const json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_string()) {
    return Error(Code::kParse, std::string("enclave reply: ") + name + " missing");
  }
  return FromHex(j[name].get<std::string>());
}

}  // namespace

Result<EnclaveClient> EnclaveClient::Connect(const Endpoint& endpoint,
                                             const ConnectOptions& options) {
  VINET_ASSIGN_OR_RETURN(int fd, ConnectTo(endpoint, options.connect_timeout));
  EnclaveClient client(fd);  // closes fd on every path below
  if (options.io_timeout.count() > 0) VINET_RETURN_IF_ERROR(SetIoTimeout(fd, options.io_timeout));
  return client;
}

EnclaveClient::EnclaveClient(EnclaveClient&& other) noexcept
    : fd_(other.fd_), json_infer_(other.json_infer_) {
  other.fd_ = -1;
}

EnclaveClient::~EnclaveClient() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::string> EnclaveClient::Call(std::string_view request_json) {
  VINET_RETURN_IF_ERROR(WriteFrame(fd_, request_json));
  return ReadFrame(fd_);
}

Status EnclaveClient::Send(std::string_view request_json) {
  return WriteFrame(fd_, request_json);
}

Result<std::string> EnclaveClient::Receive() {
  return ReadFrame(fd_);
}

Result<RemoteEnclaveInfo> EnclaveClient::Info() {
  VINET_ASSIGN_OR_RETURN(std::string text, Call(json{{"method", "info"}}.dump()));
  return ParseInfo(text);
}

Result<RemoteEnclaveInfo> EnclaveClient::Reload() {
  VINET_ASSIGN_OR_RETURN(std::string text, Call(json{{"method", "reload"}}.dump()));
  return ParseInfo(text);
}

Result<RemoteEnclaveInfo> EnclaveClient::ParseInfo(const std::string& text) {
  VINET_ASSIGN_OR_RETURN(json j, Reply(text));
  RemoteEnclaveInfo info;
  VINET_ASSIGN_OR_RETURN(info.enclave_key, HexOf(j, "enclave_key"));
  VINET_ASSIGN_OR_RETURN(info.pcr0, HexOf(j, "pcr0"));
  VINET_ASSIGN_OR_RETURN(info.pcr2, HexOf(j, "pcr2"));
  VINET_ASSIGN_OR_RETURN(info.config_hash, HexOf(j, "config_hash"));
  if (!j.contains("models") || !j["models"].is_array())
    return Error(Code::kParse, "enclave reply: models");
  for (const auto& m : j["models"]) {
    if (m.is_string()) info.models.push_back(m.get<std::string>());
  }
  if (j.contains("chat_models") && j["chat_models"].is_array()) {
    for (const auto& m : j["chat_models"]) {
      if (!m.is_object() || !m.contains("model_id") || !m["model_id"].is_string())
        return Error(Code::kParse, "enclave reply: chat_models: need objects with a model_id");
      ChatModelInfo c;
      c.model_id = m["model_id"].get<std::string>();
      if (m.contains("name") && m["name"].is_string()) c.name = m["name"].get<std::string>();
      if (m.contains("context") && m["context"].is_number_unsigned())
        c.context = static_cast<uint32_t>(m["context"].get<uint64_t>());
      info.chat_models.push_back(std::move(c));
    }
  }
  info.provider = j.value("provider", std::string());
  info.debug = j.value("debug", false);
  info.config = j.value("config", std::string());
  return info;
}

Result<Bytes> EnclaveClient::Attest(ByteSpan nonce) {
  VINET_ASSIGN_OR_RETURN(std::string text,
                         Call(json{{"method", "attest"}, {"nonce", ToHex(nonce)}}.dump()));
  VINET_ASSIGN_OR_RETURN(json j, Reply(text));
  return HexOf(j, "document");
}

Result<protocol::Receipt> EnclaveClient::Infer(const InferRequest& request) {
  if (json_infer_) return InferJson(request);
  VINET_ASSIGN_OR_RETURN(std::string reply, Call(EncodeInferFrame(request)));
  if (IsBinaryInferFrame(reply)) return DecodeInferReply(reply);
  Status refused = Reply(reply).status();
  if (refused.ok()) return Error(Code::kParse, "enclave reply: ok without a binary receipt");
  if (refused.message().find("request is not JSON") == std::string::npos) return refused;
  // An enclave from before the binary frame: this connection speaks JSON.
  json_infer_ = true;
  return InferJson(request);
}

Result<protocol::Receipt> EnclaveClient::InferJson(const InferRequest& request) {
  // Written straight into one string (the signed request's JSON as
  // SignedRequestToJson wrote it, not parsed into a DOM and dumped again).
  std::string inputs = protocol::TensorsToJson(request.inputs).dump();
  std::string signed_request =
      request.signed_request ? protocol::SignedRequestToJson(*request.signed_request) : "";
  std::string req;
  req.reserve(inputs.size() + signed_request.size() + request.model_id.size() +
              2 * (request.inference_id.size() + request.node_id.size()) + 128);
  req += "{\"method\":\"infer\",\"inference_id\":\"";
  req += ToHex(request.inference_id);
  req += "\",\"node_id\":\"";
  req += ToHex(request.node_id);
  req += "\",\"model_id\":";
  req += json(request.model_id).dump(-1, ' ', false, json::error_handler_t::replace);
  req += ",\"inputs\":";
  req += inputs;
  if (request.signed_request) {
    req += ",\"signed_request\":";
    req += signed_request;
  }
  req += '}';
  VINET_ASSIGN_OR_RETURN(std::string text, Call(req));
  // The enclave writes a success as {"ok":true,"receipt":<ReceiptToJson>}:
  // parse the receipt once, in place, instead of the reply as a DOM, then the
  // receipt's dump again. Any other shape (a refusal) or a receipt that does
  // not parse so takes the general path, which reports the precise error.
  constexpr std::string_view kOk = "{\"ok\":true,\"receipt\":";
  if (text.size() > kOk.size() && text.starts_with(kOk) && text.back() == '}') {
    auto r = protocol::ReceiptFromJson(
        std::string_view(text).substr(kOk.size(), text.size() - kOk.size() - 1));
    if (r.ok()) return r;
  }
  VINET_ASSIGN_OR_RETURN(json j, Reply(text));
  if (!j.contains("receipt")) return Error(Code::kParse, "enclave reply: receipt missing");
  return protocol::ReceiptFromJson(j["receipt"].dump());
}

Result<Bytes> EnclaveClient::AttestBatch(ByteSpan node_id,
                                         std::span<const crypto::Digest256> leaves) {
  json hex = json::array();
  for (const auto& leaf : leaves) hex.push_back(ToHex(leaf));
  json req{{"method", "attest_batch"}, {"node_id", ToHex(node_id)}, {"leaves", std::move(hex)}};
  VINET_ASSIGN_OR_RETURN(std::string text, Call(req.dump()));
  VINET_ASSIGN_OR_RETURN(json j, Reply(text));
  return HexOf(j, "signature");
}

}  // namespace vinet::tee
