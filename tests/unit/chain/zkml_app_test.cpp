// ZKML settlement through ChainApp: two app instances fed the same blocks
// (claims, proofs, a proof over the block's verify budget, an expiry in the
// end-of-block sweep) agree on every app hash; queries show the results.
#include <nlohmann/json.hpp>

#include "unit/chain/zkml_fixture.h"
#include "vinet/chain/app.h"

namespace vinet::chain {
namespace {

using testing::AddrOf;
using testing::TempDir;
using testing::ZkmlJob;

class ZkmlAppTest : public testing::ZkmlFixture {
 protected:
  std::string Tx(const crypto::SecretKey& key, txpb::TxBody body) {
    uint64_t& n = nonces_[AddrOf(key)];
    body.set_chain_id(std::string(testing::kChain));
    body.set_nonce(n++);
    body.set_fee(1);
    return ToString(BuildSignedTx(key, body));
  }
  void Init(ChainApp& app) {
    abci::pb::RequestInitChain req;
    req.set_chain_id(std::string(testing::kChain));
    req.set_initial_height(1);
    Genesis g;
    g.params = params_;
    g.accounts.push_back({AddrOf(node_), 100'000});
    g.accounts.push_back({AddrOf(client_), 1'000});
    g.accounts.push_back({AddrOf(owner_), 1'000});
    req.set_app_state_bytes(GenesisToJson(g));
    app.InitChain(req);
  }
  abci::pb::ResponseFinalizeBlock Block(ChainApp& app, int64_t height,
                                        const std::vector<std::string>& txs) {
    abci::pb::RequestFinalizeBlock req;
    req.set_height(height);
    req.mutable_time()->set_seconds(now_ms_ / 1000 + height);
    for (const auto& tx : txs) req.add_txs(tx);
    auto resp = app.FinalizeBlock(req);
    app.Commit();
    return resp;
  }
  nlohmann::json Query(ChainApp& app, const std::string& path) {
    abci::pb::RequestQuery q;
    q.set_path(path);
    auto r = app.Query(q);
    EXPECT_EQ(r.code(), 0u) << path << ": " << r.log();
    return r.code() == 0 ? nlohmann::json::parse(r.value()) : nlohmann::json();
  }
  static std::string IdHex(const ZkmlJob& j) { return ToHex(protocol::InferenceId(j.request)); }

  std::map<std::string, uint64_t> nonces_;
};

TEST_F(ZkmlAppTest, TwoAppsAgreeThroughSettlementMeteringAndExpiry) {
  uint64_t cost = zkml::EstimateVerifyCost(Key()).units();
  params_.set_zkml_deadline_blocks(2);
  params_.set_max_block_verify_units(cost + cost / 2);  // one proof per block
  auto a = Job(1, 0.1f), b = Job(2, 0.2f), c = Job(3, 0.3f);
  txpb::TxBody reg;
  reg.mutable_register_node()->set_stake(10'000);
  reg.mutable_register_node()->set_endpoint("http://n");
  std::vector<std::vector<std::string>> blocks = {
      {Tx(owner_, ZkmlModelBody("m1", Key())), Tx(node_, reg)},
      {Tx(node_, ClaimsBody({ClaimOf(a.request, ZkmlReceipt(a)), ClaimOf(b.request, ZkmlReceipt(b)),
                             ClaimOf(c.request, ZkmlReceipt(c))}))},
      {Tx(node_, ProofsBody({ProofOf(a)})), Tx(node_, ProofsBody({ProofOf(b)}))},
      {Tx(node_, ProofsBody({ProofOf(b)}))},
      {}};
  std::vector<uint32_t> codes[5] = {
      {0, 0}, {0}, {0, static_cast<uint32_t>(TxCode::kVerifyBudgetExceeded)}, {0}, {}};
  TempDir d1, d2;
  auto app1 = std::move(ChainApp::Open(d1.path()).value());
  auto app2 = std::move(ChainApp::Open(d2.path()).value());
  Init(*app1);
  Init(*app2);
  abci::pb::ResponseFinalizeBlock last;
  for (size_t i = 0; i < blocks.size(); ++i) {
    auto r1 = Block(*app1, static_cast<int64_t>(i) + 1, blocks[i]);
    auto r2 = Block(*app2, static_cast<int64_t>(i) + 1, blocks[i]);
    EXPECT_EQ(r1.app_hash(), r2.app_hash()) << "height " << i + 1;
    ASSERT_EQ(r1.tx_results_size(), static_cast<int>(codes[i].size()));
    for (int t = 0; t < r1.tx_results_size(); ++t) {
      EXPECT_EQ(r1.tx_results(t).code(), codes[i][t]) << r1.tx_results(t).log();
    }
    last = r1;
  }
  // Block 5 (= c's deadline 4 + 1) expires c in the end-of-block sweep.
  ASSERT_EQ(last.events_size(), 1);
  EXPECT_EQ(last.events(0).type(), "vinet.claim");
  EXPECT_EQ(Attr(last.events(0), "status"), "EXPIRED");
  EXPECT_EQ(Attr(last.events(0), "id"), IdHex(c));

  auto qa = Query(*app1, "/claim/" + IdHex(a));
  EXPECT_EQ(qa["status"], "SETTLED");
  EXPECT_EQ(qa["settled_height"], 3);
  EXPECT_EQ(qa["deadline"], 4);
  EXPECT_EQ(qa["input_hash"], ToHex(a.request.request.input_hash));
  EXPECT_EQ(Query(*app1, "/claim/" + IdHex(b))["settled_height"], 4);
  auto qc = Query(*app1, "/claim/" + IdHex(c));
  EXPECT_EQ(qc["status"], "EXPIRED");
  EXPECT_EQ(qc["reason"], "no valid proof by deadline 4");
  auto model = Query(*app1, "/model/m1");
  auto id = Key().ModelId();
  EXPECT_EQ(model["zkml_model_id"], ToHex(id));
  EXPECT_EQ(model["zkml_verify_cost"], cost);
  auto key = Query(*app1, "/zkml_key/m1");
  EXPECT_EQ(key["verifying_key"], ToHex(Key().Encode()));
  auto parsed = zkml::VerifyingKey::Parse(FromHex(key["verifying_key"].get<std::string>()).value());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->ModelId(), id);
  auto params = Query(*app1, "/params");
  EXPECT_EQ(params["slash_missing_bps"], 500);
  EXPECT_EQ(params["max_block_verify_units"], cost + cost / 2);
  auto node = Query(*app1, "/node/" + AddrOf(node_));
  EXPECT_EQ(node["stake"], 10'000 - 500);  // one EXPIRED claim
  // Client: 1000 − 3 fees escrowed + c's fee refunded + compensation min(500, 500).
  EXPECT_EQ(Query(*app1, "/account/" + AddrOf(client_))["balance"], 1'000 - 30 + 10 + 500);
}

TEST_F(ZkmlAppTest, CheckTxRefusesMalformedProofsAndAdmitsGoodOnes) {
  auto a = Job(1);
  txpb::TxBody reg;
  reg.mutable_register_node()->set_stake(10'000);
  reg.mutable_register_node()->set_endpoint("http://n");
  TempDir d;
  auto app = std::move(ChainApp::Open(d.path()).value());
  Init(*app);
  Block(*app, 1, {Tx(owner_, ZkmlModelBody("m1", Key())), Tx(node_, reg)});
  // The claim is in the mempool only: CheckTx of its proof already sees it.
  abci::pb::RequestCheckTx claim;
  claim.set_tx(Tx(node_, ClaimsBody({ClaimOf(a.request, ZkmlReceipt(a))})));
  EXPECT_EQ(app->CheckTx(claim).code(), 0u);
  Bytes cut(a.proof.begin(), a.proof.begin() + a.proof.size() / 2);
  abci::pb::RequestCheckTx bad;
  bad.set_tx(Tx(node_, ProofsBody({ProofOf(a, cut)})));
  auto r = app->CheckTx(bad);
  EXPECT_EQ(r.code(), static_cast<uint32_t>(TxCode::kProofMalformed)) << r.log();
  EXPECT_EQ(r.codespace(), "vinet");
  nonces_[AddrOf(node_)]--;  // the rejected tx consumed no nonce
  abci::pb::RequestCheckTx good;
  good.set_tx(Tx(node_, ProofsBody({ProofOf(a)})));
  EXPECT_EQ(app->CheckTx(good).code(), 0u) << app->CheckTx(good).log();
}

}  // namespace
}  // namespace vinet::chain
