// Validator txs (CreateValidator, Bond/Unbond/UnjailValidator) through the
// executor, and the end-of-block staking rules on an overlay: every rule and
// every refusal of docs/chain.md "Validators".
#include <gtest/gtest.h>

#include "unit/chain/chain_test_util.h"
#include "vinet/chain/executor.h"
#include "vinet/chain/staking.h"

namespace vinet::chain {
namespace {

using testing::AddrOf;
using testing::KeyFromByte;

std::string ConsKey(uint8_t b) {
  auto pk = KeyFromByte(b).public_key();
  return std::string(pk.begin(), pk.end());
}

class StakingTxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Genesis g;
    g.params = DefaultParams();
    g.params.set_power_reduction(100);
    g.params.set_min_self_bond(1000);
    g.params.set_max_validators(2);
    g.params.set_unbonding_blocks(5);
    g.params.set_slash_double_sign_bps(1000);
    g.params.set_jail_blocks(3);
    g.params.set_max_validator_records(3);
    params_ = g.params;
    for (uint8_t b = 1; b <= 4; ++b) g.accounts.push_back({AddrOf(KeyFromByte(b)), 100'000});
    State s(state_);
    ASSERT_TRUE(ApplyGenesis(g, s).ok());
  }
  txpb::TxBody Body(const crypto::SecretKey& k) {
    State s(state_);
    txpb::TxBody body;
    body.set_chain_id("stake-chain");
    body.set_nonce(s.GetAccount(AddrOf(k)).value().nonce());
    body.set_fee(1);
    return body;
  }
  TxStatus Run(const crypto::SecretKey& k, const txpb::TxBody& body, int64_t height = 10) {
    auto r = ExecuteTx(state_, BuildSignedTx(k, body), height, "stake-chain", ExecMode::kDeliver);
    return r.status;
  }
  TxStatus Create(uint8_t who, uint8_t cons, uint64_t bond, uint32_t commission = 0) {
    auto k = KeyFromByte(who);
    auto body = Body(k);
    auto* m = body.mutable_create_validator();
    m->set_consensus_pubkey(ConsKey(cons));
    m->set_self_bond(bond);
    m->set_commission_bps(commission);
    return Run(k, body);
  }
  TxStatus Unbond(uint8_t who, uint64_t amount, int64_t height = 10) {
    auto k = KeyFromByte(who);
    auto body = Body(k);
    body.mutable_unbond_validator()->set_amount(amount);
    return Run(k, body, height);
  }
  TxStatus Bond(uint8_t who, uint64_t amount) {
    auto k = KeyFromByte(who);
    auto body = Body(k);
    body.mutable_bond_validator()->set_amount(amount);
    return Run(k, body);
  }
  TxStatus Unjail(uint8_t who, int64_t height) {
    auto k = KeyFromByte(who);
    auto body = Body(k);
    body.mutable_unjail_validator();
    return Run(k, body, height);
  }
  statepb::Validator Validator(uint8_t who) {
    State s(state_);
    auto v = s.GetValidator(AddrOf(KeyFromByte(who))).value();
    EXPECT_TRUE(v.has_value());
    return v.value_or(statepb::Validator());
  }
  uint64_t Balance(uint8_t who) {
    State s(state_);
    return s.GetAccount(AddrOf(KeyFromByte(who))).value().balance();
  }
  std::vector<::tendermint::abci::ValidatorUpdate> Updates() {
    State s(state_);
    return UpdateValidatorSet(s, params_).value();
  }
  ::tendermint::abci::Misbehavior Evidence(uint8_t cons, int64_t height) {
    ::tendermint::abci::Misbehavior m;
    m.set_type(::tendermint::abci::DUPLICATE_VOTE);
    m.mutable_validator()->set_address(ToString(FromHex(ConsensusAddress(ConsKey(cons))).value()));
    m.mutable_validator()->set_power(10);
    m.set_height(height);
    m.mutable_time()->set_seconds(1000 + height);
    m.set_total_voting_power(100);
    return m;
  }

  statepb::Params params_;
  EmptyKv empty_;
  Overlay state_{empty_};
};

TEST_F(StakingTxTest, CreateValidatorBondsFromBalanceAndIndexesTheKey) {
  auto s = Create(1, 101, 5000, 250);
  ASSERT_TRUE(s.ok()) << s.log;
  auto v = Validator(1);
  EXPECT_EQ(v.bond(), 5000u);
  EXPECT_EQ(v.commission_bps(), 250u);
  EXPECT_EQ(v.consensus_pubkey(), ConsKey(101));
  EXPECT_EQ(v.created_height(), 10);
  EXPECT_EQ(Balance(1), 100'000u - 5000 - 1);
  State st(state_);
  EXPECT_EQ(st.GetValidatorOperator(ConsensusAddress(ConsKey(101))).value(),
            AddrOf(KeyFromByte(1)));
  ASSERT_EQ(st.GetCandidates().value().operators_size(), 1);
  EXPECT_EQ(PowerOf(v.bond(), params_), 50);
}

TEST_F(StakingTxTest, CreateValidatorRefusals) {
  // Field contracts first.
  auto k = KeyFromByte(1);
  auto body = Body(k);
  body.mutable_create_validator()->set_consensus_pubkey(std::string(31, 'x'));
  body.mutable_create_validator()->set_self_bond(5000);
  auto s = Run(k, body);
  EXPECT_EQ(s.code, TxCode::kInvalidMessage);
  EXPECT_NE(s.log.find("create_validator.consensus_pubkey: 31 bytes"), std::string::npos) << s.log;
  s = Create(1, 101, 5000, 10001);
  EXPECT_EQ(s.code, TxCode::kInvalidMessage);
  EXPECT_NE(s.log.find("commission_bps"), std::string::npos) << s.log;
  s = Create(1, 101, 999);
  EXPECT_EQ(s.code, TxCode::kSelfBondTooLow);
  EXPECT_NE(s.log.find("below min_self_bond 1000"), std::string::npos) << s.log;
  s = Create(1, 101, 100'000);  // the fee was paid first
  EXPECT_EQ(s.code, TxCode::kInsufficientFunds);
  EXPECT_EQ(Balance(1), 100'000u - 4);  // four fees, no bond
  // Uniqueness: one validator per operator, one operator per key.
  ASSERT_TRUE(Create(1, 101, 5000).ok());
  EXPECT_EQ(Create(1, 102, 5000).code, TxCode::kValidatorExists);
  s = Create(2, 101, 5000);
  EXPECT_EQ(s.code, TxCode::kConsensusKeyInUse);
  EXPECT_NE(s.log.find(AddrOf(KeyFromByte(1))), std::string::npos) << s.log;
  // max_validator_records = 3.
  ASSERT_TRUE(Create(2, 102, 5000).ok());
  ASSERT_TRUE(Create(3, 103, 5000).ok());
  EXPECT_EQ(Create(4, 104, 5000).code, TxCode::kValidatorRecordsFull);
}

TEST_F(StakingTxTest, SetIsTopNByPowerTiesByKeyAndDiffsOnly) {
  ASSERT_TRUE(Create(1, 101, 3000).ok());
  ASSERT_TRUE(Create(2, 102, 5000).ok());
  ASSERT_TRUE(Create(3, 103, 3000).ok());
  // max_validators = 2: validator 2 (power 50), then the smaller key of the
  // two with power 30.
  auto updates = Updates();
  std::string tie = std::min(ConsKey(101), ConsKey(103));
  std::map<std::string, int64_t> got;
  for (const auto& u : updates) got[u.pub_key().ed25519()] = u.power();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[ConsKey(102)], 50);
  EXPECT_EQ(got[tie], 30);
  // Updates come sorted by key.
  EXPECT_LT(updates[0].pub_key().ed25519(), updates[1].pub_key().ed25519());
  // Nothing changed: no diff.
  EXPECT_TRUE(Updates().empty());
  // The other tied validator bonds more: it replaces the tie winner.
  uint8_t loser = tie == ConsKey(101) ? 3 : 1;
  ASSERT_TRUE(Bond(loser, 100).ok());
  updates = Updates();
  got.clear();
  for (const auto& u : updates) got[u.pub_key().ed25519()] = u.power();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[tie], 0);                    // removed
  EXPECT_EQ(got[ConsKey(100 + loser)], 31);  // added
}

TEST_F(StakingTxTest, BondAndUnbondRules) {
  EXPECT_EQ(Bond(1, 10).code, TxCode::kValidatorNotFound);
  EXPECT_EQ(Unbond(1, 10).code, TxCode::kValidatorNotFound);
  ASSERT_TRUE(Create(1, 101, 5000).ok());
  EXPECT_EQ(Bond(1, 0).code, TxCode::kInvalidMessage);
  EXPECT_EQ(Bond(1, 1'000'000).code, TxCode::kInsufficientFunds);
  ASSERT_TRUE(Bond(1, 500).ok());
  EXPECT_EQ(Validator(1).bond(), 5500u);
  EXPECT_EQ(Unbond(1, 0).code, TxCode::kInvalidMessage);
  EXPECT_EQ(Unbond(1, 5501).code, TxCode::kInsufficientFunds);
  auto s = Unbond(1, 5000);  // would leave 500 < min_self_bond
  EXPECT_EQ(s.code, TxCode::kSelfBondTooLow);
  EXPECT_NE(s.log.find("would leave 500 bonded"), std::string::npos) << s.log;
  ASSERT_TRUE(Unbond(1, 1500, 10).ok());
  auto v = Validator(1);
  EXPECT_EQ(v.bond(), 4000u);
  ASSERT_EQ(v.unbonding_size(), 1);
  EXPECT_EQ(v.unbonding(0).complete_height(), 15);
  // Entry cap.
  for (int i = 1; i < kMaxUnbondingEntries; ++i) ASSERT_TRUE(Unbond(1, 1, 10).ok()) << i;
  EXPECT_EQ(Unbond(1, 1).code, TxCode::kTooManyUnbondings);
}

TEST_F(StakingTxTest, UnbondingReturnsFundsOnlyAtCompletionAndPowerFollows) {
  ASSERT_TRUE(Create(1, 101, 5000).ok());
  ASSERT_EQ(Updates().size(), 1u);
  const uint64_t before = Balance(1);
  ASSERT_TRUE(Unbond(1, 2000, 10).ok());  // completes at 15
  ASSERT_TRUE(Unbond(1, 3000, 12).ok());  // all of it; completes at 17
  const uint64_t after_fees = before - 2;
  auto updates = Updates();
  ASSERT_EQ(updates.size(), 0u);  // the only validator: the set is kept, never empty
  State s(state_);
  Events events;
  for (int64_t h = 11; h < 15; ++h) ASSERT_TRUE(CompleteUnbondings(s, h, events).ok());
  EXPECT_EQ(Balance(1), after_fees);
  ASSERT_TRUE(CompleteUnbondings(s, 15, events).ok());
  EXPECT_EQ(Balance(1), after_fees + 2000);
  EXPECT_EQ(Validator(1).unbonding_size(), 1);
  ASSERT_TRUE(CompleteUnbondings(s, 16, events).ok());
  ASSERT_TRUE(CompleteUnbondings(s, 17, events).ok());
  EXPECT_EQ(Balance(1), after_fees + 5000);
  EXPECT_EQ(Validator(1).unbonding_size(), 0);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].attributes(2).value(), "3000");
  // The queue buckets are gone.
  EXPECT_FALSE(state_.Get(UnbondingQueueKey(15)).value().has_value());
}

TEST_F(StakingTxTest, UnbondedValidatorLeavesTheSetWhenOthersRemain) {
  ASSERT_TRUE(Create(1, 101, 5000).ok());
  ASSERT_TRUE(Create(2, 102, 4000).ok());
  ASSERT_EQ(Updates().size(), 2u);
  ASSERT_TRUE(Unbond(2, 4000).ok());
  auto updates = Updates();
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].pub_key().ed25519(), ConsKey(102));
  EXPECT_EQ(updates[0].power(), 0);
}

