// The C++ client's reading of a chat answer (client/chat_reader.h): a signed
// answer verifies streamed (in any split) and whole; altered, dropped,
// reordered, truncated, foreign-signed or mislabelled answers fail; TEE
// signers go through the attestation hook; malformed events are a Status.
#include "vinet/client/chat_reader.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vinet/crypto/hash.h"

namespace vinet::client {
namespace {

using json = nlohmann::json;

struct Answer {
  ChatExpectation expect;
  std::vector<std::string> events;  // SSE data payloads, in order
  std::string whole;                // the non-streamed JSON
};

const std::vector<std::pair<std::vector<int32_t>, std::string>> kDeltas = {
    {{5, 6}, "Red"}, {{7}, ", "}, {{8, 9}, "green"}, {{10}, "."}};

Answer MakeAnswer(protocol::Mode mode, const crypto::SecretKey& node,
                  const crypto::SecretKey& enclave) {
  Answer a;
  a.expect.inference_id = std::string(64, 'c');
  a.expect.request.kind = protocol::PayloadKind::kChat;
  a.expect.request.model_id = std::string(64, 'd');
  a.expect.request.mode = mode;
  a.expect.request.input_hash = Bytes(32, 3);
  a.expect.node = node.public_key();
  Bytes iid = *FromHex(a.expect.inference_id);
  const crypto::SecretKey& signer = mode == protocol::Mode::kTee ? enclave : node;
  protocol::ChatStreamSigner s(iid, signer);
  json chunks = json::array();
  std::string signer_hex = ToHex(signer.public_key());
  a.events.push_back(
      json{{"choices", {{{"index", 0}, {"delta", {{"content", ""}}}}}},
           {"vinet", {{"inference_id", a.expect.inference_id}, {"signer", signer_hex}}}}
          .dump());
  std::vector<int32_t> tokens;
  std::string text;
  for (const auto& [t, d] : kDeltas) {
    json c = json::parse(protocol::ChatChunkToJson(s.Next(t, d)));
    chunks.push_back(c);
    a.events.push_back(
        json{{"choices", {{{"index", 0}, {"delta", {{"content", d}}}}}}, {"vinet", c}}.dump());
    tokens.insert(tokens.end(), t.begin(), t.end());
    text += d;
  }
  protocol::ChatReceipt r;
  r.inference_id = iid;
  r.model_id = a.expect.request.model_id;
  r.mode = mode;
  r.request_hash = a.expect.request.input_hash;
  r.seed = 4;
  r.prompt_tokens = 9;
  r.completion_tokens = static_cast<uint32_t>(tokens.size());
  r.finish_reason = "stop";
  auto th = protocol::TokensHash(tokens);
  r.tokens_hash.assign(th.begin(), th.end());
  auto xh = crypto::Sha256(AsBytes(text));
  r.text_hash.assign(xh.begin(), xh.end());
  r.node_id.assign(node.public_key().begin(), node.public_key().end());
  r.chunks = static_cast<uint32_t>(kDeltas.size());
  if (mode == protocol::Mode::kTee) {
    r.enclave_key = Bytes(enclave.public_key().begin(), enclave.public_key().end());
    protocol::SignChatAsEnclave(r, enclave);
  }
  EXPECT_TRUE(protocol::SignChatAsNode(r, node).ok());
  json receipt = json::parse(protocol::ChatReceiptToJson(r));
  a.events.push_back(
      json{{"choices", {{{"index", 0}, {"delta", json::object()}, {"finish_reason", "stop"}}}},
           {"vinet", {{"inference_id", a.expect.inference_id}, {"receipt", receipt}}}}
          .dump());
  a.whole = json{{"choices", {{{"index", 0}, {"message", {{"content", text}}}}}},
                 {"vinet",
                  {{"inference_id", a.expect.inference_id},
                   {"signer", signer_hex},
                   {"receipt", receipt},
                   {"chunks", chunks}}}}
                .dump();
  return a;
}

std::string Sse(const std::vector<std::string>& events) {
  std::string out;
  for (const auto& e : events) out += "data: " + e + "\n\n";
  return out + "data: [DONE]\n\n";
}

struct Keys {
  crypto::SecretKey node = *crypto::SecretKey::FromSeed(Bytes(32, 1));
  crypto::SecretKey enclave = *crypto::SecretKey::FromSeed(Bytes(32, 2));
};

// Reads `sse` in pieces of `step` bytes; the Finish result.
Result<ChatAnswer> ReadStream(const Answer& a, const std::string& sse, size_t step,
                              std::vector<Bytes>* attested = nullptr, int* seen = nullptr) {
  ChatAnswerReader reader(
      a.expect,
      [&](ByteSpan key) {
        if (attested) attested->emplace_back(key.begin(), key.end());
        return Status::Ok();
      },
      [&](const protocol::ChatChunk&) {
        if (seen) ++*seen;
        return true;
      });
  for (size_t i = 0; i < sse.size(); i += step) {
    VINET_RETURN_IF_ERROR(reader.Feed(std::string_view(sse).substr(i, step)));
  }
  VINET_RETURN_IF_ERROR(reader.EndOfStream());
  return reader.Finish();
}

TEST(ChatReader, SignedStreamVerifiesInAnySplit) {
  Keys k;
  Answer a = MakeAnswer(protocol::Mode::kVanilla, k.node, k.enclave);
  for (size_t step : {size_t{1}, size_t{7}, size_t{1} << 20}) {
    int seen = 0;
    auto r = ReadStream(a, Sse(a.events), step, nullptr, &seen);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->text, "Red, green.");
    EXPECT_EQ(r->tokens, (std::vector<int32_t>{5, 6, 7, 8, 9, 10}));
    EXPECT_EQ(r->chunks, 4u);
    EXPECT_EQ(seen, 4);
  }
}

TEST(ChatReader, TeeSignerIsAttestedAndWholeAnswerVerifies) {
  Keys k;
  Answer a = MakeAnswer(protocol::Mode::kTee, k.node, k.enclave);
  std::vector<Bytes> attested;
  auto r = ReadStream(a, Sse(a.events), 64, &attested);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(attested.size(), 1u);
  EXPECT_EQ(attested[0], Bytes(k.enclave.public_key().begin(), k.enclave.public_key().end()));
  ChatAnswerReader whole(a.expect, [](ByteSpan) { return Status::Ok(); });
  ASSERT_TRUE(whole.Whole(a.whole).ok());
  auto w = whole.Finish();
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->text, "Red, green.");
  ChatAnswerReader refused(a.expect,
                           [](ByteSpan) { return Error(Code::kVerification, "not attested"); });
  EXPECT_EQ(refused.Feed(Sse(a.events)).code(), Code::kVerification);
}

