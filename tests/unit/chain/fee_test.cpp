// Finding 8 of issue 12: fees by bytes and claims, cheap rechecks and
// ProcessProposal refusing blocks with txs that cannot be valid.
#include <gtest/gtest.h>

#include "unit/chain/chain_test_util.h"
#include "vinet/chain/app.h"
#include "vinet/chain/executor.h"
#include "vinet/chain/fee.h"
#include "vinet/chain/genesis.h"

namespace vinet::chain {
namespace {

using testing::AddrOf;
using testing::KeyFromByte;
using testing::TransferBody;
using testing::TxString;

txpb::TxBody ClaimsBody(int n) {
  txpb::TxBody b;
  b.set_chain_id("fee-chain");
  for (int i = 0; i < n; ++i) {
    auto* c = b.mutable_submit_claims()->add_claims();
    c->set_receipt(std::string(200, 'r'));  // the fee rule does not look inside
  }
  return b;
}

TEST(FeeTest, MinimumFeeCountsBytesAndClaims) {
  FeeSchedule f{5, 2, 3, 0};
  txpb::TxBody transfer = TransferBody("fee-chain", 0, std::string(40, 'a'), 1);
  EXPECT_EQ(MinimumFee(f, 1023, transfer), 5u);
  EXPECT_EQ(MinimumFee(f, 1024, transfer), 7u);
  EXPECT_EQ(MinimumFee(f, 10 * 1024 + 5, transfer), 25u);
  EXPECT_EQ(MinimumFee(f, 100, ClaimsBody(1000)), 5u + 3'000);
  FeeSchedule huge{1, UINT64_MAX, UINT64_MAX, UINT64_MAX};
  EXPECT_EQ(MinimumFee(huge, 4096, ClaimsBody(2)), UINT64_MAX);  // saturates
  EXPECT_EQ(VerifyFee(huge, 3'000'000), UINT64_MAX);
}

TEST(FeeTest, VerifyFeeRoundsUp) {
  FeeSchedule f{0, 0, 0, 7};
  EXPECT_EQ(VerifyFee(f, 0), 0u);
  EXPECT_EQ(VerifyFee(f, 1), 1u);
  EXPECT_EQ(VerifyFee(f, 1'000'000), 7u);
  EXPECT_EQ(VerifyFee(f, 1'064'820), 8u);  // 7.45 → 8
}

TEST(FeeTest, PayMinimumFeeCoversTheSignedTx) {
  FeeSchedule f{1, 1, 1, 0};
  auto key = KeyFromByte(3);
  for (int n : {1, 10, 1000}) {
    txpb::TxBody b = ClaimsBody(n);
    b.set_fee(1);
    PayMinimumFee(f, b);
    Bytes tx = BuildSignedTx(key, b);
    EXPECT_EQ(SignedTxSize(b), tx.size());
    EXPECT_GE(b.fee(), MinimumFee(f, tx.size(), b));
    EXPECT_EQ(b.fee(), MinimumFee(f, tx.size(), b)) << "not the least fee for " << n;
  }
  txpb::TxBody generous = ClaimsBody(3);
  generous.set_fee(1'000'000);
  PayMinimumFee(f, generous);
  EXPECT_EQ(generous.fee(), 1'000'000u);  // never lowered
}

class FeeExecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Genesis g;
    g.params = DefaultParams();
    g.accounts.push_back({AddrOf(node_), 1'000'000});
    State s(state_);
    ASSERT_TRUE(ApplyGenesis(g, s).ok());
  }
  ExecResult Exec(txpb::TxBody body) {
    body.set_chain_id("fee-chain");
    return ExecuteTx(state_, BuildSignedTx(node_, body), 3, "fee-chain", ExecMode::kCheck);
  }
  EmptyKv empty_;
  Overlay state_{empty_};
  crypto::SecretKey node_ = KeyFromByte(9);
};

// The attack: a 1,000-claim SubmitClaims at the flat minimum fee. Refused
// before any claim is looked at; priced, it reaches the handler (here: the
// signer is no registered node).
TEST_F(FeeExecTest, ThousandClaimsAtMinimumFeeRefused) {
  txpb::TxBody b = ClaimsBody(1000);
  b.set_fee(DefaultParams().min_fee());
  auto r = Exec(b);
  EXPECT_EQ(r.status.code, TxCode::kFeeTooLow);
  EXPECT_NE(r.status.log.find("and 1000 claims"), std::string::npos) << r.status.log;
  PayMinimumFee(FeesOf(DefaultParams()), b);
  EXPECT_GT(b.fee(), 1000u);
  EXPECT_EQ(Exec(b).status.code, TxCode::kNodeNotFound);
}

TEST_F(FeeExecTest, SmallTransferStillPaysTheFlatMinimum) {
  auto b = TransferBody("fee-chain", 0, AddrOf(KeyFromByte(10)), 5);
  b.set_fee(DefaultParams().min_fee());
  EXPECT_TRUE(Exec(b).status.ok());
}

TEST(GenesisFeeTest, ScheduleIsGenesisParams) {
  auto g = ParseGenesis(
      R"({"params":{"fee_per_kib":4,"fee_per_claim":5,"fee_per_million_verify_units":6}})");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  auto f = FeesOf(g->params);
  EXPECT_EQ(f.fee_per_kib, 4u);
  EXPECT_EQ(f.fee_per_claim, 5u);
  EXPECT_EQ(f.fee_per_million_verify_units, 6u);
  auto again = ParseGenesis(GenesisToJson(*g));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(FeesOf(again->params).fee_per_claim, 5u);
}

class ProposalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_ = std::move(ChainApp::Open(dir_.path()).value());
    abci::pb::RequestInitChain req;
    req.set_chain_id("unit-chain");
    req.set_initial_height(1);
    Genesis g;
    g.params = DefaultParams();
    g.accounts.push_back({AddrOf(alice_), 1'000'000});
    req.set_app_state_bytes(GenesisToJson(g));
    app_->InitChain(req);
  }
  bool Accepts(const std::vector<std::string>& txs) {
    abci::pb::RequestProcessProposal req;
    req.set_height(1);
    for (const auto& t : txs) req.add_txs(t);
    return app_->ProcessProposal(req).status() == abci::pb::ResponseProcessProposal::ACCEPT;
  }
  std::string Transfer(uint64_t nonce) {
    return TxString(alice_, TransferBody("unit-chain", nonce, AddrOf(KeyFromByte(22)), 1));
  }
  testing::TempDir dir_;
  std::unique_ptr<ChainApp> app_;
  crypto::SecretKey alice_ = KeyFromByte(20);
};

