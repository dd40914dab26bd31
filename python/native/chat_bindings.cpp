// vinet._native.chat: the chat protocol for Python (docs/chat.md), the same
// C++ the node, the enclave and the chain run (include/vinet/protocol/chat_*.h).
//
//   parse_chat_completion(body) -> {"canonical": bytes, "request_hash": hex,
//       "model_id", "stream", "include_usage", "request": dict}
//   decode_chat_request(canonical) -> the request dict (strict: canonical only)
//   sign_chat_request(key, chain_id, node_pubkey, model_id, mode, request_hash,
//       max_fee, nonce, timestamp_ms, expires_ms) -> {"signed_request": bytes
//       (SignedRequest protobuf), "body", "client_pubkey", "signature",
//       "inference_id"} (bytes)
//   decode_signed_request(bytes) -> parts, envelope and payload, signature_ok
//   ChatStreamVerifier(inference_id, signer_pubkey): accept(chunk_json),
//       finish(receipt_json), text / tokens / chunks
//   ChatStreamSigner(inference_id, key): next(tokens, text) -> chunk JSON,
//       prefix(n) -> dict (what a node or a test signs)
//   chat_receipt_from_json(json) / decode_chat_receipt(cbor) -> receipt dict,
//   encode_chat_receipt(json) -> canonical CBOR, chat_receipt_json(cbor) -> JSON,
//   verify_chat_receipt(json): fields, node signature, and (TEE) the enclave
//       signature against the receipt's enclave key,
//   sign_chat_receipt(json, node_key=None, enclave_key=None) -> JSON
//   tokens_hash(ids) -> hex, chat_fee(fee, price_in, price_out, prompt, completion)
//   Replayer / replay: chat_replay_bindings.cpp
// `key` arguments are vinet._native.protocol.Key values (anything with a
// 32-byte `seed`). Failures raise vinet._native.chat.ChatError, a ValueError
// whose text is "<code>: <message>" and names the offending field.
#include <pybind11/stl.h>

#include "bindings.h"
#include "vinet/common/bytes.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/chat_request.h"
#include "vinet/protocol/chat_stream.h"
#include "vinet/protocol/request.h"

