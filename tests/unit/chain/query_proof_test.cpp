// abci_query at a height and with proofs: values as of old heights, precise
// errors for future and pruned heights, membership and absence proofs that
// verify (through the ProofOps wire form) against the block's app hash.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "unit/chain/chain_test_util.h"
#include "vinet/chain/app.h"
#include "vinet/chain/query.h"
#include "vinet/chain/result_codes.h"
#include "vinet/merkle/proof_ops.h"

namespace vinet::chain {
namespace {

using testing::AddrOf;
using testing::KeyFromByte;
using testing::TempDir;
using testing::TransferBody;
using testing::TxString;

class QueryProofTest : public ::testing::Test {
 protected:
  void Open(uint64_t versions_kept) {
    StoreOptions options;
    options.versions_kept = versions_kept;
    app_ = std::move(ChainApp::Open(dir_.path(), options).value());
    abci::pb::RequestInitChain req;
    req.set_chain_id("unit-chain");
    req.set_initial_height(1);
    Genesis g;
    g.params = DefaultParams();
    g.accounts.push_back({AddrOf(alice_), 1'000'000});
    req.set_app_state_bytes(GenesisToJson(g));
    hashes_[0] = app_->InitChain(req).app_hash();
  }
  // Block h: alice sends `amount` to bob.
  void Block(int64_t h, uint64_t amount) {
    abci::pb::RequestFinalizeBlock req;
    req.set_height(h);
    req.add_txs(TxString(alice_, TransferBody("unit-chain", nonce_++, AddrOf(bob_), amount)));
    auto resp = app_->FinalizeBlock(req);
    ASSERT_EQ(resp.tx_results(0).code(), 0u) << resp.tx_results(0).log();
    hashes_[h] = resp.app_hash();
    app_->Commit();
  }
  abci::pb::ResponseQuery Query(const std::string& path, int64_t height, bool prove) {
    abci::pb::RequestQuery q;
    q.set_path(path);
    q.set_height(height);
    q.set_prove(prove);
    return app_->Query(q);
  }
  // Verifies a proved answer the way a client does: ProofOps wire bytes,
  // against the app hash of block `height` (in the header of height+1).
  Status Verify(const abci::pb::ResponseQuery& r, const std::string& key) {
    auto wire = r.proof_ops().SerializeAsString();
    auto ops = merkle::DecodeProofOps(AsBytes(wire));
    if (!ops.ok()) return ops.status();
    const std::string& hash = hashes_.at(r.height());
    std::optional<ByteSpan> value;
    if (r.code() == 0) value = AsBytes(r.value());
    return merkle::VerifyProofOps(AsBytes(hash), AsBytes(key), value, *ops);
  }

