// Fixture for the inference-network messages: a state with params trusting an
// ephemeral emulator dev CA, a funded node, client and model owner, and
// builders for RegisterModel / RegisterEnclave / SubmitClaims txs whose
// attestation documents come from the real emulator provider (Nitro format).
// Block time is the wall clock at fixture start, because the emulator's leaf
// certificate is valid for 3 hours from its creation.
#pragma once

#include <gtest/gtest.h>

#include <chrono>

#include "unit/chain/chain_test_util.h"
#include "vinet/chain/enclave_nonce.h"
#include "vinet/chain/executor.h"
#include "vinet/protocol/request.h"
#include "vinet/tee/emulator.h"

namespace vinet::chain::testing {

inline constexpr std::string_view kChain = "test-chain";

inline crypto::Digest384 Digest384Of(std::string_view s) {
  return crypto::Sha384(AsBytes(s));
}

class InferenceFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    now_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
    provider_ = MakeProvider(false);
    pcr0_ = ToString(provider_->pcrs().at(0));
    Genesis g;
    g.params = DefaultParams();
    g.params.clear_tee_roots();
    g.params.add_tee_roots(provider_->root().ToPem());
    g.params.set_enclave_ttl_ms(60'000);
    g.params.set_attestation_window(10);
    g.params.set_slash_invalid_bps(1000);
    g.params.set_compensation(500);
    // These tests pay a flat fee of 1 per tx; the fee schedule by bytes,
    // claims and verify units has its own tests (fee_test.cpp, zkml_budget_test.cpp).
    g.params.set_fee_per_kib(0);
    g.params.set_fee_per_claim(0);
    g.params.set_fee_per_million_verify_units(0);
    g.accounts.push_back({AddrOf(node_), 100'000});
    g.accounts.push_back({AddrOf(client_), 1'000});
    g.accounts.push_back({AddrOf(owner_), 1'000});
    params_ = g.params;
    State s(state_);
    ASSERT_TRUE(ApplyGenesis(g, s).ok());
  }

  // Every provider of one test signs under the same trusted dev CA: the CA
  // is created in a temp directory once and loaded from it afterwards.
  std::unique_ptr<tee::EmulatorProvider> MakeProvider(bool debug, std::string image = "image") {
    auto ca = tee::DevCa::LoadOrCreate(ca_dir_.path() / "ca");
    EXPECT_TRUE(ca.ok()) << ca.status().ToString();
    tee::EmulatorOptions options;
    options.debug = debug;
    return std::make_unique<tee::EmulatorProvider>(std::move(*ca), Digest384Of(image),
                                                   Digest384Of("config"), options);
  }

  void SetParams(const statepb::Params& p) {
    params_ = p;
    State s(state_);
    s.PutParams(p);
  }

  uint64_t NextNonce(const crypto::SecretKey& key) {
    State s(state_);
    return s.GetAccount(AddrOf(key)).value().nonce();
  }

  ExecResult Run(const crypto::SecretKey& key, txpb::TxBody body, int64_t height = 5,
                 int64_t time_offset_ms = 0) {
    body.set_chain_id(std::string(kChain));
    body.set_nonce(NextNonce(key));
    body.set_fee(1);
    auto bytes = BuildSignedTx(key, body);
    return ExecuteTx(state_, bytes, height, kChain, ExecMode::kDeliver, now_ms_ + time_offset_ms);
  }

  ExecResult RegisterNode(uint64_t stake = 10'000) {
    txpb::TxBody b;
    b.mutable_register_node()->set_stake(stake);
    b.mutable_register_node()->set_endpoint("http://127.0.0.1:1");
    return Run(node_, b);
  }

  txpb::TxBody ModelBody(std::string id, std::vector<std::string> pcrs, uint64_t fee = 10) {
    txpb::TxBody b;
    auto* m = b.mutable_register_model();
    m->set_model_id(std::move(id));
    m->set_name("demo");
    m->set_format("onnx");
    m->set_fee_per_inference(fee);
    m->add_modes(inference::v1::MODE_VANILLA);
    m->add_modes(inference::v1::MODE_TEE);
    for (auto& p : pcrs) m->add_allowed_pcr0(p);
    return b;
  }

  Bytes Document(tee::EmulatorProvider& provider, const crypto::PublicKey& enclave_pub,
                 uint64_t nonce_height, std::string_view chain = kChain) {
    auto nonce = EnclaveNonce(chain, node_.public_key(), nonce_height);
    tee::AttestationRequest req;
    req.nonce = Bytes(nonce.begin(), nonce.end());
    req.public_key = Bytes(enclave_pub.begin(), enclave_pub.end());
    return provider.AttestAt(req, static_cast<uint64_t>(now_ms_)).value();
  }

  txpb::TxBody EnclaveBody(const Bytes& document, int64_t nonce_height,
                           std::string model_id = "m1") {
    txpb::TxBody b;
    auto* e = b.mutable_register_enclave();
    e->set_attestation_document(ToString(document));
    e->add_model_ids(std::move(model_id));
    e->set_nonce_height(nonce_height);
    return b;
  }

  // Node registered, model m1 allowing the emulator's PCR0, enclave registered.
  void SetUpTee() {
    ASSERT_TRUE(RegisterNode().status.ok());
    ASSERT_TRUE(Run(owner_, ModelBody("m1", {pcr0_})).status.ok());
    auto r = Run(node_, EnclaveBody(Document(*provider_, enclave_.public_key(), 4), 4));
    ASSERT_TRUE(r.status.ok()) << r.status.log;
  }

  protocol::SignedRequest Request(protocol::Mode mode, uint64_t nonce,
                                  const crypto::SecretKey* client = nullptr,
                                  uint64_t max_fee = 100) {
    protocol::InferenceRequest req;
    req.chain_id = std::string(kChain);
    req.model_id = "m1";
    req.mode = mode;
    req.input_hash = Bytes(32, 0x11);
    req.max_fee = max_fee;
    req.nonce = nonce;
    req.timestamp_ms = now_ms_;
    req.expires_ms = now_ms_ + 600'000;
    req.node_pubkey = node_.public_key();
    return protocol::SignRequest(req, client ? *client : client_);
  }

  protocol::Receipt ReceiptFor(const protocol::SignedRequest& req,
                               const crypto::SecretKey* enclave) {
    protocol::Receipt r;
    auto id = protocol::InferenceId(req);
    r.inference_id = Bytes(id.begin(), id.end());
    r.model_id = req.request.model_id;
    r.mode = req.request.mode;
    r.input_hash = req.request.input_hash;
    r.output_hash = Bytes(32, 0x22);
    r.node_id = Bytes(node_.public_key().begin(), node_.public_key().end());
    if (enclave) protocol::SignAsEnclave(r, *enclave);
    EXPECT_TRUE(protocol::SignAsNode(r, node_).ok());
    return r;
  }

  static txpb::Claim ClaimOf(const protocol::SignedRequest& req, const protocol::Receipt& r) {
    txpb::Claim c;
    c.mutable_request()->ParseFromString(ToString(protocol::EncodeSignedRequest(req)));
    c.set_receipt(ToString(protocol::EncodeReceipt(r)));
    return c;
  }

  static txpb::TxBody ClaimsBody(std::vector<txpb::Claim> claims) {
    txpb::TxBody b;
    b.mutable_submit_claims();  // set even when empty
    for (auto& c : claims) *b.mutable_submit_claims()->add_claims() = std::move(c);
    return b;
  }

  statepb::Account Account(const crypto::SecretKey& k) {
    State s(state_);
    return s.GetAccount(AddrOf(k)).value();
  }
  statepb::Node NodeRecord() {
    State s(state_);
    return s.GetNode(AddrOf(node_)).value().value();
  }
  std::optional<statepb::Claim> ClaimRecord(const protocol::SignedRequest& req) {
    State s(state_);
    return s.GetClaim(ToHex(protocol::InferenceId(req))).value();
  }

  static std::string Attr(const ::tendermint::abci::Event& ev, std::string_view key) {
    for (const auto& a : ev.attributes()) {
      if (a.key() == key) return a.value();
    }
    return "<absent>";
  }

  int64_t now_ms_ = 0;
  TempDir ca_dir_;
  std::unique_ptr<tee::EmulatorProvider> provider_;
  std::string pcr0_;
  statepb::Params params_;
  crypto::SecretKey node_ = KeyFromByte(30);
  crypto::SecretKey client_ = KeyFromByte(31);
  crypto::SecretKey owner_ = KeyFromByte(32);
  crypto::SecretKey enclave_ = KeyFromByte(33);
  EmptyKv empty_;
  Overlay state_{empty_};
};

}  // namespace vinet::chain::testing