TEST_F(StakingTxTest, MisbehaviorSlashesBondAndUnbondingStillAtStakeThenJails) {
  ASSERT_TRUE(Create(1, 101, 10'000).ok());
  ASSERT_TRUE(Create(2, 102, 10'000).ok());
  ASSERT_EQ(Updates().size(), 2u);
  ASSERT_TRUE(Unbond(1, 1000, 18).ok());  // power until 20: before the infraction
  ASSERT_TRUE(Unbond(1, 2000, 19).ok());  // still had power at 20: slashable
  ASSERT_TRUE(Unbond(1, 3000, 21).ok());  // after it: slashable
  State s(state_);
  Events events;
  google::protobuf::RepeatedPtrField<::tendermint::abci::Misbehavior> list;
  *list.Add() = Evidence(101, 20);
  ASSERT_TRUE(ApplyMisbehavior(s, params_, list, 22, events).ok());
  auto v = Validator(1);
  // 10% of 4000 bonded + 10% of 2000 + 10% of 3000; the entry of 18 is untouched.
  EXPECT_EQ(v.bond(), 3600u);
  EXPECT_EQ(v.unbonding(0).amount(), 1000u);
  EXPECT_EQ(v.unbonding(1).amount(), 1800u);
  EXPECT_EQ(v.unbonding(2).amount(), 2700u);
  EXPECT_EQ(v.slashed_total(), 900u);
  EXPECT_TRUE(v.jailed());
  EXPECT_EQ(v.jailed_until_height(), 25);
  const std::string hash =
      EvidenceHash("duplicate_vote", ConsensusAddress(ConsKey(101)), 20, 1'020'000);
  auto record = s.GetEvidence(hash).value();
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->slashed(), 900u);
  EXPECT_EQ(record->operator_(), AddrOf(KeyFromByte(1)));
  EXPECT_EQ(record->committed_height(), 22);
  ASSERT_EQ(s.GetEvidenceAtHeight(20).value().hashes_size(), 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type(), "vinet.evidence");
  // Jailed: power 0 update.
  auto updates = Updates();
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].pub_key().ed25519(), ConsKey(101));
  EXPECT_EQ(updates[0].power(), 0);
  // The same evidence again changes nothing; other evidence for the same
  // validator and height is recorded but not slashed twice.
  ASSERT_TRUE(ApplyMisbehavior(s, params_, list, 23, events).ok());
  list.Mutable(0)->set_type(::tendermint::abci::LIGHT_CLIENT_ATTACK);
  ASSERT_TRUE(ApplyMisbehavior(s, params_, list, 23, events).ok());
  EXPECT_EQ(Validator(1).bond(), 3600u);
  EXPECT_EQ(s.GetEvidenceAtHeight(20).value().hashes_size(), 2);
  EXPECT_EQ(s.GetRecentEvidence().value().hashes_size(), 2);
  // Evidence of an address that is no validator of ours: recorded, nothing slashed.
  list.Clear();
  *list.Add() = Evidence(99, 20);
  ASSERT_TRUE(ApplyMisbehavior(s, params_, list, 23, events).ok());
  EXPECT_EQ(s.GetEvidenceAtHeight(20).value().hashes_size(), 3);
  // The same double signer caught at another height while still jailed:
  // recorded, not slashed again (one slash per jailing).
  list.Clear();
  *list.Add() = Evidence(101, 21);
  ASSERT_TRUE(ApplyMisbehavior(s, params_, list, 24, events).ok());
  EXPECT_EQ(Validator(1).bond(), 3600u);
  EXPECT_EQ(Validator(1).slashed_total(), 900u);
  const std::string second =
      EvidenceHash("duplicate_vote", ConsensusAddress(ConsKey(101)), 21, 1'021'000);
  auto again = s.GetEvidence(second).value();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->slashed(), 0u);
}

