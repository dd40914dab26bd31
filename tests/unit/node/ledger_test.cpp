#include "vinet/node/ledger.h"

#include <gtest/gtest.h>

#include "unit/node/node_test_util.h"

namespace vinet::node {
namespace {

ClaimRecord Claim(const std::string& id, const std::string& client, uint64_t fee) {
  ClaimRecord c;
  c.id_hex = id;
  c.client = client;
  c.fee = fee;
  c.model_id = "m";
  c.request = {1, 2, 3};
  c.receipt = {4, 5};
  return c;
}

TEST(Ledger, AcceptedClaimsSurviveReopenAndHoldFees) {
  testing::TempDir dir;
  {
    auto ledger = Ledger::Open(dir.path);
    ASSERT_TRUE(ledger.ok());
    ASSERT_TRUE((*ledger)->Accept(Claim("aa", "alice", 10), 100).ok());
    ASSERT_TRUE((*ledger)->Accept(Claim("bb", "alice", 10), 100).ok());
    EXPECT_EQ((*ledger)->Held("alice"), 20u);
  }
  auto ledger = Ledger::Open(dir.path);
  ASSERT_TRUE(ledger.ok());
  EXPECT_EQ((*ledger)->Held("alice"), 20u);
  EXPECT_EQ((*ledger)->OpenClaims("ACCEPTED", 10).size(), 2u);
  auto got = (*ledger)->Get("bb");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->request, (Bytes{1, 2, 3}));
}

TEST(Ledger, HasOpenSeesOnlyOpenClaimsOfThatStatus) {
  testing::TempDir dir;
  auto ledger = Ledger::Open(dir.path);
  ASSERT_TRUE(ledger.ok());
  EXPECT_FALSE((*ledger)->HasOpen("ACCEPTED"));
  ASSERT_TRUE((*ledger)->Accept(Claim("aa", "alice", 1), 100).ok());
  EXPECT_TRUE((*ledger)->HasOpen("ACCEPTED"));
  EXPECT_FALSE((*ledger)->HasOpen("SUBMITTED"));
  ClaimRecord c = *(*ledger)->Get("aa");
  c.status = "SUBMITTED";
  ASSERT_TRUE((*ledger)->Update({c}).ok());
  EXPECT_FALSE((*ledger)->HasOpen("ACCEPTED"));
  EXPECT_TRUE((*ledger)->HasOpen("SUBMITTED"));
  c.status = "SETTLED";  // final: leaves the open set
  ASSERT_TRUE((*ledger)->Update({c}).ok());
  EXPECT_FALSE((*ledger)->HasOpen("SUBMITTED"));
}

TEST(Ledger, RejectsOverspendAndDuplicates) {
  testing::TempDir dir;
  auto ledger = std::move(*Ledger::Open(dir.path));
  ASSERT_TRUE(ledger->Accept(Claim("aa", "bob", 60), 100).ok());
  Status over = ledger->Accept(Claim("bb", "bob", 60), 100);
  EXPECT_EQ(over.code(), Code::kInsufficientFunds) << over.ToString();
  EXPECT_EQ(ledger->Accept(Claim("aa", "bob", 1), 100).code(), Code::kAlreadyExists);
  EXPECT_FALSE(ledger->Get("bb").ok());
  EXPECT_EQ(ledger->Held("bob"), 60u);
}

TEST(Ledger, FinalStatusReleasesTheHoldButKeepsTheRecord) {
  testing::TempDir dir;
  auto ledger = std::move(*Ledger::Open(dir.path));
  ClaimRecord c = Claim("aa", "carol", 30);
  ASSERT_TRUE(ledger->Accept(c, 30).ok());
  c.status = "SETTLED";
  c.height = 7;
  ASSERT_TRUE(ledger->Update({c}).ok());
  EXPECT_EQ(ledger->Held("carol"), 0u);
  EXPECT_EQ(ledger->OpenCount(), 0u);
  EXPECT_EQ(ledger->Get("aa")->status, "SETTLED");
  EXPECT_EQ(ledger->Accept(c, 100).code(), Code::kAlreadyExists);  // ids are never reused
}

TEST(Ledger, StatusUpdatesSurviveReopenOverTheAcceptedClaim) {
  testing::TempDir dir;
  {
    auto ledger = std::move(*Ledger::Open(dir.path));
    ClaimRecord a = Claim("aa", "erin", 5), b = Claim("bb", "erin", 7), c = Claim("cc", "erin", 1);
    ASSERT_TRUE(ledger->Accept(a, 100).ok());
    ASSERT_TRUE(ledger->Accept(b, 100).ok());
    ASSERT_TRUE(ledger->Accept(c, 100).ok());
    a.status = b.status = "SUBMITTED";
    a.tx_hash = b.tx_hash = "T1";
    a.submitted_ms = b.submitted_ms = 11;
    ASSERT_TRUE(ledger->Update({a, b}).ok());
    a.status = "SETTLED";
    a.height = 4;
    a.settled_ms = 12;
    ASSERT_TRUE(ledger->Update({a}).ok());
  }
  auto ledger = std::move(*Ledger::Open(dir.path));
  auto a = ledger->Get("aa");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->status, "SETTLED");
  EXPECT_EQ(a->tx_hash, "T1");
  EXPECT_EQ(a->height, 4);
  EXPECT_EQ(a->submitted_ms, 11);
  EXPECT_EQ(a->settled_ms, 12);
  EXPECT_EQ(a->request, (Bytes{1, 2, 3}));  // the accepted claim itself, as written
  EXPECT_EQ(a->receipt, (Bytes{4, 5}));
  auto submitted = ledger->OpenClaims("SUBMITTED", 10);
  ASSERT_EQ(submitted.size(), 1u);
  EXPECT_EQ(submitted[0].id_hex, "bb");
  EXPECT_EQ(submitted[0].tx_hash, "T1");
  EXPECT_EQ(ledger->OpenClaims("ACCEPTED", 10).size(), 1u);
  EXPECT_EQ(ledger->Held("erin"), 8u);  // bb and cc: aa settled
  EXPECT_EQ(ledger->Accept(Claim("aa", "erin", 1), 100).code(), Code::kAlreadyExists);
}

TEST(Ledger, PendingZkmlClaimStaysOpenButHoldsNoFee) {
  testing::TempDir dir;
  {
    auto ledger = std::move(*Ledger::Open(dir.path));
    ClaimRecord c = Claim("bb", "dave", 30);
    c.mode = protocol::Mode::kZkml;
    ASSERT_TRUE(ledger->Accept(c, 30).ok());
    EXPECT_EQ(ledger->Held("dave"), 30u);
    c.status = "PENDING";  // on chain: the chain escrowed the fee
    ASSERT_TRUE(ledger->Update({c}).ok());
    EXPECT_EQ(ledger->Held("dave"), 0u);
    EXPECT_EQ(ledger->OpenCount(), 1u);
    EXPECT_EQ(ledger->OpenClaims("PENDING", 10).size(), 1u);
  }
  auto ledger = std::move(*Ledger::Open(dir.path));
  EXPECT_EQ(ledger->Held("dave"), 0u);
  EXPECT_EQ(ledger->OpenClaims("PENDING", 10).size(), 1u);
  ClaimRecord c = *ledger->Get("bb");
  c.status = "EXPIRED";
  ASSERT_TRUE(ledger->Update({c}).ok());
  EXPECT_EQ(ledger->OpenCount(), 0u);
  EXPECT_EQ(ledger->Held("dave"), 0u);
}

}  // namespace
}  // namespace vinet::node
