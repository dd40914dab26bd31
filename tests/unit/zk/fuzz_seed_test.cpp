// Known answer for the zk fuzz seeds: each fixture's honest proof is byte for
// byte the seed in tests/fuzz/corpus (first byte 0x00 selects the proof
// parser in zk_ligero), so a change of an encoding shows up here and the
// fuzzers keep starting from valid proofs. VINET_UPDATE_ZK_SEEDS=1 rewrites.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "fuzz/zk_fixtures.h"

namespace vinet::zk {
namespace {

void CheckOrWrite(const std::string& target, const std::string& name, const Bytes& bytes) {
  std::filesystem::path p =
      std::filesystem::path(VINET_SOURCE_DIR) / "tests/fuzz/corpus" / target / name;
  if (std::getenv("VINET_UPDATE_ZK_SEEDS") != nullptr) {
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }
  std::ifstream f(p, std::ios::binary);
  ASSERT_TRUE(f) << p;
  Bytes stored((std::istreambuf_iterator<char>(f)), {});
  EXPECT_EQ(stored, bytes) << target << "/" << name << ": the encoding or the fixture changed";
}

TEST(ZkFuzzSeeds, LigeroSeedsAreTheFixturesEncodings) {
  fuzz::LigeroFixture fx;
  Transcript t("fuzz");
  ASSERT_TRUE(fx.pcs.Verify(fx.committed.commitment, fx.point, fx.evals, fx.honest, t).ok());
  // The seed exercises the multi-proof: fewer queries than encoded columns.
  ASSERT_LT(fx.pcs.num_queries(fx.kVars), size_t{4} << 6);
  Bytes opening{0x00};
  opening.insert(opening.end(), fx.honest.begin(), fx.honest.end());
  CheckOrWrite("zk_ligero", "honest_opening", opening);
  ByteWriter w;
  w.Raw(Bytes{0x01});  // first byte odd selects PcsCommitment::Parse
  fx.committed.commitment.Serialize(w);
  Bytes commitment = w.Take();
  CheckOrWrite("zk_ligero", "commitment", commitment);
}

TEST(ZkFuzzSeeds, BasefoldSeedIsTheFixturesEncoding) {
  fuzz::BasefoldFixture fx;
  Transcript t("fuzz");
  ASSERT_TRUE(fx.pcs.Verify(fx.committed.commitment, fx.point, fx.evals, fx.honest, t).ok());
  BasefoldShape s = fx.pcs.ShapeFor(fx.kVars);
  ASSERT_EQ(s.arity, (std::vector<size_t>{3, 3, 2}));
  ASSERT_TRUE(s.implicit_symbols);
  ASSERT_LT(s.num_queries, size_t{1} << s.LeafDepth(0));  // a real multi-proof
  CheckOrWrite("zk_basefold", "honest_opening", fx.honest);
}

TEST(ZkFuzzSeeds, HidingBasefoldSeedIsTheFixturesEncoding) {
  fuzz::HidingBasefoldFixture fx;
  Transcript t("fuzz");
  ASSERT_TRUE(fx.pcs.Verify(fx.committed.commitment, fx.point, fx.evals, fx.honest, t).ok());
  BasefoldShape s = fx.pcs.ShapeFor(fx.kVars);
  ASSERT_LT(s.num_queries, size_t{1} << s.LeafDepth(0));  // a real multi-proof
  CheckOrWrite("zk_basefold_hiding", "honest_opening", fx.honest);
}

TEST(ZkFuzzSeeds, JointBasefoldSeedsAreTheFixturesEncodings) {
  fuzz::JointBasefoldFixture mid(fuzz::JointBasefoldFixture::kMidRoundVars);
  ASSERT_TRUE(mid.Verify(mid.honest).ok());
  BasefoldEntry entry = mid.pcs.JointEntry(mid.kVars, mid.secondary_vars).value();
  ASSERT_EQ(entry.round, 0u);  // enters mid first round
  ASSERT_EQ(entry.level, 2u);
  CheckOrWrite("zk_basefold_joint", "honest_opening", mid.honest);
  fuzz::JointBasefoldFixture boundary(fuzz::JointBasefoldFixture::kBoundaryVars);
  ASSERT_TRUE(boundary.Verify(boundary.honest).ok());
  entry = boundary.pcs.JointEntry(boundary.kVars, boundary.secondary_vars).value();
  ASSERT_EQ(entry.arity, 0u);  // after round 0's last fold, from pair leaves
  ASSERT_EQ(entry.leaf_log, 1u);
  CheckOrWrite("zk_basefold_joint", "honest_boundary_opening", boundary.honest);
  // Each opening is refused by the other's statement.
  EXPECT_FALSE(mid.Verify(boundary.honest).ok());
  EXPECT_FALSE(boundary.Verify(mid.honest).ok());
}

TEST(ZkFuzzSeeds, LogUpBatchSeedIsTheFixturesEncoding) {
  fuzz::LogUpBatchFixture fx;
  auto p = LogUpBatchProof::Parse(fx.honest, fx.statements);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  Transcript t("fuzz");
  auto claims = VerifyLogUpBatch(fx.statements, *p, t);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->size(), 2u);
  EXPECT_EQ((*claims)[1].table_evals.size(), 2u);  // the committed table's claims
  CheckOrWrite("zk_logup_batch", "honest", fx.honest);
}

}  // namespace
}  // namespace vinet::zk
