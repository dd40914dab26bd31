// The node's chat request checks and error mapping (docs/network.md, "LLM
// chat"): header decoding, signature/binding/hash checks, the fee cap, the
// OpenAI error shape for the parser's refusals, and fee holds.
#include <gtest/gtest.h>

#include "vinet/chain/rpc_client.h"
#include "vinet/node/chat_checks.h"
#include "vinet/node/chat_holds.h"
#include "vinet/node/http_errors.h"
#include "vinet/protocol/chat_receipt.h"

namespace vinet::node {
namespace {

using protocol::ChatRequest;

const std::string kModel(64, 'a');

struct Signed {
  crypto::SecretKey client = crypto::SecretKey::Generate();
  crypto::SecretKey node = crypto::SecretKey::Generate();
  ChatRequest chat;
  protocol::SignedRequest req;
  int64_t now = 1'700'000'000'000;

  Signed() {
    chat.model_id = kModel;
    chat.messages = {{"user", "hello"}};
    chat.max_tokens = 16;
    Sign();
  }
  void Sign(protocol::PayloadKind kind = protocol::PayloadKind::kChat,
            protocol::Mode mode = protocol::Mode::kVanilla) {
    protocol::InferenceRequest r;
    r.chain_id = "c";
    r.node_pubkey = node.public_key();
    r.max_fee = 100;
    r.nonce = 1;
    r.timestamp_ms = now;
    r.expires_ms = now + 120'000;
    r.kind = kind;
    r.model_id = kModel;
    r.mode = mode;
    auto h = protocol::ChatRequestHash(chat);
    r.input_hash.assign(h.begin(), h.end());
    req = protocol::SignRequest(r, client);
  }
  RequestBinding Binding() const { return {node.public_key(), "c", now + 30'000, 3'600'000}; }
};

TEST(ChatChecks, HeaderMissingGarbledOrHugeIsUnauthenticated) {
  EXPECT_EQ(DecodeChatHeader("").status().code(), Code::kUnauthenticated);
  EXPECT_EQ(DecodeChatHeader("%%%").status().code(), Code::kUnauthenticated);
  EXPECT_EQ(DecodeChatHeader(chain::Base64Encode(ToBytes("not a protobuf"))).status().code(),
            Code::kUnauthenticated);
  EXPECT_EQ(DecodeChatHeader(std::string(kMaxRequestHeaderBytes + 1, 'A')).status().code(),
            Code::kUnauthenticated);
  Signed s;
  auto back = DecodeChatHeader(chain::Base64Encode(protocol::EncodeSignedRequest(s.req)));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, s.req);
}

TEST(ChatChecks, AcceptsTheSignedBody) {
  Signed s;
  EXPECT_TRUE(CheckChatRequest(s.req, s.chat, s.Binding()).ok());
}

TEST(ChatChecks, RefusesABodyOtherThanTheSignedOne) {
  Signed s;
  ChatRequest other = s.chat;
  other.max_tokens = 17;
  Status st = CheckChatRequest(s.req, other, s.Binding());
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_NE(st.message().find("request_hash"), std::string::npos) << st.message();
  other = s.chat;
  other.messages[0].content = "hellO";
  EXPECT_EQ(CheckChatRequest(s.req, other, s.Binding()).code(), Code::kInvalidArgument);
  other = s.chat;
  other.model_id = std::string(64, 'b');
  st = CheckChatRequest(s.req, other, s.Binding());
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(ErrorParam(st.message()), "model");
}

TEST(ChatChecks, RefusesForgedForeignExpiredOrNonChatRequests) {
  Signed s;
  protocol::SignedRequest forged = s.req;
  forged.signature[0] ^= 1;
  EXPECT_EQ(CheckChatRequest(forged, s.chat, s.Binding()).code(), Code::kUnauthenticated);
  RequestBinding other_node = s.Binding();
  other_node.node_key = crypto::SecretKey::Generate().public_key();
  EXPECT_EQ(CheckChatRequest(s.req, s.chat, other_node).code(), Code::kInvalidArgument);
  RequestBinding other_chain = s.Binding();
  other_chain.chain_id = "d";
  EXPECT_EQ(CheckChatRequest(s.req, s.chat, other_chain).code(), Code::kInvalidArgument);
  RequestBinding late = s.Binding();
  late.not_before_ms = s.now + 120'000;  // expires before the claim could land
  EXPECT_EQ(CheckChatRequest(s.req, s.chat, late).code(), Code::kInvalidArgument);
  s.Sign(protocol::PayloadKind::kInference);
  Status st = CheckChatRequest(s.req, s.chat, s.Binding());
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_NE(st.message().find("not a chat"), std::string::npos) << st.message();
}

TEST(ChatChecks, MaxCompletionIsWhatMaxFeePays) {
  ChatPrices p{10, 2, 3};
  // 10 + 5·2 + 1·3 = 23 is the least a 5-token prompt costs.
  EXPECT_EQ(MaxCompletion(p, 5, 100, 22).status().code(), Code::kInsufficientFunds);
  EXPECT_EQ(*MaxCompletion(p, 5, 100, 23), 1u);
  EXPECT_EQ(*MaxCompletion(p, 5, 100, 25), 1u);
  EXPECT_EQ(*MaxCompletion(p, 5, 100, 26), 2u);
  EXPECT_EQ(*MaxCompletion(p, 5, 100, 1'000'000), 100u);  // max_tokens caps it
  EXPECT_EQ(*MaxCompletion({10, 2, 0}, 5, 7, 20), 7u);    // free output: max_tokens
  EXPECT_EQ(MaxCompletion({UINT64_MAX, 1, 1}, 5, 7, UINT64_MAX).status().code(),
            Code::kInsufficientFunds);  // overflow
  // Every cap it returns is affordable, and one more token is not.
  for (uint64_t fee = 23; fee < 80; ++fee) {
    uint32_t n = *MaxCompletion(p, 5, 1000, fee);
    EXPECT_LE(*protocol::ChatFee(10, 2, 3, 5, n), fee);
    EXPECT_GT(*protocol::ChatFee(10, 2, 3, 5, n + 1), fee);
  }
}

TEST(ChatErrors, OpenAiShapeAndStatus) {
  HttpError e = OpenAiError(Error(Code::kInvalidArgument, "messages[2].role: unknown \"x\""), "");
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.body["error"]["type"], "invalid_request_error");
  EXPECT_EQ(e.body["error"]["param"], "messages[2].role");
  EXPECT_EQ(e.body["error"]["code"], "invalid_argument");
  EXPECT_TRUE(e.body["error"]["inference_id"].is_null());
  EXPECT_EQ(e.body["error"]["message"], "messages[2].role: unknown \"x\"");

