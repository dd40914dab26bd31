#include "vinet/protocol/request.h"

#include <gtest/gtest.h>

namespace vinet::protocol {
namespace {

InferenceRequest SampleRequest() {
  InferenceRequest r;
  r.chain_id = "vinet-test";
  r.model_id = "m1";
  r.mode = Mode::kTee;
  r.input_hash = Bytes(32, 0xab);
  r.max_fee = 10;
  r.nonce = 42;
  r.timestamp_ms = 1'700'000'000'000;
  return r;
}

TEST(RequestTest, SignEncodeDecodeVerify) {
  auto key = crypto::SecretKey::Generate();
  SignedRequest s = SignRequest(SampleRequest(), key);
  ASSERT_TRUE(VerifyRequest(s).ok());
  auto decoded = DecodeSignedRequest(EncodeSignedRequest(s));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, s);
  EXPECT_EQ(decoded->request, SampleRequest());
  EXPECT_EQ(InferenceId(*decoded), InferenceId(s));
  EXPECT_EQ(ClientAddress(s), crypto::AddressOf(key.public_key()));
  auto from_json = SignedRequestFromJson(SignedRequestToJson(s));
  ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();
  EXPECT_EQ(*from_json, s);
}

TEST(RequestTest, IdDependsOnEveryField) {
  auto key = crypto::SecretKey::Generate();
  auto base = InferenceId(SignRequest(SampleRequest(), key));
  InferenceRequest r = SampleRequest();
  r.nonce++;
  EXPECT_NE(InferenceId(SignRequest(r, key)), base);
  r = SampleRequest();
  r.input_hash[0] ^= 1;
  EXPECT_NE(InferenceId(SignRequest(r, key)), base);
}

TEST(RequestTest, TamperedBodyOrWrongKeyFailsVerification) {
  auto key = crypto::SecretKey::Generate();
  SignedRequest s = SignRequest(SampleRequest(), key);
  SignedRequest other = s;
  other.client_pubkey = crypto::SecretKey::Generate().public_key();
  EXPECT_EQ(VerifyRequest(other).code(), Code::kUnauthenticated);
  InferenceRequest changed = SampleRequest();
  changed.max_fee = 1000;
  SignedRequest forged = SignRequest(changed, key);
  forged.signature = s.signature;
  EXPECT_EQ(VerifyRequest(forged).code(), Code::kUnauthenticated);
}

TEST(RequestTest, StrictDecoding) {
  auto key = crypto::SecretKey::Generate();
  SignedRequest s = SignRequest(SampleRequest(), key);
  Bytes enc = EncodeSignedRequest(s);
  Bytes with_unknown = enc;
  with_unknown.insert(with_unknown.end(), {0x20, 0x01});  // field 4, varint 1
  auto r = DecodeSignedRequest(with_unknown);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kParse);
  EXPECT_NE(r.status().message().find("unknown field 4"), std::string::npos);

  EXPECT_EQ(DecodeSignedRequest(Bytes{0xff, 0xff}).status().code(), Code::kParse);

  InferenceRequest bad = SampleRequest();
  bad.input_hash = Bytes(31, 0);
  auto short_hash = DecodeSignedRequest(EncodeSignedRequest(SignRequest(bad, key)));
  ASSERT_FALSE(short_hash.ok());
  EXPECT_NE(short_hash.status().message().find("input_hash"), std::string::npos);

  bad = SampleRequest();
  bad.model_id.clear();
  EXPECT_FALSE(DecodeSignedRequest(EncodeSignedRequest(SignRequest(bad, key))).ok());
  EXPECT_EQ(SignedRequestFromJson("{\"body\": \"zz\"}").status().code(), Code::kParse);
  EXPECT_EQ(SignedRequestFromJson("[1]").status().code(), Code::kParse);
}

}  // namespace
}  // namespace vinet::protocol