namespace vinet::py {
namespace {

namespace pyb = pybind11;
using namespace pybind11::literals;

struct ChatErrorTag {};
PyObject* g_chat_error = nullptr;

[[noreturn]] void Raise(const Status& s) {
  PyErr_SetString(g_chat_error, s.ToString().c_str());
  throw pyb::error_already_set();
}
void Ok(const Status& s) {
  if (!s.ok()) Raise(s);
}
template <typename T>
T Get(Result<T> r) {
  if (!r.ok()) Raise(r.status());
  return std::move(r).value();
}

Bytes BytesArg(const pyb::bytes& b) {
  std::string_view s = b;
  return Bytes(s.begin(), s.end());
}
pyb::bytes ToPy(ByteSpan b) {
  return pyb::bytes(reinterpret_cast<const char*>(b.data()), b.size());
}

std::string TextArg(const pyb::object& o) {
  if (pyb::isinstance<pyb::bytes>(o)) return std::string(o.cast<std::string_view>());
  return o.cast<std::string>();
}

crypto::SecretKey KeyArg(const pyb::object& key) {
  return Get(crypto::SecretKey::FromSeed(BytesArg(key.attr("seed").cast<pyb::bytes>())));
}

crypto::PublicKey PubArg(const pyb::bytes& b, const char* what) {
  auto k = crypto::PublicKeyFromBytes(BytesArg(b));
  if (!k.ok()) Raise(Error(Code::kInvalidArgument, std::string(what) + ": must be 32 bytes"));
  return *k;
}

pyb::dict RequestDict(const protocol::ChatRequest& r) {
  pyb::list messages;
  for (const auto& m : r.messages)
    messages.append(pyb::dict("role"_a = m.role, "content"_a = m.content));
  pyb::object seed = r.seed ? pyb::object(pyb::int_(*r.seed)) : pyb::object(pyb::none());
  return pyb::dict("model_id"_a = r.model_id, "messages"_a = messages,
                   "max_tokens"_a = r.max_tokens, "temperature"_a = r.temperature,
                   "top_p"_a = r.top_p, "top_k"_a = r.top_k, "seed"_a = seed, "stop"_a = r.stop);
}

pyb::dict ParseChat(const pyb::object& body) {
  std::string text = TextArg(body);
  protocol::ChatCompletionParams p = Get(protocol::ParseChatCompletion(text));
  Bytes canonical = protocol::EncodeChatRequest(p.request);
  return pyb::dict("canonical"_a = ToPy(canonical),
                   "request_hash"_a = ToHex(protocol::ChatRequestHash(p.request)),
                   "model_id"_a = p.request.model_id, "stream"_a = p.stream,
                   "include_usage"_a = p.include_usage, "request"_a = RequestDict(p.request));
}

pyb::dict SignChat(const pyb::object& key, const std::string& chain_id,
                   const pyb::bytes& node_pubkey, const std::string& model_id, int mode,
                   const pyb::object& request_hash, uint64_t max_fee, uint64_t nonce,
                   int64_t timestamp_ms, int64_t expires_ms) {
  if (mode != 0 && mode != 1)
    Raise(Error(Code::kInvalidArgument, "mode: chat is VANILLA (0) or TEE (1)"));
  protocol::InferenceRequest q;
  q.chain_id = chain_id;
  q.node_pubkey = PubArg(node_pubkey, "node_pubkey");
  q.max_fee = max_fee;
  q.nonce = nonce;
  q.timestamp_ms = timestamp_ms;
  q.expires_ms = expires_ms;
  q.kind = protocol::PayloadKind::kChat;
  q.model_id = model_id;
  q.mode = static_cast<protocol::Mode>(mode);
  q.input_hash = pyb::isinstance<pyb::bytes>(request_hash)
                     ? BytesArg(request_hash.cast<pyb::bytes>())
                     : Get(FromHex(request_hash.cast<std::string>()));
  if (q.input_hash.size() != 32)
    Raise(Error(Code::kInvalidArgument, "request_hash: must be 32 bytes"));
  if (model_id.empty()) Raise(Error(Code::kInvalidArgument, "model_id: must not be empty"));
  if (expires_ms <= timestamp_ms) {
    Raise(Error(Code::kInvalidArgument, "expires_ms: must be after timestamp_ms"));
  }
  protocol::SignedRequest s = protocol::SignRequest(q, KeyArg(key));
  return pyb::dict("signed_request"_a = ToPy(protocol::EncodeSignedRequest(s)),
                   "body"_a = ToPy(s.body), "client_pubkey"_a = ToPy(s.client_pubkey),
                   "signature"_a = ToPy(s.signature),
                   "inference_id"_a = ToPy(protocol::InferenceId(s)));
}

// A SignedRequest protobuf (the X-Vinet-Request header): its parts, the
// decoded envelope and payload, whether the signature verifies.
pyb::dict DecodeSigned(const pyb::bytes& encoded) {
  protocol::SignedRequest s = Get(protocol::DecodeSignedRequest(BytesArg(encoded)));
  const auto& q = s.request;
  return pyb::dict(
      "body"_a = ToPy(s.body), "client_pubkey"_a = ToPy(s.client_pubkey),
      "signature"_a = ToPy(s.signature), "inference_id"_a = ToPy(protocol::InferenceId(s)),
      "signature_ok"_a = protocol::VerifyRequest(s).ok(), "chain_id"_a = q.chain_id,
      "node_pubkey"_a = ToPy(q.node_pubkey), "max_fee"_a = q.max_fee, "nonce"_a = q.nonce,
      "timestamp_ms"_a = q.timestamp_ms, "expires_ms"_a = q.expires_ms,
      "kind"_a = std::string(protocol::PayloadKindName(q.kind)), "model_id"_a = q.model_id,
      "mode"_a = static_cast<int>(q.mode), "input_hash"_a = ToPy(q.input_hash));
}

pyb::dict ReceiptDict(const protocol::ChatReceipt& r) {
  auto opt = [](const std::optional<Bytes>& b) {
    return b ? pyb::object(pyb::str(ToHex(*b))) : pyb::object(pyb::none());
  };
  return pyb::dict("inference_id"_a = ToHex(r.inference_id), "model_id"_a = r.model_id,
                   "mode"_a = std::string(protocol::ModeName(r.mode)),
                   "request_hash"_a = ToHex(r.request_hash), "seed"_a = r.seed,
                   "prompt_tokens"_a = r.prompt_tokens, "completion_tokens"_a = r.completion_tokens,
                   "finish_reason"_a = r.finish_reason, "tokens_hash"_a = ToHex(r.tokens_hash),
                   "text_hash"_a = ToHex(r.text_hash), "node_id"_a = ToHex(r.node_id),
                   "enclave_key"_a = opt(r.enclave_key),
                   "enclave_signature"_a = opt(r.enclave_signature),
                   "node_signature"_a = opt(r.node_signature), "chunks"_a = r.chunks);
}

// Fields valid, node signature, and the enclave signature when the receipt is TEE.
pyb::dict VerifyChatReceipt(const std::string& json) {
  protocol::ChatReceipt r = Get(protocol::ChatReceiptFromJson(json));
  Ok(protocol::ValidateChatReceipt(r));
  if (r.mode == protocol::Mode::kTee) {
    if (!r.enclave_key)
      Raise(Error(Code::kVerification, "receipt.enclave_key: TEE receipt without one"));
    Ok(protocol::VerifyChatEnclaveSignature(r));
  } else if (r.enclave_key || r.enclave_signature) {
    Raise(Error(Code::kVerification, "receipt.enclave_key: set on a VANILLA receipt"));
  }
  Ok(protocol::VerifyChatNodeSignature(r));
  return ReceiptDict(r);
}

std::string SignChatReceipt(const std::string& json, const pyb::object& node_key,
                            const pyb::object& enclave_key) {
  protocol::ChatReceipt r = Get(protocol::ChatReceiptFromJson(json));
  if (!enclave_key.is_none()) {
    crypto::SecretKey k = KeyArg(enclave_key);
    r.enclave_key = Bytes(k.public_key().begin(), k.public_key().end());
    protocol::SignChatAsEnclave(r, k);
  }
  if (!node_key.is_none()) {
    crypto::SecretKey k = KeyArg(node_key);
    r.node_id.assign(k.public_key().begin(), k.public_key().end());
    Ok(protocol::SignChatAsNode(r, k));
  }
  return protocol::ChatReceiptToJson(r);
}

class PyStreamVerifier {
 public:
  PyStreamVerifier(const pyb::bytes& inference_id, const pyb::bytes& signer)
      : v_(BytesArg(inference_id), PubArg(signer, "signer")) {}
  void Accept(const pyb::object& chunk_json) {
    protocol::ChatChunk c = Get(protocol::ChatChunkFromJson(TextArg(chunk_json)));
    Ok(v_.Accept(c));
  }
  void Finish(const pyb::object& receipt_json) const {
    Ok(v_.Finish(Get(protocol::ChatReceiptFromJson(TextArg(receipt_json)))));
  }
  pyb::bytes TextBytes() const { return pyb::bytes(v_.text()); }
  std::vector<int32_t> Tokens() const { return v_.tokens(); }
  uint32_t Chunks() const { return v_.chunks(); }

