#include "vinet/protocol/request.h"

#include <gtest/gtest.h>

#include "vinet/inference/v1/request.pb.h"

namespace vinet::protocol {
namespace {

InferenceRequest SampleRequest() {
  InferenceRequest r;
  r.chain_id = "vinet-test";
  r.node_pubkey.fill(0x11);
  r.model_id = "m1";
  r.mode = Mode::kTee;
  r.input_hash = Bytes(32, 0xab);
  r.max_fee = 10;
  r.nonce = 42;
  r.timestamp_ms = 1'700'000'000'000;
  r.expires_ms = r.timestamp_ms + 60'000;
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
  r = SampleRequest();
  r.node_pubkey[0] ^= 1;
  EXPECT_NE(InferenceId(SignRequest(r, key)), base);
  r = SampleRequest();
  r.expires_ms++;
  EXPECT_NE(InferenceId(SignRequest(r, key)), base);
}

// Finding 1: the same body signed by another client is another inference, so
// re-signing a request cannot collide with (and void) the original's claim.
TEST(RequestTest, IdCoversTheClientKey) {
  auto alice = crypto::SecretKey::Generate();
  auto mallory = crypto::SecretKey::Generate();
  SignedRequest original = SignRequest(SampleRequest(), alice);
  SignedRequest resigned = SignRequest(SampleRequest(), mallory);
  ASSERT_EQ(original.body, resigned.body);
  EXPECT_TRUE(VerifyRequest(resigned).ok());
  EXPECT_NE(InferenceId(original), InferenceId(resigned));
  // Alice's signature does not carry over to Mallory's key (nor back).
  SignedRequest swapped = original;
  swapped.client_pubkey = mallory.public_key();
  EXPECT_EQ(VerifyRequest(swapped).code(), Code::kUnauthenticated);
}

TEST(RequestTest, ValidityWindow) {
  InferenceRequest r = SampleRequest();
  EXPECT_TRUE(CheckValidity(r, r.timestamp_ms, 60'000).ok());
  EXPECT_TRUE(CheckValidity(r, r.expires_ms - 1, 60'000).ok());
  auto expired = CheckValidity(r, r.expires_ms, 60'000);
  EXPECT_EQ(expired.code(), Code::kInvalidArgument);
  EXPECT_NE(expired.message().find("expired"), std::string::npos);
  auto too_long = CheckValidity(r, r.timestamp_ms, 59'999);
  EXPECT_EQ(too_long.code(), Code::kInvalidArgument);
  EXPECT_NE(too_long.message().find("more than 59999"), std::string::npos);
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

  bad = SampleRequest();
  bad.expires_ms = bad.timestamp_ms;
  auto no_window = DecodeSignedRequest(EncodeSignedRequest(SignRequest(bad, key)));
  ASSERT_FALSE(no_window.ok());
  EXPECT_NE(no_window.status().message().find("body.expires_ms"), std::string::npos);

  // An envelope without a payload, and one with a short node key.
  ::vinet::inference::v1::RequestBody body;
  body.set_chain_id("vinet-test");
  body.set_node_pubkey(std::string(32, 'n'));
  body.set_timestamp_ms(1);
  body.set_expires_ms(2);
  SignedRequest raw = s;
  raw.body = ToBytes(body.SerializeAsString());
  auto no_payload = DecodeSignedRequest(EncodeSignedRequest(raw));
  ASSERT_FALSE(no_payload.ok());
  EXPECT_NE(no_payload.status().message().find("body.payload: missing"), std::string::npos);
  body.set_node_pubkey("short");
  body.mutable_inference()->set_model_id("m1");
  body.mutable_inference()->set_input_hash(std::string(32, 'h'));
  raw.body = ToBytes(body.SerializeAsString());
  auto short_node = DecodeSignedRequest(EncodeSignedRequest(raw));
  ASSERT_FALSE(short_node.ok());
  EXPECT_NE(short_node.status().message().find("body.node_pubkey"), std::string::npos);
  EXPECT_EQ(SignedRequestFromJson("{\"body\": \"zz\"}").status().code(), Code::kParse);
  EXPECT_EQ(SignedRequestFromJson("[1]").status().code(), Code::kParse);
}

}  // namespace
}  // namespace vinet::protocol
