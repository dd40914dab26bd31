// RegisterModel and RegisterEnclave: happy paths and every rejection.
#include "unit/chain/inference_fixture.h"

namespace vinet::chain {
namespace {

using testing::InferenceFixture;

class RegisterTest : public InferenceFixture {};

TEST_F(RegisterTest, ModelRegistersOnceAndOwnerIsSigner) {
  auto r = Run(owner_, ModelBody("m1", {pcr0_}));
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  State s(state_);
  auto m = s.GetModel("m1").value();
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->fee_per_inference(), 10u);
  EXPECT_EQ(m->owner(), ToString(owner_.public_key()));
  auto again = Run(node_, ModelBody("m1", {}));
  EXPECT_EQ(again.status.code, TxCode::kModelExists);
  EXPECT_EQ(again.status.log, "register_model: model m1 is already registered");
}

TEST_F(RegisterTest, ModelFieldsOutOfContractRejected) {
  auto check = [&](txpb::TxBody b, std::string_view log) {
    auto r = Run(owner_, b);
    EXPECT_EQ(r.status.code, TxCode::kInvalidMessage);
    EXPECT_EQ(r.status.log, log);
  };
  check(ModelBody("", {}), "register_model.model_id: length 0 not in 1..128");
  check(ModelBody("a/b", {}), "register_model.model_id: only [A-Za-z0-9._:-] allowed");
  check(ModelBody("m1", {"short"}), "register_model.allowed_pcr0[0]: expected 48 bytes, got 5");
  auto b = ModelBody("m1", {});
  b.mutable_register_model()->set_format("tflite");
  check(b, "register_model.format: expected 'onnx' or 'gguf', got 'tflite'");
  b = ModelBody("m1", {});
  b.mutable_register_model()->clear_modes();
  check(b, "register_model.modes: empty");
  b = ModelBody("m1", {});
  b.mutable_register_model()->add_modes(inference::v1::MODE_TEE);
  check(b, "register_model.modes: duplicate mode 1");
  b = ModelBody("m1", {});
  b.mutable_register_model()->add_modes(static_cast<inference::v1::Mode>(7));
  check(b, "register_model.modes: unknown mode 7");
}

TEST_F(RegisterTest, EnclaveRegistersWithExpiryAndRefreshes) {
  SetUpTee();
  State s(state_);
  auto e = s.GetEnclave(ToHex(enclave_.public_key())).value();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->node(), ToString(node_.public_key()));
  EXPECT_EQ(e->pcr0(), pcr0_);
  EXPECT_EQ(e->expires_time_ms(), now_ms_ + 60'000);
  // Re-attestation later refreshes the expiry.
  auto r = Run(node_, EnclaveBody(Document(*provider_, enclave_.public_key(), 8), 8), 9, 30'000);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(s.GetEnclave(ToHex(enclave_.public_key())).value()->expires_time_ms(),
            now_ms_ + 90'000);
}

TEST_F(RegisterTest, EnclaveNeedsRegisteredActiveNode) {
  ASSERT_TRUE(Run(owner_, ModelBody("m1", {pcr0_})).status.ok());
  auto r = Run(node_, EnclaveBody(Document(*provider_, enclave_.public_key(), 4), 4));
  EXPECT_EQ(r.status.code, TxCode::kNodeNotFound);
}

TEST_F(RegisterTest, NonAllowlistedPcr0CannotRegister) {
  ASSERT_TRUE(RegisterNode().status.ok());
  ASSERT_TRUE(Run(owner_, ModelBody("m1", {std::string(48, 'x')})).status.ok());
  auto r = Run(node_, EnclaveBody(Document(*provider_, enclave_.public_key(), 4), 4));
  EXPECT_EQ(r.status.code, TxCode::kPcrNotAllowed);
  EXPECT_NE(r.status.log.find("not allowed by model m1"), std::string::npos) << r.status.log;
}

TEST_F(RegisterTest, UnknownModelRejected) {
  ASSERT_TRUE(RegisterNode().status.ok());
  auto r = Run(node_, EnclaveBody(Document(*provider_, enclave_.public_key(), 4), 4, "nope"));
  EXPECT_EQ(r.status.code, TxCode::kModelNotFound);
  EXPECT_EQ(r.status.log, "model nope not registered");
}

TEST_F(RegisterTest, NonceMustBindChainNodeAndRecentHeight) {
  ASSERT_TRUE(RegisterNode().status.ok());
  ASSERT_TRUE(Run(owner_, ModelBody("m1", {pcr0_})).status.ok());
  // Nonce for another chain.
  auto r = Run(node_, EnclaveBody(Document(*provider_, enclave_.public_key(), 4, "other"), 4));
  EXPECT_EQ(r.status.code, TxCode::kAttestationInvalid);
  EXPECT_NE(r.status.log.find("nonce"), std::string::npos) << r.status.log;
  // Height outside the window (block 20, window 10).
  r = Run(node_, EnclaveBody(Document(*provider_, enclave_.public_key(), 4), 4), 20);
  EXPECT_EQ(r.status.code, TxCode::kAttestationInvalid);
  EXPECT_EQ(r.status.log, "register_enclave.nonce_height: 4 not within 10 blocks before 20");
  // A height in the future.
  r = Run(node_, EnclaveBody(Document(*provider_, enclave_.public_key(), 6), 6), 5);
  EXPECT_EQ(r.status.code, TxCode::kAttestationInvalid);
}

TEST_F(RegisterTest, UntrustedRootAndBadTimeRejected) {
  ASSERT_TRUE(RegisterNode().status.ok());
  ASSERT_TRUE(Run(owner_, ModelBody("m1", {pcr0_})).status.ok());
  auto p = params_;
  p.clear_tee_roots();
  p.add_tee_roots(tee::TrustRoot::AwsNitro().ToPem());
  SetParams(p);
  auto r = Run(node_, EnclaveBody(Document(*provider_, enclave_.public_key(), 4), 4));
  EXPECT_EQ(r.status.code, TxCode::kAttestationInvalid) << r.status.log;
  SetParams(params_);
  // Block time a day after the document: the leaf certificate has expired.
  r = Run(node_, EnclaveBody(Document(*provider_, enclave_.public_key(), 4), 4), 5, 86'400'000);
  EXPECT_EQ(r.status.code, TxCode::kAttestationInvalid);
  // A tampered document fails its signature.
  auto doc = Document(*provider_, enclave_.public_key(), 4);
  doc[doc.size() / 2] ^= 1;
  r = Run(node_, EnclaveBody(doc, 4));
  EXPECT_EQ(r.status.code, TxCode::kAttestationInvalid);
}

TEST_F(RegisterTest, DebugEnclaveRefusedUnlessAllowed) {
  ASSERT_TRUE(RegisterNode().status.ok());
  auto debug = MakeProvider(true);
  std::string zero(48, '\0');
  ASSERT_EQ(ToString(debug->pcrs().at(0)), zero);
  ASSERT_TRUE(Run(owner_, ModelBody("m1", {zero})).status.ok());
  auto r = Run(node_, EnclaveBody(Document(*debug, enclave_.public_key(), 4), 4));
  EXPECT_EQ(r.status.code, TxCode::kAttestationInvalid);
  EXPECT_NE(r.status.log.find("debug"), std::string::npos) << r.status.log;
  auto p = params_;
  p.set_allow_debug_enclaves(true);
  SetParams(p);
  r = Run(node_, EnclaveBody(Document(*debug, enclave_.public_key(), 4), 4));
  EXPECT_TRUE(r.status.ok()) << r.status.log;
}

TEST_F(RegisterTest, EnclaveKeyCannotMoveToAnotherNode) {
  SetUpTee();
  auto other = testing::KeyFromByte(40);
  State s(state_);
  statepb::Account a;
  a.set_balance(50'000);
  s.PutAccount(testing::AddrOf(other), a);
  txpb::TxBody reg;
  reg.mutable_register_node()->set_stake(10'000);
  reg.mutable_register_node()->set_endpoint("http://x");
  ASSERT_TRUE(Run(other, reg).status.ok());
  auto nonce = EnclaveNonce(testing::kChain, other.public_key(), 4);
  tee::AttestationRequest req;
  req.nonce = Bytes(nonce.begin(), nonce.end());
  req.public_key = Bytes(enclave_.public_key().begin(), enclave_.public_key().end());
  auto doc = provider_->AttestAt(req, static_cast<uint64_t>(now_ms_)).value();
  auto r = Run(other, EnclaveBody(doc, 4));
  EXPECT_EQ(r.status.code, TxCode::kInvalidMessage);
  EXPECT_NE(r.status.log.find("bound to another node"), std::string::npos);
}

}  // namespace
}  // namespace vinet::chain
