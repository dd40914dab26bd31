// AnswerChat with a deterministic fake runner: what it refuses (unsigned,
// forged, rebound requests), the signed chunks and receipt it produces in TEE
// and VANILLA mode, stop-after-n and client disconnects, chunk splitting.
#include "vinet/tee/chat_answer.h"

#include <gtest/gtest.h>

#include "fake_chat_runner.h"

namespace vinet::tee {
namespace {

using testing::FakeChatRunner;
using testing::kFakeChatModel;

struct Fixture {
  crypto::SecretKey client = crypto::SecretKey::Generate();
  crypto::SecretKey node = crypto::SecretKey::Generate();
  crypto::SecretKey enclave = crypto::SecretKey::Generate();
  FakeChatRunner runner;

  ChatAnswerInput Input(const std::string& message, protocol::Mode mode = protocol::Mode::kTee) {
    ChatAnswerInput in;
    in.request.model_id = kFakeChatModel;
    in.request.messages = {{"user", message}};
    in.request.max_tokens = 100;
    in.request.seed = 7;
    protocol::InferenceRequest r;
    r.chain_id = "vinet-test";
    r.node_pubkey = node.public_key();
    r.max_fee = 1000;
    r.nonce = 1;
    r.timestamp_ms = 1000;
    r.expires_ms = 2000;
    r.kind = protocol::PayloadKind::kChat;
    r.model_id = kFakeChatModel;
    r.mode = mode;
    auto h = protocol::ChatRequestHash(in.request);
    r.input_hash = Bytes(h.begin(), h.end());
    in.signed_request = protocol::SignRequest(r, client);
    in.node_id = node.public_key();
    return in;
  }
};

struct Collected {
  std::vector<protocol::ChatChunk> chunks;
  std::function<bool(const protocol::ChatChunk&)> sink() {
    return [this](const protocol::ChatChunk& c) {
      chunks.push_back(c);
      return true;
    };
  }
};

// Verifies `chunks` (the first `n`) and the receipt with a fresh verifier.
void ExpectVerifies(const ChatAnswerInput& in, const crypto::PublicKey& signer,
                    const std::vector<protocol::ChatChunk>& chunks, size_t n,
                    const protocol::ChatReceipt& receipt) {
  auto id = protocol::InferenceId(in.signed_request);
  protocol::ChatStreamVerifier v(id, signer);
  for (size_t i = 0; i < n; ++i) ASSERT_TRUE(v.Accept(chunks[i]).ok()) << i;
  Status s = v.Finish(receipt);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(AnswerChat, TeeAnswerIsSignedChunkByChunkAndReceiptCoversThem) {
  Fixture f;
  auto in = f.Input("tok 6");
  Collected got;
  auto a = AnswerChat(f.runner, in, f.enclave, got.sink());
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(got.chunks.size(), 6u);
  ExpectVerifies(in, f.enclave.public_key(), got.chunks, 6, a->receipt);
  const protocol::ChatReceipt& r = a->receipt;
  auto id = protocol::InferenceId(in.signed_request);
  EXPECT_EQ(r.inference_id, Bytes(id.begin(), id.end()));
  auto h = protocol::ChatRequestHash(in.request);
  EXPECT_EQ(r.request_hash, Bytes(h.begin(), h.end()));
  EXPECT_EQ(r.mode, protocol::Mode::kTee);
  EXPECT_EQ(r.seed, 7u);
  EXPECT_EQ(r.completion_tokens, 6u);
  EXPECT_EQ(r.chunks, 6u);
  EXPECT_EQ(r.finish_reason, "stop");
  EXPECT_EQ(a->text, "w0 w1 w2 w3 w4 w5 ");
  auto th = protocol::TokensHash(a->tokens);
  EXPECT_EQ(r.tokens_hash, Bytes(th.begin(), th.end()));
  auto xh = crypto::Sha256(AsBytes(a->text));
  EXPECT_EQ(r.text_hash, Bytes(xh.begin(), xh.end()));
  ASSERT_TRUE(r.enclave_key.has_value());
  EXPECT_EQ(*r.enclave_key, Bytes(f.enclave.public_key().begin(), f.enclave.public_key().end()));
  EXPECT_TRUE(protocol::VerifyChatEnclaveSignature(r).ok());
  EXPECT_FALSE(r.node_signature.has_value());  // the node co-signs later
  // A chunk signed by another key does not verify against the enclave's.
  protocol::ChatStreamVerifier foreign(id, f.node.public_key());
  EXPECT_FALSE(foreign.Accept(got.chunks[0]).ok());
}

TEST(AnswerChat, SameRequestAndSeedGiveTheSameHashes) {
  Fixture f;
  auto in = f.Input("tok 4");
  auto a = AnswerChat(f.runner, in, f.enclave, {});
  auto b = AnswerChat(f.runner, in, f.enclave, {});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->receipt.tokens_hash, b->receipt.tokens_hash);
  EXPECT_EQ(a->receipt.text_hash, b->receipt.text_hash);
}

TEST(AnswerChat, VanillaIsSignedByTheNode) {
  Fixture f;
  auto in = f.Input("tok 3", protocol::Mode::kVanilla);
  Collected got;
  auto a = AnswerChat(f.runner, in, f.node, got.sink());
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ExpectVerifies(in, f.node.public_key(), got.chunks, got.chunks.size(), a->receipt);
  EXPECT_EQ(a->receipt.mode, protocol::Mode::kVanilla);
  EXPECT_FALSE(a->receipt.enclave_key.has_value());
  EXPECT_TRUE(protocol::VerifyChatNodeSignature(a->receipt).ok());
  // Another key cannot sign a VANILLA answer for this node.
  auto bad = AnswerChat(f.runner, in, f.enclave, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
}

TEST(AnswerChat, RefusesWhatTheClientDidNotSign) {
  Fixture f;
  const int before = f.runner.runs;
  {  // the body changed after signing: hash mismatch
    auto in = f.Input("tok 3");
    in.request.max_tokens = 99;
    auto a = AnswerChat(f.runner, in, f.enclave, {});
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.status().code(), Code::kInvalidArgument);
    EXPECT_NE(a.status().message().find("ChatRequestHash"), std::string::npos)
        << a.status().message();
  }
  {  // forged signature
    auto in = f.Input("tok 3");
    in.signed_request.signature[5] ^= 1;
    auto a = AnswerChat(f.runner, in, f.enclave, {});
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.status().code(), Code::kUnauthenticated);
  }
  {  // unsigned
    auto in = f.Input("tok 3");
    in.signed_request.signature = {};
    auto a = AnswerChat(f.runner, in, f.enclave, {});
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.status().code(), Code::kUnauthenticated);
  }
  {  // signed by the client, but under another client key claimed
    auto in = f.Input("tok 3");
    in.signed_request.client_pubkey = f.node.public_key();
    auto a = AnswerChat(f.runner, in, f.enclave, {});
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.status().code(), Code::kUnauthenticated);
  }
  {  // answered for another node than the one asked
    auto in = f.Input("tok 3");
    in.node_id = f.enclave.public_key();
    auto a = AnswerChat(f.runner, in, f.enclave, {});
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.status().code(), Code::kInvalidArgument);
  }
  {  // a tensor-inference payload is not a chat
    auto in = f.Input("tok 3");
    auto r = in.signed_request.request;
    r.kind = protocol::PayloadKind::kInference;
    in.signed_request = protocol::SignRequest(r, f.client);
    auto a = AnswerChat(f.runner, in, f.enclave, {});
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.status().code(), Code::kInvalidArgument);
  }
  {  // the request names another model than the signed one
    auto in = f.Input("tok 3");
    auto r = in.signed_request.request;
    r.model_id = "other";
    in.signed_request = protocol::SignRequest(r, f.client);
    auto a = AnswerChat(f.runner, in, f.enclave, {});
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.status().code(), Code::kInvalidArgument);
  }
  EXPECT_EQ(f.runner.runs, before);  // nothing ran for a refused request
}

