// Signature, power and trust-level edge cases on a synthetic chain signed by
// test keys (synthetic_chain.h).
#include <gtest/gtest.h>

#include "light/synthetic_chain.h"
#include "vinet/light/hashing.h"
#include "vinet/light/light_client.h"
#include "vinet/light/time.h"

namespace vinet::light {
namespace {

using testing::SyntheticChain;
using testing::SyntheticChainOptions;

Time NowFor(const SyntheticChain& c) {
  return AddNanos(c.HeaderAt(c.options().length).time, 60'000'000'000);
}

LightClientOptions ClockAt(Time now) {
  LightClientOptions o;
  o.clock = [now] { return now; };
  o.witness_wait_ms = 0;
  return o;
}

TEST(CommitPower, StrictlyMoreThanTwoThirds) {
  // Three validators of equal power: two signatures are 20 of 30 = exactly
  // 2/3, not enough; three are.
  SyntheticChain chain({.length = 3, .set_size = 3});
  auto b = chain.Fetch(2).value();
  const auto& sh = b.signed_header;
  EXPECT_TRUE(
      VerifyCommitLight("synthetic-1", b.validators, sh.commit.block_id, 2, sh.commit).ok());
  chain.absent = {2};
  b = chain.Fetch(2).value();
  Status s = VerifyCommitLight("synthetic-1", b.validators, b.signed_header.commit.block_id, 2,
                               b.signed_header.commit);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("signed 20 of 30 voting power, need more than 20"), std::string::npos)
      << s.message();
}

TEST(CommitPower, TrustLevelIsStrictlyMoreThanOneThird) {
  SyntheticChain chain({.length = 3, .set_size = 3});
  auto trusted = chain.SetAt(1);
  chain.absent = {1, 2};
  auto b = chain.Fetch(3).value();
  Status s = VerifyCommitLightTrusting("synthetic-1", trusted, b.signed_header.commit, {1, 3});
  ASSERT_FALSE(s.ok());  // 10 of 30 is exactly 1/3
  EXPECT_TRUE(IsNotEnoughTrust(s)) << s.message();
  chain.absent = {2};
  b = chain.Fetch(3).value();
  EXPECT_TRUE(
      VerifyCommitLightTrusting("synthetic-1", trusted, b.signed_header.commit, {1, 3}).ok());
  EXPECT_FALSE(
      VerifyCommitLightTrusting("synthetic-1", trusted, b.signed_header.commit, {0, 3}).ok());
  EXPECT_FALSE(
      VerifyCommitLightTrusting("synthetic-1", trusted, b.signed_header.commit, {4, 3}).ok());
}

TEST(CommitSignatures, DoubleVoteByAddressIsRefused) {
  SyntheticChain chain({.length = 3, .set_size = 4});
  auto b = chain.Fetch(3).value();
  Commit c = b.signed_header.commit;
  c.signatures[1] = c.signatures[0];  // the same validator twice
  Status s = VerifyCommitLightTrusting("synthetic-1", chain.SetAt(1), c, {2, 3});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("signed twice"), std::string::npos) << s.message();
}

TEST(CommitSignatures, SignatureOverAnotherBlockIsRefused) {
  SyntheticChain chain({.length = 3, .set_size = 4});
  auto b = chain.Fetch(2).value();
  Commit other = b.signed_header.commit;
  other.block_id.hash[0] ^= 1;
  chain.Resign(other, 0, 2);  // validator 0 signs another block
  Commit c = b.signed_header.commit;
  c.signatures[0].signature = other.signatures[0].signature;
  Status s = VerifyCommitLight("synthetic-1", b.validators, c.block_id, 2, c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kUnauthenticated);
  EXPECT_NE(s.message().find("commit.signatures[0]"), std::string::npos) << s.message();
}

TEST(CommitSignatures, WrongSignatureCountOrOrderIsRefused) {
  SyntheticChain chain({.length = 3, .set_size = 4});
  auto b = chain.Fetch(2).value();
  Commit c = b.signed_header.commit;
  c.signatures.pop_back();
  EXPECT_FALSE(VerifyCommitLight("synthetic-1", b.validators, c.block_id, 2, c).ok());
  c = b.signed_header.commit;
  std::swap(c.signatures[0], c.signatures[1]);
  Status s = VerifyCommitLight("synthetic-1", b.validators, c.block_id, 2, c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("but validator 0 is"), std::string::npos) << s.message();
}

TEST(Adjacent, NewSetMustBeTheTrustedNextSet) {
  // Rotation at height 10: header 10's set differs from header 9's.
  SyntheticChain chain({.length = 20, .set_size = 4, .epoch = 10, .rotate = 2});
  auto b9 = chain.Fetch(9).value();
  auto b10 = chain.Fetch(10).value();
  Time now = NowFor(chain);
  EXPECT_TRUE(Verify(b9, b10, now, {}).ok());
  auto forged = b10;
  forged.validators = b9.validators;  // the old set, as if nothing changed
  Status s = Verify(b9, forged, now, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("validators_hash"), std::string::npos) << s.message();
}

TEST(Skipping, BisectsAcrossRotations) {
  // Four validators; two replaced every 100 heights: sets 200 heights apart
  // share nobody, so the client must bisect.
  SyntheticChain* chain = nullptr;
  auto owned = std::make_unique<SyntheticChain>(
      SyntheticChainOptions{.length = 1000, .set_size = 4, .epoch = 100, .rotate = 2});
  chain = owned.get();
  auto lc =
      LightClient::FromGenesis(std::move(owned), {}, chain->Genesis(), ClockAt(NowFor(*chain)));
  ASSERT_TRUE(lc.ok()) << lc.status().ToString();
  auto b = lc->VerifyHeight(1000);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(ToHex(HeaderHash(b->signed_header.header)), ToHex(HeaderHash(chain->HeaderAt(1000))));
  EXPECT_GT(lc->stats().bisections, 0);
  EXPECT_LT(lc->stats().blocks_fetched, 100);  // far fewer than sequential
}

TEST(Skipping, NoRotationNeedsOneStep) {
  auto owned = std::make_unique<SyntheticChain>(SyntheticChainOptions{.length = 500});
  auto* chain = owned.get();
  auto lc =
      LightClient::FromGenesis(std::move(owned), {}, chain->Genesis(), ClockAt(NowFor(*chain)));
  ASSERT_TRUE(lc.ok());
  ASSERT_TRUE(lc->VerifyHeight(500).ok());
  EXPECT_EQ(lc->stats().bisections, 0);
  EXPECT_EQ(lc->stats().verifications, 1);
  // Lower heights verify from the root again, later ones from 500.
  ASSERT_TRUE(lc->VerifyHeight(250).ok());
  EXPECT_FALSE(lc->VerifyHeight(501).ok());  // does not exist
}

TEST(Skipping, MinorityCommitIsRefusedEvenWithBisection) {
  auto owned = std::make_unique<SyntheticChain>(SyntheticChainOptions{.length = 50, .set_size = 4});
  auto* chain = owned.get();
  auto lc =
      LightClient::FromGenesis(std::move(owned), {}, chain->Genesis(), ClockAt(NowFor(*chain)));
  ASSERT_TRUE(lc.ok());
  chain->absent = {0, 1, 2};  // one of four signs: > 1/3 fails, bisection ends adjacent
  auto b = lc->VerifyHeight(50);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), Code::kVerification);
  EXPECT_NE(b.status().message().find("(2/3)"), std::string::npos) << b.status().ToString();
}

TEST(TrustingPeriod, ExpiredTrustedHeaderIsRefused) {
  SyntheticChain chain({.length = 10});
  auto b1 = chain.Fetch(1).value();
  auto b5 = chain.Fetch(5).value();
  VerifyOptions o;
  o.trusting_period_ns = 3'000'000'000;  // 3 s; header 1 is 4 s before header 5
  Status s = Verify(b1, b5, AddNanos(b5.signed_header.header.time, 1), o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kOutOfRange);
  o.trusting_period_ns = 10'000'000'000;
  EXPECT_TRUE(Verify(b1, b5, AddNanos(b5.signed_header.header.time, 1), o).ok());
}

TEST(Headers, TimeMustIncrease) {
  SyntheticChain chain({.length = 10});
  auto b2 = chain.Fetch(2).value();
  auto b3 = chain.Fetch(3).value();
  b3.signed_header.header.time = b2.signed_header.header.time;
  Status s = Verify(b2, b3, NowFor(chain), {});
  ASSERT_FALSE(s.ok());  // the header changed, so its hash does too; both checks fail
}

}  // namespace
}  // namespace vinet::light
