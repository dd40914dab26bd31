// Receipts: canonical encoding, signing by the enclave and the node, and
// verification against attested keys.
#include <gtest/gtest.h>

#include "enclave_fixture.h"
#include "vinet/tee/receipt_verifier.h"

namespace vinet::tee {
namespace {

using testing::MakeTestEnclave;
using testing::NowMs;

struct AttestedSetup {
  testing::TestEnclave te = MakeTestEnclave();
  crypto::SecretKey node = crypto::SecretKey::Generate();
  AttestationCache cache;
  uint64_t now = NowMs();
  protocol::Receipt receipt;

  AttestedSetup() {
    Bytes nonce{7, 7, 7};
    auto doc = te.enclave->Attest(nonce);
    EXPECT_TRUE(doc.ok()) << doc.status().ToString();
    AttestationPolicy policy;
    policy.expected_nonce = nonce;
    policy.max_age_ms = 60'000;
    auto added = cache.Add(*doc, std::span<const TrustRoot>(&te.root, 1), now, policy);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    InferRequest req;
    req.inference_id = Bytes(32, 0x11);
    req.node_id = Bytes(node.public_key().begin(), node.public_key().end());
    req.model_id = "echo";
    req.inputs = {protocol::F32Tensor("x", {2}, {1.5f, -2.0f})};
    auto r = te.enclave->Infer(req);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    receipt = *r;
    EXPECT_TRUE(protocol::SignAsNode(receipt, node).ok());
  }
};

TEST(ReceiptTest, VerifiesWithTheAttestedKey) {
  AttestedSetup s;
  EXPECT_EQ(s.cache.size(), 1u);
  EXPECT_EQ(s.receipt.outputs[0].name, "out_x");
  auto in_hash = protocol::TensorsHash({protocol::F32Tensor("x", {2}, {1.5f, -2.0f})});
  ReceiptExpectations e;
  e.input_hash = Bytes(in_hash.begin(), in_hash.end());
  e.require_node_signature = true;
  EXPECT_TRUE(VerifyReceipt(s.receipt, s.cache, s.now, e).ok())
      << VerifyReceipt(s.receipt, s.cache, s.now, e).ToString();
}

TEST(ReceiptTest, AnyChangedFieldIsRejected) {
  AttestedSetup s;
  std::vector<std::pair<const char*, std::function<void(protocol::Receipt&)>>> edits = {
      {"inference_id", [](protocol::Receipt& r) { r.inference_id[0] ^= 1; }},
      {"model_id", [](protocol::Receipt& r) { r.model_id = "echo2"; }},
      {"mode", [](protocol::Receipt& r) { r.mode = protocol::Mode::kVanilla; }},
      {"input_hash", [](protocol::Receipt& r) { r.input_hash[5] ^= 1; }},
      {"output_hash", [](protocol::Receipt& r) { r.output_hash[5] ^= 1; }},
      {"outputs", [](protocol::Receipt& r) { r.outputs[0].data[0] ^= 1; }},
      {"node_id", [](protocol::Receipt& r) { r.node_id[0] ^= 1; }},
      {"enclave_signature", [](protocol::Receipt& r) { (*r.enclave_signature)[0] ^= 1; }},
      {"node_signature", [](protocol::Receipt& r) { (*r.node_signature)[0] ^= 1; }},
      {"enclave_key", [](protocol::Receipt& r) { (*r.enclave_key)[0] ^= 1; }},
  };
  for (auto& [name, edit] : edits) {
    protocol::Receipt r = s.receipt;
    edit(r);
    Status st = VerifyReceipt(r, s.cache, s.now);
    EXPECT_FALSE(st.ok()) << name;
  }
  // The reasons for a few: outputs via output_hash, signatures as such.
  protocol::Receipt out = s.receipt;
  out.outputs[0].data[0] ^= 1;
  EXPECT_NE(VerifyReceipt(out, s.cache, s.now).message().find("output_hash does not match"),
            std::string::npos);
  protocol::Receipt sig = s.receipt;
  sig.model_id = "other";
  EXPECT_EQ(VerifyReceipt(sig, s.cache, s.now).code(), Code::kUnauthenticated);
}

TEST(ReceiptTest, AnotherEnclavesKeyIsRejected) {
  AttestedSetup s;
  auto other = MakeTestEnclave();
  InferRequest req{
      Bytes(32, 1), s.receipt.node_id, "echo", {protocol::F32Tensor("x", {1}, {1.0f})}};
  auto r = other.enclave->Infer(req);
  ASSERT_TRUE(r.ok());
  Status st = VerifyReceipt(*r, s.cache, s.now);
  EXPECT_NE(st.message().find("has no verified attestation"), std::string::npos) << st.ToString();
  // The attested key in a receipt signed by another enclave's key.
  protocol::Receipt forged = *r;
  forged.enclave_key = s.receipt.enclave_key;
  EXPECT_EQ(VerifyReceipt(forged, s.cache, s.now).code(), Code::kUnauthenticated);
}

TEST(ReceiptTest, ExpiredAttestationIsRejected) {
  AttestedSetup s;
  uint64_t later = s.now + 3 * 3600 * 1000ULL + 5000;
  Status st = VerifyReceipt(s.receipt, s.cache, later);
  EXPECT_NE(st.message().find("attestation expired"), std::string::npos) << st.ToString();
  // A document checked after its leaf expired never enters a cache.
  auto doc = s.te.enclave->Attest(Bytes{1});
  AttestationCache fresh;
  auto added = fresh.Add(*doc, std::span<const TrustRoot>(&s.te.root, 1), later, {});
  EXPECT_FALSE(added.ok());
  EXPECT_NE(VerifyReceipt(s.receipt, fresh, s.now).message().find("no verified attestation"),
            std::string::npos);
  // A ttl shorter than the leaf bounds the entry.
  AttestationCache ttl;
  ASSERT_TRUE(ttl.Add(*doc, std::span<const TrustRoot>(&s.te.root, 1), s.now, {}, 1000).ok());
  EXPECT_FALSE(VerifyReceipt(s.receipt, ttl, s.now + 60'000).ok());
}

TEST(ReceiptTest, DebugAttestationIsRejected) {
  auto te = MakeTestEnclave(/*debug=*/true);
  uint64_t now = NowMs();
  auto doc = te.enclave->Attest(Bytes{1});
  ASSERT_TRUE(doc.ok());
  AttestationCache cache;
  auto added = cache.Add(*doc, std::span<const TrustRoot>(&te.root, 1), now, {});
  ASSERT_FALSE(added.ok());
  EXPECT_NE(added.status().message().find("debug-mode"), std::string::npos);
  auto r = te.enclave->Infer(
      {Bytes(32, 2), Bytes(32, 3), "echo", {protocol::F32Tensor("x", {1}, {1.0f})}});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(VerifyReceipt(*r, cache, now).ok());
}

TEST(ReceiptTest, AttestationUnderAnotherRootNeverEntersTheCache) {
  AttestedSetup s;
  auto doc = s.te.enclave->Attest(Bytes{1});
  AttestationCache cache;
  auto added = cache.Add(*doc, std::span<const TrustRoot>(&TrustRoot::AwsNitro(), 1), s.now, {});
  EXPECT_EQ(added.status().code(), Code::kVerification);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(ReceiptEncodingTest, CanonicalRoundTripAndStrictness) {
  AttestedSetup s;
  Bytes enc = protocol::EncodeReceipt(s.receipt);
  auto back = protocol::DecodeReceipt(enc);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, s.receipt);
  Bytes trailing = enc;
  trailing.push_back(0);
  EXPECT_EQ(protocol::DecodeReceipt(trailing).status().code(), Code::kParse);
  // Version 2 is unknown.
  Bytes v2 = enc;
  v2[1] = 0x02;
  EXPECT_NE(protocol::DecodeReceipt(v2).status().message().find("receipt.version"),
            std::string::npos);
  // A non-shortest integer (mode 1 as 0x1801) is the same value, not the canonical form.
  protocol::Receipt vanilla = s.receipt;
  Bytes e2 = protocol::EncodeReceipt(vanilla);
  size_t mode_at = 1 + 1 + 2 + 32 + 1 + vanilla.model_id.size();
  ASSERT_EQ(e2[mode_at], 0x01);
  e2[mode_at] = 0x18;
  e2.insert(e2.begin() + static_cast<long>(mode_at) + 1, 0x01);
  EXPECT_NE(protocol::DecodeReceipt(e2).status().message().find("canonical"), std::string::npos)
      << protocol::DecodeReceipt(e2).status().ToString();
  Bytes truncated(enc.begin(), enc.end() - 1);
  EXPECT_EQ(protocol::DecodeReceipt(truncated).status().code(), Code::kParse);
}

TEST(ReceiptTest, NodeSignatureAloneForAnyMode) {
  auto node = crypto::SecretKey::Generate();
  protocol::Receipt r;
  r.inference_id = Bytes(32, 1);
  r.model_id = "m";
  r.mode = protocol::Mode::kVanilla;
  r.outputs = {protocol::F32Tensor("y", {1}, {2.0f})};
  auto h = protocol::TensorsHash(r.outputs);
  r.input_hash = Bytes(32, 2);
  r.output_hash = Bytes(h.begin(), h.end());
  r.node_id = Bytes(node.public_key().begin(), node.public_key().end());
  EXPECT_EQ(protocol::VerifyNodeSignature(r).code(), Code::kUnauthenticated);
  ASSERT_TRUE(protocol::SignAsNode(r, node).ok());
  EXPECT_TRUE(protocol::VerifyNodeSignature(r).ok());
  r.input_hash[0] ^= 1;
  EXPECT_EQ(protocol::VerifyNodeSignature(r).code(), Code::kUnauthenticated);
  auto other = crypto::SecretKey::Generate();
  EXPECT_EQ(protocol::SignAsNode(r, other).code(), Code::kInvalidArgument);
  // A VANILLA receipt is not a TEE receipt.
  AttestationCache empty;
  EXPECT_NE(VerifyReceipt(r, empty, 0).message().find("not TEE"), std::string::npos);
}

TEST(ReceiptEncodingTest, JsonRoundTrip) {
  AttestedSetup s;
  auto back = protocol::ReceiptFromJson(protocol::ReceiptToJson(s.receipt));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, s.receipt);
  EXPECT_EQ(protocol::ReceiptFromJson("{\"model_id\": 3}").status().code(), Code::kParse);
  EXPECT_EQ(protocol::ReceiptFromJson("not json").status().code(), Code::kParse);
}

TEST(TensorTest, ValidationAndCanonicalOrder) {
  protocol::NamedTensor a = protocol::F32Tensor("a", {2}, {1, 2});
  protocol::NamedTensor b = protocol::F32Tensor("b", {1}, {3});
  EXPECT_EQ(protocol::EncodeTensors({a, b}), protocol::EncodeTensors({b, a}));
  EXPECT_EQ(protocol::TensorsHash({a, b}), protocol::TensorsHash({b, a}));
  protocol::NamedTensor bad = a;
  bad.shape = {3};
  EXPECT_EQ(protocol::ValidateTensors({bad}).code(), Code::kInvalidArgument);
  EXPECT_EQ(protocol::ValidateTensors({a, a}).code(), Code::kInvalidArgument);
  protocol::NamedTensor dt = a;
  dt.dtype = "f16";
  EXPECT_EQ(protocol::ValidateTensors({dt}).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace vinet::tee
