// SubmitClaims: settlement, rejection with slashing, skipped claims, events.
#include "unit/chain/inference_fixture.h"

namespace vinet::chain {
namespace {

using protocol::Mode;
using testing::InferenceFixture;

class ClaimsTest : public InferenceFixture {
 protected:
  ExecResult Submit(std::vector<txpb::Claim> claims, int64_t height = 6, int64_t offset = 0) {
    return Run(node_, ClaimsBody(std::move(claims)), height, offset);
  }
  const ::tendermint::abci::Event& ClaimEvent(const ExecResult& r, size_t i) {
    size_t seen = 0;
    for (const auto& ev : r.events) {
      if (ev.type() == "vinet.claim" && seen++ == i) return ev;
    }
    ADD_FAILURE() << "no claim event " << i;
    return r.events.at(0);
  }
};

TEST_F(ClaimsTest, TeeClaimFromEmulatorEnclaveSettlesAndPaysNode) {
  SetUpTee();
  uint64_t node_before = Account(node_).balance();
  auto req = Request(Mode::kTee, 1);
  auto r = Submit({ClaimOf(req, ReceiptFor(req, &enclave_))});
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  const auto& ev = ClaimEvent(r, 0);
  EXPECT_EQ(Attr(ev, "status"), "SETTLED") << Attr(ev, "reason");
  EXPECT_EQ(Attr(ev, "id"), ToHex(protocol::InferenceId(req)));
  EXPECT_EQ(Attr(ev, "mode"), "TEE");
  EXPECT_EQ(Attr(ev, "height"), "6");
  EXPECT_EQ(Attr(ev, "node"), testing::AddrOf(node_));
  EXPECT_EQ(Attr(ev, "client"), testing::AddrOf(client_));
  // Indexed: what clients search by (id, node, client); not the rest.
  for (const auto& a : ev.attributes()) {
    bool searchable = a.key() == "id" || a.key() == "node" || a.key() == "client";
    EXPECT_EQ(a.index(), searchable) << a.key();
  }
  EXPECT_EQ(Account(client_).balance(), 1'000u - 10);
  EXPECT_EQ(Account(node_).balance(), node_before - 1 + 10);  // tx fee 1, claim fee 10
  auto rec = ClaimRecord(req);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->status(), statepb::CLAIM_STATUS_SETTLED);
  EXPECT_EQ(rec->fee(), 10u);
  EXPECT_EQ(rec->height(), 6);
}

TEST_F(ClaimsTest, VanillaClaimSettlesInBatchWithOthers) {
  SetUpTee();
  auto a = Request(Mode::kVanilla, 1);
  auto b = Request(Mode::kTee, 2);
  auto r = Submit({ClaimOf(a, ReceiptFor(a, nullptr)), ClaimOf(b, ReceiptFor(b, &enclave_))});
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "status"), "SETTLED");
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "mode"), "VANILLA");
  EXPECT_EQ(Attr(ClaimEvent(r, 1), "status"), "SETTLED");
  EXPECT_EQ(Account(client_).balance(), 1'000u - 20);
}

TEST_F(ClaimsTest, TamperedReceiptIsRejectedSlashedCompensatedAndJailed) {
  SetUpTee();
  auto req = Request(Mode::kTee, 1);
  auto receipt = ReceiptFor(req, &enclave_);
  receipt.output_hash[0] ^= 1;  // after signing
  auto r = Submit({ClaimOf(req, receipt)});
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "status"), "REJECTED");
  EXPECT_EQ(NodeRecord().stake(), 9'000u);  // 10% of 10'000
  EXPECT_TRUE(NodeRecord().jailed());
  EXPECT_EQ(Account(client_).balance(), 1'000u + 500);  // compensation, no fee
  auto rec = ClaimRecord(req);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->status(), statepb::CLAIM_STATUS_REJECTED);
  // The enclave signature catches it (the node's own receipt signature is
  // not re-verified on chain: the node's tx signature covers the receipt).
  EXPECT_EQ(rec->reason(), "receipt.enclave_signature does not verify");
  // A jailed node can submit nothing more.
  auto next = Request(Mode::kVanilla, 2);
  auto again = Submit({ClaimOf(next, ReceiptFor(next, nullptr))});
  EXPECT_EQ(again.status.code, TxCode::kNodeJailed);
}