 private:
  protocol::ChatStreamVerifier v_;
};

class PyStreamSigner {
 public:
  PyStreamSigner(const pyb::bytes& inference_id, const pyb::object& key)
      : s_(BytesArg(inference_id), KeyArg(key)) {}
  std::string Next(const std::vector<int32_t>& tokens, const pyb::object& text) {
    std::string t = TextArg(text);
    if (tokens.size() > protocol::kMaxChunkTokens || t.size() > protocol::kMaxChunkTextBytes) {
      Raise(Error(Code::kOutOfRange, "chunk: more tokens or text than one chunk holds"));
    }
    return protocol::ChatChunkToJson(s_.Next(tokens, t));
  }
  pyb::dict Prefix(uint32_t n) const {
    if (n > s_.chunks()) Raise(Error(Code::kOutOfRange, "n: more than the chunks signed"));
    protocol::ChatStreamPrefix p = s_.Prefix(n);
    return pyb::dict("chunks"_a = p.chunks, "tokens"_a = p.tokens, "text"_a = pyb::bytes(p.text),
                     "tokens_hash"_a = ToHex(protocol::TokensHash(p.tokens)),
                     "text_hash"_a = ToHex(crypto::Sha256(AsBytes(p.text))));
  }
  uint32_t Chunks() const { return s_.chunks(); }

