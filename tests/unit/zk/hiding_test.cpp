// Zero knowledge of the hiding Ligero opening (docs/zk.md "Zero knowledge"):
// masks are fresh per commitment and opening, and openings of two different
// polynomials with the same evaluation at the same point cannot be told apart
// by the stated tests, while the same tests tell non-hiding openings apart.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <array>
#include <random>

#include "unit/zk/chi_square.h"
#include "unit/zk/same_evaluation.h"
#include "vinet/zk/pcs/ligero.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/random.h"

namespace vinet::zk {
namespace {

constexpr size_t kVars = 9;  // 2 x 256 matrix: u_eval is a combination of two rows

std::vector<Fp2> FixedPoint() {
  return testing::FixedPoint(kVars);
}
using testing::SameEvaluationPair;

struct Opening {
  PcsCommitment commitment;
  std::vector<Fp2> evals;
  LigeroProof proof;
};

Opening CommitAndOpen(const LigeroPcs& pcs, const std::vector<Fp>& poly, std::span<const Fp2> z) {
  Opening o;
  PcsCommitted c = pcs.Commit({poly}).value();
  o.commitment = c.commitment;
  Transcript t("hiding-test");
  o.proof = pcs.OpenProof(*c.data, z, t, &o.evals).value();
  Transcript tv("hiding-test");
  EXPECT_TRUE(pcs.VerifyProof(o.commitment, z, o.evals, o.proof, tv).ok());
  return o;
}

// Every field value a proof shows: the commitment root (as 4 words), u_prox,
// u_eval, blind_eval and every opened column value.
std::vector<uint64_t> ShownValues(const Opening& o) {
  std::vector<uint64_t> v;
  for (size_t i = 0; i < 32; i += 8) {
    uint64_t w = 0;
    for (size_t k = 0; k < 8; ++k) w |= uint64_t{o.commitment.root[i + k]} << (8 * k);
    v.push_back(w % Fp::kModulus);
  }
  for (const Fp2& x : o.proof.u_prox) v.insert(v.end(), {x.c0().value(), x.c1().value()});
  for (const Fp2& x : o.proof.u_eval) v.insert(v.end(), {x.c0().value(), x.c1().value()});
  if (o.proof.blind_eval)
    v.insert(v.end(), {o.proof.blind_eval->c0().value(), o.proof.blind_eval->c1().value()});
  for (const auto& col : o.proof.columns)
    for (Fp x : col) v.push_back(x.value());
  return v;
}

// The knowledge-of-candidates classifier: it knows A and B and the point, and
// computes the evaluation row u = sum_i eq(z_row, i) row_i of each candidate;
// it answers the candidate whose u equals the proof's u_eval (first cols
// entries), and flips a seeded coin when neither or both do.
size_t Classify(const Opening& o, const std::array<std::vector<Fp>, 2>& candidates,
                std::span<const Fp2> z, std::mt19937_64& coin) {
  LigeroPcs::Shape s = LigeroPcs::ShapeFor(kVars);
  size_t cols = size_t{1} << s.cols_log, rows = size_t{1} << s.rows_log;
  std::vector<Fp2> eq_row = EqTable(z.subspan(s.cols_log));
  std::array<bool, 2> match{};
  for (size_t c = 0; c < 2; ++c) {
    bool all = true;
    for (size_t j = 0; j < cols && all; ++j) {
      Fp2 u;
      for (size_t i = 0; i < rows; ++i) u += eq_row[i] * candidates[c][i * cols + j];
      all = u == o.proof.u_eval[j];
    }
    match[c] = all;
  }
  if (match[0] != match[1]) return match[0] ? 0 : 1;
  return coin() & 1;
}

// The verdict helper itself: a run that leaks fails on both seeds; a chance
// extreme of the first seed alone is decided by the second.
TEST(DistinguisherVerdict, ALeakFailsOnEverySeedAChanceExtremeOnlyOnOne) {
  auto fill = [](std::array<std::vector<uint64_t>, 2>& shown, bool skewed) {
    for (uint64_t i = 0; i < 800; ++i) {
      uint64_t spread = (i % 8) * (Fp::kModulus / 8) + 1;
      shown[0].push_back(skewed ? 1 : spread);
      shown[1].push_back(spread);
    }
  };
  std::vector<uint64_t> seeds;
  auto leak = [&](uint64_t seed, size_t& correct, std::array<std::vector<uint64_t>, 2>& shown) {
    seeds.push_back(seed);
    correct = 50;
    fill(shown, true);
  };
  EXPECT_NONFATAL_FAILURE(testing::ExpectDistinguisherVerdictOverSeeds(true, 100, 5, leak),
                          "ChiSquareHomogeneity");
  EXPECT_EQ(seeds, (std::vector<uint64_t>{5, 6}));
  seeds.clear();
  auto chance = [&](uint64_t seed, size_t& correct, std::array<std::vector<uint64_t>, 2>& shown) {
    seeds.push_back(seed);
    correct = 50;
    fill(shown, seed == 5);
  };
  testing::ExpectDistinguisherVerdictOverSeeds(true, 100, 5, chance);
  EXPECT_EQ(seeds, (std::vector<uint64_t>{5, 6}));
  seeds.clear();
  auto clean = [&](uint64_t seed, size_t& correct, std::array<std::vector<uint64_t>, 2>& shown) {
    seeds.push_back(seed);
    correct = 48;
    fill(shown, false);
  };
  testing::ExpectDistinguisherVerdictOverSeeds(true, 100, 5, clean);
  EXPECT_EQ(seeds, (std::vector<uint64_t>{5}));
}

TEST(LigeroHiding, MasksAreFreshPerCommitmentAndOpening) {
  LigeroPcs pcs(LigeroParams{100, 2, 1, true});
  std::vector<Fp2> z = FixedPoint();
  auto pair = SameEvaluationPair(z);
  Opening a = CommitAndOpen(pcs, pair[0], z), b = CommitAndOpen(pcs, pair[0], z);
  EXPECT_NE(a.commitment.root, b.commitment.root);  // same polynomial, fresh salts and pads
  EXPECT_EQ(a.evals, b.evals);
  EXPECT_NE(a.proof.u_prox, b.proof.u_prox);
  EXPECT_NE(a.proof.u_eval, b.proof.u_eval);
  EXPECT_NE(a.proof.ToBytes(), b.proof.ToBytes());
  // The non-hiding scheme is deterministic: the same statement gives the same proof.
  LigeroPcs plain;
  Opening c = CommitAndOpen(plain, pair[0], z), d = CommitAndOpen(plain, pair[0], z);
  EXPECT_EQ(c.proof.ToBytes(), d.proof.ToBytes());
}

// Distinguishing test. 64 proofs of each of A and B (same evaluation at the
// same point), masks from a fixed seed so the test is deterministic:
//  (1) the candidate classifier above, run on all 128 proofs, has accuracy in
//      [0.35, 0.65] with hiding (chance is 0.5; the band is +-3.4 sigma), and
//      it is right on every proof without hiding (the test has power);
//  (2) the chi-square homogeneity statistic of all values the A-proofs show
//      against all values the B-proofs show stays below the 0.001 critical
//      value 24.32 (df 7) with hiding.
TEST(LigeroHiding, OpeningsOfTwoPolynomialsWithTheSameEvaluationAreIndistinguishable) {
  constexpr size_t kProofs = 64;
  std::vector<Fp2> z = FixedPoint();
  auto pair = SameEvaluationPair(z);
  ASSERT_NE(pair[0], pair[1]);
  ASSERT_EQ(EvaluateMle(std::span<const Fp>(pair[0]), z),
            EvaluateMle(std::span<const Fp>(pair[1]), z));
  for (bool hiding : {true, false}) {
    LigeroPcs pcs(LigeroParams{100, 2, 1, hiding});
    testing::ExpectDistinguisherVerdictOverSeeds(
        hiding, 2 * kProofs, 2026,
        [&](uint64_t seed, size_t& correct, std::array<std::vector<uint64_t>, 2>& shown) {
          ScopedSeededMasksForTesting seeded(seed);
          std::mt19937_64 coin(99);
          for (size_t n = 0; n < kProofs; ++n) {
            for (size_t side = 0; side < 2; ++side) {
              Opening o = CommitAndOpen(pcs, pair[side], z);
              correct += Classify(o, pair, z, coin) == side;
              std::vector<uint64_t> v = ShownValues(o);
              shown[side].insert(shown[side].end(), v.begin(), v.end());
            }
          }
        });
  }
}

}  // namespace
}  // namespace vinet::zk