  e = OpenAiError(Error(Code::kUnauthenticated, "X-Vinet-Request: missing"), "ab");
  EXPECT_EQ(e.status, 401);
  EXPECT_EQ(e.body["error"]["type"], "authentication_error");
  EXPECT_EQ(e.body["error"]["inference_id"], "ab");
  e = OpenAiError(Error(Code::kInsufficientFunds, "request.max_fee 3 does not pay"), "ab");
  EXPECT_EQ(e.status, 402);
  EXPECT_EQ(e.body["error"]["type"], "insufficient_quota");
  EXPECT_TRUE(e.body["error"]["param"].is_null());  // the signed request, not the body
  EXPECT_EQ(OpenAiError(Error(Code::kNotFound, "model: x"), "").status, 404);
  EXPECT_EQ(OpenAiError(Error(Code::kAlreadyExists, "inference x"), "").status, 409);
  HttpError n = OpenAiError(Error(Code::kUnsupported, "n: only 1"), "");
  EXPECT_EQ(n.status, 400);  // OpenAI has no 501
  EXPECT_EQ(n.body["error"]["code"], "unsupported");
  EXPECT_EQ(n.body["error"]["param"], "n");
  HttpError u = OpenAiError(Error(Code::kUnavailable, "chain down"), "");
  EXPECT_EQ(u.status, 503);
  EXPECT_EQ(u.body["error"]["type"], "service_unavailable");
  HttpError i = OpenAiError(Error(Code::kInternal, "bug"), "");
  EXPECT_EQ(i.status, 500);
  EXPECT_EQ(i.body["error"]["type"], "server_error");
}

// The parser's refusals reach the client as 400 naming the parameter.
TEST(ChatErrors, ParserRefusalsNameTheParameter) {
  struct Case {
    std::string body, param;
  };
  std::string m = "\"model\":\"" + kModel + "\"";
  std::vector<Case> cases = {
      {"{" + m + ",\"messages\":[]}", "messages"},
      {"{" + m + ",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}", "messages[0].role"},
      {"{" + m + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":2}", "n"},
      {"{" + m + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"logprobs\":true}",
       "logprobs"},
      {"{" + m + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{}]}", "tools"},
      {"{" + m + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}",
       "max_tokens"},
  };
  for (const auto& c : cases) {
    auto r = protocol::ParseChatCompletion(c.body);
    ASSERT_FALSE(r.ok()) << c.body;
    HttpError e = OpenAiError(r.status(), "");
    EXPECT_EQ(e.status, 400) << c.body;
    EXPECT_EQ(e.body["error"]["param"], c.param) << r.status().message();
  }
}

TEST(ChatHolds, ReservesAgainstWhatIsLeftAndReleases) {
  ChatHolds holds;
  auto a = holds.Reserve("id1", "alice", 60, 100);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(holds.Held("alice"), 60u);
  EXPECT_EQ(holds.Reserve("id2", "alice", 50, 100).status().code(), Code::kInsufficientFunds);
  EXPECT_EQ(holds.Reserve("id1", "bob", 1, 100).status().code(), Code::kAlreadyExists);
  auto b = holds.Reserve("id2", "alice", 40, 100);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(holds.Running(), 2u);
  {
    ChatHold moved = std::move(*a);
    EXPECT_EQ(holds.Held("alice"), 100u);
  }
  EXPECT_EQ(holds.Held("alice"), 40u);
  b->Release();
  b->Release();  // idempotent
  EXPECT_EQ(holds.Held("alice"), 0u);
  EXPECT_EQ(holds.Running(), 0u);
  EXPECT_TRUE(holds.Reserve("id1", "alice", 100, 100).ok());
}

}  // namespace
}  // namespace vinet::node
