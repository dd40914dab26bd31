// Known answer: the fuzz fixture's proof and key are byte-for-byte the seeds
// stored in tests/fuzz/corpus (catches accidental protocol changes), and the
// batch proof of two inputs the seed zkml_proof/batch2. With
// VINET_UPDATE_ZKML_SEEDS=1 the seeds are rewritten instead.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "fuzz/zkml_fixture.h"
#include "vinet/zkml/weight_range.h"
#include "zkml/package.h"

namespace vinet::zkml {
namespace {

std::filesystem::path Seed(const std::string& target, const std::string& name) {
  return std::filesystem::path(VINET_SOURCE_DIR) / "tests/fuzz/corpus" / target / name;
}

void CheckOrWrite(const std::string& target, const Bytes& bytes,
                  const std::string& name = "honest") {
  std::filesystem::path p = Seed(target, name);
  if (std::getenv("VINET_UPDATE_ZKML_SEEDS") != nullptr) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }
  std::ifstream f(p, std::ios::binary);
  ASSERT_TRUE(f) << p;
  Bytes stored((std::istreambuf_iterator<char>(f)), {});
  EXPECT_EQ(stored, bytes) << target << ": the protocol or the fixture changed";
}

TEST(ZkmlKnownAnswer, FixtureProofAndKeyMatchTheStoredSeeds) {
  fuzz::ZkmlFixture fx;
  EXPECT_TRUE(Verify(fx.committed.vk, fx.input, fx.output, fx.proof).ok());
  CheckOrWrite("zkml_proof", fx.proof);
  CheckOrWrite("zkml_key", fx.key);
  EXPECT_TRUE(VerifyWeightRange(fx.committed.vk, fx.range_proof).ok());
  CheckOrWrite("zkml_range", fx.range_proof);
  EXPECT_TRUE(VerifyBatch(fx.committed.vk, fx.batch_inputs, fx.batch_outputs, fx.batch_proof).ok());
  CheckOrWrite("zkml_proof", fx.batch_proof, "batch2");
  // The private-weights (zero-knowledge) proof, masks from the fixture's seed.
  EXPECT_TRUE(Verify(fx.hiding.vk, fx.input, fx.hiding_output, fx.hiding_proof).ok());
  Bytes hiding = {'V', 'Z', 'H', 'K'};
  hiding.insert(hiding.end(), fx.hiding_proof.begin(), fx.hiding_proof.end());
  CheckOrWrite("zkml_proof", hiding, "hiding");
}

TEST(ZkmlKnownAnswer, KindTwoKeyAndProofOfTheFirstBasefoldStillVerify) {
  // The key seed as written before the Fp4 default (key version 3, kind 2:
  // Basefold over Fp2): an old key still parses, keeps its model id inputs,
  // and a proof for it verifies; a flipped proof byte is still rejected. The
  // proof seed follows the proof encoding (rewritten on purpose in session
  // 12: sumcheck rounds without c_1; all lookups in one LogUp batch; session
  // 14: the clamp as a clamp lookup chained into a ReLU lookup), proved
  // with a kind-2 commitment of the fixture model that must reproduce the
  // stored key.
  fuzz::ZkmlFixture fx;
  auto read = [](const std::string& target) {
    std::ifstream f(Seed(target, "honest_kind2"), std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(f)), {});
  };
  Bytes key = read("zkml_key");
  ZkmlParams p{.threads = 1};
  p.pcs = PcsKind::kBasefold;
  auto c = Commit(fx.committed.package->model, p);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->vk.Encode(), key) << "a kind-2 commitment no longer reproduces the stored key";
  auto fresh = Prove(*c->package, fx.input);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  CheckOrWrite("zkml_proof", fresh->proof, "honest_kind2");
  Bytes proof = read("zkml_proof");
  ASSERT_FALSE(key.empty() || proof.empty());
  auto vk = VerifyingKey::Parse(key);
  ASSERT_TRUE(vk.ok()) << vk.status().ToString();
  EXPECT_EQ(vk->pcs, PcsKind::kBasefold);
  EXPECT_EQ(vk->Encode(), key);
  EXPECT_NE(vk->ModelId(), fx.committed.vk.ModelId());
  Status st = Verify(*vk, fx.input, fx.output, proof);
  EXPECT_TRUE(st.ok()) << st.ToString();
  proof[proof.size() / 2] ^= 1;
  EXPECT_FALSE(Verify(*vk, fx.input, fx.output, proof).ok());
}

TEST(ZkmlKnownAnswer, KindSixKeyAndProofArePinned) {
  // The conjectured-regime format (key kind 6: ParametersEncoding version 7,
  // 26-byte Merkle digests since session 13,
  // t = 29, final polynomial 2^7) of the fixture model and input, byte for
  // byte, so a later change to that parameter set shows up here.
  fuzz::ZkmlFixture fx;
  ZkmlParams p{.threads = 1};
  p.pcs = PcsKind::kBasefoldFp4Conjectured;
  auto c = Commit(fx.committed.package->model, p);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto proof = Prove(*c->package, fx.input);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  EXPECT_EQ(proof->output.data, fx.output.data);
  ASSERT_TRUE(Verify(c->vk, fx.input, proof->output, proof->proof).ok());
  EXPECT_LT(proof->proof.size(), fx.proof.size());
  CheckOrWrite("zkml_key", c->vk.Encode(), "honest_kind6");
  CheckOrWrite("zkml_proof", proof->proof, "honest_kind6");
}

}  // namespace
}  // namespace vinet::zkml
