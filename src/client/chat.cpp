// Client::Chat: sign, post, verify as the answer streams in (client/chat.h).
#include "vinet/client/chat.h"

#include <httplib.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>

#include "vinet/chain/rpc_client.h"
#include "vinet/client/chat_reader.h"
#include "vinet/client/client.h"
#include "vinet/common/json_limits.h"

namespace vinet::client {
namespace {

using json = nlohmann::json;

// Prompt tokens are at most the content bytes plus the template's tokens.
constexpr uint64_t kTemplateTokens = 32;
constexpr uint64_t kTemplateTokensPerMessage = 8;

// A non-200 answer: {"error": {"code", "message", ...}} when the node wrote one.
Status ErrorFromBody(int status, const std::string& body) {
  auto j = ParseUntrustedJson(body, {kMaxChatEventBytes, 64}, "error answer");
  if (j.ok() && j->is_object() && j->contains("error") && (*j)["error"].is_object()) {
    const json& e = (*j)["error"];
    std::string code =
        e.contains("code") && e["code"].is_string() ? e["code"].get<std::string>() : "";
    std::string message =
        e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>() : "";
    for (int c = 1; c <= static_cast<int>(Code::kInternal); ++c) {
      if (CodeName(static_cast<Code>(c)) == code) return Error(static_cast<Code>(c), message);
    }
    return Error(Code::kInternal, message.empty() ? "node error" : message);
  }
  return Error(Code::kInternal, "node answered HTTP " + std::to_string(status));
}

}  // namespace

std::string ChatBody(const protocol::ChatRequest& q, bool stream) {
  json messages = json::array();
  for (const auto& m : q.messages) messages.push_back({{"role", m.role}, {"content", m.content}});
  json body = {{"model", q.model_id},
               {"messages", messages},
               {"max_tokens", q.max_tokens},
               {"temperature", q.temperature},
               {"top_p", q.top_p}};
  if (q.top_k != 0) body["top_k"] = q.top_k;
  if (q.seed) body["seed"] = *q.seed;
  if (!q.stop.empty()) body["stop"] = q.stop;
  if (stream) {
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
  }
  return body.dump();
}

Result<uint64_t> WorstCaseChatFee(const protocol::ChatRequest& q, const ChatPrices& p) {
  uint64_t prompt = kTemplateTokens;
  for (const auto& m : q.messages) prompt += m.content.size() + kTemplateTokensPerMessage;
  if (prompt > UINT32_MAX) return Error(Code::kOutOfRange, "messages: too long to price");
  return protocol::ChatFee(p.fee_per_inference, p.price_in, p.price_out,
                           static_cast<uint32_t>(prompt), q.max_tokens);
}

Result<ChatPrices> Client::ChatPricesOf(const std::string& model_id) {
  if (auto it = prices_.find(model_id); it != prices_.end()) return it->second;
  chain::RpcClient rpc(options_.chain_rpc, 5);
  VINET_ASSIGN_OR_RETURN(json answer, rpc.AbciQuery("/model/" + model_id));
  if (!answer.is_object() || (answer.contains("code") && answer["code"] != 0)) {
    return Error(Code::kNotFound, "model " + model_id + " is not registered on chain");
  }
  const json* value = answer.contains("value") ? &answer["value"] : nullptr;
  if (!value || !value->is_string()) return Error(Code::kParse, "chain /model: no value");
  VINET_ASSIGN_OR_RETURN(json m, ParseUntrustedJson(value->get<std::string>(),
                                                    {kMaxChatEventBytes, 64}, "chain /model"));
  auto price = [&](const char* k) -> Result<uint64_t> {
    if (!m.is_object() || !m.contains(k)) return uint64_t{0};
    if (!m[k].is_number_unsigned()) return Error(Code::kParse, std::string("chain /model.") + k);
    return m[k].get<uint64_t>();
  };
  ChatPrices p;
  VINET_ASSIGN_OR_RETURN(p.fee_per_inference, price("fee_per_inference"));
  VINET_ASSIGN_OR_RETURN(p.price_in, price("price_per_input_token"));
  VINET_ASSIGN_OR_RETURN(p.price_out, price("price_per_output_token"));
  prices_[model_id] = p;
  return p;
}

Result<ChatResult> Client::Chat(const ChatCall& call, const ChatChunkCallback& on_chunk) {
  VINET_RETURN_IF_ERROR(EnsureNodeInfo());
  std::string body = ChatBody(call.request, call.stream);
  // The node's own reading of the body is what gets signed.
  VINET_ASSIGN_OR_RETURN(protocol::ChatCompletionParams parsed,
                         protocol::ParseChatCompletion(body));
  if (call.mode != protocol::Mode::kVanilla && call.mode != protocol::Mode::kTee) {
    return Error(Code::kInvalidArgument, "mode: chat is VANILLA or TEE");
  }
  VINET_ASSIGN_OR_RETURN(ChatPrices prices, ChatPricesOf(parsed.request.model_id));
  ChatResult r;
  r.chat = parsed.request;
  if (call.max_fee) {
    r.max_fee = *call.max_fee;
  } else {
    VINET_ASSIGN_OR_RETURN(r.max_fee, WorstCaseChatFee(parsed.request, prices));
  }
  protocol::InferenceRequest q;
  q.chain_id = options_.chain_id;
  q.node_pubkey = *options_.node_pubkey;
  q.kind = protocol::PayloadKind::kChat;
  q.model_id = parsed.request.model_id;
  q.mode = call.mode;
  crypto::Digest256 h = protocol::ChatRequestHash(parsed.request);
  q.input_hash.assign(h.begin(), h.end());
  q.max_fee = r.max_fee;
  randombytes_buf(&q.nonce, sizeof(q.nonce));
  q.timestamp_ms = NowMs();
  q.expires_ms = q.timestamp_ms + std::max<int64_t>(1, options_.request_ttl_ms);
  r.request = protocol::SignRequest(q, key_);
  crypto::Digest256 id = protocol::InferenceId(r.request);
  r.inference_id = ToHex(id);
  last_inference_id_ = r.inference_id;
  auto named = [&](const Status& s) { return s.WithContext("inference " + r.inference_id); };

  ChatExpectation expect{r.inference_id, r.request.request, r.chat.seed, *options_.node_pubkey};
  ChatAnswerReader reader(
      std::move(expect), [this](ByteSpan key) { return EnsureEnclaveKey(key); }, on_chunk, NowMs);
  httplib::Client http(options_.node_url);
  http.set_connection_timeout(5);
  http.set_read_timeout(std::chrono::milliseconds(options_.read_timeout_ms));
  http.set_tcp_nodelay(true);
  httplib::Request req;
  req.method = "POST";
  req.path = "/v1/chat/completions";
  req.body = body;
  req.headers = {
      {"Content-Type", "application/json"},
      {"X-Vinet-Request", chain::Base64Encode(protocol::EncodeSignedRequest(r.request))}};
  int status = 0;
  std::string error_body;
  Status failed = Status::Ok();
  req.response_handler = [&](const httplib::Response& res) {
    status = res.status;
    if (status == 200 && res.has_header("X-Vinet-Signer")) {
      failed = reader.SetSigner(res.get_header_value("X-Vinet-Signer"));
    }
    return failed.ok();
  };
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    if (status != 200 || !call.stream) {
      error_body.append(data, n);
      return error_body.size() <= kMaxChatAnswerBytes;
    }
    failed = reader.Feed(std::string_view(data, n));
    return failed.ok();
  };
  r.sent_ms = NowMs();
  httplib::Result res = http.send(req);
  if (!failed.ok()) return named(failed);
  if (!res) {
    return named(Error(Code::kUnavailable,
                       "node " + options_.node_url + " chat: " + httplib::to_string(res.error())));
  }
  if (status != 200) return named(ErrorFromBody(status, error_body));
  if (call.stream) {
    VINET_RETURN_IF_ERROR(named(reader.EndOfStream()));
  } else {
    VINET_RETURN_IF_ERROR(named(reader.Whole(error_body)));
  }
  r.received_ms = NowMs();
  auto answer = reader.Finish();
  if (!answer.ok()) return named(answer.status());
  r.receipt = std::move(answer->receipt);
  r.text = std::move(answer->text);
  r.tokens = std::move(answer->tokens);
  r.chunks = answer->chunks;
  r.first_token_ms = answer->first_chunk_ms != 0 ? answer->first_chunk_ms : r.received_ms;
  auto fee = protocol::ChatFee(prices.fee_per_inference, prices.price_in, prices.price_out,
                               r.receipt.prompt_tokens, r.receipt.completion_tokens);
  if (!fee.ok()) return named(fee.status());
  r.fee = *fee;
  if (reader.fee() && *reader.fee() != r.fee) {
    return named(
        Error(Code::kVerification, "chat: the node announces fee " + std::to_string(*reader.fee()) +
                                       ", the chain's prices give " + std::to_string(r.fee)));
  }
  return r;
}

Result<Settlement> Client::WaitChatSettled(const ChatResult& r, int64_t timeout_ms) {
  VINET_ASSIGN_OR_RETURN(Settlement s, WaitSettled(r.inference_id, r.received_ms, timeout_ms));
  if (s.status != "SETTLED") return s;
  VINET_ASSIGN_OR_RETURN(auto claim, ChainClaim(r.inference_id));
  uint64_t fee = 0;
  if (claim && claim->is_object() && claim->contains("fee") &&
      (*claim)["fee"].is_number_unsigned()) {
    fee = (*claim)["fee"].get<uint64_t>();
  }
  if (!claim || fee != r.fee) {
    return Error(Code::kVerification, "settlement: the chain charged " + std::to_string(fee) +
                                          ", the receipt prices " + std::to_string(r.fee));
  }
  s.fee = fee;
  return s;
}

}  // namespace vinet::client