TEST_F(ProposalTest, RejectsBlocksWithUndecodableOrBadlySignedTxs) {
  EXPECT_TRUE(Accepts({}));
  EXPECT_TRUE(Accepts({Transfer(0), Transfer(1)}));
  // A stale nonce is a stateful failure FinalizeBlock handles: still accepted.
  EXPECT_TRUE(Accepts({Transfer(0), Transfer(0)}));
  EXPECT_FALSE(Accepts({Transfer(0), "\xff\xfe garbage"}));
  std::string bad = Transfer(1);
  bad[bad.size() - 1] ^= 1;  // last byte of the signature
  EXPECT_FALSE(Accepts({Transfer(0), bad}));
  EXPECT_FALSE(Accepts({std::string(DefaultParams().max_tx_bytes() + 1, 'x')}));
}

TEST_F(ProposalTest, PrepareProposalPassesMempoolTxsWithoutTheTestHook) {
  abci::pb::RequestPrepareProposal req;
  req.set_max_tx_bytes(1 << 20);
  req.add_txs(Transfer(0));
  auto resp = app_->PrepareProposal(req);
  ASSERT_EQ(resp.txs_size(), 1);
  EXPECT_EQ(resp.txs(0), Transfer(0));
}

TEST_F(ProposalTest, RecheckOfKnownBytesSkipsClaimSignatures) {
  abci::pb::RequestCheckTx check;
  check.set_tx(Transfer(0));
  ASSERT_EQ(app_->CheckTx(check).code(), 0u);
  EXPECT_EQ(app_->cheap_rechecks(), 0u);
  check.set_type(abci::pb::CheckTxType::RECHECK);
  abci::pb::RequestFinalizeBlock empty;
  empty.set_height(1);
  app_->FinalizeBlock(empty);
  app_->Commit();  // mempool state restarts: the recheck runs the tx again
  EXPECT_EQ(app_->CheckTx(check).code(), 0u);
  EXPECT_EQ(app_->cheap_rechecks(), 1u);
  // Bytes never checked before (e.g. after a restart) are fully verified.
  abci::pb::RequestCheckTx unknown;
  unknown.set_type(abci::pb::CheckTxType::RECHECK);
  unknown.set_tx(Transfer(1));
  EXPECT_EQ(app_->CheckTx(unknown).code(), 0u);
  EXPECT_EQ(app_->cheap_rechecks(), 1u);
}

}  // namespace
}  // namespace vinet::chain
