// State retention: settled claims leave the state claim_retention_blocks
// after settling, once their request has expired (handlers.h PruneClaims).
#include "unit/chain/inference_fixture.h"
#include "vinet/chain/handlers.h"

namespace vinet::chain {
namespace {

using protocol::Mode;
using testing::InferenceFixture;

class RetentionTest : public InferenceFixture {
 protected:
  void SetUp() override {
    InferenceFixture::SetUp();
    auto p = params_;
    p.set_claim_retention_blocks(3);
    SetParams(p);
    SetUpTee();
  }
  void Prune(int64_t height, int64_t time_offset_ms) {
    State s(state_);
    ASSERT_TRUE(PruneClaims(s, params_, height, now_ms_ + time_offset_ms).ok());
  }
  uint64_t Bucket(int64_t height) {
    State s(state_);
    return s.GetRetentionCount(height).value();
  }
  ExecResult Submit(const protocol::SignedRequest& req, int64_t height, int64_t offset = 0) {
    return Run(node_, ClaimsBody({ClaimOf(req, ReceiptFor(req, &enclave_))}), height, offset);
  }
};

TEST_F(RetentionTest, SettledClaimIsPrunedAfterRetentionOnceItsRequestExpired) {
  auto req = Request(Mode::kTee, 1);
  ASSERT_TRUE(Submit(req, 6).status.ok());
  ASSERT_TRUE(ClaimRecord(req).has_value());
  EXPECT_EQ(ClaimRecord(req)->request_expires_ms(), now_ms_ + 600'000);
  EXPECT_EQ(Bucket(9), 1u);  // settled at 6, retention 3
  Prune(7, 0);
  Prune(8, 0);
  EXPECT_TRUE(ClaimRecord(req).has_value());
  // At 9 the request has not expired: pruning waits (3 * 2 blocks later).
  Prune(9, 0);
  EXPECT_TRUE(ClaimRecord(req).has_value());
  EXPECT_EQ(Bucket(9), 0u);
  EXPECT_EQ(Bucket(15), 1u);
  // At 15 it has: the record and the index bucket go.
  Prune(15, 600'000);
  EXPECT_FALSE(ClaimRecord(req).has_value());
  EXPECT_EQ(Bucket(15), 0u);
  State s(state_);
  EXPECT_FALSE(state_.Get(RetentionEntryKey(15, 0)).value().has_value());
  // The same claim again: refused for its expired request, never paid twice.
  uint64_t client = Account(client_).balance();
  auto again = Submit(req, 16, 600'000);
  ASSERT_TRUE(again.status.ok()) << again.status.log;
  EXPECT_FALSE(ClaimRecord(req).has_value());
  EXPECT_EQ(Account(client_).balance(), client);
}

TEST_F(RetentionTest, DeferralsDoubleSoAFarExpiryCostsFewMoves) {
  auto req = Request(Mode::kVanilla, 2);
  ASSERT_TRUE(Submit(req, 6).status.ok());
  int64_t at = 9;
  for (int64_t step : {6, 12, 24, 48}) {  // 3·2, 3·4, 3·8, 3·16
    Prune(at, 0);
    EXPECT_EQ(Bucket(at), 0u);
    at += step;
    ASSERT_EQ(Bucket(at), 1u) << "deferred to " << at;
  }
  Prune(at, 600'000);
  EXPECT_FALSE(ClaimRecord(req).has_value());
}

TEST_F(RetentionTest, RejectedClaimsArePrunedToo) {
  auto req = Request(Mode::kTee, 3);
  auto receipt = ReceiptFor(req, &enclave_);
  receipt.output_hash[0] ^= 1;  // the enclave signature no longer matches
  auto r = Run(node_, ClaimsBody({ClaimOf(req, receipt)}), 6);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  ASSERT_EQ(ClaimRecord(req)->status(), statepb::CLAIM_STATUS_REJECTED);
  Prune(9, 600'000);
  EXPECT_FALSE(ClaimRecord(req).has_value());
}

TEST_F(RetentionTest, ClaimsOfOneTxShareOneEntryAndEachGoesOnceItsRequestExpired) {
  auto a = Request(Mode::kTee, 5);
  auto b = Request(Mode::kVanilla, 6);
  protocol::InferenceRequest later = a.request;  // expires 300 s after a and b
  later.nonce = 7;
  later.expires_ms += 300'000;
  auto c = protocol::SignRequest(later, client_);
  auto bad = ReceiptFor(c, &enclave_);
  bad.output_hash[0] ^= 1;  // REJECTED: final too, so in the group
  auto r = Run(node_,
               ClaimsBody({ClaimOf(a, ReceiptFor(a, &enclave_)), ClaimOf(b, ReceiptFor(b, nullptr)),
                           ClaimOf(c, bad)}),
               6);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  ASSERT_EQ(ClaimRecord(c)->status(), statepb::CLAIM_STATUS_REJECTED);
  EXPECT_EQ(Bucket(9), 1u);  // one entry for the three claims
  auto entry = statepb::RetentionEntry();
  ASSERT_TRUE(entry.ParseFromString(*state_.Get(RetentionEntryKey(9, 0)).value()));
  EXPECT_EQ(entry.group_ids_size(), 3);
  EXPECT_EQ(entry.request_expires_ms(), later.expires_ms);
  // a and b have expired, c has not: a and b go, c waits (3 * 2 blocks later).
  Prune(9, 600'000);
  EXPECT_FALSE(ClaimRecord(a).has_value());
  EXPECT_FALSE(ClaimRecord(b).has_value());
  EXPECT_TRUE(ClaimRecord(c).has_value());
  EXPECT_EQ(Bucket(9), 0u);
  ASSERT_EQ(Bucket(15), 1u);
  ASSERT_TRUE(entry.ParseFromString(*state_.Get(RetentionEntryKey(15, 0)).value()));
  EXPECT_EQ(entry.group_ids_size(), 1);
  EXPECT_EQ(entry.deferrals(), 1u);
  Prune(15, 900'000);
  EXPECT_FALSE(ClaimRecord(c).has_value());
  EXPECT_EQ(Bucket(15), 0u);
}

TEST_F(RetentionTest, ZeroRetentionKeepsEveryClaimWithoutIndexing) {
  auto p = params_;
  p.set_claim_retention_blocks(0);
  SetParams(p);
  auto req = Request(Mode::kTee, 4);
  ASSERT_TRUE(Submit(req, 6).status.ok());
  for (int64_t h = 6; h < 40; ++h) EXPECT_EQ(Bucket(h), 0u);
  Prune(9, 600'000);
  EXPECT_TRUE(ClaimRecord(req).has_value());
}

TEST_F(RetentionTest, GenesisParsesAndBoundsTheParameter) {
  auto g = ParseGenesis(R"({"params": {"claim_retention_blocks": 42}})");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->params.claim_retention_blocks(), 42);
  EXPECT_EQ(ParseGenesis(GenesisToJson(*g))->params.claim_retention_blocks(), 42);
  auto big = ParseGenesis(R"({"params": {"claim_retention_blocks": 2000000000}})");
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("claim_retention_blocks"), std::string::npos);
  EXPECT_EQ(DefaultParams().claim_retention_blocks(), kDefaultClaimRetentionBlocks);
}

}  // namespace
}  // namespace vinet::chain
