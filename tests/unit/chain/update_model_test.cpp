// UpdateModel: only the owner changes a model; PCR0s added or removed, the fee
// for requests signed from the change on (older ones keep theirs), retirement
// (no new claims, PENDING ones still settle); and RegisterModel refusing TEE
// without a PCR0.
#include "unit/chain/zkml_fixture.h"

namespace vinet::chain {
namespace {

using protocol::Mode;
using testing::ZkmlFixture;

class UpdateModelTest : public ZkmlFixture {
 protected:
  static txpb::TxBody Update(std::string id) {
    txpb::TxBody b;
    b.mutable_update_model()->set_model_id(std::move(id));
    return b;
  }
  statepb::Model ModelRecord(const std::string& id) {
    State s(state_);
    return s.GetModel(id).value().value();
  }
  // A request for m1 signed at `timestamp_ms`.
  protocol::SignedRequest RequestAt(Mode mode, uint64_t nonce, int64_t timestamp_ms) {
    protocol::InferenceRequest req = Request(mode, nonce).request;
    req.timestamp_ms = timestamp_ms;
    req.expires_ms = timestamp_ms + 600'000;
    return protocol::SignRequest(req, client_);
  }
  std::string SubmitOne(const protocol::SignedRequest& req, const crypto::SecretKey* enclave,
                        int64_t offset_ms = 0, std::string* reason = nullptr) {
    auto r = Run(node_, ClaimsBody({ClaimOf(req, ReceiptFor(req, enclave))}), 6, offset_ms);
    EXPECT_TRUE(r.status.ok()) << r.status.log;
    for (const auto& ev : r.events) {
      if (ev.type() != "vinet.claim") continue;
      if (reason) *reason = Attr(ev, "reason");
      return Attr(ev, "status");
    }
    return "<none>";
  }
};

TEST_F(UpdateModelTest, OwnerAddsPcr0AndANewEnclaveWithItSettles) {
  SetUpTee();
  auto provider2 = MakeProvider(false, "image-2");
  std::string pcr2 = ToString(provider2->pcrs().at(0));
  ASSERT_NE(pcr2, pcr0_);
  auto enclave2 = testing::KeyFromByte(34);
  // Before the update the new enclave cannot register for m1.
  auto refused = Run(node_, EnclaveBody(Document(*provider2, enclave2.public_key(), 4), 4));
  EXPECT_EQ(refused.status.code, TxCode::kPcrNotAllowed);
  auto add = Update("m1");
  add.mutable_update_model()->add_add_pcr0(pcr2);
  auto r = Run(owner_, add);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  auto m = ModelRecord("m1");
  ASSERT_EQ(m.allowed_pcr0_size(), 2);
  EXPECT_EQ(m.allowed_pcr0(1), pcr2);
  ASSERT_TRUE(r.events.size() == 1 && r.events[0].type() == "vinet.model_update");
  EXPECT_EQ(Attr(r.events[0], "allowed_pcr0"), "2");
  auto reg = Run(node_, EnclaveBody(Document(*provider2, enclave2.public_key(), 4), 4));
  ASSERT_TRUE(reg.status.ok()) << reg.status.log;
  uint64_t client_before = Account(client_).balance();
  EXPECT_EQ(SubmitOne(Request(Mode::kTee, 1), &enclave2), "SETTLED");
  EXPECT_EQ(Account(client_).balance(), client_before - 10);
  // The first enclave still serves too.
  EXPECT_EQ(SubmitOne(Request(Mode::kTee, 2), &enclave_), "SETTLED");
}

TEST_F(UpdateModelTest, NonOwnerIsRefusedAndNothingChanges) {
  SetUpTee();
  auto before = ModelRecord("m1");
  for (const auto* who : {&node_, &client_}) {
    auto b = Update("m1");
    b.mutable_update_model()->add_add_pcr0(std::string(48, 'z'));
    b.mutable_update_model()->set_fee_per_inference(1);
    b.mutable_update_model()->set_retire(true);
    auto r = Run(*who, b);
    EXPECT_EQ(r.status.code, TxCode::kNotModelOwner);
    EXPECT_EQ(r.status.log, "update_model: signer " + testing::AddrOf(*who) +
                                " is not the owner of m1 (owner " + testing::AddrOf(owner_) + ")");
  }
  EXPECT_EQ(ModelRecord("m1").SerializeAsString(), before.SerializeAsString());
}

TEST_F(UpdateModelTest, MalformedUnknownAndEmptyUpdatesAreRefused) {
  SetUpTee();
  auto check = [&](txpb::TxBody b, TxCode code, std::string_view log) {
    auto r = Run(owner_, b);
    EXPECT_EQ(r.status.code, code);
    EXPECT_EQ(r.status.log, log);
  };
  check(Update("m1"), TxCode::kInvalidMessage,
        "update_model: nothing to change (add_pcr0, remove_pcr0, fee_per_inference or retire)");
  auto unknown = Update("nope");
  unknown.mutable_update_model()->set_retire(true);
  check(unknown, TxCode::kModelNotFound, "update_model: model nope is not registered");
  auto short_pcr = Update("m1");
  short_pcr.mutable_update_model()->add_add_pcr0("short");
  check(short_pcr, TxCode::kInvalidMessage, "update_model.add_pcr0[0]: expected 48 bytes, got 5");
  auto dup = Update("m1");
  dup.mutable_update_model()->add_add_pcr0(std::string(48, 'a'));
  dup.mutable_update_model()->add_add_pcr0(std::string(48, 'a'));
  check(dup, TxCode::kInvalidMessage, "update_model.add_pcr0[1]: duplicate");
  auto absent = Update("m1");
  absent.mutable_update_model()->add_remove_pcr0(std::string(48, 'a'));
  check(absent, TxCode::kInvalidMessage,
        "update_model.remove_pcr0[0]: " + ToHex(Bytes(48, 'a')) + " is not in the allowlist");
  auto low = Update("m1");
  low.mutable_update_model()->set_fee_per_inference(0);
  check(low, TxCode::kInvalidMessage,
        "update_model.fee_per_inference: 0 below min_model_fee " +
            std::to_string(params_.min_model_fee()));
}

TEST_F(UpdateModelTest, RemovedPcr0VoidsClaimsWithoutSlashing) {
  SetUpTee();
  auto remove = Update("m1");
  remove.mutable_update_model()->add_remove_pcr0(pcr0_);
  ASSERT_TRUE(Run(owner_, remove).status.ok());
  auto m = ModelRecord("m1");
  EXPECT_EQ(m.allowed_pcr0_size(), 0);
  ASSERT_EQ(m.removed_pcr0_size(), 1);
  uint64_t stake = NodeRecord().stake();
  std::string reason;
  EXPECT_EQ(SubmitOne(Request(Mode::kTee, 1), &enclave_, 0, &reason), "INVALID");
  EXPECT_EQ(reason, "enclave PCR0 was removed from model m1's allowlist");
  EXPECT_EQ(NodeRecord().stake(), stake);
  EXPECT_FALSE(NodeRecord().jailed());
  EXPECT_FALSE(ClaimRecord(Request(Mode::kTee, 1)).has_value());
  // Added back: served again.
  auto add = Update("m1");
  add.mutable_update_model()->add_add_pcr0(pcr0_);
  ASSERT_TRUE(Run(owner_, add).status.ok());
  EXPECT_EQ(ModelRecord("m1").removed_pcr0_size(), 0);
  EXPECT_EQ(SubmitOne(Request(Mode::kTee, 2), &enclave_), "SETTLED");
}

TEST_F(UpdateModelTest, FeeChangeAppliesToRequestsSignedAfterIt) {
  SetUpTee();
  auto raise = Update("m1");
  raise.mutable_update_model()->set_fee_per_inference(25);
  ASSERT_TRUE(Run(owner_, raise, 5, 1'000).status.ok());
  auto m = ModelRecord("m1");
  EXPECT_EQ(m.fee_per_inference(), 25u);
  EXPECT_EQ(m.previous_fee_per_inference(), 10u);
  EXPECT_EQ(m.fee_changed_time_ms(), now_ms_ + 1'000);
  // Signed before the change (accepted by the node at the old fee), claimed
  // after it: the old fee.
  uint64_t c0 = Account(client_).balance();
  auto old_req = RequestAt(Mode::kVanilla, 1, now_ms_ + 999);
  EXPECT_EQ(SubmitOne(old_req, nullptr, 2'000), "SETTLED");
  EXPECT_EQ(ClaimRecord(old_req)->fee(), 10u);
  EXPECT_EQ(Account(client_).balance(), c0 - 10);
  auto new_req = RequestAt(Mode::kVanilla, 2, now_ms_ + 1'000);
  EXPECT_EQ(SubmitOne(new_req, nullptr, 2'000), "SETTLED");
  EXPECT_EQ(ClaimRecord(new_req)->fee(), 25u);
  EXPECT_EQ(Account(client_).balance(), c0 - 35);
  // One change per max_request_ttl_ms.
  auto again = Update("m1");
  again.mutable_update_model()->set_fee_per_inference(30);
  auto r = Run(owner_, again, 7, 2'000);
  EXPECT_EQ(r.status.code, TxCode::kInvalidMessage);
  EXPECT_NE(r.status.log.find("the next change is allowed from " +
                              std::to_string(now_ms_ + 1'000 + params_.max_request_ttl_ms())),
            std::string::npos)
      << r.status.log;
  auto later = Run(owner_, again, 8, 1'000 + static_cast<int64_t>(params_.max_request_ttl_ms()));
  EXPECT_TRUE(later.status.ok()) << later.status.log;
  EXPECT_EQ(ModelRecord("m1").previous_fee_per_inference(), 25u);
}

TEST_F(UpdateModelTest, RetiredModelRefusesNewClaimsButPendingOnesSettleAtTheirFee) {
  SetUpZkml();
  auto job = Job(1);
  auto claim = SubmitClaim(job, 5);
  ASSERT_TRUE(claim.status.ok());
  ASSERT_EQ(Attr(claim.events[0], "status"), "PENDING");
  uint64_t node_before = Account(node_).balance();
  auto retire = Update("m1");
  retire.mutable_update_model()->set_fee_per_inference(40);
  retire.mutable_update_model()->set_retire(true);
  ASSERT_TRUE(Run(owner_, retire, 6, 1).status.ok());
  auto m = ModelRecord("m1");
  EXPECT_TRUE(m.retired());
  EXPECT_EQ(m.retired_height(), 6);
  // A new claim: INVALID, nothing stored, nothing charged.
  uint64_t client_before = Account(client_).balance();
  auto fresh = Job(2, 0.6f);
  auto r = SubmitClaim(fresh, 7);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(Attr(r.events[0], "status"), "INVALID");
  EXPECT_EQ(Attr(r.events[0], "reason"), "model m1 is retired (height 6): no new claims");
  EXPECT_FALSE(ClaimRecord(fresh.request).has_value());
  EXPECT_EQ(Account(client_).balance(), client_before);
  // The pending claim's proof still settles it, at the fee escrowed (10).
  auto proof = Deliver(node_, ProofsBody({ProofOf(job)}), 8);
  ASSERT_TRUE(proof.status.ok()) << proof.status.log;
  auto c = Record(job);
  EXPECT_EQ(c.status(), statepb::CLAIM_STATUS_SETTLED);
  EXPECT_EQ(c.fee(), 10u);
  EXPECT_EQ(Account(node_).balance(), node_before - 1 - 1 + 10);  // two tx fees, claim fee 10
  // A retired model takes no more updates.
  auto more = Update("m1");
  more.mutable_update_model()->add_add_pcr0(std::string(48, 'q'));
  auto again = Run(owner_, more, 9);
  EXPECT_EQ(again.status.code, TxCode::kModelRetired);
  EXPECT_EQ(again.status.log, "update_model: model m1 was retired at height 6");
}

TEST_F(UpdateModelTest, RegisterModelRefusesTeeWithoutPcr0) {
  auto r = Run(owner_, ModelBody("m2", {}));
  EXPECT_EQ(r.status.code, TxCode::kInvalidMessage);
  EXPECT_EQ(r.status.log,
            "register_model.allowed_pcr0: empty, but mode TEE needs at least one enclave PCR0 "
            "(the PCR0 of the enclaves allowed to serve the model)");
  State s(state_);
  EXPECT_FALSE(s.GetModel("m2").value().has_value());
}

}  // namespace
}  // namespace vinet::chain