 private:
  protocol::ChatStreamSigner s_;
};

}  // namespace

PyObject* ChatErrorType() {
  return g_chat_error;
}

void BindChat(pybind11::module_& m) {
  pyb::module_ c =
      m.def_submodule("chat", "vinet chat protocol: requests, signed streams, receipts");
  static pyb::exception<ChatErrorTag> error(c, "ChatError", PyExc_ValueError);
  g_chat_error = error.ptr();

  c.attr("MAX_CHAT_BODY_BYTES") = protocol::kMaxChatBodyBytes;
  c.def("parse_chat_completion", &ParseChat, "body"_a,
        "Parse an OpenAI chat body as the node does: canonical bytes, request hash, delivery.");
  c.def(
      "decode_chat_request",
      [](const pyb::bytes& canonical) {
        return RequestDict(Get(protocol::DecodeChatRequest(BytesArg(canonical))));
      },
      "canonical"_a, "Strictly decode a canonical chat request.");
  c.def("sign_chat_request", &SignChat, "key"_a, "chain_id"_a, "node_pubkey"_a, "model_id"_a,
        "mode"_a, "request_hash"_a, "max_fee"_a, "nonce"_a, "timestamp_ms"_a, "expires_ms"_a,
        "Sign a chat request envelope (PayloadKind chat).");
  c.def("decode_signed_request", &DecodeSigned, "encoded"_a,
        "Decode a SignedRequest protobuf: parts, envelope, payload, signature_ok.");
  c.def(
      "chat_receipt_from_json",
      [](const std::string& json) { return ReceiptDict(Get(protocol::ChatReceiptFromJson(json))); },
      "json"_a);
  c.def(
      "decode_chat_receipt",
      [](const pyb::bytes& cbor) {
        return ReceiptDict(Get(protocol::DecodeChatReceipt(BytesArg(cbor))));
      },
      "cbor"_a);
  c.def(
      "chat_receipt_json",
      [](const pyb::bytes& cbor) {
        return protocol::ChatReceiptToJson(Get(protocol::DecodeChatReceipt(BytesArg(cbor))));
      },
      "cbor"_a);
  c.def(
      "encode_chat_receipt",
      [](const std::string& json) {
        return ToPy(protocol::EncodeChatReceipt(Get(protocol::ChatReceiptFromJson(json))));
      },
      "json"_a);
  c.def("verify_chat_receipt", &VerifyChatReceipt, "json"_a,
        "Fields, node signature and (TEE) enclave signature; returns the receipt dict.");
  c.def("sign_chat_receipt", &SignChatReceipt, "json"_a, "node_key"_a = pyb::none(),
        "enclave_key"_a = pyb::none(),
        "Sign as enclave (sets enclave_key) and/or node (sets node_id).");
  c.def(
      "tokens_hash",
      [](const std::vector<int32_t>& ids) { return ToHex(protocol::TokensHash(ids)); }, "ids"_a);
  c.def(
      "chat_fee",
      [](uint64_t fee, uint64_t in, uint64_t out, uint32_t prompt, uint32_t completion) {
        return Get(protocol::ChatFee(fee, in, out, prompt, completion));
      },
      "fee_per_inference"_a, "price_in"_a, "price_out"_a, "prompt_tokens"_a, "completion_tokens"_a);

  pyb::class_<PyStreamVerifier>(c, "ChatStreamVerifier")
      .def(pyb::init<const pyb::bytes&, const pyb::bytes&>(), "inference_id"_a, "signer"_a)
      .def("accept", &PyStreamVerifier::Accept, "chunk_json"_a)
      .def("finish", &PyStreamVerifier::Finish, "receipt_json"_a)
      .def_property_readonly("text_bytes", &PyStreamVerifier::TextBytes)
      .def_property_readonly("tokens", &PyStreamVerifier::Tokens)
      .def_property_readonly("chunks", &PyStreamVerifier::Chunks);
  pyb::class_<PyStreamSigner>(c, "ChatStreamSigner")
      .def(pyb::init<const pyb::bytes&, const pyb::object&>(), "inference_id"_a, "key"_a)
      .def("next", &PyStreamSigner::Next, "tokens"_a, "text"_a)
      .def("prefix", &PyStreamSigner::Prefix, "n"_a)
      .def_property_readonly("chunks", &PyStreamSigner::Chunks);
  BindChatReplay(c);
}

}  // namespace vinet::py
