// Chat claims through ChainApp: two fresh apps fed the same blocks (a gguf
// model, an enclave, a batch of chat and tensor claims, a forged chat claim)
// agree on every app hash; the model and claim queries show prices and
// token counts.
#include <nlohmann/json.hpp>

#include "unit/chain/chat_fixture.h"
#include "vinet/chain/app.h"

namespace vinet::chain {
namespace {

using protocol::Mode;
using testing::ChatFixture;
using testing::kChatModel;
using testing::TempDir;

class ChatAppTest : public ChatFixture {
 protected:
  std::string Tx(const crypto::SecretKey& key, txpb::TxBody body) {
    uint64_t& n = nonces_[testing::AddrOf(key)];
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
    g.accounts.push_back({testing::AddrOf(node_), 100'000});
    g.accounts.push_back({testing::AddrOf(client_), 1'000});
    g.accounts.push_back({testing::AddrOf(owner_), 1'000});
    req.set_app_state_bytes(GenesisToJson(g));
    app.InitChain(req);
  }
  abci::pb::ResponseFinalizeBlock Block(ChainApp& app, int64_t height,
                                        const std::vector<std::string>& txs) {
    abci::pb::RequestFinalizeBlock req;
    req.set_height(height);
    int64_t t = now_ms_ + height * 1000;
    req.mutable_time()->set_seconds(t / 1000);
    req.mutable_time()->set_nanos(static_cast<int32_t>(t % 1000) * 1'000'000);
    for (const auto& tx : txs) req.add_txs(tx);
    auto resp = app.FinalizeBlock(req);
    app.Commit();
    return resp;
  }
  nlohmann::json Query(ChainApp& app, const std::string& path) {
    abci::pb::RequestQuery q;
    q.set_path(path);
    auto r = app.Query(q);
    return r.code() == 0 ? nlohmann::json::parse(r.value()) : nlohmann::json();
  }
  std::vector<std::vector<std::string>> Blocks() {
    txpb::TxBody reg;
    reg.mutable_register_node()->set_stake(10'000);
    reg.mutable_register_node()->set_endpoint("http://n");
    auto doc = Document(*provider_, enclave_.public_key(), 1);
    auto enclave = EnclaveBody(doc, 1, kChatModel);
    enclave.mutable_register_enclave()->add_model_ids("m1");
    std::vector<txpb::Claim> claims;
    for (uint64_t i = 0; i < 40; ++i) {  // enough to prepare on two threads
      if (i % 3 == 2) {
        auto t = Request(Mode::kTee, 100 + i);
        claims.push_back(ClaimOf(t, ReceiptFor(t, &enclave_)));
      } else {
        auto c = ChatRequestOf(i % 2 ? Mode::kTee : Mode::kVanilla, i);
        claims.push_back(ChatClaimOf(c, Signed(c, 5, static_cast<uint32_t>(i % 4))));
      }
    }
    auto forged = ChatRequestOf(Mode::kTee, 1000);
    auto bad = Signed(forged, 5, 3);
    bad.completion_tokens = 30;  // more than the enclave signed
    EXPECT_TRUE(protocol::SignChatAsNode(bad, node_).ok());
    return {
        {Tx(owner_, ChatModelBody(3, 2, 5)), Tx(owner_, ModelBody("m1", {pcr0_})), Tx(node_, reg)},
        {Tx(node_, enclave)},
        {Tx(node_, ClaimsBody(std::move(claims)))},
        {Tx(node_, ClaimsBody({ChatClaimOf(forged, bad)}))}};
  }
  std::map<std::string, uint64_t> nonces_;
};

TEST_F(ChatAppTest, TwoFreshAppsAgreeOnEveryAppHash) {
  TempDir d1, d2;
  auto app1 = std::move(ChainApp::Open(d1.path()).value());
  auto app2 = std::move(ChainApp::Open(d2.path()).value());
  Init(*app1);
  Init(*app2);
  auto blocks = Blocks();
  for (size_t i = 0; i < blocks.size(); ++i) {
    auto r1 = Block(*app1, static_cast<int64_t>(i) + 1, blocks[i]);
    auto r2 = Block(*app2, static_cast<int64_t>(i) + 1, blocks[i]);
    EXPECT_EQ(r1.app_hash(), r2.app_hash()) << "height " << i + 1;
    for (const auto& tx : r1.tx_results()) EXPECT_EQ(tx.code(), 0u) << tx.log();
  }
  auto model = Query(*app1, "/model/" + kChatModel);
  EXPECT_EQ(model["format"], "gguf");
  EXPECT_EQ(model["fee_per_inference"], 3);
  EXPECT_EQ(model["price_per_input_token"], 2);
  EXPECT_EQ(model["price_per_output_token"], 5);
  EXPECT_EQ(model["modes"], nlohmann::json({"VANILLA", "TEE"}));
  auto c = ChatRequestOf(Mode::kTee, 1);
  auto claim = Query(*app1, "/claim/" + ToHex(protocol::InferenceId(c)));
  EXPECT_EQ(claim["status"], "SETTLED");
  EXPECT_EQ(claim["prompt_tokens"], 5);
  EXPECT_EQ(claim["completion_tokens"], 1);
  EXPECT_EQ(claim["fee"], 3 + 5 * 2 + 1 * 5);
  auto forged = ChatRequestOf(Mode::kTee, 1000);
  EXPECT_EQ(Query(*app1, "/claim/" + ToHex(protocol::InferenceId(forged)))["status"], "REJECTED");
  auto node = Query(*app1, "/node/" + testing::AddrOf(node_));
  EXPECT_EQ(node["jailed"], true);
}

}  // namespace
}  // namespace vinet::chain
