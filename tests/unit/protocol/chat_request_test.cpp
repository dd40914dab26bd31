#include "vinet/protocol/chat_request.h"

#include <gtest/gtest.h>

#include "vinet/protocol/request.h"

namespace vinet::protocol {
namespace {

constexpr char kBody[] = R"({"model": "m", "messages": [
  {"role": "system", "content": "Be brief."},
  {"role": "user", "content": [{"type": "text", "text": "Hi "}, {"type": "text", "text": "there"}]}],
  "max_tokens": 32, "temperature": 0.7, "top_p": 0.9, "seed": 7, "stop": "\n\n",
  "stream": true, "stream_options": {"include_usage": true}, "user": "u1", "n": 1})";

ChatCompletionParams MustParse(std::string_view body) {
  auto p = ParseChatCompletion(body);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : ChatCompletionParams{};
}

// The message of a refusal, checked for its code and leading parameter.
void ExpectRefused(std::string_view body, Code code, std::string_view param) {
  auto p = ParseChatCompletion(body);
  ASSERT_FALSE(p.ok()) << body;
  EXPECT_EQ(p.status().code(), code) << p.status().ToString();
  EXPECT_EQ(p.status().message().rfind(std::string(param) + ":", 0), 0u) << p.status().ToString();
}

TEST(ChatRequestTest, ParsesWhatDecidesTheAnswer) {
  ChatCompletionParams p = MustParse(kBody);
  EXPECT_TRUE(p.stream);
  EXPECT_TRUE(p.include_usage);
  const ChatRequest& r = p.request;
  EXPECT_EQ(r.model_id, "m");
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[1], (ChatTurn{"user", "Hi there"}));
  EXPECT_EQ(r.max_tokens, 32u);
  EXPECT_EQ(r.temperature, 0.7f);
  EXPECT_EQ(r.top_p, 0.9f);
  EXPECT_EQ(r.seed, std::optional<uint64_t>(7));
  EXPECT_EQ(r.stop, std::vector<std::string>{"\n\n"});
}

TEST(ChatRequestTest, DefaultsFollowOpenAi) {
  ChatCompletionParams p =
      MustParse(R"({"model":"m","messages":[{"role":"developer","content":"x"}]})");
  EXPECT_FALSE(p.stream);
  EXPECT_EQ(p.request.temperature, 1.0f);
  EXPECT_EQ(p.request.top_p, 1.0f);
  EXPECT_EQ(p.request.max_tokens, kDefaultChatMaxTokens);
  EXPECT_FALSE(p.request.seed.has_value());
  EXPECT_EQ(p.request.messages[0].role, "system");
}

TEST(ChatRequestTest, CanonicalFormRoundTripsAndIgnoresDelivery) {
  ChatRequest r = MustParse(kBody).request;
  Bytes canonical = EncodeChatRequest(r);
  auto back = DecodeChatRequest(canonical);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, r);
  // Whitespace, key order and delivery options do not change the hash.
  ChatRequest same =
      MustParse(R"({"seed":7,"top_p":0.9,"temperature":0.7,"max_tokens":32,"stop":["\n\n"],
    "messages":[{"content":"Be brief.","role":"system"},{"role":"user","content":"Hi there"}],"model":"m"})")
          .request;
  EXPECT_EQ(ChatRequestHash(same), ChatRequestHash(r));
  // Every field that decides the answer changes it.
  auto differs = [&](auto mutate) {
    ChatRequest other = r;
    mutate(other);
    return ChatRequestHash(other) != ChatRequestHash(r);
  };
  EXPECT_TRUE(differs([](ChatRequest& x) { x.model_id = "n"; }));
  EXPECT_TRUE(differs([](ChatRequest& x) { x.messages[0].content += "!"; }));
  EXPECT_TRUE(differs([](ChatRequest& x) { x.messages[0].role = "user"; }));
  EXPECT_TRUE(differs([](ChatRequest& x) { x.max_tokens = 33; }));
  EXPECT_TRUE(differs([](ChatRequest& x) { x.temperature = 0.5f; }));
  EXPECT_TRUE(differs([](ChatRequest& x) { x.top_p = 1.0f; }));
  EXPECT_TRUE(differs([](ChatRequest& x) { x.top_k = 5; }));
  EXPECT_TRUE(differs([](ChatRequest& x) { x.seed.reset(); }));
  EXPECT_TRUE(differs([](ChatRequest& x) { x.stop.clear(); }));
}

