// Client::Chat: sign, post, verify as the answer streams in (client/chat.h).
#include "vinet/client/chat.h"

#include <httplib.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>

#include "vinet/chain/rpc_client.h"
#include "vinet/client/client.h"

namespace vinet::client {
namespace {

using json = nlohmann::json;

// Prompt tokens are at most the content bytes plus the template's tokens.
constexpr uint64_t kTemplateTokens = 32;
constexpr uint64_t kTemplateTokensPerMessage = 8;
constexpr size_t kMaxAnswerBytes = 64 << 20;

Code CodeNamed(const std::string& name) {
  for (int c = 1; c <= static_cast<int>(Code::kInternal); ++c) {
    if (CodeName(static_cast<Code>(c)) == name) return static_cast<Code>(c);
  }
  return Code::kInternal;
}

Status ErrorFromBody(int status, const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_discarded() && j.contains("error") && j["error"].is_object()) {
    const json& e = j["error"];
    std::string code = e.value("code", json()).is_string() ? e["code"].get<std::string>() : "";
    return Error(CodeNamed(code), e.value("message", "node error"));
  }
  return Error(Code::kInternal, "node answered HTTP " + std::to_string(status));
}

Status Fail(const std::string& message) {
  return Error(Code::kVerification, message);
}

// Verifies one answer (SSE events or the non-streamed JSON) as it arrives.
class AnswerReader {
 public:
  AnswerReader(const ChatResult& r, const crypto::PublicKey& node,
               std::function<Status(ByteSpan)> attest, const ChatChunkCallback& on_chunk)
      : r_(r), node_(node), attest_(std::move(attest)), on_chunk_(on_chunk) {}

  Status SetSigner(const std::string& hex) {
    auto key = FromHex(hex);
    if (!key.ok() || key->size() != 32) return Fail("answer: signer is not a 32-byte hex key");
    crypto::PublicKey k{};
    std::copy(key->begin(), key->end(), k.begin());
    if (verifier_) {
      return k == signer_ ? Status::Ok() : Fail("answer: the signer changed mid-answer");
    }
    if (r_.request.request.mode == protocol::Mode::kVanilla) {
      if (k != node_) return Fail("answer: VANILLA chunks not signed by the node's key");
    } else {
      VINET_RETURN_IF_ERROR(attest_(*key));
    }
    signer_ = k;
    auto id = FromHex(r_.inference_id);
    if (!id.ok()) return id.status();
    verifier_.emplace(*id, signer_);
    return Status::Ok();
  }

  // One server-sent event line (without its newline).
  Status Line(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      if (data_.empty()) return Status::Ok();
      std::string data = std::move(data_);
      data_.clear();
      return Event(data);
    }
    if (line.rfind("data:", 0) == 0) {
      std::string_view v = line.substr(5);
      if (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      if (!data_.empty()) data_ += "\n";
      data_ += v;
    }
    return Status::Ok();
  }

  Status Feed(const char* data, size_t n) {
    buffer_.append(data, n);
    if (buffer_.size() > kMaxAnswerBytes) return Error(Code::kOutOfRange, "answer: too large");
    size_t start = 0;
    for (size_t nl; (nl = buffer_.find('\n', start)) != std::string::npos; start = nl + 1) {
      VINET_RETURN_IF_ERROR(Line(std::string_view(buffer_).substr(start, nl - start)));
    }
    buffer_.erase(0, start);
    return Status::Ok();
  }

  Status EndOfStream() {
    if (!buffer_.empty()) VINET_RETURN_IF_ERROR(Line(buffer_));
    buffer_.clear();
    return Line("");
  }

  // The non-streamed chat.completion object.
  Status Whole(const json& body) {
    if (!body.is_object()) return Error(Code::kParse, "chat: answer is not a JSON object");
    const json vn = body.value("vinet", json::object());
    VINET_RETURN_IF_ERROR(Envelope(vn));
    if (!vn.contains("chunks") || !vn["chunks"].is_array()) {
      return Fail("chat: answer carries no signed chunks (vinet.chunks)");
    }
    for (const json& c : vn["chunks"]) VINET_RETURN_IF_ERROR(Accept(c));
    const json& choices = body.value("choices", json::array());
    if (!choices.empty() && choices[0].contains("message") &&
        choices[0]["message"].value("content", json()).is_string()) {
      shown_ = choices[0]["message"]["content"].get<std::string>();
    }
    if (!vn.contains("receipt")) return Fail("chat: answer carries no receipt");
    receipt_ = vn["receipt"];
    return Status::Ok();
  }

