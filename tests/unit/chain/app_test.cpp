#include <gtest/gtest.h>

#include <map>
#include <random>

#include <nlohmann/json.hpp>

#include "unit/chain/chain_test_util.h"
#include "vinet/chain/app.h"

namespace vinet::chain {
namespace {

using testing::AddrOf;
using testing::KeyFromByte;
using testing::TempDir;
using testing::TransferBody;
using testing::TxString;

class AppTest : public ::testing::Test {
 protected:
  std::unique_ptr<ChainApp> OpenApp() { return std::move(ChainApp::Open(dir_.path()).value()); }
  void Init(ChainApp& app) {
    abci::pb::RequestInitChain req;
    req.set_chain_id("unit-chain");
    req.set_initial_height(1);
    Genesis g;
    g.params = DefaultParams();
    g.accounts.push_back({AddrOf(alice_), 1'000'000});
    req.set_app_state_bytes(GenesisToJson(g));
    auto resp = app.InitChain(req);
    EXPECT_EQ(resp.app_hash().size(), 32u);
  }
  abci::pb::ResponseFinalizeBlock Block(ChainApp& app, int64_t height,
                                        const std::vector<std::string>& txs) {
    abci::pb::RequestFinalizeBlock req;
    req.set_height(height);
    for (const auto& t : txs) req.add_txs(t);
    return app.FinalizeBlock(req);
  }
  nlohmann::json QueryJson(ChainApp& app, const std::string& path, uint32_t* code = nullptr) {
    abci::pb::RequestQuery q;
    q.set_path(path);
    auto r = app.Query(q);
    if (code) *code = r.code();
    return r.code() == 0 ? nlohmann::json::parse(r.value()) : nlohmann::json();
  }
  std::string Transfer(uint64_t nonce, uint64_t amount) {
    return TxString(alice_, TransferBody("unit-chain", nonce, AddrOf(bob_), amount));
  }