TEST_F(StakingTxTest, UnjailAfterJailBlocksWithEnoughBond) {
  ASSERT_TRUE(Create(1, 101, 1000).ok());
  EXPECT_EQ(Unjail(1, 10).code, TxCode::kNotJailed);
  EXPECT_EQ(Unjail(2, 10).code, TxCode::kValidatorNotFound);
  State s(state_);
  Events events;
  google::protobuf::RepeatedPtrField<::tendermint::abci::Misbehavior> list;
  *list.Add() = Evidence(101, 9);
  ASSERT_TRUE(ApplyMisbehavior(s, params_, list, 10, events).ok());
  EXPECT_EQ(Validator(1).bond(), 900u);
  auto st = Unjail(1, 12);
  EXPECT_EQ(st.code, TxCode::kStillJailed);
  EXPECT_NE(st.log.find("jailed until height 13"), std::string::npos) << st.log;
  EXPECT_EQ(Unjail(1, 13).code, TxCode::kSelfBondTooLow);  // 900 < 1000
  ASSERT_TRUE(Bond(1, 100).ok());
  ASSERT_TRUE(Unjail(1, 13).ok());
  EXPECT_FALSE(Validator(1).jailed());
  // Unjailed, a new infraction is slashed again.
  list.Clear();
  *list.Add() = Evidence(101, 14);
  ASSERT_TRUE(ApplyMisbehavior(s, params_, list, 15, events).ok());
  EXPECT_EQ(Validator(1).bond(), 900u);
  EXPECT_TRUE(Validator(1).jailed());
}