TEST_F(ClaimsTest, BadEnclaveSignatureRejected) {
  SetUpTee();
  auto req = Request(Mode::kTee, 1);
  auto receipt = ReceiptFor(req, &enclave_);
  (*receipt.enclave_signature)[3] ^= 1;
  ASSERT_TRUE(protocol::SignAsNode(receipt, node_).ok());  // node signs the bad signature
  auto r = Submit({ClaimOf(req, receipt)});
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "status"), "REJECTED");
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "reason"), "receipt.enclave_signature does not verify");
}

TEST_F(ClaimsTest, ExpiredEnclaveRefusedWithoutRecordThenResubmittedAfterReattesting) {
  SetUpTee();
  auto req = Request(Mode::kTee, 1);
  auto claim = ClaimOf(req, ReceiptFor(req, &enclave_));
  auto r = Submit({claim}, 7, 60'000);  // ttl 60 s
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "status"), "REFUSED");
  EXPECT_NE(Attr(ClaimEvent(r, 0), "reason").find("expired"), std::string::npos);
  // A lapse, not a forgery: nobody paid, nobody slashed, and no record that
  // would make the honest retry a DUPLICATE.
  EXPECT_FALSE(NodeRecord().jailed());
  EXPECT_EQ(NodeRecord().stake(), 10'000u);
  EXPECT_EQ(Account(client_).balance(), 1'000u);
  EXPECT_FALSE(ClaimRecord(req).has_value());
  // Re-attest (refreshes the key) and resubmit the very same claim.
  auto re = Run(node_, EnclaveBody(Document(*provider_, enclave_.public_key(), 7), 7), 8, 60'000);
  ASSERT_TRUE(re.status.ok()) << re.status.log;
  auto again = Submit({claim}, 9, 60'000);
  EXPECT_EQ(Attr(ClaimEvent(again, 0), "status"), "SETTLED")
      << Attr(ClaimEvent(again, 0), "reason");
  EXPECT_EQ(Account(client_).balance(), 1'000u - 10);
}

TEST_F(ClaimsTest, ExpiredKeyWithoutValidSignatureIsRejectedNotRefused) {
  // A node holding an expired registration cannot void someone's request
  // for free: the signature is checked before the key's expiry.
  SetUpTee();
  auto req = Request(Mode::kTee, 1);
  auto receipt = ReceiptFor(req, &enclave_);
  (*receipt.enclave_signature)[0] ^= 1;
  ASSERT_TRUE(protocol::SignAsNode(receipt, node_).ok());
  auto r = Submit({ClaimOf(req, receipt)}, 7, 60'000);
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "status"), "REJECTED");
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "reason"), "receipt.enclave_signature does not verify");
  EXPECT_TRUE(NodeRecord().jailed());
  EXPECT_EQ(NodeRecord().stake(), 9'000u);
}

TEST_F(ClaimsTest, UnregisteredEnclaveRejected) {
  SetUpTee();
  auto stranger = testing::KeyFromByte(50);
  auto req = Request(Mode::kTee, 1);
  auto r = Submit({ClaimOf(req, ReceiptFor(req, &stranger))});
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "status"), "REJECTED");
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "reason"),
            "enclave " + ToHex(stranger.public_key()) + " is not registered");
}

TEST_F(ClaimsTest, ReceiptForAnotherRequestRejected) {
  SetUpTee();
  auto req = Request(Mode::kVanilla, 1);
  auto other = Request(Mode::kVanilla, 2);
  auto r = Submit({ClaimOf(req, ReceiptFor(other, nullptr))});
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "status"), "REJECTED");
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "reason"), "receipt.inference_id differs from the request's");
}

