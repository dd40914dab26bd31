// SubmitClaims with an enclave batch attestation (claim_prepare.h): one
// signature replaces the per-claim client and enclave signature checks of
// the TEE claims it covers; any mismatch falls back to those checks.
#include "vinet/protocol/claim_batch.h"
#include "chain/handlers/claim_prepare.h"
#include "unit/chain/inference_fixture.h"

namespace vinet::chain {
namespace {

using protocol::Mode;
using testing::InferenceFixture;

struct Served {
  protocol::SignedRequest request;
  protocol::Receipt receipt;
};

class ClaimBatchTest : public InferenceFixture {
 protected:
  Served Serve(uint64_t nonce, Mode mode = Mode::kTee, const crypto::SecretKey* enclave = nullptr) {
    auto req = Request(mode, nonce);
    return {req, ReceiptFor(req, mode == Mode::kTee ? (enclave ? enclave : &enclave_) : nullptr)};
  }

  static crypto::Digest256 LeafOf(const Served& s) {
    return protocol::ClaimLeaf(protocol::InferenceId(s.request),
                               protocol::EnclaveSigningBytes(s.receipt));
  }

  // What the enclave `signer` signs for `node` over these claims' leaves.
  static txpb::EnclaveBatch BatchOver(const std::vector<Served>& served,
                                      const crypto::SecretKey& signer,
                                      const crypto::SecretKey& node) {
    std::vector<crypto::Digest256> leaves;
    for (const auto& s : served) leaves.push_back(LeafOf(s));
    auto sig = signer.Sign(protocol::ClaimBatchSigningBytes(
        node.public_key(), static_cast<uint32_t>(leaves.size()), protocol::ClaimBatchRoot(leaves)));
    txpb::EnclaveBatch b;
    b.set_enclave_key(ToString(signer.public_key()));
    b.set_signature(ToString(sig));
    return b;
  }

  static txpb::SubmitClaims Msg(const std::vector<Served>& served,
                                std::optional<txpb::EnclaveBatch> batch) {
    txpb::SubmitClaims m;
    for (const auto& s : served) *m.add_claims() = ClaimOf(s.request, s.receipt);
    if (batch) *m.mutable_batch() = *batch;
    return m;
  }

  ExecResult Submit(const txpb::SubmitClaims& msg, int64_t height = 6, int64_t offset = 0) {
    txpb::TxBody b;
    *b.mutable_submit_claims() = msg;
    return Run(node_, b, height, offset);
  }

  static std::vector<const ::tendermint::abci::Event*> Events(const ExecResult& r,
                                                              std::string_view type) {
    std::vector<const ::tendermint::abci::Event*> out;
    for (const auto& ev : r.events) {
      if (ev.type() == type) out.push_back(&ev);
    }
    return out;
  }

  std::vector<std::string> Statuses(const ExecResult& r) {
    std::vector<std::string> out;
    for (const auto* ev : Events(r, "vinet.claim")) out.push_back(Attr(*ev, "status"));
    return out;
  }