TEST(AnswerChat, StopAfterNCoversExactlyNChunks) {
  Fixture f;
  auto in = f.Input("tok 8");
  Collected got;
  size_t polls = 0;
  auto stop = [&]() -> std::optional<uint32_t> {
    ++polls;
    if (got.chunks.size() >= 5) return 3;  // the node had delivered 3 of 5
    return std::nullopt;
  };
  auto a = AnswerChat(f.runner, in, f.enclave, got.sink(), stop);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(got.chunks.size(), 5u);  // generation ended at the stop
  EXPECT_EQ(a->receipt.chunks, 3u);
  EXPECT_EQ(a->receipt.finish_reason, "cancelled");
  EXPECT_EQ(a->receipt.completion_tokens, 3u);
  EXPECT_EQ(a->text, "w0 w1 w2 ");
  ExpectVerifies(in, f.enclave.public_key(), got.chunks, 3, a->receipt);
  EXPECT_TRUE(protocol::VerifyChatEnclaveSignature(a->receipt).ok());
  // The full stream does not match the cancelled receipt.
  protocol::ChatStreamVerifier v(protocol::InferenceId(in.signed_request), f.enclave.public_key());
  for (const auto& c : got.chunks) ASSERT_TRUE(v.Accept(c).ok());
  EXPECT_FALSE(v.Finish(a->receipt).ok());
  EXPECT_GE(polls, 5u);
}

