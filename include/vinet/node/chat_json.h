// The OpenAI-shaped JSON of the node's chat answers (docs/network.md, "LLM
// chat"): the non-streamed `chat.completion`, the server-sent events of a
// stream (`chat.completion.chunk` with a "vinet" object: the first event names
// the inference and signer, one event per signed chunk, a final event with the
// finish reason and the receipt, OpenAI's optional usage event, `[DONE]`),
// and the `GET /v1/inferences/<id>` view of a stored chat answer. Pure
// functions of their inputs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/chat_stream.h"

namespace vinet::node {

struct ChatMeta {
  std::string inference_id;  // hex
  std::string model_id;
  int64_t created = 0;  // Unix seconds
  std::string mode;     // "VANILLA" | "TEE"
  std::string signer;   // hex key that signed the chunks
};

nlohmann::json CompletionJson(const ChatMeta& meta, const std::string& text,
                              const protocol::ChatReceipt& receipt,
                              const std::vector<protocol::ChatChunk>& chunks, uint64_t fee);

nlohmann::json RoleEvent(const ChatMeta& meta);
nlohmann::json ChunkEvent(const ChatMeta& meta, const protocol::ChatChunk& chunk);
nlohmann::json FinalEvent(const ChatMeta& meta, const protocol::ChatReceipt& receipt, uint64_t fee);
nlohmann::json UsageEvent(const ChatMeta& meta, const protocol::ChatReceipt& receipt);

// "data: <json>\n\n"; `SseDone()` is "data: [DONE]\n\n".
std::string SseData(const nlohmann::json& event);
std::string SseDone();

nlohmann::json UsageJson(const protocol::ChatReceipt& receipt);
nlohmann::json ChunksJson(const std::vector<protocol::ChatChunk>& chunks);

}  // namespace vinet::node