TEST_F(StakingTxTest, GenesisValidatorsAreBondedRecords) {
  Genesis g;
  g.params = params_;
  g.validators.push_back({AddrOf(KeyFromByte(7)), ConsKey(107), 4000});
  EmptyKv empty;
  Overlay kv(empty);
  State s(kv);
  ASSERT_TRUE(ApplyGenesis(g, s).ok());
  auto v = s.GetValidator(AddrOf(KeyFromByte(7))).value();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->bond(), 4000u);
  EXPECT_EQ(v->created_height(), 0);
  EXPECT_EQ(s.GetAccount(AddrOf(KeyFromByte(7))).value().balance(), 0u);
  auto updates = UpdateValidatorSet(s, params_).value();
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].power(), 40);
}

TEST_F(StakingTxTest, GenesisValidatorParsingRefusals) {
  const std::string op = AddrOf(KeyFromByte(7));
  const std::string key = ToHex(AsBytes(ConsKey(107)));
  auto parse = [](const std::string& validators, const std::string& params = "{}") {
    return ParseGenesis(R"({"params":)" + params + R"(,"validators":)" + validators + "}");
  };
  auto ok = parse(R"([{"operator":")" + op + R"(","consensus_pubkey":")" + key +
                  R"(","bond":"2000000"}])");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->validators.size(), 1u);
  EXPECT_EQ(ok->validators[0].bond, 2'000'000u);
  // Round trip.
  auto again = ParseGenesis(GenesisToJson(*ok));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->validators[0].consensus_pubkey, ConsKey(107));
  struct Case {
    std::string validators, params, message;
  };
  std::vector<Case> cases = {
      {"{}", "{}", "genesis.validators: expected an array"},
      {R"([{"operator":"zz","consensus_pubkey":")" + key + R"(","bond":2000000}])", "{}",
       "validators[0].operator"},
      {R"([{"operator":")" + op + R"(","consensus_pubkey":"abcd","bond":2000000}])", "{}",
       "validators[0].consensus_pubkey"},
      {R"([{"operator":")" + op + R"(","consensus_pubkey":")" + key + R"(","bond":5}])", "{}",
       "validators[0].bond: 5 below min_self_bond"},
      {R"([{"operator":")" + op + R"(","consensus_pubkey":")" + key + R"(","bond":2000000,"x":1}])",
       "{}", "validators[0].x: unknown key"},
      {R"([{"operator":")" + op + R"(","consensus_pubkey":")" + key + R"(","bond":2000000},)" +
           R"({"operator":")" + op + R"(","consensus_pubkey":")" + key + R"(","bond":2000000}])",
       "{}", "validators[1].operator: duplicate"},
      {"[]", R"({"power_reduction":15})", "power_reduction: 15 below 16"},
      {"[]", R"({"max_validators":0})", "max_validators: must be positive"},
      {"[]", R"({"slash_double_sign_bps":10001})", "slash_double_sign_bps: larger than 10000"},
  };
  for (const auto& c : cases) {
    auto g = parse(c.validators, c.params);
    ASSERT_FALSE(g.ok()) << c.message;
    EXPECT_NE(g.status().message().find(c.message), std::string::npos) << g.status().ToString();
  }
}