  TempDir dir_;
  std::unique_ptr<ChainApp> app_;
  std::map<int64_t, std::string> hashes_;
  crypto::SecretKey alice_ = KeyFromByte(20), bob_ = KeyFromByte(21), carol_ = KeyFromByte(22);
  uint64_t nonce_ = 0;
};

TEST_F(QueryProofTest, OldHeightsAnswerOldValuesWithProofs) {
  Open(0);
  for (int64_t h = 1; h <= 6; ++h) Block(h, 10 * static_cast<uint64_t>(h));
  const std::string bob = "/account/" + AddrOf(bob_);
  uint64_t expected = 0;
  for (int64_t h = 1; h <= 6; ++h) {
    expected += 10 * static_cast<uint64_t>(h);
    auto plain = Query(bob, h, false);
    ASSERT_EQ(plain.code(), 0u) << plain.log();
    EXPECT_EQ(plain.height(), h);
    EXPECT_EQ(nlohmann::json::parse(plain.value())["balance"], expected) << h;
    auto proved = Query(bob, h, true);
    EXPECT_EQ(proved.height(), h);
    EXPECT_EQ(proved.key(), "a/" + AddrOf(bob_));
    ASSERT_EQ(proved.proof_ops().ops_size(), 1);
    EXPECT_EQ(proved.proof_ops().ops(0).type(), merkle::kProofOpType);
    ASSERT_EQ(proved.code(), 0u) << proved.log();
    EXPECT_EQ(nlohmann::json::parse(proved.info())["balance"], expected);
    Status s = Verify(proved, "a/" + AddrOf(bob_));
    EXPECT_TRUE(s.ok()) << "height " << h << ": " << s.ToString();
    // A proof never verifies against another height's app hash.
    auto wrong = proved;
    wrong.set_height(h - 1);
    EXPECT_FALSE(Verify(wrong, "a/" + AddrOf(bob_)).ok());
  }
  // Absence of a never-used account, at every height; and height 0 = latest.
  for (int64_t h = 0; h <= 6; ++h) {  // 0 = the latest height
    auto r = Query("/account/" + AddrOf(carol_), h, true);
    EXPECT_EQ(r.code(), static_cast<uint32_t>(QueryCode::kNotFound));
    EXPECT_TRUE(Verify(r, "a/" + AddrOf(carol_)).ok()) << h;
    // The absence proof is no membership proof of an empty value.
    auto forged = r;
    forged.set_code(0);
    EXPECT_FALSE(Verify(forged, "a/" + AddrOf(carol_)).ok());
  }
  auto latest = Query(bob, 0, true);
  EXPECT_EQ(latest.height(), 6);
  EXPECT_TRUE(Verify(latest, "a/" + AddrOf(bob_)).ok());
  // Params, a single-key path that is not an address, proves too.
  auto params = Query("/params", 3, true);
  ASSERT_EQ(params.code(), 0u);
  EXPECT_TRUE(Verify(params, std::string(kParamsKey)).ok());
}

TEST_F(QueryProofTest, FutureAndPrunedHeightsAreRefusedPrecisely) {
  Open(3);
  for (int64_t h = 1; h <= 8; ++h) Block(h, 1);
  auto future = Query("/account/" + AddrOf(bob_), 9, true);
  EXPECT_EQ(future.code(), static_cast<uint32_t>(QueryCode::kFutureHeight));
  EXPECT_NE(future.log().find("query height 9 is not committed yet (last committed height 8)"),
            std::string::npos)
      << future.log();
  auto pruned = Query("/account/" + AddrOf(bob_), 5, false);
  EXPECT_EQ(pruned.code(), static_cast<uint32_t>(QueryCode::kPrunedHeight));
  EXPECT_NE(pruned.log().find("query height 5 is pruned on this validator (oldest kept height 6"),
            std::string::npos)
      << pruned.log();
  for (int64_t h = 6; h <= 8; ++h) {
    auto r = Query("/account/" + AddrOf(bob_), h, true);
    ASSERT_EQ(r.code(), 0u) << r.log();
    EXPECT_TRUE(Verify(r, "a/" + AddrOf(bob_)).ok());
  }
  // A restart keeps the window.
  app_.reset();
  StoreOptions options;
  options.versions_kept = 3;
  app_ = std::move(ChainApp::Open(dir_.path(), options).value());
  EXPECT_EQ(Query("/account/" + AddrOf(bob_), 5, true).code(),
            static_cast<uint32_t>(QueryCode::kPrunedHeight));
  EXPECT_EQ(Query("/account/" + AddrOf(bob_), 6, true).code(), 0u);
}

TEST_F(QueryProofTest, BadPathsFailBeforeProving) {
  Open(0);
  Block(1, 1);
  auto bad = Query("/account/XYZ", 1, true);
  EXPECT_EQ(bad.code(), static_cast<uint32_t>(QueryCode::kBadAddress));
  EXPECT_EQ(bad.proof_ops().ops_size(), 0);
  auto unknown = Query("/nope", 1, true);
  EXPECT_EQ(unknown.code(), static_cast<uint32_t>(QueryCode::kUnknownPath));
  EXPECT_EQ(StateKeyOfPath("/claim/ab"), std::optional<std::string>("c/ab"));
  EXPECT_EQ(StateKeyOfPath("/deposit/a/b"), std::optional<std::string>("x/a/b"));
  EXPECT_EQ(StateKeyOfPath("/nope"), std::nullopt);
}

}  // namespace
}  // namespace vinet::chain
