// Validators by stake through ChainApp: InitChain returns the genesis set,
// FinalizeBlock returns diffs for CreateValidator / UnbondValidator /
// misbehavior, unbonded funds return after unbonding_blocks, and the
// validator and evidence queries answer with proofs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "unit/chain/chain_test_util.h"
#include "vinet/chain/app.h"
#include "vinet/chain/staking.h"
#include "vinet/merkle/proof_ops.h"

namespace vinet::chain {
namespace {

using testing::AddrOf;
using testing::KeyFromByte;
using testing::TempDir;
using testing::TxString;

std::string ConsKey(uint8_t b) {
  auto pk = KeyFromByte(b).public_key();
  return std::string(pk.begin(), pk.end());
}

class StakingAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_ = std::move(ChainApp::Open(dir_.path()).value());
    abci::pb::RequestInitChain req;
    req.set_chain_id("stake-chain");
    req.set_initial_height(1);
    req.mutable_consensus_params()->mutable_evidence()->set_max_age_num_blocks(4);
    Genesis g;
    g.params = DefaultParams();
    g.params.set_power_reduction(100);
    g.params.set_min_self_bond(1000);
    g.params.set_unbonding_blocks(4);
    g.params.set_slash_double_sign_bps(2000);
    g.accounts.push_back({AddrOf(op_), 50'000});
    g.validators.push_back({AddrOf(KeyFromByte(30)), ConsKey(130), 10'000});
    g.validators.push_back({AddrOf(KeyFromByte(31)), ConsKey(131), 10'000});
    req.set_app_state_bytes(GenesisToJson(g));
    // CometBFT's genesis.json set is replaced by the app's.
    auto* u = req.add_validators();
    u->mutable_pub_key()->set_ed25519(ConsKey(130));
    u->set_power(1);
    auto resp = app_->InitChain(req);
    ASSERT_EQ(resp.validators_size(), 2);
    for (const auto& v : resp.validators()) EXPECT_EQ(v.power(), 100);
  }
  abci::pb::ResponseFinalizeBlock Block(
      std::vector<std::string> txs = {},
      std::vector<::tendermint::abci::Misbehavior> evidence = {}) {
    abci::pb::RequestFinalizeBlock req;
    req.set_height(++height_);
    req.mutable_time()->set_seconds(1'700'000'000 + height_);
    for (auto& t : txs) req.add_txs(std::move(t));
    for (auto& m : evidence) *req.add_misbehavior() = std::move(m);
    auto resp = app_->FinalizeBlock(req);
    app_->Commit();
    return resp;
  }
  txpb::TxBody Body() {
    txpb::TxBody body;
    body.set_chain_id("stake-chain");
    body.set_nonce(nonce_++);
    body.set_fee(1);
    return body;
  }
  abci::pb::ResponseQuery Query(const std::string& path, bool prove = false) {
    abci::pb::RequestQuery q;
    q.set_path(path);
    q.set_prove(prove);
    return app_->Query(q);
  }
  nlohmann::json Json(const std::string& path) {
    auto r = Query(path);
    EXPECT_EQ(r.code(), 0u) << path << ": " << r.log();
    return r.code() == 0 ? nlohmann::json::parse(r.value()) : nlohmann::json();
  }

  TempDir dir_;
  std::unique_ptr<ChainApp> app_;
  crypto::SecretKey op_ = KeyFromByte(40);
  int64_t height_ = 0;
  uint64_t nonce_ = 0;
};

TEST_F(StakingAppTest, JoinUnbondAndSlashThroughFinalizeBlock) {
  // Join: CreateValidator → power 60 in this block's updates.
  auto body = Body();
  body.mutable_create_validator()->set_consensus_pubkey(ConsKey(140));
  body.mutable_create_validator()->set_self_bond(6000);
  auto fb = Block({TxString(op_, body)});
  ASSERT_EQ(fb.tx_results(0).code(), 0u) << fb.tx_results(0).log();
  ASSERT_EQ(fb.validator_updates_size(), 1);
  EXPECT_EQ(fb.validator_updates(0).pub_key().ed25519(), ConsKey(140));
  EXPECT_EQ(fb.validator_updates(0).power(), 60);
  // A block without validator changes returns no updates.
  EXPECT_EQ(Block().validator_updates_size(), 0);
  auto v = Json("/validator/" + AddrOf(op_));
  EXPECT_EQ(v["bond"], 6000);
  EXPECT_EQ(v["power"], 60);
  EXPECT_EQ(v["consensus_address"], ConsensusAddress(ConsKey(140)));
  auto all = Json("/validators");
  EXPECT_EQ(all["active"].size(), 3u);
  EXPECT_EQ(all["total_power"], 260);
  // Proved: the raw record under its key with a proof op.
  auto proved = Query("/validator/" + AddrOf(op_), true);
  ASSERT_EQ(proved.code(), 0u) << proved.log();
  EXPECT_EQ(proved.key(), ValidatorKey(AddrOf(op_)));
  ASSERT_EQ(proved.proof_ops().ops_size(), 1);
  EXPECT_EQ(proved.proof_ops().ops(0).type(), "vinet:smt:v1");
  statepb::Validator raw;
  ASSERT_TRUE(raw.ParseFromString(proved.value()));
  EXPECT_EQ(raw.bond(), 6000u);
  EXPECT_EQ(Query("/validators", true).key(), std::string(kActiveSetKey));

  // Unbond everything: power 0 at once, funds only after unbonding_blocks.
  const int64_t unbond_height = height_ + 1;
  body = Body();
  body.mutable_unbond_validator()->set_amount(6000);
  fb = Block({TxString(op_, body)});
  ASSERT_EQ(fb.tx_results(0).code(), 0u) << fb.tx_results(0).log();
  ASSERT_EQ(fb.validator_updates_size(), 1);
  EXPECT_EQ(fb.validator_updates(0).power(), 0);
  const uint64_t balance = Json("/account/" + AddrOf(op_))["balance"];
  while (height_ < unbond_height + 3) {
    Block();
    EXPECT_EQ(Json("/account/" + AddrOf(op_))["balance"], balance);
  }
  Block();  // unbond_height + 4: complete
  EXPECT_EQ(Json("/account/" + AddrOf(op_))["balance"], balance + 6000);
  EXPECT_EQ(Json("/validator/" + AddrOf(op_))["unbonding"].size(), 0u);

  // Double sign by genesis validator 130 at the last height.
  ::tendermint::abci::Misbehavior m;
  m.set_type(::tendermint::abci::DUPLICATE_VOTE);
  m.mutable_validator()->set_address(ToString(FromHex(ConsensusAddress(ConsKey(130))).value()));
  m.mutable_validator()->set_power(100);
  m.set_height(height_);
  m.mutable_time()->set_seconds(1'700'000'000 + height_);
  const int64_t infraction = height_;
  fb = Block({}, {m});
  ASSERT_EQ(fb.validator_updates_size(), 1);
  EXPECT_EQ(fb.validator_updates(0).pub_key().ed25519(), ConsKey(130));
  EXPECT_EQ(fb.validator_updates(0).power(), 0);
  bool event = false;
  for (const auto& e : fb.events()) event |= e.type() == "vinet.evidence";
  EXPECT_TRUE(event);
  auto list = Json("/evidence/" + std::to_string(infraction));
  ASSERT_EQ(list["evidence"].size(), 1u);
  auto ev = list["evidence"][0];
  EXPECT_EQ(ev["slashed"], 2000);  // 20% of 10,000
  EXPECT_EQ(ev["type"], "duplicate_vote");
  EXPECT_EQ(ev["operator"], AddrOf(KeyFromByte(30)));
  EXPECT_EQ(ev["jailed"], true);
  EXPECT_EQ(Json("/evidence/" + ev["hash"].get<std::string>())["height"], infraction);
  EXPECT_EQ(Json("/evidence")["evidence"].size(), 1u);
  auto slashed = Json("/validator/" + AddrOf(KeyFromByte(30)));
  EXPECT_EQ(slashed["bond"], 8000);
  EXPECT_EQ(slashed["jailed"], true);
  EXPECT_EQ(slashed["power"], 0);
  auto proved_ev = Query("/evidence/" + ev["hash"].get<std::string>(), true);
  ASSERT_EQ(proved_ev.code(), 0u) << proved_ev.log();
  EXPECT_EQ(proved_ev.key(), EvidenceKey(ev["hash"].get<std::string>()));
  EXPECT_EQ(Query("/evidence/xyz").code(), static_cast<uint32_t>(QueryCode::kBadId));
  EXPECT_EQ(Query("/evidence/" + std::string(64, 'a')).code(),
            static_cast<uint32_t>(QueryCode::kNotFound));
  EXPECT_EQ(Query("/validator/" + AddrOf(KeyFromByte(99))).code(),
            static_cast<uint32_t>(QueryCode::kNotFound));
  EXPECT_EQ(Query("/validator/XY").code(), static_cast<uint32_t>(QueryCode::kBadAddress));
}

TEST_F(StakingAppTest, ReplayedBlockGivesTheSameUpdatesAndAppHash) {
  auto body = Body();
  body.mutable_create_validator()->set_consensus_pubkey(ConsKey(140));
  body.mutable_create_validator()->set_self_bond(6000);
  abci::pb::RequestFinalizeBlock req;
  req.set_height(1);
  req.add_txs(TxString(op_, body));
  auto a = app_->FinalizeBlock(req);
  auto b = app_->FinalizeBlock(req);  // a replay before Commit starts over
  EXPECT_EQ(a.app_hash(), b.app_hash());
  ASSERT_EQ(a.validator_updates_size(), 1);
  EXPECT_EQ(a.validator_updates(0).SerializeAsString(), b.validator_updates(0).SerializeAsString());
}

}  // namespace
}  // namespace vinet::chain
