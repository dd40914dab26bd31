// ChatAnswerReader: a node's chat answer, verified as it arrives (client/chat_reader.h).
#include "vinet/client/chat_reader.h"

#include <algorithm>
#include <utility>

#include "vinet/common/json_limits.h"

namespace vinet::client {
namespace {

using json = nlohmann::json;

Status Fail(const std::string& message) {
  return Error(Code::kVerification, message);
}

// The member `key` of `obj` when `obj` is an object that has it.
const json* Field(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

const std::string* StringField(const json& obj, const char* key) {
  const json* f = Field(obj, key);
  return f && f->is_string() ? f->get_ptr<const std::string*>() : nullptr;
}

Code CodeNamed(const std::string& name) {
  for (int c = 1; c <= static_cast<int>(Code::kInternal); ++c) {
    if (CodeName(static_cast<Code>(c)) == name) return static_cast<Code>(c);
  }
  return Code::kInternal;
}

// An OpenAI-shaped error object: {"message", "code", ...}. A missing or
// empty message still gives the caller one to show.
Status ErrorOf(const json& error) {
  const std::string* code = StringField(error, "code");
  const std::string* message = StringField(error, "message");
  std::string text = message && !message->empty()
                         ? *message
                         : "node error" + (code ? " (" + *code + ")" : std::string());
  return Error(code ? CodeNamed(*code) : Code::kInternal, text);
}

// The text the OpenAI fields of an event show: choices[*].delta.content.
std::string ShownText(const json& event) {
  std::string out;
  const json* choices = Field(event, "choices");
  if (!choices || !choices->is_array()) return out;
  for (const json& c : *choices) {
    const json* delta = Field(c, "delta");
    if (const std::string* s = delta ? StringField(*delta, "content") : nullptr) out += *s;
  }
  return out;
}

}  // namespace

ChatAnswerReader::ChatAnswerReader(ChatExpectation expect, std::function<Status(ByteSpan)> attest,
                                   std::function<bool(const protocol::ChatChunk&)> on_chunk,
                                   std::function<int64_t()> now_ms)
    : expect_(std::move(expect)),
      attest_(std::move(attest)),
      on_chunk_(std::move(on_chunk)),
      now_ms_(std::move(now_ms)) {}

Status ChatAnswerReader::SetSigner(std::string_view hex) {
  auto key = FromHex(hex);
  if (!key.ok() || key->size() != crypto::PublicKey{}.size()) {
    return Fail("answer: signer is not a 32-byte hex key");
  }
  crypto::PublicKey k{};
  std::copy(key->begin(), key->end(), k.begin());
  if (verifier_) return k == signer_ ? Status::Ok() : Fail("answer: the signer changed");
  if (expect_.request.mode == protocol::Mode::kVanilla) {
    if (k != expect_.node) return Fail("answer: VANILLA chunks not signed by the node's key");
  } else {
    if (!attest_) return Fail("answer: no way to attest the enclave key");
    VINET_RETURN_IF_ERROR(attest_(*key));
  }
  auto id = FromHex(expect_.inference_id);
  if (!id.ok()) return id.status().WithContext("inference_id");
  signer_ = k;
  verifier_.emplace(*id, signer_);
  return Status::Ok();
}

Status ChatAnswerReader::Feed(std::string_view bytes) {
  fed_ += bytes.size();
  if (fed_ > kMaxChatAnswerBytes) return Error(Code::kOutOfRange, "answer: larger than 64 MiB");
  buffer_.append(bytes);
  size_t start = 0;
  for (size_t nl; (nl = buffer_.find('\n', start)) != std::string::npos; start = nl + 1) {
    VINET_RETURN_IF_ERROR(Line(std::string_view(buffer_).substr(start, nl - start)));
  }
  buffer_.erase(0, start);
  if (buffer_.size() + data_.size() > kMaxChatEventBytes) {
    return Error(Code::kOutOfRange, "answer: an event longer than 1 MiB");
  }
  return Status::Ok();
}

Status ChatAnswerReader::EndOfStream() {
  if (!buffer_.empty()) {
    std::string rest = std::move(buffer_);
    buffer_.clear();
    VINET_RETURN_IF_ERROR(Line(rest));
  }
  return Line("");
}

Status ChatAnswerReader::Line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) {
    if (data_.empty()) return Status::Ok();
    std::string data = std::move(data_);
    data_.clear();
    return Event(data);
  }
  if (line.substr(0, 5) == "data:") {
    std::string_view v = line.substr(5);
    if (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    if (!data_.empty()) data_ += '\n';
    data_ += v;
    if (data_.size() > kMaxChatEventBytes) {
      return Error(Code::kOutOfRange, "answer: an event longer than 1 MiB");
    }
  }
  return Status::Ok();
}

Status ChatAnswerReader::Event(std::string_view data) {
  if (data == "[DONE]") return Status::Ok();
  VINET_ASSIGN_OR_RETURN(json j,
                         ParseUntrustedJson(data, {kMaxChatEventBytes, 64}, "answer event"));
  if (!j.is_object()) return Fail("stream: an event is not a JSON object");
  if (const json* e = Field(j, "error"); e && e->is_object()) return ErrorOf(*e);
  std::string content = ShownText(j);
  const json* vn = Field(j, "vinet");
  if (vn) VINET_RETURN_IF_ERROR(Envelope(*vn));
  if (vn && Field(*vn, "index")) {
    if (!receipt_.is_null()) return Fail("stream: a chunk after the receipt");
    VINET_RETURN_IF_ERROR(Accept(*vn));
    const std::string* text = StringField(*vn, "text");
    if (!text || content != *text) {
      return Fail("stream: chunk " + std::to_string(verifier_->chunks() - 1) +
                  " shows other text than it signs");
    }
    shown_ += content;
  } else if (!content.empty()) {
    return Fail("stream: text without a signed chunk");
  }
  if (const json* r = vn ? Field(*vn, "receipt") : nullptr; r && !r->is_null()) {
    if (!receipt_.is_null()) return Fail("stream: a second receipt");
    receipt_ = *r;
  }
  return Status::Ok();
}

Status ChatAnswerReader::Envelope(const json& vn) {
  if (!vn.is_object()) return Fail("answer: vinet is not an object");
  if (const json* id = Field(vn, "inference_id")) {
    if (!id->is_string() || id->get<std::string>() != expect_.inference_id) {
      return Fail("answer: for another inference");
    }
  }
  if (const json* s = Field(vn, "signer")) {
    if (!s->is_string()) return Fail("answer: signer is not a string");
    VINET_RETURN_IF_ERROR(SetSigner(s->get<std::string>()));
  }
  if (const json* f = Field(vn, "fee"); f && f->is_number_unsigned()) fee_ = f->get<uint64_t>();
  return Status::Ok();
}

Status ChatAnswerReader::Accept(const json& vn) {
  if (!verifier_) return Fail("stream: a signed chunk before the answer named its signer");
  json c = json::object();
  for (const char* k : {"index", "tokens", "text", "running_hash", "signature"}) {
    if (const json* f = Field(vn, k)) c[k] = *f;
  }
  VINET_ASSIGN_OR_RETURN(protocol::ChatChunk chunk, protocol::ChatChunkFromJson(c.dump()));
  if (Status s = verifier_->Accept(chunk); !s.ok()) {
    return Fail("stream: chunk " + std::to_string(chunk.index) + " rejected: " + s.ToString());
  }
  if (first_chunk_ms_ == 0 && now_ms_) first_chunk_ms_ = now_ms_();
  if (on_chunk_ && !on_chunk_(chunk)) return Error(Code::kUnavailable, "stopped by the caller");
  return Status::Ok();
}

Status ChatAnswerReader::Whole(std::string_view body) {
  VINET_ASSIGN_OR_RETURN(json j, ParseUntrustedJson(body, {kMaxChatAnswerBytes, 64}, "answer"));
  if (!j.is_object()) return Error(Code::kParse, "chat: answer is not a JSON object");
  const json* vn = Field(j, "vinet");
  if (!vn) return Fail("chat: answer carries no vinet object");
  VINET_RETURN_IF_ERROR(Envelope(*vn));
  const json* chunks = Field(*vn, "chunks");
  if (!chunks || !chunks->is_array()) {
    return Fail("chat: answer carries no signed chunks (vinet.chunks)");
  }
  for (const json& c : *chunks) VINET_RETURN_IF_ERROR(Accept(c));
  const json* choices = Field(j, "choices");
  if (choices && choices->is_array() && !choices->empty()) {
    const json* message = Field((*choices)[0], "message");
    if (const std::string* s = message ? StringField(*message, "content") : nullptr) shown_ = *s;
  }
  const json* r = Field(*vn, "receipt");
  if (!r || r->is_null()) return Fail("chat: answer carries no receipt");
  receipt_ = *r;
  return Status::Ok();
}

Result<ChatAnswer> ChatAnswerReader::Finish() {
  if (receipt_.is_null()) {
    return Fail("stream: ended after " + std::to_string(verifier_ ? verifier_->chunks() : 0) +
                " chunks without a receipt (truncated)");
  }
  ChatAnswer a;
  VINET_ASSIGN_OR_RETURN(a.receipt, protocol::ChatReceiptFromJson(receipt_.dump()));
  const protocol::ChatReceipt& rc = a.receipt;
  const protocol::InferenceRequest& q = expect_.request;
  if (!verifier_) {
    std::string signer = q.mode == protocol::Mode::kTee && rc.enclave_key ? ToHex(*rc.enclave_key)
                                                                          : ToHex(expect_.node);
    VINET_RETURN_IF_ERROR(SetSigner(signer));
  }
  if (ToHex(rc.inference_id) != expect_.inference_id) return Fail("receipt.inference_id: not ours");
  if (rc.model_id != q.model_id) return Fail("receipt.model_id: not the model asked");
  if (rc.mode != q.mode) return Fail("receipt.mode: not the mode asked");
  if (rc.request_hash != q.input_hash) return Fail("receipt.request_hash: not our request");
  if (!std::equal(expect_.node.begin(), expect_.node.end(), rc.node_id.begin(), rc.node_id.end())) {
    return Fail("receipt.node_id: not the node asked");
  }
  if (expect_.seed && rc.seed != *expect_.seed) return Fail("receipt.seed: not the seed asked");
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
  a.text = verifier_->text();
  a.tokens = verifier_->tokens();
  a.chunks = verifier_->chunks();
  a.first_chunk_ms = first_chunk_ms_;
  return a;
}

}  // namespace vinet::client