  TempDir dir_;
  crypto::SecretKey alice_ = KeyFromByte(20);
  crypto::SecretKey bob_ = KeyFromByte(21);
};

TEST_F(AppTest, BlocksCommitAndQueriesAnswerJson) {
  auto app = OpenApp();
  Init(*app);
  auto fb = Block(*app, 1, {Transfer(0, 100), Transfer(1, 50), Transfer(1, 50)});
  ASSERT_EQ(fb.tx_results_size(), 3);
  EXPECT_EQ(fb.tx_results(0).code(), 0u);
  EXPECT_EQ(fb.tx_results(1).code(), 0u);
  EXPECT_EQ(fb.tx_results(2).code(), static_cast<uint32_t>(TxCode::kBadNonce));
  EXPECT_EQ(fb.tx_results(2).codespace(), "vinet");
  // Queries read committed state only.
  EXPECT_EQ(QueryJson(*app, "/account/" + AddrOf(bob_))["balance"], 0);
  app->Commit();
  auto bob = QueryJson(*app, "/account/" + AddrOf(bob_));
  EXPECT_EQ(bob["balance"], 150);
  auto alice = QueryJson(*app, "/account/" + AddrOf(alice_));
  EXPECT_EQ(alice["balance"], 1'000'000 - 152);
  EXPECT_EQ(alice["nonce"], 2);
  EXPECT_EQ(QueryJson(*app, "/params")["min_stake"], 1000);
  uint32_t code = 0;
  QueryJson(*app, "/node/" + AddrOf(bob_), &code);
  EXPECT_EQ(code, static_cast<uint32_t>(QueryCode::kNotFound));
  QueryJson(*app, "/account/XYZ", &code);
  EXPECT_EQ(code, static_cast<uint32_t>(QueryCode::kBadAddress));
  QueryJson(*app, "/nope", &code);
  EXPECT_EQ(code, static_cast<uint32_t>(QueryCode::kUnknownPath));
  auto info = app->Info({});
  EXPECT_EQ(info.last_block_height(), 1);
  EXPECT_EQ(info.last_block_app_hash(), fb.app_hash());
}

TEST_F(AppTest, ProtocolMisuseIsRefusedNotFatal) {
  auto app = OpenApp();
  abci::pb::Request commit;
  commit.mutable_commit();
  abci::pb::Request init;
  init.mutable_init_chain()->set_chain_id("unit-chain");
  EXPECT_FALSE(app->Refuse(init).has_value());  // genesis: allowed
  Init(*app);
  EXPECT_EQ(app->Refuse(commit), "no finalized block to commit");
  abci::pb::Request fin;
  fin.mutable_finalize_block()->set_height(5);
  EXPECT_EQ(app->Refuse(fin), "height 5 is not the next block 1");
  fin.mutable_finalize_block()->set_height(1);
  EXPECT_FALSE(app->Refuse(fin).has_value());
  Block(*app, 1, {Transfer(0, 5)});
  EXPECT_FALSE(app->Refuse(commit).has_value());
  app->Commit();
  EXPECT_EQ(app->Refuse(commit), "no finalized block to commit");
  // InitChain would wipe a chain that has blocks.
  EXPECT_EQ(app->Refuse(init), "the chain is at height 1, not genesis");
  EXPECT_EQ(QueryJson(*app, "/account/" + AddrOf(bob_))["balance"], 5);
}

TEST_F(AppTest, CheckTxUsesMempoolStateResetAfterCommit) {
  auto app = OpenApp();
  Init(*app);
  abci::pb::RequestCheckTx req;
  req.set_tx(Transfer(0, 10));
  EXPECT_EQ(app->CheckTx(req).code(), 0u);
  // Same nonce again: the mempool state already consumed it.
  auto again = app->CheckTx(req);
  EXPECT_EQ(again.code(), static_cast<uint32_t>(TxCode::kBadNonce));
  req.set_tx(Transfer(1, 10));
  EXPECT_EQ(app->CheckTx(req).code(), 0u);
  // The block only includes the first; after Commit the mempool restarts from it.
  Block(*app, 1, {Transfer(0, 10)});
  app->Commit();
  req.set_type(abci::pb::CheckTxType::RECHECK);
  EXPECT_EQ(app->CheckTx(req).code(), 0u);
  req.set_tx("garbage");
  auto bad = app->CheckTx(req);
  EXPECT_EQ(bad.code(), static_cast<uint32_t>(TxCode::kMalformedTx));
  EXPECT_FALSE(bad.log().empty());
}

TEST_F(AppTest, CrashBeforeCommitReplaysToSameHash) {
  std::string hash1, hash2;
  {
    auto app = OpenApp();
    Init(*app);
    hash1 = Block(*app, 1, {Transfer(0, 7)}).app_hash();
    app->Commit();
    hash2 = Block(*app, 2, {Transfer(1, 9)}).app_hash();
    // "Crash": the app is destroyed without Commit of height 2.
  }
  auto app = OpenApp();
  auto info = app->Info({});
  EXPECT_EQ(info.last_block_height(), 1);
  EXPECT_EQ(info.last_block_app_hash(), hash1);
  EXPECT_EQ(Block(*app, 2, {Transfer(1, 9)}).app_hash(), hash2);
  app->Commit();
  EXPECT_EQ(app->Info({}).last_block_height(), 2);
  EXPECT_EQ(QueryJson(*app, "/account/" + AddrOf(bob_))["balance"], 16);
}

TEST_F(AppTest, FinalizeBlockTwiceStartsFromCommittedState) {
  auto app = OpenApp();
  Init(*app);
  auto a = Block(*app, 1, {Transfer(0, 5)});
  auto b = Block(*app, 1, {Transfer(0, 5)});
  EXPECT_EQ(a.app_hash(), b.app_hash());
  EXPECT_EQ(b.tx_results(0).code(), 0u);
}

TEST_F(AppTest, TwoValidatorsAgreeOnHashes) {
  TempDir other;
  auto app1 = OpenApp();
  auto app2 = std::move(ChainApp::Open(other.path()).value());
  Init(*app1);
  Init(*app2);
  for (int64_t h = 1; h <= 3; ++h) {
    std::vector<std::string> txs = {Transfer(static_cast<uint64_t>(h - 1), 10 * h)};
    EXPECT_EQ(Block(*app1, h, txs).app_hash(), Block(*app2, h, txs).app_hash());
    app1->Commit();
    app2->Commit();
  }
  EXPECT_EQ(app1->committed().app_hash, app2->committed().app_hash);
}

TEST(Genesis, ParsesAndRejectsPrecisely) {
  auto g = ParseGenesis(R"({"accounts":[{"address":")" + std::string(40, 'a') +
                        R"(","balance":"12"}],"params":{"min_fee":0}})");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->accounts.at(0).balance, 12u);
  EXPECT_EQ(g->params.min_fee(), 0u);
  EXPECT_EQ(g->params.min_stake(), 1000u);
  EXPECT_TRUE(ParseGenesis("").ok());
  auto bad = ParseGenesis(R"({"accounts":[{"address":"zz","balance":1}]})");
  EXPECT_EQ(bad.status().code(), Code::kParse);
  EXPECT_NE(bad.status().message().find("accounts[0].address"), std::string::npos);
  EXPECT_NE(ParseGenesis(R"({"foo":1})").status().message().find("genesis.foo"), std::string::npos);
  EXPECT_NE(ParseGenesis(R"({"params":{"min_fee":-1}})").status().message().find("min_fee"),
            std::string::npos);
  EXPECT_EQ(ParseGenesis("{").status().code(), Code::kParse);
  EXPECT_NE(ParseGenesis(R"({"params":{"unbonding_blocks":18446744073709551615}})")
                .status()
                .message()
                .find("unbonding_blocks"),
            std::string::npos);
}

