#include "vinet/protocol/chat_stream.h"

#include <gtest/gtest.h>

namespace vinet::protocol {
namespace {

struct Stream {
  crypto::SecretKey signer = crypto::SecretKey::Generate();
  Bytes id = Bytes(32, 0x5a);
  std::vector<ChatChunk> chunks;

  Stream() {
    ChatStreamSigner s(id, signer);
    chunks.push_back(s.Next(std::vector<int32_t>{10}, "Hel"));
    chunks.push_back(s.Next(std::vector<int32_t>{11, 12}, "lo"));
    chunks.push_back(s.Next(std::vector<int32_t>{}, "!"));
  }
  ChatStreamVerifier Verifier() const { return ChatStreamVerifier(id, signer.public_key()); }
  ChatReceipt Receipt(uint32_t n) const {
    ChatStreamSigner s(id, signer);
    for (uint32_t i = 0; i < n; ++i) (void)s.Next(chunks[i].tokens, chunks[i].text);
    ChatStreamPrefix p = s.Prefix(n);
    ChatReceipt r;
    r.inference_id = id;
    r.chunks = p.chunks;
    r.completion_tokens = static_cast<uint32_t>(p.tokens.size());
    auto th = TokensHash(p.tokens);
    r.tokens_hash = Bytes(th.begin(), th.end());
    auto xh = crypto::Sha256(AsBytes(p.text));
    r.text_hash = Bytes(xh.begin(), xh.end());
    return r;
  }
};

TEST(ChatStreamTest, HonestStreamVerifies) {
  Stream s;
  auto v = s.Verifier();
  for (const auto& c : s.chunks) ASSERT_TRUE(v.Accept(c).ok());
  EXPECT_EQ(v.text(), "Hello!");
  EXPECT_EQ(v.tokens(), (std::vector<int32_t>{10, 11, 12}));
  EXPECT_TRUE(v.Finish(s.Receipt(3)).ok());
}

TEST(ChatStreamTest, JsonRoundTrips) {
  Stream s;
  for (const auto& c : s.chunks) {
    auto back = ChatChunkFromJson(ChatChunkToJson(c));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, c);
  }
  EXPECT_EQ(ChatChunkFromJson("{}").status().code(), Code::kParse);
  EXPECT_EQ(ChatChunkFromJson("nope").status().code(), Code::kParse);
}

TEST(ChatStreamTest, AlteredChunkFails) {
  Stream s;
  auto v = s.Verifier();
  ChatChunk c = s.chunks[0];
  c.text = "Help";
  EXPECT_EQ(v.Accept(c).code(), Code::kVerification);
  // A broken stream stays broken, even for the honest next chunk.
  EXPECT_FALSE(v.Accept(s.chunks[0]).ok());
}

TEST(ChatStreamTest, RehashedChunkWithoutTheKeyFails) {
  Stream s;
  auto v = s.Verifier();
  ChatChunk c = s.chunks[0];
  c.tokens = {99};
  c.running_hash = ChatStreamStep(ChatStreamSeed(s.id), 0, c.tokens, c.text);
  EXPECT_EQ(v.Accept(c).code(), Code::kUnauthenticated);
}

TEST(ChatStreamTest, DroppedOrReorderedChunkFails) {
  Stream s;
  auto dropped = s.Verifier();
  ASSERT_TRUE(dropped.Accept(s.chunks[0]).ok());
  EXPECT_FALSE(dropped.Accept(s.chunks[2]).ok());
  auto renumbered = s.Verifier();
  ASSERT_TRUE(renumbered.Accept(s.chunks[0]).ok());
  ChatChunk skip = s.chunks[2];
  skip.index = 1;
  EXPECT_EQ(renumbered.Accept(skip).code(), Code::kVerification);
}

TEST(ChatStreamTest, ForeignStreamFails) {
  Stream a, b;
  auto v = a.Verifier();
  EXPECT_FALSE(v.Accept(b.chunks[0]).ok());  // another signer and inference id
}

TEST(ChatStreamTest, TruncatedStreamFailsAtTheReceipt) {
  Stream s;
  auto v = s.Verifier();
  ASSERT_TRUE(v.Accept(s.chunks[0]).ok());
  ASSERT_TRUE(v.Accept(s.chunks[1]).ok());
  EXPECT_EQ(v.Finish(s.Receipt(3)).code(), Code::kVerification);
  // A receipt over exactly the delivered prefix (a cancelled stream) is fine.
  EXPECT_TRUE(v.Finish(s.Receipt(2)).ok());
}

TEST(ChatStreamTest, PrefixCoversExactlyItsChunks) {
  Stream s;
  ChatStreamSigner signer(s.id, s.signer);
  for (const auto& c : s.chunks) (void)signer.Next(c.tokens, c.text);
  ChatStreamPrefix p = signer.Prefix(2);
  EXPECT_EQ(p.chunks, 2u);
  EXPECT_EQ(p.text, "Hello");
  EXPECT_EQ(p.tokens, (std::vector<int32_t>{10, 11, 12}));
  EXPECT_EQ(p.running_hash, s.chunks[1].running_hash);
  EXPECT_EQ(signer.Prefix(0).running_hash, ChatStreamSeed(s.id));
}

}  // namespace
}  // namespace vinet::protocol