  // Receipt checks once the answer is complete; fills `r`.
  Status Finish(ChatResult& r) {
    if (receipt_.is_null()) {
      return Fail("stream: ended after " + std::to_string(verifier_ ? verifier_->chunks() : 0) +
                  " chunks without a receipt (truncated)");
    }
    VINET_ASSIGN_OR_RETURN(r.receipt, protocol::ChatReceiptFromJson(receipt_.dump()));
    const protocol::ChatReceipt& rc = r.receipt;
    if (!verifier_) {
      std::string signer =
          rc.mode == protocol::Mode::kTee && rc.enclave_key ? ToHex(*rc.enclave_key) : ToHex(node_);
      VINET_RETURN_IF_ERROR(SetSigner(signer));
    }
    const auto& q = r.request.request;
    if (ToHex(rc.inference_id) != r.inference_id) return Fail("receipt.inference_id: not ours");
    if (rc.model_id != q.model_id) return Fail("receipt.model_id: not the model asked");
    if (rc.mode != q.mode) return Fail("receipt.mode: not the mode asked");
    if (rc.request_hash != q.input_hash) return Fail("receipt.request_hash: not our request");
    if (!std::equal(node_.begin(), node_.end(), rc.node_id.begin(), rc.node_id.end())) {
      return Fail("receipt.node_id: not the node asked");
    }
    if (r.chat.seed && rc.seed != *r.chat.seed) return Fail("receipt.seed: not the seed asked");
    if (rc.mode == protocol::Mode::kTee) {
      if (!rc.enclave_key || !std::equal(signer_.begin(), signer_.end(), rc.enclave_key->begin(),
                                         rc.enclave_key->end())) {
        return Fail("receipt.enclave_key: not the attested key that signed the chunks");
      }
      VINET_RETURN_IF_ERROR(protocol::VerifyChatEnclaveSignature(rc));
    } else if (rc.enclave_key || rc.enclave_signature) {
      return Fail("receipt.enclave_key: set on a VANILLA receipt");
    }
    VINET_RETURN_IF_ERROR(protocol::VerifyChatNodeSignature(rc));
    VINET_RETURN_IF_ERROR(verifier_->Finish(rc));
    if (shown_ != verifier_->text()) return Fail("chat: the text shown is not the signed text");
    r.text = verifier_->text();
    r.tokens = verifier_->tokens();
    r.chunks = verifier_->chunks();
    r.first_token_ms = first_token_ms_;
    return Status::Ok();
  }

  std::optional<uint64_t> fee() const { return fee_; }

