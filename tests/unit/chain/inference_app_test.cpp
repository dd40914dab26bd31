// The inference messages through ChainApp: genesis with tee_roots, block time
// from the FinalizeBlock header, JSON queries, and two app instances fed the
// same blocks agreeing on every app hash.
#include <nlohmann/json.hpp>

#include "unit/chain/inference_fixture.h"
#include "vinet/chain/app.h"
#include "vinet/chain/claim_status_wire.h"

namespace vinet::chain {
namespace {

using protocol::Mode;
using testing::InferenceFixture;
using testing::TempDir;

class InferenceAppTest : public InferenceFixture {
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
  nlohmann::json Query(ChainApp& app, const std::string& path, uint32_t* code = nullptr) {
    abci::pb::RequestQuery q;
    q.set_path(path);
    auto r = app.Query(q);
    if (code) *code = r.code();
    return r.code() == 0 ? nlohmann::json::parse(r.value()) : nlohmann::json();
  }
  std::vector<std::vector<std::string>> Blocks() {
    txpb::TxBody reg;
    reg.mutable_register_node()->set_stake(10'000);
    reg.mutable_register_node()->set_endpoint("http://n");
    auto doc = Document(*provider_, enclave_.public_key(), 1);
    auto a = Request(Mode::kTee, 1);
    auto b = Request(Mode::kVanilla, 2);
    auto bad = Request(Mode::kTee, 3);
    auto bad_receipt = ReceiptFor(bad, &enclave_);
    bad_receipt.output_hash[5] ^= 1;
    return {{Tx(owner_, ModelBody("m1", {pcr0_})), Tx(node_, reg)},
            {Tx(node_, EnclaveBody(doc, 1))},
            {Tx(node_, ClaimsBody({ClaimOf(a, ReceiptFor(a, &enclave_)),
                                   ClaimOf(b, ReceiptFor(b, nullptr))}))},
            {Tx(node_, ClaimsBody({ClaimOf(bad, bad_receipt)}))}};
  }
  std::map<std::string, uint64_t> nonces_;
};

TEST_F(InferenceAppTest, TwoAppsAgreeOnHashesAndQueriesAnswerJson) {
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
    ASSERT_EQ(r1.tx_results_size(), r2.tx_results_size());
  }
  auto model = Query(*app1, "/model/m1");
  EXPECT_EQ(model["fee_per_inference"], 10);
  EXPECT_EQ(model["modes"], nlohmann::json({"VANILLA", "TEE"}));
  EXPECT_EQ(model["allowed_pcr0"][0], ToHex(AsBytes(pcr0_)));
  auto enclave = Query(*app1, "/enclave/" + ToHex(enclave_.public_key()));
  EXPECT_EQ(enclave["node"], testing::AddrOf(node_));
  EXPECT_EQ(enclave["expires_time_ms"], now_ms_ + 2000 + 60'000);  // block 2 time + ttl
  auto a = Request(Mode::kTee, 1);
  auto claim = Query(*app1, "/claim/" + ToHex(protocol::InferenceId(a)));
  EXPECT_EQ(claim["status"], "SETTLED");
  EXPECT_EQ(claim["mode"], "TEE");
  EXPECT_EQ(claim["height"], 3);
  auto bad = Request(Mode::kTee, 3);
  EXPECT_EQ(Query(*app1, "/claim/" + ToHex(protocol::InferenceId(bad)))["status"], "REJECTED");
  uint32_t code = 0;
  Query(*app1, "/claim/" + std::string(64, 'a'), &code);
  EXPECT_EQ(code, static_cast<uint32_t>(QueryCode::kNotFound));
  Query(*app1, "/claim/xyz", &code);
  EXPECT_EQ(code, static_cast<uint32_t>(QueryCode::kBadId));
  // The compact form the node polls: 9 bytes per id asked, in order.
  auto status_of = [&](const std::string& address, const std::string& ids) {
    abci::pb::RequestQuery q;
    q.set_path("/claim_status/" + address);
    q.set_data(ids);
    return app1->Query(q);
  };
  auto raw = [](const Bytes& id) { return std::string(id.begin(), id.end()); };
  auto id_a = protocol::InferenceId(a), id_bad = protocol::InferenceId(bad);
  std::string ids = raw(Bytes(id_a.begin(), id_a.end())) + std::string(32, 'a') +
                    raw(Bytes(id_bad.begin(), id_bad.end()));
  auto mine = status_of(testing::AddrOf(node_), ids);
  ASSERT_EQ(mine.code(), 0u) << mine.log();
  std::string want_a = {char(statepb::CLAIM_STATUS_SETTLED), 0, 0, 0, 0, 0, 0, 0, 3};
  std::string want_absent(9, '\0');
  std::string want_bad = {char(statepb::CLAIM_STATUS_REJECTED), 0, 0, 0, 0, 0, 0, 0, 4};
  EXPECT_EQ(mine.value(), want_a + want_absent + want_bad);
  auto theirs = status_of(testing::AddrOf(client_), ids.substr(0, 32));
  EXPECT_EQ(theirs.value(), std::string(1, '\xff') + std::string(8, '\0'));
  EXPECT_EQ(status_of(testing::AddrOf(node_), ids.substr(0, 31)).code(),
            static_cast<uint32_t>(QueryCode::kBadId));
  EXPECT_EQ(status_of(testing::AddrOf(node_), "").code(), static_cast<uint32_t>(QueryCode::kBadId));
  EXPECT_EQ(status_of(testing::AddrOf(node_), std::string(32 * 4097, 'a')).code(),
            static_cast<uint32_t>(QueryCode::kBadId));
  EXPECT_EQ(status_of("XYZ", ids).code(), static_cast<uint32_t>(QueryCode::kBadAddress));
  Query(*app1, "/enclave/ABC", &code);
  EXPECT_EQ(code, static_cast<uint32_t>(QueryCode::kBadId));
  Query(*app1, "/model/none", &code);
  EXPECT_EQ(code, static_cast<uint32_t>(QueryCode::kNotFound));
  EXPECT_EQ(Query(*app1, "/params")["slash_invalid_bps"], 1000);
}

TEST(ClaimStatusWire, DecodesRecordsAndRejectsMalformedAnswers) {
  EXPECT_EQ(ClaimStatusName(statepb::CLAIM_STATUS_SETTLED), "SETTLED");
  EXPECT_EQ(ClaimStatusName(statepb::CLAIM_STATUS_REFUSED), "REFUSED");
  EXPECT_EQ(ClaimStatusName(kClaimStatusAbsent), "");
  EXPECT_EQ(ClaimStatusName(kClaimStatusOtherNode), "");
  std::string two = {1, 0, 0, 0, 0, 0, 0, 1, 2, char(0xff), 0, 0, 0, 0, 0, 0, 0, 0};
  auto ok = DecodeClaimStatuses(two, 2);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ((*ok)[0].status, 1);
  EXPECT_EQ((*ok)[0].height, 258);
  EXPECT_EQ((*ok)[1].status, kClaimStatusOtherNode);
  auto short_answer = DecodeClaimStatuses(two.substr(0, 17), 2);
  ASSERT_FALSE(short_answer.ok());
  EXPECT_EQ(short_answer.status().message(), "claim_status answer: 17 bytes for 2 ids, want 18");
  std::string bad = two;
  bad[9] = 77;
  EXPECT_EQ(DecodeClaimStatuses(bad, 2).status().message(),
            "claim_status answer: unknown status 77 at byte 9");
  bad = two;
  bad[1] = char(0x80);
  EXPECT_EQ(DecodeClaimStatuses(bad, 2).status().message(),
            "claim_status answer: height out of range at byte 1");
}

TEST_F(InferenceAppTest, GenesisRejectsBadTeeParams) {
  auto bad_root = ParseGenesis(R"({"params": {"tee_roots": ["not a pem"]}})");
  ASSERT_FALSE(bad_root.ok());
  EXPECT_NE(bad_root.status().message().find("genesis.params.tee_roots[0]"), std::string::npos);
  auto bps = ParseGenesis(R"({"params": {"slash_invalid_bps": 10001}})");
  ASSERT_FALSE(bps.ok());
  EXPECT_EQ(bps.status().message(), "genesis.params.slash_invalid_bps: larger than 10000");
  auto debug = ParseGenesis(R"({"params": {"allow_debug_enclaves": 1}})");
  EXPECT_FALSE(debug.ok());
  auto conjectured = ParseGenesis(R"({"params": {"allow_conjectured_zkml_keys": "yes"}})");
  ASSERT_FALSE(conjectured.ok());
  EXPECT_EQ(conjectured.status().message(),
            "genesis.params.allow_conjectured_zkml_keys: expected a boolean");
  auto opted = ParseGenesis(R"({"params": {"allow_conjectured_zkml_keys": true}})");
  ASSERT_TRUE(opted.ok()) << opted.status().ToString();
  EXPECT_TRUE(opted->params.allow_conjectured_zkml_keys());
  EXPECT_FALSE(ParseGenesis("{}")->params.allow_conjectured_zkml_keys());
  auto ok = ParseGenesis(R"({"params": {"allow_debug_enclaves": true, "enclave_ttl_ms": 5}})");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->params.allow_debug_enclaves());
  EXPECT_EQ(ok->params.enclave_ttl_ms(), 5);
  ASSERT_EQ(ok->params.tee_roots_size(), 1);  // default: the built-in AWS root
  auto round = ParseGenesis(GenesisToJson(*ok));
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->params.SerializeAsString(), ok->params.SerializeAsString());
}

}  // namespace
}  // namespace vinet::chain