TEST(AnswerChat, StopBeyondWhatWasStreamedIsRefused) {
  Fixture f;
  auto in = f.Input("tok 8");
  Collected got;
  auto stop = [&]() -> std::optional<uint32_t> {
    if (got.chunks.size() == 2) return 4;
    return std::nullopt;
  };
  auto a = AnswerChat(f.runner, in, f.enclave, got.sink(), stop);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Code::kInvalidArgument);
}

TEST(AnswerChat, StopAtZeroGivesAnEmptyCancelledReceipt) {
  Fixture f;
  auto in = f.Input("tok 8");
  Collected got;
  auto a = AnswerChat(f.runner, in, f.enclave, got.sink(),
                      []() -> std::optional<uint32_t> { return 0; });
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(got.chunks.empty());
  EXPECT_EQ(a->receipt.chunks, 0u);
  EXPECT_EQ(a->receipt.completion_tokens, 0u);
  EXPECT_EQ(a->receipt.finish_reason, "cancelled");
  ExpectVerifies(in, f.enclave.public_key(), got.chunks, 0, a->receipt);
}

TEST(AnswerChat, DisconnectCoversTheChunksDelivered) {
  Fixture f;
  auto in = f.Input("tok 8");
  std::vector<protocol::ChatChunk> delivered;
  auto sink = [&](const protocol::ChatChunk& c) {
    if (delivered.size() == 4) return false;  // the fifth write fails
    delivered.push_back(c);
    return true;
  };
  auto a = AnswerChat(f.runner, in, f.enclave, sink);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->receipt.chunks, 4u);
  EXPECT_EQ(a->receipt.finish_reason, "cancelled");
  ExpectVerifies(in, f.enclave.public_key(), delivered, 4, a->receipt);
}

TEST(AnswerChat, LongDeltasAreSplitWithinTheChunkLimits) {
  Fixture f;
  auto in = f.Input("big");
  in.request.max_tokens = 1000;
  auto h = protocol::ChatRequestHash(in.request);
  auto r = in.signed_request.request;
  r.input_hash = Bytes(h.begin(), h.end());
  in.signed_request = protocol::SignRequest(r, f.client);
  Collected got;
  auto a = AnswerChat(f.runner, in, f.enclave, got.sink());
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(got.chunks.size(), 3u);  // 150 tokens / 64, 9,000+ bytes / 4,096
  std::string text;
  size_t tokens = 0;
  for (const auto& c : got.chunks) {
    EXPECT_LE(c.tokens.size(), protocol::kMaxChunkTokens);
    EXPECT_LE(c.text.size(), protocol::kMaxChunkTextBytes);
    ASSERT_FALSE(c.text.empty());
    EXPECT_NE(static_cast<unsigned char>(c.text[0]) & 0xC0, 0x80) << "split inside a character";
    text += c.text;
    tokens += c.tokens.size();
  }
  EXPECT_EQ(tokens, 150u);
  EXPECT_EQ(text, a->text);
  EXPECT_EQ(a->receipt.completion_tokens, 150u);
  ExpectVerifies(in, f.enclave.public_key(), got.chunks, got.chunks.size(), a->receipt);
}

TEST(AnswerChat, MaxCompletionCapsTheRunner) {
  Fixture f;
  auto in = f.Input("tok 8");
  in.max_completion = 3;
  auto a = AnswerChat(f.runner, in, f.enclave, {});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(f.runner.last_cap, 3u);
  EXPECT_EQ(a->receipt.completion_tokens, 3u);
  EXPECT_EQ(a->receipt.finish_reason, "length");
  in.max_completion = 0;  // none: the request's max_tokens
  ASSERT_TRUE(AnswerChat(f.runner, in, f.enclave, {}).ok());
  EXPECT_EQ(f.runner.last_cap, 100u);
}

}  // namespace
}  // namespace vinet::tee