TEST(Genesis, BalancesMustSumWithinUint64) {
  auto acct = [](char c, const std::string& balance) {
    return R"({"address":")" + std::string(40, c) + R"(","balance":")" + balance + R"("})";
  };
  auto max = ParseGenesis(R"({"accounts":[)" + acct('a', "18446744073709551614") + "," +
                          acct('b', "1") + "]}");
  EXPECT_TRUE(max.ok()) << max.status().ToString();  // exactly 2^64 - 1
  auto over = ParseGenesis(R"({"accounts":[)" + acct('a', "18446744073709551615") + "," +
                           acct('b', "1") + "]}");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().message(), "genesis.accounts[1].balance: total supply exceeds 2^64 - 1");
}

}  // namespace
}  // namespace vinet::chain

namespace vinet::chain {
namespace {

// Regression: RPC abci_info may arrive between FinalizeBlock and Commit.
TEST_F(AppTest, InfoBetweenFinalizeAndCommitKeepsStagedBlock) {
  auto app = OpenApp();
  Init(*app);
  auto fb = Block(*app, 1, {Transfer(0, 5)});
  EXPECT_EQ(app->Info({}).last_block_height(), 0);
  app->Commit();
  EXPECT_EQ(app->Info({}).last_block_height(), 1);
  EXPECT_EQ(app->Info({}).last_block_app_hash(), fb.app_hash());
}

}  // namespace
}  // namespace vinet::chain

namespace vinet::chain {
namespace {

TEST(Overlay, LayersWithoutTouchingParentUntilMerge) {
  EmptyKv empty;
  Overlay block(empty);
  block.Put("k1", "a");
  auto tx = Overlay::Over(block);
  EXPECT_EQ(tx.Get("k1").value(), std::optional<std::string>("a"));
  EXPECT_TRUE(tx.changes().empty());  // a layer, not a copy of the parent
  tx.Put("k2", "b");
  tx.Delete("k1");
  EXPECT_FALSE(tx.Get("k1").value().has_value());
  EXPECT_TRUE(block.Get("k1").value().has_value());
  EXPECT_FALSE(block.Get("k2").value().has_value());
  tx.MergeInto(block);
  EXPECT_FALSE(block.Get("k1").value().has_value());
  EXPECT_EQ(block.Get("k2").value(), std::optional<std::string>("b"));
}

// A base that counts its reads and can be changed behind the overlay's back.
class CountingKv : public KvReader {
 public:
  Result<std::optional<std::string>> Get(std::string_view key) const override {
    ++reads;
    auto it = values.find(std::string(key));
    if (it == values.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  std::map<std::string, std::string> values;
  mutable int reads = 0;
};

TEST(Overlay, CachedBaseReadsHitTheBaseOncePerKeyAndStagedWritesStillWin) {
  CountingKv base;
  base.values["k1"] = "a";
  Overlay block(base);
  block.CacheBaseReads();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(block.Get("k1").value(), std::optional<std::string>("a"));
    EXPECT_FALSE(block.Get("absent").value().has_value());  // misses are cached too
  }
  EXPECT_EQ(base.reads, 2);
  block.Put("absent", "b");
  EXPECT_EQ(block.Get("absent").value(), std::optional<std::string>("b"));
  block.Delete("k1");
  EXPECT_FALSE(block.Get("k1").value().has_value());
  // Without the cache every read reaches the base (and sees its changes).
  Overlay plain(base);
  base.values["k2"] = "c";
  EXPECT_EQ(plain.Get("k2").value(), std::optional<std::string>("c"));
  base.values["k2"] = "d";
  EXPECT_EQ(plain.Get("k2").value(), std::optional<std::string>("d"));
  EXPECT_EQ(base.reads, 4);
}

}  // namespace
}  // namespace vinet::chain