TEST_F(ClaimsTest, DuplicateInferenceIdSkippedAndNotChargedTwice) {
  SetUpTee();
  auto req = Request(Mode::kVanilla, 1);
  auto claim = ClaimOf(req, ReceiptFor(req, nullptr));
  auto r = Submit({claim, claim});
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "status"), "SETTLED");
  EXPECT_EQ(Attr(ClaimEvent(r, 1), "status"), "DUPLICATE");
  auto later = Submit({claim}, 7);
  EXPECT_EQ(Attr(ClaimEvent(later, 0), "status"), "DUPLICATE");
  EXPECT_EQ(Account(client_).balance(), 1'000u - 10);
}

TEST_F(ClaimsTest, UnfundedClientSkippedAndNothingStored) {
  SetUpTee();
  auto poor = testing::KeyFromByte(51);
  auto req = Request(Mode::kVanilla, 1, &poor);
  auto r = Submit({ClaimOf(req, ReceiptFor(req, nullptr))});
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "status"), "UNFUNDED");
  EXPECT_FALSE(ClaimRecord(req).has_value());
  auto capped = Request(Mode::kVanilla, 2, nullptr, /*max_fee=*/9);  // fee is 10
  r = Submit({ClaimOf(capped, ReceiptFor(capped, nullptr))});
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "status"), "UNFUNDED");
  EXPECT_EQ(Account(client_).balance(), 1'000u);
  EXPECT_FALSE(NodeRecord().jailed());
}

TEST_F(ClaimsTest, BadClientSignatureIsInvalidNotSlashed) {
  SetUpTee();
  auto req = Request(Mode::kVanilla, 1);
  req.signature[0] ^= 1;
  auto r = Submit({ClaimOf(req, ReceiptFor(req, nullptr))});
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "status"), "INVALID");
  EXPECT_FALSE(NodeRecord().jailed());
  EXPECT_FALSE(ClaimRecord(req).has_value());
}

