#include "vinet/protocol/request.h"

#include <google/protobuf/message.h>

#include <nlohmann/json.hpp>

#include "vinet/inference/v1/request.pb.h"
#include "vinet/protocol/unknown_fields.h"

namespace vinet::protocol {
namespace {

namespace pb = ::vinet::inference::v1;

Status ParseError(std::string_view field, std::string_view what) {
  return Error(Code::kParse, "request." + std::string(field) + ": " + std::string(what));
}

Status RejectUnknownFields(const google::protobuf::Message& msg, std::string_view where) {
  int field = FirstUnknownField(msg);
  if (field == 0) return Status::Ok();
  return ParseError(where, "unknown field " + std::to_string(field));
}

// kRequestDomain || client_pubkey || body: what the client signs and the
// inference id hashes.
Bytes SigningBytes(const crypto::PublicKey& client, ByteSpan body) {
  Bytes out;
  out.reserve(kRequestDomain.size() + client.size() + body.size());
  ByteSpan domain = AsBytes(kRequestDomain);
  out.insert(out.end(), domain.begin(), domain.end());
  out.insert(out.end(), client.begin(), client.end());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes SerializeBody(const InferenceRequest& r) {
  pb::RequestBody body;
  body.set_chain_id(r.chain_id);
  body.set_node_pubkey(ToString(r.node_pubkey));
  body.set_max_fee(r.max_fee);
  body.set_nonce(r.nonce);
  body.set_timestamp_ms(r.timestamp_ms);
  body.set_expires_ms(r.expires_ms);
  if (r.kind == PayloadKind::kChat) {
    pb::ChatPayload* p = body.mutable_chat();
    p->set_model_id(r.model_id);
    p->set_mode(static_cast<pb::Mode>(r.mode));
    p->set_request_hash(ToString(r.input_hash));
  } else {
    pb::InferencePayload* p = body.mutable_inference();
    p->set_model_id(r.model_id);
    p->set_mode(static_cast<pb::Mode>(r.mode));
    p->set_input_hash(ToString(r.input_hash));
  }
  std::string out;
  body.SerializeToString(&out);
  return ToBytes(out);
}

// Both payload kinds share (model_id, mode, hash); `field` names the oneof
// member in errors.
template <typename Payload>
Status TakePayload(const Payload& p, std::string_view field, std::string_view hash_field,
                   const std::string& hash, InferenceRequest& r) {
  const std::string where = "body." + std::string(field);
  VINET_RETURN_IF_ERROR(RejectUnknownFields(p, where));
  if (p.model_id().empty()) return ParseError(where + ".model_id", "empty");
  if (!pb::Mode_IsValid(p.mode())) {
    return ParseError(where + ".mode", "unknown mode " + std::to_string(p.mode()));
  }
  if (hash.size() != 32) {
    return ParseError(where + "." + std::string(hash_field),
                      "expected 32 bytes, got " + std::to_string(hash.size()));
  }
  r.model_id = p.model_id();
  r.mode = static_cast<Mode>(p.mode());
  r.input_hash = ToBytes(hash);
  return Status::Ok();
}

Status ParsePayload(const pb::RequestBody& body, InferenceRequest& r) {
  switch (body.payload_case()) {
    case pb::RequestBody::kInference:
      r.kind = PayloadKind::kInference;
      return TakePayload(body.inference(), "inference", "input_hash", body.inference().input_hash(),
                         r);
    case pb::RequestBody::kChat:
      r.kind = PayloadKind::kChat;
      VINET_RETURN_IF_ERROR(
          TakePayload(body.chat(), "chat", "request_hash", body.chat().request_hash(), r));
      if (r.mode == Mode::kZkml)
        return ParseError("body.chat.mode", "ZKML is not offered for chat");
      return Status::Ok();
    default:
      return ParseError("body.payload", "missing (expected inference or chat)");
  }
}

Result<InferenceRequest> ParseBody(ByteSpan bytes) {
  pb::RequestBody body;
  if (!body.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return ParseError("body", "not a vinet.inference.v1.RequestBody");
  }
  VINET_RETURN_IF_ERROR(RejectUnknownFields(body, "body"));
  if (body.chain_id().empty()) return ParseError("body.chain_id", "empty");
  if (body.node_pubkey().size() != 32) {
    return ParseError("body.node_pubkey",
                      "expected 32 bytes, got " + std::to_string(body.node_pubkey().size()));
  }
  if (body.expires_ms() <= body.timestamp_ms()) {
    return ParseError("body.expires_ms", std::to_string(body.expires_ms()) +
                                             " is not after timestamp_ms " +
                                             std::to_string(body.timestamp_ms()));
  }
  InferenceRequest r;
  VINET_RETURN_IF_ERROR(ParsePayload(body, r));
  r.chain_id = body.chain_id();
  std::copy(body.node_pubkey().begin(), body.node_pubkey().end(), r.node_pubkey.begin());
  r.max_fee = body.max_fee();
  r.nonce = body.nonce();
  r.timestamp_ms = body.timestamp_ms();
  r.expires_ms = body.expires_ms();
  return r;
}

template <size_t N>
Result<std::array<uint8_t, N>> FixedBytes(ByteSpan b, std::string_view field) {
  if (b.size() != N) {
    return ParseError(field,
                      "expected " + std::to_string(N) + " bytes, got " + std::to_string(b.size()));
  }
  std::array<uint8_t, N> out{};
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

Result<SignedRequest> Assemble(Bytes body, ByteSpan pubkey, ByteSpan signature) {
  SignedRequest s;
  VINET_ASSIGN_OR_RETURN(s.client_pubkey, FixedBytes<32>(pubkey, "client_pubkey"));
  VINET_ASSIGN_OR_RETURN(s.signature, FixedBytes<64>(signature, "signature"));
  VINET_ASSIGN_OR_RETURN(s.request, ParseBody(body));
  s.body = std::move(body);
  return s;
}

}  // namespace

std::string_view PayloadKindName(PayloadKind kind) {
  return kind == PayloadKind::kChat ? "chat" : "inference";
}

SignedRequest SignRequest(const InferenceRequest& request, const crypto::SecretKey& client_key) {
  SignedRequest s;
  s.body = SerializeBody(request);
  s.client_pubkey = client_key.public_key();
  s.signature = client_key.Sign(SigningBytes(s.client_pubkey, s.body));
  s.request = request;
  return s;
}

Bytes EncodeSignedRequest(const SignedRequest& s) {
  pb::SignedRequest msg;
  msg.set_body(ToString(s.body));
  msg.set_client_pubkey(ToString(s.client_pubkey));
  msg.set_signature(ToString(s.signature));
  std::string out;
  msg.SerializeToString(&out);
  return ToBytes(out);
}

Result<SignedRequest> DecodeSignedRequest(ByteSpan encoded) {
  pb::SignedRequest msg;
  if (!msg.ParseFromArray(encoded.data(), static_cast<int>(encoded.size()))) {
    return ParseError("", "not a vinet.inference.v1.SignedRequest");
  }
  VINET_RETURN_IF_ERROR(RejectUnknownFields(msg, "signed_request"));
  return Assemble(ToBytes(msg.body()), AsBytes(msg.client_pubkey()), AsBytes(msg.signature()));
}

Result<SignedRequest> DecodeRequestBody(ByteSpan body, ByteSpan client_pubkey) {
  if (body.size() > kMaxRequestBodyBytes) {
    return ParseError("body", std::to_string(body.size()) + " bytes exceed " +
                                  std::to_string(kMaxRequestBodyBytes));
  }
  SignedRequest s;
  VINET_ASSIGN_OR_RETURN(s.client_pubkey, FixedBytes<32>(client_pubkey, "client_pubkey"));
  VINET_ASSIGN_OR_RETURN(s.request, ParseBody(body));
  s.body = Bytes(body.begin(), body.end());
  return s;
}

Status VerifyRequest(const SignedRequest& s) {
  if (!crypto::Verify(s.client_pubkey, SigningBytes(s.client_pubkey, s.body), s.signature)) {
    return Error(Code::kUnauthenticated, "request.signature: does not verify for client " +
                                             crypto::AddressOf(s.client_pubkey));
  }
  return Status::Ok();
}

Status CheckValidity(const InferenceRequest& r, int64_t now_ms, int64_t max_ttl_ms) {
  if (now_ms >= r.expires_ms) {
    return Error(Code::kInvalidArgument, "request.expires_ms: expired at " +
                                             std::to_string(r.expires_ms) + " (now " +
                                             std::to_string(now_ms) + ")");
  }
  // expires_ms > timestamp_ms (decoder); the difference cannot overflow
  // unless the two are far apart, which is exactly what is refused.
  if (r.timestamp_ms < 0 || r.expires_ms - r.timestamp_ms > max_ttl_ms) {
    return Error(Code::kInvalidArgument, "request.expires_ms: " + std::to_string(r.expires_ms) +
                                             " is more than " + std::to_string(max_ttl_ms) +
                                             " ms after timestamp_ms " +
                                             std::to_string(r.timestamp_ms));
  }
  return Status::Ok();
}

crypto::Digest256 InferenceId(const SignedRequest& s) {
  return crypto::Sha256(SigningBytes(s.client_pubkey, s.body));
}

std::string ClientAddress(const SignedRequest& s) {
  return crypto::AddressOf(s.client_pubkey);
}

std::string SignedRequestToJson(const SignedRequest& s) {
  nlohmann::json j = {{"body", ToHex(s.body)},
                      {"client_pubkey", ToHex(s.client_pubkey)},
                      {"signature", ToHex(s.signature)}};
  return j.dump();
}

Result<SignedRequest> SignedRequestFromJson(std::string_view json) {
  return SignedRequestFromJsonValue(
      nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false));
}

Result<SignedRequest> SignedRequestFromJsonValue(const nlohmann::json& j) {
  if (!j.is_object()) return ParseError("", "not a JSON object");
  Bytes parts[3];
  const char* names[3] = {"body", "client_pubkey", "signature"};
  for (int i = 0; i < 3; ++i) {
    if (!j.contains(names[i]) || !j[names[i]].is_string()) {
      return ParseError(names[i], "missing hex string");
    }
    auto bytes = FromHex(j[names[i]].get_ref<const std::string&>());
    if (!bytes.ok()) return bytes.status().WithContext(std::string("request.") + names[i]);
    parts[i] = std::move(*bytes);
  }
  return Assemble(std::move(parts[0]), parts[1], parts[2]);
}

}  // namespace vinet::protocol
