// EnclaveServer::HandleChat: one "chat" request streamed as chunk frames and
// a receipt, with "stop" read between tokens.
#include <nlohmann/json.hpp>

#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/chat_stream.h"
#include "vinet/tee/enclave_server.h"

namespace vinet::tee {
namespace {

using nlohmann::json;

std::string ErrorFrame(const Status& s) {
  return json{{"ok", false}, {"code", std::string(CodeName(s.code()))}, {"error", s.message()}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

// The chunk count of a {"method":"stop","chunks":n} frame, or why it is not one.
Result<uint32_t> StopChunks(const std::string& frame) {
  json j = json::parse(frame, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("method") || j["method"] != "stop") {
    return Error(Code::kInvalidArgument,
                 "chat: only {\"method\":\"stop\"} is accepted while a chat streams");
  }
  if (!j.contains("chunks") || !j["chunks"].is_number_unsigned() ||
      j["chunks"].get<uint64_t>() > UINT32_MAX) {
    return Error(Code::kInvalidArgument, "stop: chunks must be an integer in [0, 2^32)");
  }
  return j["chunks"].get<uint32_t>();
}

}  // namespace

void EnclaveServer::HandleChat(std::string_view request_json,
                               const std::function<bool(const std::string&)>& write,
                               const std::function<std::optional<std::string>()>& poll) {
  Result<ChatAnswerInput> input = Error(Code::kInternal, "unset");
  try {
    input = ChatRequestFromJson(request_json);
  } catch (const std::exception& e) {  // a JSON type mismatch in the request
    input = Error(Code::kInvalidArgument, std::string("chat: ") + e.what());
  }
  if (!input.ok()) {
    write(ErrorFrame(input.status()));
    return;
  }
  uint32_t written = 0;
  std::optional<uint32_t> stop;
  Status refused;  // a frame other than "stop" during the stream
  bool gone = false;
  auto on_chunk = [&](const protocol::ChatChunk& chunk) {
    if (!write("{\"ok\":true,\"chunk\":" + protocol::ChatChunkToJson(chunk) + "}")) {
      gone = true;
      return false;
    }
    ++written;
    return true;
  };
  auto stop_after = [&]() -> std::optional<uint32_t> {
    if (stop) return stop;
    std::optional<std::string> frame = poll ? poll() : std::nullopt;
    if (!frame) return std::nullopt;
    if (frame->empty()) {
      gone = true;
      stop = written;
      return stop;
    }
    auto n = StopChunks(*frame);
    if (n.ok()) {
      stop = *n;
    } else {
      refused = n.status();
      stop = written;
    }
    return stop;
  };
  Result<ChatAnswer> answer = Error(Code::kInternal, "unset");
  try {  // a runner's text that JSON cannot carry must not take the enclave down
    answer = enclave_.Chat(*input, on_chunk, stop_after);
  } catch (const std::exception& e) {
    answer = Error(Code::kInternal, std::string("chat: ") + e.what());
  }
  if (gone) return;
  if (!answer.ok()) {
    write(ErrorFrame(answer.status()));
    return;
  }
  if (!refused.ok()) {
    write(ErrorFrame(refused));
    return;
  }
  write("{\"ok\":true,\"receipt\":" + protocol::ChatReceiptToJson(answer->receipt) + "}");
}

}  // namespace vinet::tee