TEST(ChatRequestTest, DecodeRefusesNonCanonicalAndInvalid) {
  Bytes canonical = EncodeChatRequest(MustParse(kBody).request);
  Bytes trailing = canonical;
  trailing.push_back(0);
  EXPECT_EQ(DecodeChatRequest(trailing).status().code(), Code::kParse);
  ChatRequest bad = MustParse(kBody).request;
  bad.temperature = 3.0f;
  EXPECT_EQ(DecodeChatRequest(EncodeChatRequest(bad)).status().code(), Code::kParse);
  bad = MustParse(kBody).request;
  bad.messages[0].role = "tool";
  EXPECT_EQ(DecodeChatRequest(EncodeChatRequest(bad)).status().code(), Code::kParse);
}

TEST(ChatRequestTest, RefusesWithThePreciseParameter) {
  ExpectRefused("[1]", Code::kParse, "body");
  ExpectRefused("{", Code::kParse, "body");
  ExpectRefused(R"({"messages":[{"role":"user","content":"x"}]})", Code::kInvalidArgument, "model");
  ExpectRefused(R"({"model":"m","messages":[]})", Code::kInvalidArgument, "messages");
  ExpectRefused(R"({"model":"m","messages":[{"role":"robot","content":"x"}]})",
                Code::kInvalidArgument, "messages[0].role");
  ExpectRefused(R"({"model":"m","messages":[{"role":"tool","content":"x"}]})", Code::kUnsupported,
                "messages[0].role");
  ExpectRefused(R"({"model":"m","messages":[{"role":"user","content":"x","name":"a"}]})",
                Code::kUnsupported, "messages[0].name");
  ExpectRefused(R"({"model":"m","messages":[{"role":"user","content":[{"type":"image_url"}]}]})",
                Code::kUnsupported, "messages[0].content[0].type");
  ExpectRefused(R"({"model":"m","messages":[{"role":"user","content":"x"}],"n":2})",
                Code::kUnsupported, "n");
  ExpectRefused(R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{}]})",
                Code::kUnsupported, "tools");
  ExpectRefused(R"({"model":"m","messages":[{"role":"user","content":"x"}],"logprobs":true})",
                Code::kUnsupported, "logprobs");
  ExpectRefused(R"({"model":"m","messages":[{"role":"user","content":"x"}],"frobnicate":1})",
                Code::kUnsupported, "frobnicate");
  ExpectRefused(R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":2.5})",
                Code::kInvalidArgument, "temperature");
  ExpectRefused(R"({"model":"m","messages":[{"role":"user","content":"x"}],"top_p":0})",
                Code::kInvalidArgument, "top_p");
  ExpectRefused(R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":0})",
                Code::kInvalidArgument, "max_tokens");
  ExpectRefused(R"({"model":"m","messages":[{"role":"user","content":"x"}],"seed":-1})",
                Code::kInvalidArgument, "seed");
  ExpectRefused(
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":["a","b","c","d","e"]})",
      Code::kInvalidArgument, "stop");
  ExpectRefused(
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":5,"max_completion_tokens":6})",
      Code::kInvalidArgument, "max_tokens");
}

TEST(ChatRequestTest, LimitsAreCheckedBeforeWork) {
  std::string huge(kMaxChatBodyBytes + 1, ' ');
  ExpectRefused(huge, Code::kOutOfRange, "body");
  std::string deep = R"({"model":"m","messages":[{"role":"user","content":"x"}],"metadata":)" +
                     std::string(100, '[') + std::string(100, ']') + "}";
  ExpectRefused(deep, Code::kParse, "body");
  std::string many = R"({"model":"m","messages":[)";
  for (size_t i = 0; i <= kMaxChatMessages; ++i) many += R"({"role":"user","content":"x"},)";
  many.back() = ']';
  many += "}";
  ExpectRefused(many, Code::kOutOfRange, "messages");
}

TEST(ChatRequestTest, ChatPayloadSignsAndDecodes) {
  auto key = crypto::SecretKey::Generate();
  ChatRequest chat = MustParse(kBody).request;
  InferenceRequest r;
  r.chain_id = "c";
  r.node_pubkey.fill(3);
  r.kind = PayloadKind::kChat;
  r.model_id = chat.model_id;
  r.mode = Mode::kTee;
  auto hash = ChatRequestHash(chat);
  r.input_hash = Bytes(hash.begin(), hash.end());
  r.max_fee = 100;
  r.timestamp_ms = 1;
  r.expires_ms = 2;
  SignedRequest s = SignRequest(r, key);
  auto back = DecodeSignedRequest(EncodeSignedRequest(s));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->request, r);
  EXPECT_TRUE(VerifyRequest(*back).ok());
  r.mode = Mode::kZkml;
  auto zkml = DecodeSignedRequest(EncodeSignedRequest(SignRequest(r, key)));
  EXPECT_EQ(zkml.status().code(), Code::kParse);
}

}  // namespace
}  // namespace vinet::protocol
