// Joint Basefold openings (basefold.h, docs/zk.md "Joint openings"): a
// secondary commitment of n2 <= n variables opened with a primary of n at the
// suffix of its point, in one folding. Complete for every entry position
// (mid round 0, at a round boundary, in a later round, n2 = n) in the plain and
// hiding sets of both regimes; every claimed value, every byte, a swapped
// commitment and a truncation are rejected; the joint opening is smaller than
// two separate ones; hiding openings are fresh.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "unit/zk/chi_square.h"
#include "unit/zk/random_values.h"
#include "unit/zk/same_evaluation.h"
#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/random.h"
#include "vinet/zk/transcript/transcript.h"
#include "zk/pcs/basefold_fold.h"

namespace vinet::zk {
namespace {

std::vector<std::vector<Fp>> RandomPolys(std::mt19937_64& rng, size_t count, size_t vars) {
  std::vector<std::vector<Fp>> out(count, std::vector<Fp>(size_t{1} << vars));
  for (auto& p : out) {
    for (auto& v : p) v = Fp(rng() % Fp::kModulus);
  }
  return out;
}

std::vector<Fp2> RandomPoint(std::mt19937_64& rng, size_t vars) {
  return testing::RandomFp2s(rng, vars);
}

struct Joint {
  PcsCommitment primary, secondary;
  std::vector<Fp2> point, evals1, evals2;
  Bytes proof;
};

Joint CommitAndOpen(const BasefoldPcs& pcs, size_t n, size_t n2, size_t m1, size_t m2,
                    uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto p1 = RandomPolys(rng, m1, n), p2 = RandomPolys(rng, m2, n2);
  Joint j;
  j.point = RandomPoint(rng, n);
  PcsCommitted c1 = pcs.Commit(p1).value();
  auto c2 = pcs.CommitSecondary(p2, n);
  EXPECT_TRUE(c2.ok()) << c2.status().ToString();
  j.primary = c1.commitment;
  j.secondary = c2->commitment;
  Transcript t("joint-test");
  auto op = pcs.OpenJoint(*c1.data, *c2->data, j.point, t);
  EXPECT_TRUE(op.ok()) << op.status().ToString();
  j.evals1 = op->primary_evals;
  j.evals2 = op->secondary_evals;
  j.proof = op->proof;
  std::span<const Fp2> high = std::span<const Fp2>(j.point).subspan(n - n2);
  for (size_t k = 0; k < m1; ++k) EXPECT_EQ(j.evals1[k], EvaluateMle(p1[k], j.point));
  for (size_t k = 0; k < m2; ++k) EXPECT_EQ(j.evals2[k], EvaluateMle(p2[k], high));
  return j;
}

Status Check(const BasefoldPcs& pcs, const Joint& j) {
  Transcript t("joint-test");
  return pcs.VerifyJoint(j.primary, j.secondary, j.point, j.evals1, j.evals2, j.proof, t);
}

struct Set {
  const char* name;
  BasefoldParams params;
};

std::vector<Set> Sets() {
  return {{"johnson", BasefoldParams::Default()},
          {"conjectured", BasefoldParams::Conjectured()},
          {"hiding", BasefoldParams::Hiding()},
          {"hiding_conjectured", BasefoldParams::HidingConjectured()}};
}

TEST(BasefoldJoint, CompleteAtEveryEntryPosition) {
  for (const Set& set : Sets()) {
    BasefoldPcs pcs(set.params);
    // (n, n2): mid round 0, n2 = n, a round boundary and later rounds.
    size_t refused = 0;
    for (auto [n, n2] : std::vector<std::pair<size_t, size_t>>{
             {16, 14}, {14, 14}, {16, 11}, {16, 10}, {16, 13}, {16, 15}}) {
      auto entry = pcs.JointEntry(n, n2);
      if (!entry.ok()) {
        // A sparse pad leaves a secondary q / 2^j coefficients: too few for
        // a small one (zkml then keeps two openings).
        EXPECT_GT(pcs.SparsePadCoeffs(n), 0u) << set.name << " " << n << "/" << n2;
        EXPECT_NE(entry.status().message().find("sparse pad"), std::string::npos);
        EXPECT_LE(n2, 13u) << set.name;  // 2^(n2 - 7) < (t + 1) * 2
        ++refused;
        continue;
      }
      for (auto [m1, m2] : std::vector<std::pair<size_t, size_t>>{{1, 1}, {2, 3}}) {
        Joint j = CommitAndOpen(pcs, n, n2, m1, m2, n * 100 + n2 + m1);
        Status st = Check(pcs, j);
        EXPECT_TRUE(st.ok()) << set.name << " n=" << n << " n2=" << n2 << " m=" << m1 << "," << m2
                             << " entry round " << entry->round << " level " << entry->level << ": "
                             << st.ToString();
      }
    }
    EXPECT_LE(refused, set.params.hiding ? 3u : 0u) << set.name;
  }
}

TEST(BasefoldJoint, OnARoundBoundaryTheSecondaryEntersAfterTheLastFoldFromPairLeaves) {
  for (const Set& set : Sets()) {
    SCOPED_TRACE(set.name);
    BasefoldPcs pcs(set.params);
    const size_t n = 14;
    BasefoldParams inner_params = set.params;
    inner_params.hiding = false;
    size_t pad = set.params.hiding ? pcs.HidingPadVars(n) : 0;
    size_t a0 = BasefoldPcs(inner_params).ShapeFor(n + pad).arity[0];
    // j = 0: the first round's cosets; inside the round: what is left of them;
    // j = a0: after round 0's last fold, one symbol per queried coset, read
    // from a leaf of two.
    for (auto [n2, level, arity] :
         std::vector<std::array<size_t, 3>>{{n, 0, a0}, {n - a0 + 1, a0 - 1, 1}, {n - a0, a0, 0}}) {
      auto entry = pcs.JointEntry(n, n2);
      ASSERT_TRUE(entry.ok()) << n2;
      EXPECT_EQ(entry->round, 0u) << n2;
      EXPECT_EQ(entry->level, level) << n2;
      EXPECT_EQ(entry->arity, arity) << n2;
      BasefoldParams in = inner_params;  // the set that holds the leaves
      in.sparse_pad = false;
      in.sparse_top = set.params.hiding && pcs.SparsePadCoeffs(n) > 0;
      EXPECT_EQ(entry->leaf_log, std::max(arity, BasefoldPcs(in).MinSecondaryLeafLog())) << n2;
    }
    const size_t n2 = n - a0, m2 = 3;
    Joint j = CommitAndOpen(pcs, n, n2, 2, m2, 91);
    ASSERT_TRUE(Check(pcs, j).ok());
    if (!set.params.hiding) {
      BasefoldEntry entry = pcs.JointEntry(n, n2).value();
      auto proof = BasefoldProof::Parse(j.proof, pcs.ShapeFor(n), 2, &entry, m2);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      EXPECT_TRUE(proof->pair_leaves);
      EXPECT_EQ(proof->secondary.base_leaves.size(), proof->secondary.num_leaves * m2 * 2);
      EXPECT_LE(proof->secondary.num_leaves, proof->rounds[0].num_leaves);
    }
    for (size_t i = 0; i < j.proof.size(); i += j.proof.size() / 400 + 1) {
      Joint bad = j;
      bad.proof[i] ^= static_cast<uint8_t>(1u << (i % 8));
      Status st = Check(pcs, bad);
      EXPECT_TRUE(st.code() == Code::kParse || st.code() == Code::kVerification)
          << "byte " << i << ": " << st.ToString();
    }
  }
}

TEST(BasefoldJoint, EveryClaimedValueAndTheCommitmentsAreBound) {
  for (const Set& set : Sets()) {
    BasefoldPcs pcs(set.params);
    Joint j = CommitAndOpen(pcs, 12, 9, 2, 2, 7);
    Status ok = Check(pcs, j);
    ASSERT_TRUE(ok.ok()) << set.name << ": " << ok.ToString();
    for (size_t k = 0; k < 2; ++k) {
      Joint bad = j;
      bad.evals1[k] += Fp2::One();
      EXPECT_EQ(Check(pcs, bad).code(), Code::kVerification) << set.name << " primary " << k;
      bad = j;
      bad.evals2[k] += Fp2::One();
      EXPECT_EQ(Check(pcs, bad).code(), Code::kVerification) << set.name << " secondary " << k;
    }
    Joint bad = j;
    bad.point[0] += Fp2::One();
    EXPECT_FALSE(Check(pcs, bad).ok()) << set.name << " point";
    bad = j;
    bad.point.back() += Fp2::One();  // in the secondary's suffix
    EXPECT_FALSE(Check(pcs, bad).ok()) << set.name << " suffix point";
    // Another secondary commitment of the same shape (other polynomials).
    Joint other = CommitAndOpen(pcs, 12, 9, 2, 2, 8);
    bad = j;
    bad.secondary = other.secondary;
    EXPECT_EQ(Check(pcs, bad).code(), Code::kVerification) << set.name << " swapped secondary";
    bad = j;
    bad.primary = other.primary;
    EXPECT_EQ(Check(pcs, bad).code(), Code::kVerification) << set.name << " swapped primary";
  }
}

TEST(BasefoldJoint, EveryByteFlippedAndEveryTruncationIsRejected) {
  for (const Set& set : {Sets()[1], Sets()[3]}) {
    BasefoldPcs pcs(set.params);
    Joint j = CommitAndOpen(pcs, 12, 10, 1, 1, 11);
    ASSERT_TRUE(Check(pcs, j).ok());
    size_t flipped = 0;
    for (size_t i = 0; i < j.proof.size(); i += 3, ++flipped) {
      Joint bad = j;
      bad.proof[i] ^= static_cast<uint8_t>(1u << (i % 8));
      EXPECT_FALSE(Check(pcs, bad).ok()) << set.name << " byte " << i;
    }
    EXPECT_GT(flipped, 1000u);
    for (size_t cut : {size_t{0}, size_t{40}, j.proof.size() / 2, j.proof.size() - 1}) {
      Joint bad = j;
      bad.proof.resize(cut);
      EXPECT_EQ(Check(pcs, bad).code(), Code::kParse) << set.name << " cut " << cut;
    }
    Joint longer = j;
    longer.proof.push_back(0);
    EXPECT_EQ(Check(pcs, longer).code(), Code::kParse) << set.name;
  }
}

TEST(BasefoldJoint, OneJointOpeningIsSmallerThanTwo) {
  for (const Set& set : Sets()) {
    BasefoldPcs pcs(set.params);
    size_t n = 15, n2 = 13;
    Joint j = CommitAndOpen(pcs, n, n2, 1, 1, 21);
    ASSERT_TRUE(Check(pcs, j).ok());
    std::mt19937_64 rng(21);
    auto p1 = RandomPolys(rng, 1, n), p2 = RandomPolys(rng, 1, n2);
    auto point = RandomPoint(rng, n);
    Transcript t("separate");
    PcsCommitted c1 = pcs.Commit(p1).value(), c2 = pcs.Commit(p2).value();
    size_t separate =
        pcs.Open(*c1.data, point, t)->proof.size() +
        pcs.Open(*c2.data, std::span<const Fp2>(point).subspan(n - n2), t)->proof.size();
    EXPECT_LT(j.proof.size() * 10, separate * 9)
        << set.name << ": " << j.proof.size() << " vs " << separate;
  }
}

TEST(BasefoldJoint, HidingOpeningsAreFresh) {
  BasefoldPcs pcs(BasefoldParams::HidingConjectured());
  Joint a = CommitAndOpen(pcs, 11, 9, 1, 1, 5), b = CommitAndOpen(pcs, 11, 9, 1, 1, 5);
  EXPECT_EQ(a.evals1, b.evals1);
  EXPECT_EQ(a.evals2, b.evals2);
  EXPECT_NE(a.secondary.root, b.secondary.root);
  EXPECT_NE(a.proof, b.proof);
}

// Zero knowledge of the secondary (docs/zk.md "Joint openings"): a fixed
// primary W and two secondaries A != B with A(z_high) = B(z_high). The
// classifier knows both candidates and answers the one whose Reed-Solomon
// codeword holds every opened secondary coset (a seeded coin when neither or
// both do); every shown value (mask values, sumcheck, final polynomial, every
// opened symbol of both trees) feeds the chi-square homogeneity test. Plain
// joint openings are the power check: the classifier is always right there.
// The primary's masks cover the secondary: inside round 0 (n = 11, n2 = 9:
// cosets of two symbols) and on its boundary (n = 12, n2 = 9: single symbols
// read from leaves of two; no masks of its own in either case).
class BasefoldJointZk : public ::testing::TestWithParam<std::pair<size_t, size_t>> {};

INSTANTIATE_TEST_SUITE_P(Entries, BasefoldJointZk,
                         ::testing::Values(std::pair<size_t, size_t>{11, 9},
                                           std::pair<size_t, size_t>{12, 9}));

TEST_P(BasefoldJointZk, OpeningsOfTwoSecondariesWithTheSameEvaluationAreIndistinguishable) {
  constexpr size_t kProofs = 40;
  const auto [kN, kN2] = GetParam();
  const bool boundary = kN == 12;
  std::vector<Fp2> z = testing::FixedPoint(kN);
  std::span<const Fp2> high = std::span<const Fp2>(z).subspan(kN - kN2);
  auto pair = testing::SameEvaluationPair(high);
  ASSERT_NE(pair[0], pair[1]);
  std::mt19937_64 rng(41);
  std::vector<Fp> w = RandomPolys(rng, 1, kN)[0];
  for (auto [hiding_params, plain_params] :
       {std::pair{BasefoldParams::Hiding(), BasefoldParams::Default()},
        std::pair{BasefoldParams::HidingConjectured(), BasefoldParams::Conjectured()}}) {
    for (bool hiding : {true, false}) {
      SCOPED_TRACE(hiding ? "hiding" : "plain");
      BasefoldParams params = hiding ? hiding_params : plain_params;
      BasefoldPcs pcs(params);
      BasefoldParams inner_params = params;
      inner_params.hiding = false;
      BasefoldPcs inner(inner_params);
      size_t pad = hiding ? pcs.HidingPadVars(kN) : 0;
      BasefoldEntry entry = inner.JointEntry(kN + pad, kN2 + pad).value();
      if (hiding) {
        EXPECT_EQ(entry.arity, boundary ? 0u : 1u);
        EXPECT_EQ(entry.leaf_log, 1u);
      }
      size_t masks = hiding ? BasefoldPcs::kHidingMasks : 0;
      // Every leaf of each candidate's codeword (the plain secondary's leaves).
      std::array<std::set<std::vector<uint64_t>>, 2> cosets;
      for (size_t k = 0; k < 2; ++k) {
        std::vector<Fp2> evals(pair[k].begin(), pair[k].end());
        std::vector<Fp2> cw =
            detail::EncodeMultilinear(std::span<const Fp2>(evals), kN2 + params.log_inv_rate, 1);
        size_t width = size_t{1} << entry.leaf_log;
        for (size_t i = 0; i < cw.size(); i += width) {
          std::vector<uint64_t> c;
          for (size_t j = i; j < i + width; ++j) c.push_back(cw[j].c0().value());
          cosets[k].insert(c);
        }
      }
      testing::ExpectDistinguisherVerdictOverSeeds(
          hiding, 2 * (hiding ? kProofs : 4), 2027,
          [&](uint64_t seed, size_t& correct, std::array<std::vector<uint64_t>, 2>& shown) {
            ScopedSeededMasksForTesting seeded(seed);
            PcsCommitted primary = pcs.Commit({w}).value();
            std::mt19937_64 coin(7);
            for (size_t n = 0; n < (hiding ? kProofs : 4); ++n) {
              for (size_t side = 0; side < 2; ++side) {
                auto secondary = pcs.CommitSecondary({pair[side]}, kN).value();
                Transcript t("joint-zk");
                auto op = pcs.OpenJoint(*primary.data, *secondary.data, z, t).value();
                ByteReader r(op.proof);
                std::vector<Fp2> mask_values = r.FieldArray<Fp2>("masks", masks).value();
                auto proof = BasefoldProof::Parse(ByteSpan(op.proof).subspan(r.offset()),
                                                  inner.ShapeFor(kN + pad), 1 + masks, &entry, 1)
                                 .value();
                // Each opened leaf of the secondary (its one polynomial).
                size_t width = size_t{1} << entry.leaf_log, leaves = proof.secondary.num_leaves;
                std::array<bool, 2> match{true, true};
                for (size_t l = 0; l < leaves; ++l) {
                  const Fp* leaf = proof.secondary.base_leaves.data() + l * width;
                  std::vector<uint64_t> c;
                  for (size_t j = 0; j < width; ++j) c.push_back(leaf[j].value());
                  for (size_t k = 0; k < 2; ++k) match[k] = match[k] && cosets[k].count(c) > 0;
                }
                size_t guess = match[0] != match[1] ? (match[0] ? 0 : 1) : (coin() & 1);
                correct += guess == side;
                std::vector<uint64_t>& v = shown[side];
                for (const Fp2& x : mask_values)
                  v.insert(v.end(), {x.c0().value(), x.c1().value()});
                for (Fp4 x : proof.sumcheck) v.push_back(x.c0().c0().value());
                for (Fp4 x : proof.final_poly) v.push_back(x.c0().c0().value());
                for (const auto& rd : proof.rounds) {
                  for (Fp x : rd.base_leaves) v.push_back(x.value());
                  for (Fp4 x : rd.ext_leaves) v.push_back(x.c1().c1().value());
                }
                for (Fp x : proof.secondary.base_leaves) v.push_back(x.value());
              }
            }
          });
    }
  }
}

TEST(BasefoldJoint, ShapesWithoutAnEntryAreRefused) {
  BasefoldPcs pcs(BasefoldParams::Conjectured());
  EXPECT_EQ(pcs.JointEntry(10, 11).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(pcs.JointEntry(10, 0).status().code(), Code::kInvalidArgument);
  // A secondary no larger than the final polynomial enters after the last round.
  EXPECT_EQ(pcs.JointEntry(14, 3).status().code(), Code::kInvalidArgument);
  std::mt19937_64 rng(3);
  EXPECT_FALSE(pcs.CommitSecondary(RandomPolys(rng, 1, 3), 14).ok());
  // Basefold over Fp2 (key kind 2) has no joint openings.
  BasefoldPcs fp2(BasefoldParams::UniqueDecoding(100, 4));
  PcsCommitted c1 = fp2.Commit(RandomPolys(rng, 1, 10)).value();
  auto c2 = fp2.CommitSecondary(RandomPolys(rng, 1, 9), 10);
  ASSERT_TRUE(c2.ok());
  Transcript t("fp2");
  EXPECT_EQ(fp2.OpenJoint(*c1.data, *c2->data, RandomPoint(rng, 10), t).status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace vinet::zk