// Finding 1: a hostile registered node that saw a signed request (mempool,
// colluding client) claims it first with its own VANILLA receipt. The request
// names the honest node, so the chain refuses it without storing anything and
// the honest node's claim still settles and pays it.
TEST_F(ClaimsTest, FrontRunningNodeCannotClaimAnotherNodesRequest) {
  SetUpTee();
  auto mallory = testing::KeyFromByte(60);
  {
    State s(state_);
    statepb::Account funded;
    funded.set_balance(100'000);
    s.PutAccount(testing::AddrOf(mallory), funded);
  }
  txpb::TxBody reg;
  reg.mutable_register_node()->set_stake(10'000);
  reg.mutable_register_node()->set_endpoint("http://127.0.0.1:2");
  ASSERT_TRUE(Run(mallory, reg).status.ok());
  auto req = Request(Mode::kVanilla, 1);  // addressed to node_
  protocol::Receipt stolen = ReceiptFor(req, nullptr);
  stolen.node_id = Bytes(mallory.public_key().begin(), mallory.public_key().end());
  stolen.node_signature.reset();
  ASSERT_TRUE(protocol::SignAsNode(stolen, mallory).ok());
  uint64_t mallory_before = Account(mallory).balance();
  auto r = Run(mallory, ClaimsBody({ClaimOf(req, stolen)}), 6);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(Attr(r.events.at(0), "status"), "INVALID");
  EXPECT_EQ(Attr(r.events.at(0), "reason"), "request.node_pubkey: addressed to node " +
                                                testing::AddrOf(node_) + ", not the submitter");
  EXPECT_FALSE(ClaimRecord(req).has_value());
  EXPECT_EQ(Account(mallory).balance(), mallory_before - 1);  // its tx fee only
  uint64_t node_before = Account(node_).balance();
  auto honest = Submit({ClaimOf(req, ReceiptFor(req, nullptr))}, 7);
  EXPECT_EQ(Attr(ClaimEvent(honest, 0), "status"), "SETTLED");
  EXPECT_EQ(Account(node_).balance(), node_before - 1 + 10);
}

// Finding 1: the same body re-signed under another client key is another
// inference id, so it cannot void the original claim (DUPLICATE) for free.
TEST_F(ClaimsTest, ResignedBodyCannotVoidTheOriginalClaim) {
  SetUpTee();
  auto mallory = testing::KeyFromByte(61);
  auto req = Request(Mode::kVanilla, 1);
  auto resigned = protocol::SignRequest(req.request, mallory);
  ASSERT_EQ(resigned.body, req.body);
  ASSERT_NE(protocol::InferenceId(resigned), protocol::InferenceId(req));
  auto first = Submit({ClaimOf(resigned, ReceiptFor(resigned, nullptr))});
  EXPECT_EQ(Attr(ClaimEvent(first, 0), "status"), "UNFUNDED");  // mallory has nothing
  auto r = Submit({ClaimOf(req, ReceiptFor(req, nullptr))}, 7);
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "status"), "SETTLED");
  EXPECT_EQ(Account(client_).balance(), 1'000u - 10);
}

// Finding 1: an expired request (block time ≥ expires_ms) or one living longer
// than max_request_ttl_ms is INVALID: skipped, nothing stored, nobody slashed.
TEST_F(ClaimsTest, ExpiredOrOverlongRequestIsInvalid) {
  SetUpTee();
  auto req = Request(Mode::kVanilla, 1);  // expires now + 600 s
  auto late = Submit({ClaimOf(req, ReceiptFor(req, nullptr))}, 6, 600'000);
  EXPECT_EQ(Attr(ClaimEvent(late, 0), "status"), "INVALID");
  EXPECT_NE(Attr(ClaimEvent(late, 0), "reason").find("request.expires_ms: expired at"),
            std::string::npos);
  EXPECT_FALSE(ClaimRecord(req).has_value());
  EXPECT_FALSE(NodeRecord().jailed());
  auto in_time = Submit({ClaimOf(req, ReceiptFor(req, nullptr))}, 7, 599'999);
  EXPECT_EQ(Attr(ClaimEvent(in_time, 0), "status"), "SETTLED");

  auto body = Request(Mode::kVanilla, 2).request;
  body.expires_ms = body.timestamp_ms + params_.max_request_ttl_ms() + 1;
  auto overlong = protocol::SignRequest(body, client_);
  auto r = Submit({ClaimOf(overlong, ReceiptFor(overlong, nullptr))}, 8);
  EXPECT_EQ(Attr(ClaimEvent(r, 0), "status"), "INVALID");
  EXPECT_NE(Attr(ClaimEvent(r, 0), "reason").find("more than 3600000 ms"), std::string::npos);
}

TEST_F(ClaimsTest, BatchBoundsAndUnregisteredSubmitter) {
  auto req = Request(Mode::kVanilla, 1);
  auto r = Submit({ClaimOf(req, ReceiptFor(req, nullptr))});
  EXPECT_EQ(r.status.code, TxCode::kNodeNotFound);
  ASSERT_TRUE(RegisterNode().status.ok());
  r = Submit({});
  EXPECT_EQ(r.status.code, TxCode::kInvalidMessage);
  EXPECT_EQ(r.status.log, "submit_claims.claims: empty");
}

}  // namespace
}  // namespace vinet::chain

namespace vinet::chain {
namespace {

// A full batch of max_claims_per_tx TEE claims in one tx: every one settles
// exactly once and the client pays exactly one fee per claim.
TEST_F(ClaimsTest, FullBatchOfTeeClaimsAllSettleOnce) {
  SetUpTee();
  {
    State s(state_);
    statepb::Account rich;
    rich.set_balance(1'000'000);
    s.PutAccount(testing::AddrOf(client_), rich);
  }
  const uint64_t n = params_.max_claims_per_tx();
  std::vector<txpb::Claim> claims;
  for (uint64_t i = 0; i < n; ++i) {
    auto req = Request(Mode::kTee, 1000 + i);
    claims.push_back(ClaimOf(req, ReceiptFor(req, &enclave_)));
  }
  auto r = Submit(std::move(claims));
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  ASSERT_EQ(r.events.size(), n);
  for (const auto& ev : r.events) EXPECT_EQ(Attr(ev, "status"), "SETTLED") << Attr(ev, "reason");
  EXPECT_EQ(Account(client_).balance(), 1'000'000u - 10 * n);
}

}  // namespace
}  // namespace vinet::chain
