#include "vinet/protocol/chat_receipt.h"

#include <gtest/gtest.h>

namespace vinet::protocol {
namespace {

struct Keys {
  crypto::SecretKey node = crypto::SecretKey::Generate();
  crypto::SecretKey enclave = crypto::SecretKey::Generate();
};

ChatReceipt Sample(const Keys& k, Mode mode) {
  ChatReceipt r;
  r.inference_id = Bytes(32, 1);
  r.model_id = std::string(64, 'a');
  r.mode = mode;
  r.request_hash = Bytes(32, 2);
  r.seed = 0xfedcba9876543210ull;
  r.prompt_tokens = 31;
  r.completion_tokens = 7;
  r.finish_reason = "stop";
  r.tokens_hash = Bytes(32, 3);
  r.text_hash = Bytes(32, 4);
  r.node_id = Bytes(k.node.public_key().begin(), k.node.public_key().end());
  r.chunks = 8;
  if (mode == Mode::kTee) SignChatAsEnclave(r, k.enclave);
  EXPECT_TRUE(SignChatAsNode(r, k.node).ok());
  return r;
}

TEST(ChatReceiptTest, EncodesCanonicallyAndVerifies) {
  Keys k;
  for (Mode mode : {Mode::kVanilla, Mode::kTee}) {
    ChatReceipt r = Sample(k, mode);
    Bytes enc = EncodeChatReceipt(r);
    EXPECT_TRUE(LooksLikeChatReceipt(enc));
    auto back = DecodeChatReceipt(enc);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, r);
    EXPECT_TRUE(VerifyChatNodeSignature(*back).ok());
    EXPECT_EQ(VerifyChatEnclaveSignature(*back).ok(), mode == Mode::kTee);
    auto json = ChatReceiptFromJson(ChatReceiptToJson(r));
    ASSERT_TRUE(json.ok()) << json.status().ToString();
    EXPECT_EQ(*json, r);
  }
}

TEST(ChatReceiptTest, EverySignedFieldIsCovered) {
  Keys k;
  const ChatReceipt r = Sample(k, Mode::kTee);
  auto breaks = [&](auto mutate) {
    ChatReceipt x = r;
    mutate(x);
    return !VerifyChatEnclaveSignature(x).ok() && !VerifyChatNodeSignature(x).ok();
  };
  EXPECT_TRUE(breaks([](ChatReceipt& x) { x.inference_id[0] ^= 1; }));
  EXPECT_TRUE(breaks([](ChatReceipt& x) { x.model_id[0] = 'b'; }));
  EXPECT_TRUE(breaks([](ChatReceipt& x) { x.request_hash[0] ^= 1; }));
  EXPECT_TRUE(breaks([](ChatReceipt& x) { x.seed ^= 1; }));
  EXPECT_TRUE(breaks([](ChatReceipt& x) { x.prompt_tokens += 1; }));
  EXPECT_TRUE(breaks([](ChatReceipt& x) { x.completion_tokens += 1; }));
  EXPECT_TRUE(breaks([](ChatReceipt& x) { x.finish_reason = "length"; }));
  EXPECT_TRUE(breaks([](ChatReceipt& x) { x.tokens_hash[0] ^= 1; }));
  EXPECT_TRUE(breaks([](ChatReceipt& x) { x.text_hash[0] ^= 1; }));
  EXPECT_TRUE(breaks([](ChatReceipt& x) { x.chunks += 1; }));
  ChatReceipt x = r;
  x.enclave_signature->at(0) ^= 1;  // the node signature covers the enclave's
  EXPECT_FALSE(VerifyChatNodeSignature(x).ok());
}

TEST(ChatReceiptTest, DecodeIsStrict) {
  Keys k;
  Bytes enc = EncodeChatReceipt(Sample(k, Mode::kTee));
  Bytes trailing = enc;
  trailing.push_back(0);
  EXPECT_EQ(DecodeChatReceipt(trailing).status().code(), Code::kParse);
  Bytes truncated(enc.begin(), enc.end() - 1);
  EXPECT_EQ(DecodeChatReceipt(truncated).status().code(), Code::kParse);
  ChatReceipt bad = Sample(k, Mode::kTee);
  bad.finish_reason = "bored";
  EXPECT_EQ(DecodeChatReceipt(EncodeChatReceipt(bad)).status().code(), Code::kParse);
  bad = Sample(k, Mode::kVanilla);
  bad.enclave_key = Bytes(32, 9);
  EXPECT_EQ(DecodeChatReceipt(EncodeChatReceipt(bad)).status().code(), Code::kParse);
  Bytes huge(kMaxClaimReceiptBytes + 1, 0x40);
  EXPECT_EQ(DecodeChatReceipt(huge).status().code(), Code::kParse);
  EXPECT_FALSE(LooksLikeChatReceipt(Bytes{0x8b, 0x01}));
}

TEST(ChatReceiptTest, FeeIsPricedPerTokenWithoutOverflow) {
  auto fee = ChatFee(5, 2, 3, 10, 4);
  ASSERT_TRUE(fee.ok());
  EXPECT_EQ(*fee, 5u + 20u + 12u);
  EXPECT_EQ(ChatFee(0, UINT64_MAX, 0, 2, 0).status().code(), Code::kOutOfRange);
  EXPECT_EQ(ChatFee(UINT64_MAX, 1, 0, 1, 0).status().code(), Code::kOutOfRange);
}

TEST(ChatReceiptTest, TokensHashIsInt32LittleEndian) {
  std::vector<int32_t> tokens{1, 258};
  Bytes le{1, 0, 0, 0, 2, 1, 0, 0};
  EXPECT_EQ(TokensHash(tokens), crypto::Sha256(le));
}

}  // namespace
}  // namespace vinet::protocol
