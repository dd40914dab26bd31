// RegisterModel against hostile registrants: a key below the soundness floor
// (its own code), a missing, foreign or forged weight-range proof (an
// out-of-range weight committed by a modified committer), the range proof's
// verify units in the fee and under the block budget.
#include <fmt/format.h>

#include "unit/chain/zkml_fixture.h"
#include "vinet/chain/fee.h"
#include "zkml/package.h"

namespace vinet::chain {
namespace {

using testing::Models;
using testing::ZkmlFixture;

class ZkmlRegisterHostileTest : public ZkmlFixture {
 protected:
  bool Stored(const std::string& id) {
    State s(state_);
    return s.GetModel(id).value().has_value() || s.GetZkmlKey(id).value().has_value();
  }
};

// Kinds 6 and 7 reach 100 bits only under the conjectured proximity bound:
// a chain refuses them (nothing stored) unless its genesis opts in.
TEST_F(ZkmlRegisterHostileTest, RegisterModelTakesConjecturedKeysOnlyWhenTheChainOptsIn) {
  ASSERT_TRUE(RegisterNode().status.ok());
  zkml::Committed c = testing::CommitTinyMlp(
      1, zkml::ZkmlParams{.threads = 1, .pcs = zkml::PcsKind::kBasefoldFp4Conjectured});
  ASSERT_TRUE(zkml::IsConjecturedKind(c.vk.pcs));
  ASSERT_GE(zkml::SoundnessBits(c.vk), zkml::kMinSecurityBits);
  txpb::TxBody body = ZkmlModelBody("m1", c.vk);
  body.mutable_register_model()->set_zkml_weight_range_proof(ToString(testing::RangeProofOf(c)));
  auto refused = Run(owner_, body);
  EXPECT_EQ(refused.status.code, TxCode::kKeyBelowSecurityFloor);
  EXPECT_NE(refused.status.log.find("conjectured proximity bound"), std::string::npos)
      << refused.status.log;
  EXPECT_NE(refused.status.log.find("params.allow_conjectured_zkml_keys"), std::string::npos);
  EXPECT_FALSE(Stored("m1"));
  params_.set_allow_conjectured_zkml_keys(true);
  SetParams(params_);
  auto taken = Run(owner_, body);
  EXPECT_TRUE(taken.status.ok()) << taken.status.log;
  EXPECT_TRUE(Stored("m1"));
}

// The review's hostile registrant: query bits 80 (inside the key field's
// range) give ~79 bits overall, so proofs under the key would verify with
// ~2^-79 cheating odds. Refused with its own code; nothing is stored.
TEST_F(ZkmlRegisterHostileTest, RegisterModelRefusesAKeyBelowTheSecurityFloor) {
  ASSERT_TRUE(RegisterNode().status.ok());
  zkml::VerifyingKey weak = Key();
  weak.security_bits = 80;
  ASSERT_LT(zkml::SoundnessBits(weak), 80.0);
  auto r = Run(owner_, ZkmlModelBody("m1", weak));
  EXPECT_EQ(r.status.code, TxCode::kKeyBelowSecurityFloor);
  EXPECT_EQ(TxCodeName(r.status.code), "key_below_security_floor");
  EXPECT_EQ(r.status.log, fmt::format("register_model.zkml_verifying_key: security 80 / rate 2^-{} "
                                      "give {:.1f} bits of soundness, below the 100-bit floor",
                                      weak.log_inv_rate, zkml::SoundnessBits(weak)));
  // Just under the floor is refused too: the floor counts every term.
  weak.security_bits = 100;
  ASSERT_LT(zkml::SoundnessBits(weak), zkml::kMinSecurityBits);
  EXPECT_EQ(Run(owner_, ZkmlModelBody("m1", weak)).status.code, TxCode::kKeyBelowSecurityFloor);
  State s(state_);
  EXPECT_FALSE(s.GetModel("m1").value().has_value());
  EXPECT_FALSE(s.GetZkmlKey("m1").value().has_value());
  // The honest key registers.
  EXPECT_TRUE(Run(owner_, ZkmlModelBody("m1", Key())).status.ok());
}

TEST_F(ZkmlRegisterHostileTest, RegisterModelRequiresAValidWeightRangeProof) {
  ASSERT_TRUE(RegisterNode().status.ok());
  auto missing = ZkmlModelBody("m1", Key());
  missing.mutable_register_model()->clear_zkml_weight_range_proof();
  auto r = Run(owner_, missing);
  EXPECT_EQ(r.status.code, TxCode::kWeightRangeInvalid);
  EXPECT_EQ(TxCodeName(r.status.code), "weight_range_invalid");
  EXPECT_NE(r.status.log.find("zkml_weight_range_proof: required for MODE_ZKML"), std::string::npos)
      << r.status.log;

  auto foreign = ZkmlModelBody("m1", Key());  // model b's proof under model a's key
  foreign.mutable_register_model()->set_zkml_weight_range_proof(ToString(Models().b_range));
  r = Run(owner_, foreign);
  EXPECT_EQ(r.status.code, TxCode::kWeightRangeInvalid);

  // A modified committer: one weight of layer 1 set to 128 (out of int8),
  // committed and "proved" (the prover skips the range check).
  const zkml::ProverPackage& pkg = *Models().a.package;
  std::vector<zk::Fp> w = pkg.weights;
  w[pkg.weight_layout.w[1][0].offset] = zk::Fp(128);
  auto com = pkg.vk.Pcs(1)->Commit({w});
  ASSERT_TRUE(com.ok());
  zkml::VerifyingKey forged = pkg.vk;
  forged.weights = com->commitment;
  auto proof = zkml::detail::ProveWeightRangeOf(forged, w, *com, 1, /*check_range=*/false);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  auto body = ZkmlModelBody("m1", forged);
  body.mutable_register_model()->set_zkml_weight_range_proof(ToString(*proof));
  r = Run(owner_, body);
  EXPECT_EQ(r.status.code, TxCode::kWeightRangeInvalid);
  EXPECT_NE(r.status.log.find("register_model.zkml_weight_range_proof: weight range: int8 lookup"),
            std::string::npos)
      << r.status.log;
  EXPECT_FALSE(Stored("m1"));

  // The honest proof with a byte flipped.
  auto flipped = ZkmlModelBody("m1", Key());
  std::string p = flipped.register_model().zkml_weight_range_proof();
  p[p.size() / 2] ^= 0x01;
  flipped.mutable_register_model()->set_zkml_weight_range_proof(p);
  EXPECT_EQ(Run(owner_, flipped).status.code, TxCode::kWeightRangeInvalid);
  EXPECT_FALSE(Stored("m1"));

  // A range proof without MODE_ZKML is refused as a malformed message.
  auto stray = ModelBody("m2", {});
  stray.mutable_register_model()->set_zkml_weight_range_proof("x");
  EXPECT_EQ(Run(owner_, stray).status.code, TxCode::kInvalidMessage);

  // The honest key and proof register.
  r = Run(owner_, ZkmlModelBody("m1", Key()));
  EXPECT_TRUE(r.status.ok()) << r.status.log;
}

TEST_F(ZkmlRegisterHostileTest, TheRangeProofIsMeteredAndPriced) {
  ASSERT_TRUE(RegisterNode().status.ok());
  uint64_t units = zkml::EstimateWeightRangeCost(Key()).units();
  auto body = ZkmlModelBody("m1", Key());
  EXPECT_EQ(RegisterModelVerifyUnits(body.register_model()), units);
  EXPECT_GT(units, 0u);
  // Priced into the stateless fee: 1 per unit makes it `units` tokens.
  FeeSchedule fees{1, 0, 0, 1'000'000};
  EXPECT_EQ(MinimumFee(fees, 100, body), 1 + units);
  EXPECT_EQ(MinimumFee(fees, 100, ModelBody("m2", {})), 1u);

  // A budget below the range proof's cost (but above the key's) refuses it
  // before any verification.
  uint64_t key_units = zkml::EstimateVerifyCost(Key()).units();
  if (units > key_units) {
    params_.set_max_block_verify_units(units - 1);
    SetParams(params_);
    auto r = Run(owner_, body);
    EXPECT_EQ(r.status.code, TxCode::kVerifyCostTooHigh);
    EXPECT_NE(r.status.log.find("zkml_weight_range_proof: verify cost"), std::string::npos)
        << r.status.log;
    EXPECT_FALSE(Stored("m1"));
  }
}

}  // namespace
}  // namespace vinet::chain