TEST(ChatReader, AlteredDroppedReorderedTruncatedOrForeignFail) {
  Keys k;
  Answer a = MakeAnswer(protocol::Mode::kVanilla, k.node, k.enclave);
  auto fails = [&](std::vector<std::string> events, const char* what) {
    auto r = ReadStream(a, Sse(events), 13);
    EXPECT_FALSE(r.ok()) << what;
  };
  {
    auto e = a.events;
    json j = json::parse(e[2]);
    j["vinet"]["text"] = ", !";
    j["choices"][0]["delta"]["content"] = ", !";
    e[2] = j.dump();
    fails(e, "altered chunk");
  }
  {
    auto e = a.events;
    json j = json::parse(e[2]);
    j["choices"][0]["delta"]["content"] = "blue";
    e[2] = j.dump();
    fails(e, "shown text differs from the signed text");
  }
  {
    auto e = a.events;
    e.erase(e.begin() + 2);
    fails(e, "dropped chunk");
  }
  {
    auto e = a.events;
    std::swap(e[1], e[2]);
    fails(e, "reordered chunks");
  }
  fails(std::vector<std::string>(a.events.begin(), a.events.end() - 1), "no receipt");
  Keys other;
  other.node = *crypto::SecretKey::FromSeed(Bytes(32, 9));
  Answer foreign = MakeAnswer(protocol::Mode::kVanilla, other.node, other.enclave);
  EXPECT_FALSE(ReadStream(a, Sse(foreign.events), 100).ok()) << "another node's answer";
  Answer swapped = a;
  swapped.expect.request.model_id = std::string(64, 'e');
  EXPECT_FALSE(ReadStream(swapped, Sse(a.events), 100).ok()) << "another model's receipt";
}

TEST(ChatReader, MalformedEventsAreStatuses) {
  Keys k;
  Answer a = MakeAnswer(protocol::Mode::kVanilla, k.node, k.enclave);
  for (const std::string& bad :
       std::vector<std::string>{R"({"vinet": 5})", R"({"choices": "x", "vinet": {"index": 0}})",
                                R"({"choices": [5], "vinet": {"signer": 7}})", R"([1, 2)",
                                R"({"vinet": {"fee": "x", "receipt": [1], "index": "y"}})",
                                std::string(300, '[') + std::string(300, ']')}) {
    ChatAnswerReader reader(a.expect, [](ByteSpan) { return Status::Ok(); });
    Status s = reader.Feed(Sse({a.events[0], bad}));
    if (s.ok()) s = reader.Finish().status();
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_FALSE(s.message().empty());
  }
  ChatAnswerReader big(a.expect, [](ByteSpan) { return Status::Ok(); });
  EXPECT_EQ(big.Feed("data: " + std::string(kMaxChatEventBytes + 1, 'x')).code(),
            Code::kOutOfRange);
  ChatAnswerReader whole(a.expect, [](ByteSpan) { return Status::Ok(); });
  EXPECT_FALSE(whole.Whole(R"({"vinet": {"chunks": 3}})").ok());
}

// A node's error event with an empty or missing message still reads as an
// error with one (found by fuzz_client_chat_answer).
TEST(ChatReader, ErrorEventsWithoutAMessageStillSayWhat) {
  Keys k;
  Answer a = MakeAnswer(protocol::Mode::kVanilla, k.node, k.enclave);
  for (std::string error :
       {R"({"error": {"message": ""}})", R"({"error": {"code": "unavailable"}})"}) {
    ChatAnswerReader reader(a.expect, [](ByteSpan) { return Status::Ok(); });
    Status s = reader.Feed("data: " + error + "\n\n");
    if (s.ok()) s = reader.Finish().status();
    ASSERT_FALSE(s.ok()) << error;
    EXPECT_NE(s.message().find("node error"), std::string::npos) << s.ToString();
  }
}

}  // namespace
}  // namespace vinet::client
