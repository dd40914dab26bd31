// The masked (zero-knowledge) sumcheck: completeness, soundness against every
// changed element and byte, fresh masks, and a distinguishing test on the
// round messages with a plain-sumcheck control (docs/zk.md "Masked sumcheck").
#include <gtest/gtest.h>

#include <array>
#include <random>

#include "unit/zk/chi_square.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/random.h"
#include "vinet/zk/sumcheck/zk_sumcheck.h"

namespace vinet::zk {
namespace {

std::vector<Fp2> RandomTable(std::mt19937_64& rng, size_t n) {
  std::vector<Fp2> t(size_t{1} << n);
  for (auto& x : t) x = Fp2(Fp(rng()), Fp(rng()));
  return t;
}

// f = 3 A B C + A + 5 B C (degree 3).
std::vector<ProductTerm> Terms() {
  return {{Fp2(Fp(3)), {0, 1, 2}}, {Fp2::One(), {0}}, {Fp2(Fp(5)), {1, 2}}};
}

const LigeroPcs& Pcs() {
  static const LigeroPcs pcs(LigeroParams{100, 2, 1, true});
  return pcs;
}

struct ProvedRun {
  std::vector<std::vector<Fp2>> polys;
  ZkSumcheckProverOutput out;
};

ProvedRun Prove(size_t n, uint64_t seed, const LigeroPcs& pcs = Pcs()) {
  std::mt19937_64 rng(seed);
  ProvedRun run;
  for (int k = 0; k < 3; ++k) run.polys.push_back(RandomTable(rng, n));
  Transcript t("zk-sumcheck-test");
  run.out = ProveZkSumcheck(run.polys, Terms(), t, pcs).value();
  return run;
}

Status Check(size_t n, const ZkSumcheckProof& proof, Fp2 claimed, const LigeroPcs& pcs = Pcs()) {
  Transcript t("zk-sumcheck-test");
  auto terms = Terms();
  return VerifyZkSumcheck(n, 3, terms, claimed, proof, t, pcs).status();
}

TEST(ZkSumcheck, CompleteAndReturnsTheTrueClaim) {
  for (size_t n : {1u, 4u, 9u, 14u}) {
    ProvedRun run = Prove(n, n);
    auto terms = Terms();
    // The claimed sum is the plain sumcheck's.
    Transcript tp("plain");
    auto plain = ProveSumcheck(run.polys, terms, tp).value();
    EXPECT_EQ(run.out.claimed_sum, plain.claimed_sum);
    Transcript tv("zk-sumcheck-test");
    auto claim = VerifyZkSumcheck(n, 3, terms, run.out.claimed_sum, run.out.proof, tv, Pcs());
    ASSERT_TRUE(claim.ok()) << claim.status().ToString() << " n=" << n;
    EXPECT_EQ(claim->point, run.out.point);
    for (size_t k = 0; k < 3; ++k) {
      EXPECT_EQ(claim->final_evals[k],
                EvaluateMle(std::span<const Fp2>(run.polys[k]), claim->point));
    }
    RecordProperty("proof_bytes_n" + std::to_string(n),
                   static_cast<int>(run.out.proof.ToBytes().size()));
    RecordProperty("mask_opening_bytes_n" + std::to_string(n),
                   static_cast<int>(run.out.proof.mask_opening.size()));
    // Round-trip through the canonical bytes.
    auto parsed = ZkSumcheckProof::Parse(run.out.proof.ToBytes(), n, 3, 3);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_TRUE(Check(n, *parsed, run.out.claimed_sum).ok());
  }
  // A non-hiding PCS is refused.
  std::mt19937_64 rng(1);
  std::vector<std::vector<Fp2>> polys = {RandomTable(rng, 3)};
  Transcript t("x");
  std::vector<ProductTerm> one = {{Fp2::One(), {0}}};
  EXPECT_EQ(ProveZkSumcheck(polys, one, t, LigeroPcs()).status().code(), Code::kInvalidArgument);
}

TEST(ZkSumcheck, EveryElementChangeIsRejected) {
  size_t n = 5;
  ProvedRun run = Prove(n, 77);
  const ZkSumcheckProof& p = run.out.proof;
  ASSERT_TRUE(Check(n, p, run.out.claimed_sum).ok());
  EXPECT_FALSE(Check(n, p, run.out.claimed_sum + Fp2::One()).ok());
  size_t checked = 0;
  auto reject = [&](const ZkSumcheckProof& bad, const std::string& what) {
    EXPECT_FALSE(Check(n, bad, run.out.claimed_sum).ok()) << what;
    ++checked;
  };
  for (size_t r = 0; r < p.inner.rounds.size(); ++r) {
    for (size_t c = 0; c < p.inner.rounds[r].coeffs.size(); ++c) {
      if (c == 1) continue;  // not sent: the verifier derives it from the claim
      ZkSumcheckProof bad = p;
      bad.inner.rounds[r].coeffs[c] += Fp2::One();
      reject(bad, "round " + std::to_string(r) + " coefficient " + std::to_string(c));
    }
  }
  for (size_t k = 0; k < p.inner.final_evals.size(); ++k) {
    ZkSumcheckProof bad = p;
    bad.inner.final_evals[k] += Fp2::One();
    reject(bad, "final eval " + std::to_string(k));
  }
  ZkSumcheckProof bad = p;
  bad.mask_sum += Fp2::One();
  reject(bad, "mask sum");
  bad = p;
  bad.mask_eval += Fp2::One();
  reject(bad, "mask eval");
  bad = p;
  bad.mask_commitment.root[3] ^= 1;
  reject(bad, "mask commitment");
  EXPECT_GT(checked, 20u);
}

TEST(ZkSumcheck, EveryByteChangeIsRejected) {
  // lambda = 24 keeps the mask opening small (~3 KB) so that every byte is flipped quickly.
  LigeroPcs pcs(LigeroParams{24, 2, 1, true});
  size_t n = 2;
  ProvedRun run = Prove(n, 5, pcs);
  Bytes bytes = run.out.proof.ToBytes();
  ASSERT_TRUE(Check(n, run.out.proof, run.out.claimed_sum, pcs).ok());
  for (size_t i = 0; i < bytes.size(); ++i) {
    Bytes b = bytes;
    b[i] ^= static_cast<uint8_t>(1u << (i % 8));
    auto parsed = ZkSumcheckProof::Parse(b, n, 3, 3);
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), Code::kParse);
      continue;
    }
    EXPECT_FALSE(Check(n, *parsed, run.out.claimed_sum, pcs).ok()) << "byte " << i;
  }
  Bytes longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(ZkSumcheckProof::Parse(longer, n, 3, 3).ok() &&
               Check(n, *ZkSumcheckProof::Parse(longer, n, 3, 3), run.out.claimed_sum, pcs).ok());
  EXPECT_EQ(ZkSumcheckProof::Parse(Bytes(bytes.begin(), bytes.end() - 1), n, 3, 3).status().code(),
            Code::kParse);
}

