#include "vinet/node/chat_json.h"

namespace vinet::node {
using json = nlohmann::json;

namespace {

json ChunkBase(const ChatMeta& meta) {
  return json{{"id", "chatcmpl-" + meta.inference_id},
              {"object", "chat.completion.chunk"},
              {"created", meta.created},
              {"model", meta.model_id}};
}

json Choice(json delta, json finish_reason) {
  return json::array(
      {json{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", finish_reason}}});
}

}  // namespace

json UsageJson(const protocol::ChatReceipt& r) {
  return json{{"prompt_tokens", r.prompt_tokens},
              {"completion_tokens", r.completion_tokens},
              {"total_tokens", uint64_t{r.prompt_tokens} + r.completion_tokens}};
}

json ChunksJson(const std::vector<protocol::ChatChunk>& chunks) {
  json out = json::array();
  for (const auto& c : chunks) out.push_back(json::parse(protocol::ChatChunkToJson(c)));
  return out;
}

json CompletionJson(const ChatMeta& meta, const std::string& text,
                    const protocol::ChatReceipt& receipt,
                    const std::vector<protocol::ChatChunk>& chunks, uint64_t fee) {
  return json{{"id", "chatcmpl-" + meta.inference_id},
              {"object", "chat.completion"},
              {"created", meta.created},
              {"model", meta.model_id},
              {"choices", json::array({json{{"index", 0},
                                            {"message", {{"role", "assistant"}, {"content", text}}},
                                            {"finish_reason", receipt.finish_reason}}})},
              {"usage", UsageJson(receipt)},
              {"vinet",
               {{"inference_id", meta.inference_id},
                {"mode", meta.mode},
                {"signer", meta.signer},
                {"receipt", json::parse(protocol::ChatReceiptToJson(receipt))},
                {"chunks", ChunksJson(chunks)},
                {"fee", fee}}}};
}

json RoleEvent(const ChatMeta& meta) {
  json e = ChunkBase(meta);
  e["choices"] = Choice({{"role", "assistant"}, {"content", ""}}, nullptr);
  e["vinet"] = {{"inference_id", meta.inference_id}, {"signer", meta.signer}, {"mode", meta.mode}};
  return e;
}

json ChunkEvent(const ChatMeta& meta, const protocol::ChatChunk& chunk) {
  json e = ChunkBase(meta);
  e["choices"] = Choice({{"content", chunk.text}}, nullptr);
  e["vinet"] = json::parse(protocol::ChatChunkToJson(chunk));
  return e;
}

json FinalEvent(const ChatMeta& meta, const protocol::ChatReceipt& receipt, uint64_t fee) {
  json e = ChunkBase(meta);
  e["choices"] = Choice(json::object(), receipt.finish_reason);
  e["vinet"] = {{"inference_id", meta.inference_id},
                {"receipt", json::parse(protocol::ChatReceiptToJson(receipt))},
                {"fee", fee}};
  return e;
}

json UsageEvent(const ChatMeta& meta, const protocol::ChatReceipt& receipt) {
  json e = ChunkBase(meta);
  e["choices"] = json::array();
  e["usage"] = UsageJson(receipt);
  return e;
}

std::string SseData(const json& event) {
  // dump() escapes control characters, so the event is one line.
  return "data: " + event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
}

std::string SseDone() {
  return "data: [DONE]\n\n";
}

}  // namespace vinet::node
