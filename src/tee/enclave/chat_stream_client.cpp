// EnclaveChatStream: one chat answered by the enclave, on its own connection.
#include <nlohmann/json.hpp>

#include "refusal.h"
#include "vinet/tee/enclave_server.h"

namespace vinet::tee {
namespace {

using nlohmann::json;
using Item = std::variant<protocol::ChatChunk, protocol::ChatReceipt>;

// One frame of the stream: a chunk, the receipt, or the enclave's error.
Result<Item> ParseItem(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("ok") || !j["ok"].is_boolean())
    return Error(Code::kParse, "enclave chat frame: not a JSON object with \"ok\"");
  if (!j["ok"].get<bool>()) {
    std::string code = j.contains("code") && j["code"].is_string() ? j["code"].get<std::string>()
                                                                   : std::string("?");
    std::string error = j.contains("error") && j["error"].is_string()
                            ? j["error"].get<std::string>()
                            : std::string("?");
    return EnclaveRefusal(code, error);
  }
  if (j.contains("chunk")) {
    VINET_ASSIGN_OR_RETURN(protocol::ChatChunk c, protocol::ChatChunkFromJson(j["chunk"].dump()));
    return Item(std::move(c));
  }
  if (j.contains("receipt")) {
    VINET_ASSIGN_OR_RETURN(protocol::ChatReceipt r,
                           protocol::ChatReceiptFromJson(j["receipt"].dump()));
    return Item(std::move(r));
  }
  return Error(Code::kParse, "enclave chat frame: neither \"chunk\" nor \"receipt\"");
}

}  // namespace

Result<EnclaveChatStream> EnclaveChatStream::Open(const Endpoint& endpoint,
                                                  const ChatAnswerInput& input) {
  VINET_ASSIGN_OR_RETURN(EnclaveClient client, EnclaveClient::Connect(endpoint));
  VINET_RETURN_IF_ERROR(client.Send(ChatRequestFrame(input)));
  return EnclaveChatStream(std::make_unique<EnclaveClient>(std::move(client)));
}

int EnclaveChatStream::fd() const {
  return client_ ? client_->fd() : -1;
}

Result<Item> EnclaveChatStream::Next() {
  if (done_ || !client_) return Error(Code::kInvalidArgument, "chat stream: already over");
  auto frame = client_->Receive();
  if (!frame.ok()) {
    done_ = true;
    return frame.status().WithContext("enclave chat stream");
  }
  auto item = ParseItem(*frame);
  if (!item.ok() || std::holds_alternative<protocol::ChatReceipt>(*item)) done_ = true;
  return item;
}

Result<protocol::ChatReceipt> EnclaveChatStream::Stop(uint32_t chunks) {
  if (done_ || !client_) {
    return Error(Code::kInvalidArgument,
                 "chat stream: already over (its receipt was returned by Next)");
  }
  VINET_RETURN_IF_ERROR(client_->Send(json{{"method", "stop"}, {"chunks", chunks}}.dump()));
  while (true) {
    VINET_ASSIGN_OR_RETURN(Item item, Next());
    if (auto* r = std::get_if<protocol::ChatReceipt>(&item)) return std::move(*r);
  }
}

}  // namespace vinet::tee