TEST(ZkSumcheck, TwoProofsOfTheSameStatementDiffer) {
  ProvedRun a = Prove(6, 1), b = Prove(6, 1);
  EXPECT_EQ(a.out.claimed_sum, b.out.claimed_sum);
  EXPECT_NE(a.out.proof.inner.rounds[0].coeffs, b.out.proof.inner.rounds[0].coeffs);
  EXPECT_NE(a.out.proof.ToBytes(), b.out.proof.ToBytes());
}

// Distinguishing test on the round messages. f = A * Q with two candidates
// A != A' of the same sum (A' = A + D, D chosen with sum_x D(x) Q(x) = 0),
// 64 proofs of each (seeded masks). (1) A classifier that knows both
// candidates computes each one's round-0 polynomial and answers the one equal
// to the proof's (a seeded coin otherwise): accuracy over the 128 proofs in
// [0.35, 0.65] with the mask, exactly 1.0 for the plain sumcheck (power).
// (2) Chi-square homogeneity (8 bins of [0, p), df 7, 0.001 critical value
// 24.32) of all round coefficients of A's proofs against A''s. The final
// evaluations A(r) are revealed by design (they are the claim) and excluded.
TEST(ZkSumcheck, RoundMessagesOfTwoWitnessesWithTheSameSumAreIndistinguishable) {
  constexpr size_t kVars = 6, kProofs = 64;
  std::mt19937_64 rng(31);
  std::vector<Fp2> a = RandomTable(rng, kVars), q = RandomTable(rng, kVars);
  std::vector<Fp2> d = RandomTable(rng, kVars);
  Fp2 dq;
  for (size_t x = 1; x < d.size(); ++x) dq += d[x] * q[x];
  d[0] = -dq * q[0].Inverse();
  std::array<std::vector<Fp2>, 2> cand = {a, a};
  for (size_t x = 0; x < a.size(); ++x) cand[1][x] += d[x];
  std::vector<ProductTerm> terms = {{Fp2::One(), {0, 1}}};
  auto round0 = [&](const std::vector<Fp2>& w) {
    Transcript t("round0");
    return ProveSumcheck({w, q}, terms, t).value().proof.rounds[0].coeffs;
  };
  std::array<std::vector<Fp2>, 2> truth = {round0(cand[0]), round0(cand[1])};
  ASSERT_NE(truth[0], truth[1]);
  for (bool masked : {true, false}) {
    testing::ExpectDistinguisherVerdictOverSeeds(
        masked, 2 * kProofs, 7,
        [&](uint64_t seed, size_t& correct, std::array<std::vector<uint64_t>, 2>& shown) {
          ScopedSeededMasksForTesting seeded(seed);
          std::mt19937_64 coin(3);
          for (size_t n = 0; n < kProofs; ++n) {
            for (size_t side = 0; side < 2; ++side) {
              Transcript t("zk-distinguish");
              std::vector<std::vector<Fp2>> polys = {cand[side], q};
              SumcheckProof proof =
                  masked ? ProveZkSumcheck(polys, terms, t, Pcs()).value().proof.inner
                         : ProveSumcheck(polys, terms, t).value().proof;
              const auto& r0 = proof.rounds[0].coeffs;
              bool m0 = r0 == truth[0], m1 = r0 == truth[1];
              size_t guess = m0 != m1 ? (m0 ? 0 : 1) : (coin() & 1);
              correct += guess == side;
              for (const auto& round : proof.rounds) {
                for (const Fp2& c : round.coeffs) {
                  shown[side].insert(shown[side].end(), {c.c0().value(), c.c1().value()});
                }
              }
            }
          }
        });
  }
}

}  // namespace
}  // namespace vinet::zk