TEST_F(StakingTxTest, InitChainEvidenceAgeAndAdoptedValidators) {
  Genesis g;
  g.params = params_;  // unbonding_blocks 5
  ::tendermint::abci::RequestInitChain req;
  EXPECT_EQ(MaxEvidenceAgeBlocks(g.params), 3);
  req.mutable_consensus_params()->mutable_evidence()->set_max_age_num_blocks(4);
  auto s = AdoptConsensusGenesis(req, g);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("max_age_num_blocks: 4 not in 1..unbonding_blocks - 2 = 3"),
            std::string::npos)
      << s.ToString();
  req.mutable_consensus_params()->mutable_evidence()->set_max_age_num_blocks(0);
  EXPECT_FALSE(AdoptConsensusGenesis(req, g).ok());
  req.mutable_consensus_params()->mutable_evidence()->set_max_age_num_blocks(3);
  auto* u = req.add_validators();
  u->mutable_pub_key()->set_ed25519(ConsKey(107));
  u->set_power(10);
  ASSERT_TRUE(AdoptConsensusGenesis(req, g).ok());
  EXPECT_EQ(g.params.evidence_max_age_blocks(), 3);
  ASSERT_EQ(g.validators.size(), 1u);
  EXPECT_EQ(g.validators[0].bond, 1000u);
  EXPECT_EQ(g.validators[0].operator_address, ConsensusAddress(ConsKey(107)));
  // A bad key is refused.
  Genesis g2;
  g2.params = params_;
  req.mutable_validators(0)->mutable_pub_key()->set_ed25519("short");
  EXPECT_FALSE(AdoptConsensusGenesis(req, g2).ok());
}

}  // namespace
}  // namespace vinet::chain