  void Fund(uint64_t amount) {
    State s(state_);
    statepb::Account rich;
    rich.set_balance(amount);
    s.PutAccount(testing::AddrOf(client_), rich);
  }
};

TEST_F(ClaimBatchTest, VerifiedBatchSettlesEveryClaimWithOneSignatureCheck) {
  SetUpTee();
  std::vector<Served> served;
  for (uint64_t i = 0; i < 5; ++i) served.push_back(Serve(100 + i));
  auto msg = Msg(served, BatchOver(served, enclave_, node_));

  auto with = PrepareClaims(msg, node_.public_key());
  EXPECT_TRUE(with.batch.present);
  EXPECT_TRUE(with.batch.verified) << with.batch.error;
  EXPECT_EQ(with.batch.covered, 5u);
  EXPECT_EQ(with.signature_checks, 1u);
  auto without = PrepareClaims(Msg(served, std::nullopt), node_.public_key());
  EXPECT_FALSE(without.batch.present);
  EXPECT_EQ(without.signature_checks, 10u);

  auto r = Submit(msg);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  auto batch_events = Events(r, "vinet.claim_batch");
  ASSERT_EQ(batch_events.size(), 1u);
  EXPECT_EQ(Attr(*batch_events[0], "verified"), "true");
  EXPECT_EQ(Attr(*batch_events[0], "claims"), "5");
  EXPECT_EQ(Attr(*batch_events[0], "enclave_key"), ToHex(enclave_.public_key()));
  EXPECT_EQ(Statuses(r), std::vector<std::string>(5, "SETTLED"));
  EXPECT_EQ(Account(client_).balance(), 1'000u - 50);
}

TEST_F(ClaimBatchTest, ForgedRootFallsBackToPerClaimChecks) {
  SetUpTee();
  std::vector<Served> served{Serve(1), Serve(2), Serve(3)};
  // Signed over the first two only: the tx's root (three leaves) differs.
  auto msg = Msg(served, BatchOver({served[0], served[1]}, enclave_, node_));
  auto p = PrepareClaims(msg, node_.public_key());
  EXPECT_FALSE(p.batch.verified);
  EXPECT_EQ(p.batch.error, "batch.signature does not verify over the tx's claims");
  EXPECT_EQ(p.signature_checks, 1u + 6u);
  auto r = Submit(msg);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(Attr(*Events(r, "vinet.claim_batch").at(0), "verified"), "false");
  // Honest claims still settle, nobody slashed.
  EXPECT_EQ(Statuses(r), std::vector<std::string>(3, "SETTLED"));
  EXPECT_FALSE(NodeRecord().jailed());
}

TEST_F(ClaimBatchTest, ClaimTamperedAfterAttestationIsCaughtByTheFallback) {
  SetUpTee();
  std::vector<Served> served{Serve(1), Serve(2), Serve(3)};
  auto batch = BatchOver(served, enclave_, node_);
  // The node changes a receipt after the enclave attested the batch.
  served[1].receipt.output_hash[0] ^= 1;
  ASSERT_TRUE(protocol::SignAsNode(served[1].receipt, node_).ok());
  auto r = Submit(Msg(served, batch));
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(Attr(*Events(r, "vinet.claim_batch").at(0), "verified"), "false");
  EXPECT_EQ(Statuses(r), (std::vector<std::string>{"SETTLED", "REJECTED", "SETTLED"}));
  EXPECT_EQ(Attr(*Events(r, "vinet.claim").at(1), "reason"),
            "receipt.enclave_signature does not verify");
}

TEST_F(ClaimBatchTest, ClaimSwappedForAnotherIsNotCovered) {
  SetUpTee();
  std::vector<Served> served{Serve(1), Serve(2)};
  auto batch = BatchOver(served, enclave_, node_);
  // A claim the enclave never attested, with a forged client signature, in
  // place of an attested one: the batch no longer verifies, and the forged
  // claim fails its own check.
  served[1] = Serve(9);
  served[1].request.signature[0] ^= 1;
  auto msg = Msg(served, batch);
  auto r = Submit(msg);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(Attr(*Events(r, "vinet.claim_batch").at(0), "verified"), "false");
  EXPECT_EQ(Statuses(r), (std::vector<std::string>{"SETTLED", "INVALID"}));
  EXPECT_EQ(Account(client_).balance(), 1'000u - 10);
}

TEST_F(ClaimBatchTest, AttestationForAnotherNodeDoesNotVerify) {
  SetUpTee();
  std::vector<Served> served{Serve(1), Serve(2)};
  auto other_node = testing::KeyFromByte(60);
  auto p = PrepareClaims(Msg(served, BatchOver(served, enclave_, other_node)), node_.public_key());
  EXPECT_FALSE(p.batch.verified);
  EXPECT_EQ(p.signature_checks, 1u + 4u);
}

TEST_F(ClaimBatchTest, BatchFromAnUnregisteredEnclaveStillFailsTheKeyChecks) {
  SetUpTee();
  auto stranger = testing::KeyFromByte(50);
  std::vector<Served> served{Serve(1, Mode::kTee, &stranger)};
  auto r = Submit(Msg(served, BatchOver(served, stranger, node_)));
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(Attr(*Events(r, "vinet.claim_batch").at(0), "verified"), "true");
  // Verified signatures, but the key is not this node's registered enclave.
  EXPECT_EQ(Statuses(r), std::vector<std::string>{"REJECTED"});
  EXPECT_EQ(Attr(*Events(r, "vinet.claim").at(0), "reason"),
            "enclave " + ToHex(stranger.public_key()) + " is not registered");
}

TEST_F(ClaimBatchTest, ExpiredEnclaveIsRefusedAsWithoutBatch) {
  SetUpTee();
  std::vector<Served> served{Serve(1), Serve(2)};
  auto r = Submit(Msg(served, BatchOver(served, enclave_, node_)), 7, 60'000);  // ttl 60 s
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(Attr(*Events(r, "vinet.claim_batch").at(0), "verified"), "true");
  EXPECT_EQ(Statuses(r), std::vector<std::string>(2, "REFUSED"));
  EXPECT_EQ(Account(client_).balance(), 1'000u);
}

TEST_F(ClaimBatchTest, ReplayedBatchInASecondTxSettlesNothingTwice) {
  SetUpTee();
  std::vector<Served> served{Serve(1), Serve(2)};
  auto msg = Msg(served, BatchOver(served, enclave_, node_));
  ASSERT_EQ(Statuses(Submit(msg)), std::vector<std::string>(2, "SETTLED"));
  auto again = Submit(msg, 7);
  ASSERT_TRUE(again.status.ok()) << again.status.log;
  EXPECT_EQ(Statuses(again), std::vector<std::string>(2, "DUPLICATE"));
  EXPECT_EQ(Account(client_).balance(), 1'000u - 20);
}

TEST_F(ClaimBatchTest, MixedTxCoversOnlyTheBatchEnclavesTeeClaims) {
  SetUpTee();
  auto stranger = testing::KeyFromByte(50);
  std::vector<Served> covered{Serve(1), Serve(3)};
  std::vector<Served> served{covered[0], Serve(2, Mode::kVanilla), covered[1],
                             Serve(4, Mode::kTee, &stranger)};
  auto msg = Msg(served, BatchOver(covered, enclave_, node_));
  auto p = PrepareClaims(msg, node_.public_key());
  EXPECT_TRUE(p.batch.verified) << p.batch.error;
  EXPECT_EQ(p.batch.covered, 2u);
  // The batch, the VANILLA claim's client signature, both checks of the
  // stranger's claim.
  EXPECT_EQ(p.signature_checks, 1u + 1u + 2u);
  auto r = Submit(msg);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(Statuses(r), (std::vector<std::string>{"SETTLED", "SETTLED", "SETTLED", "REJECTED"}));
}

TEST_F(ClaimBatchTest, MalformedBatchKeyFallsBack) {
  SetUpTee();
  std::vector<Served> served{Serve(1)};
  auto batch = BatchOver(served, enclave_, node_);
  batch.set_enclave_key("short");
  auto p = PrepareClaims(Msg(served, batch), node_.public_key());
  EXPECT_FALSE(p.batch.verified);
  EXPECT_EQ(p.batch.covered, 0u);
  EXPECT_EQ(p.signature_checks, 2u);
  EXPECT_TRUE(p.claims[0].enclave_signature_ok);
}

TEST_F(ClaimBatchTest, PreparationIsTheSameWhateverTheThreads) {
  SetUpTee();
  Fund(1'000'000);
  std::vector<Served> served, covered;
  for (uint64_t i = 0; i < 300; ++i) {
    served.push_back(Serve(i, i % 3 == 0 ? Mode::kVanilla : Mode::kTee));
    if (i % 3 != 0) covered.push_back(served.back());
  }
  auto msg = Msg(served, BatchOver(covered, enclave_, node_));
  auto one = PrepareClaims(msg, node_.public_key(), 1);
  auto four = PrepareClaims(msg, node_.public_key(), 4);
  EXPECT_TRUE(one.batch.verified);
  EXPECT_TRUE(four.batch.verified);
  EXPECT_EQ(one.signature_checks, four.signature_checks);
  EXPECT_EQ(one.signature_checks, 1u + 100u);
  for (size_t i = 0; i < served.size(); ++i) {
    EXPECT_EQ(one.claims[i].id, four.claims[i].id);
    EXPECT_EQ(one.claims[i].enclave_signature_ok, four.claims[i].enclave_signature_ok);
    EXPECT_EQ(one.claims[i].request_error, four.claims[i].request_error);
  }
}

}  // namespace
}  // namespace vinet::chain