 private:
  Status Event(const std::string& data) {
    if (data == "[DONE]") return Status::Ok();
    json j = json::parse(data, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return Fail("stream: an event is not a JSON object");
    if (j.contains("error") && j["error"].is_object()) return ErrorFromBody(200, data);
    std::string content;
    for (const json& c : j.value("choices", json::array())) {
      const json d = c.value("delta", json::object());
      if (d.value("content", json()).is_string()) content += d["content"].get<std::string>();
    }
    const json vn = j.value("vinet", json::object());
    VINET_RETURN_IF_ERROR(Envelope(vn));
    if (vn.contains("index")) {
      if (!receipt_.is_null()) return Fail("stream: a chunk after the receipt");
      VINET_RETURN_IF_ERROR(Accept(vn));
      if (content != vn.value("text", "")) {
        return Fail("stream: chunk " + std::to_string(verifier_->chunks() - 1) +
                    " shows other text than it signs");
      }
      shown_ += content;
    } else if (!content.empty()) {
      return Fail("stream: text without a signed chunk");
    }
    if (vn.contains("receipt") && !vn["receipt"].is_null()) {
      if (!receipt_.is_null()) return Fail("stream: a second receipt");
      receipt_ = vn["receipt"];
    }
    return Status::Ok();
  }

  Status Envelope(const json& vn) {
    if (!vn.is_object()) return Fail("answer: vinet is not an object");
    if (vn.contains("inference_id") && vn["inference_id"] != r_.inference_id) {
      return Fail("answer: for another inference");
    }
    if (vn.contains("signer") && vn["signer"].is_string()) {
      VINET_RETURN_IF_ERROR(SetSigner(vn["signer"].get<std::string>()));
    }
    if (vn.contains("fee") && vn["fee"].is_number_unsigned()) fee_ = vn["fee"].get<uint64_t>();
    return Status::Ok();
  }

  Status Accept(const json& vn) {
    if (!verifier_) return Fail("stream: a signed chunk before the answer named its signer");
    json c = vn;
    c.erase("receipt");
    c.erase("inference_id");
    c.erase("signer");
    c.erase("fee");
    VINET_ASSIGN_OR_RETURN(protocol::ChatChunk chunk, protocol::ChatChunkFromJson(c.dump()));
    Status s = verifier_->Accept(chunk);
    if (!s.ok())
      return Fail("stream: chunk " + std::to_string(chunk.index) + " rejected: " + s.ToString());
    if (first_token_ms_ == 0) first_token_ms_ = NowMs();
    if (on_chunk_ && !on_chunk_(chunk)) return Error(Code::kUnavailable, "stopped by the caller");
    return Status::Ok();
  }

  const ChatResult& r_;
  crypto::PublicKey node_;
  std::function<Status(ByteSpan)> attest_;
  const ChatChunkCallback& on_chunk_;
  crypto::PublicKey signer_{};
  std::optional<protocol::ChatStreamVerifier> verifier_;
  std::string buffer_, data_, shown_;
  json receipt_;
  std::optional<uint64_t> fee_;
  int64_t first_token_ms_ = 0;
};

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
  if (answer.value("code", 0) != 0) {
    return Error(Code::kNotFound, "model " + model_id + " is not registered on chain");
  }
  json m = json::parse(answer.value("value", ""), nullptr, false);
  if (m.is_discarded() || !m.is_object()) return Error(Code::kParse, "chain /model: not JSON");
  ChatPrices p{m.value("fee_per_inference", uint64_t{0}),
               m.value("price_per_input_token", uint64_t{0}),
               m.value("price_per_output_token", uint64_t{0})};
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

  AnswerReader reader(
      r, *options_.node_pubkey, [this](ByteSpan key) { return EnsureEnclaveKey(key); }, on_chunk);
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
      return error_body.size() <= kMaxAnswerBytes;
    }
    failed = reader.Feed(data, n);
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
    json whole = json::parse(error_body, nullptr, false);
    if (whole.is_discarded()) return named(Error(Code::kParse, "chat: answer is not JSON"));
    VINET_RETURN_IF_ERROR(named(reader.Whole(whole)));
  }
  r.received_ms = NowMs();
  VINET_RETURN_IF_ERROR(named(reader.Finish(r)));
  if (r.first_token_ms == 0) r.first_token_ms = r.received_ms;
  auto fee = protocol::ChatFee(prices.fee_per_inference, prices.price_in, prices.price_out,
                               r.receipt.prompt_tokens, r.receipt.completion_tokens);
  if (!fee.ok()) return named(fee.status());
  r.fee = *fee;
  if (reader.fee() && *reader.fee() != r.fee) {
    return named(Fail("chat: the node announces fee " + std::to_string(*reader.fee()) +
                      ", the chain's prices give " + std::to_string(r.fee)));
  }
  return r;
}

Result<Settlement> Client::WaitChatSettled(const ChatResult& r, int64_t timeout_ms) {
  VINET_ASSIGN_OR_RETURN(Settlement s, WaitSettled(r.inference_id, r.received_ms, timeout_ms));
  if (s.status != "SETTLED") return s;
  VINET_ASSIGN_OR_RETURN(auto claim, ChainClaim(r.inference_id));
  uint64_t fee = claim ? claim->value("fee", uint64_t{0}) : 0;
  if (!claim || fee != r.fee) {
    return Fail("settlement: the chain charged " + std::to_string(fee) + ", the receipt prices " +
                std::to_string(r.fee));
  }
  s.fee = fee;
  return s;
}

}  // namespace vinet::client
