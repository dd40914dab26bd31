// Adaptive cheating provers against the protocol shapes the model circuits
// use, for every PCS implementation: the prover keeps the transcript
// consistent and pushes a lie through each sumcheck (round polynomials
// corrected so that g(0) + g(1) always equals the running false claim) or
// lookup (an honest LogUp over a substituted witness), so that every check
// but the last passes; the commitment opening must then reject.
//
// Shapes (docs/zkml.md): matmul A·B (Linear/Conv weights × input, degree 2),
// gather T·x (conv im2col, pools, degree 2), the max-pool zero-check
// eq·d·e (degree 3), claim batching W·E (degree 2), and LogUp range and
// two-column clamp lookups (requantization limbs, ReLU/clamp activations),
// alone and in one LogUp batch.
// Adding a PCS is one line in `Schemes()`.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <random>

#include "vinet/zk/lookup/logup_gkr.h"
#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/pcs/ligero.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/sumcheck/sumcheck.h"

namespace vinet::zk {
namespace {

using PcsFactory = std::function<std::unique_ptr<MultilinearPcs>()>;

struct Scheme {
  std::string name;
  PcsFactory make;
};

std::vector<Scheme> Schemes() {
  return {
      {"ligero",
       [] {
         return std::make_unique<LigeroPcs>(LigeroParams{100, 2, 1});
       }},
      {"basefold", [] { return std::make_unique<BasefoldPcs>(); }},
      {"basefold_hiding", [] { return std::make_unique<BasefoldPcs>(BasefoldParams::Hiding()); }},
      {"basefold_conjectured",
       [] { return std::make_unique<BasefoldPcs>(BasefoldParams::Conjectured()); }},
      {"basefold_hiding_conjectured",
       [] { return std::make_unique<BasefoldPcs>(BasefoldParams::HidingConjectured()); }},
      {"basefold_unique_fp2",
       [] { return std::make_unique<BasefoldPcs>(BasefoldParams::UniqueDecoding(100, 2)); }},
  };
}

std::vector<Fp> Random(size_t vars, uint64_t seed, uint64_t bound = 0) {
  std::mt19937_64 rng(seed);
  std::vector<Fp> v(size_t{1} << vars);
  for (Fp& x : v) x = Fp(bound ? rng() % bound : rng());
  return v;
}

// Sum over the hypercube of the terms, from the tables.
Fp2 HonestSum(const std::vector<std::vector<Fp2>>& polys, std::span<const ProductTerm> terms) {
  Fp2 s = Fp2::Zero();
  std::vector<Fp2> row(polys.size());
  for (size_t i = 0; i < polys[0].size(); ++i) {
    for (size_t k = 0; k < polys.size(); ++k) row[k] = polys[k][i];
    s += EvaluateTerms(terms, row);
  }
  return s;
}

// A sumcheck prover for a false sum `lie`: each round sends the honest
// round polynomial plus the constant that makes g(0) + g(1) equal the running
// false claim, and at the end reports a false value for `liar` (a factor that
// occurs at most once per term) so that the final check holds. Same
// transcript labels as ProveSumcheck, so a verifier replays it unchanged.
SumcheckProverOutput CheatSumcheck(std::vector<std::vector<Fp2>> polys,
                                   std::span<const ProductTerm> terms, Fp2 lie, size_t liar,
                                   Transcript& t) {
  size_t n = std::countr_zero(polys[0].size());
  size_t degree = SumcheckDegree(terms);
  SumcheckProverOutput out;
  out.claimed_sum = lie;
  t.AbsorbFp2("sumcheck.claim", lie);
  Fp2 claim = lie;
  const Fp2 half = Fp2(Fp(2)).Inverse();
  for (size_t round = 0; round < n; ++round) {
    size_t h = polys[0].size() / 2;
    std::vector<Fp2> evals(degree + 1, Fp2::Zero()), row(polys.size());
    for (size_t b = 0; b < h; ++b) {
      for (size_t x = 0; x <= degree; ++x) {
        Fp2 xf = Fp2(Fp(x));
        for (size_t k = 0; k < polys.size(); ++k) {
          row[k] = polys[k][b] + xf * (polys[k][b + h] - polys[k][b]);
        }
        evals[x] += EvaluateTerms(terms, row);
      }
    }
    UnivariatePoly g = UnivariatePoly::Interpolate(evals);
    g.coeffs[0] += (claim - g.SumOverBooleans()) * half;  // the lie, carried on
    t.AbsorbFp2s("sumcheck.round", g.coeffs);
    Fp2 r = t.ChallengeFp2("sumcheck.challenge");
    claim = g.Evaluate(r);
    out.point.push_back(r);
    out.proof.rounds.push_back(std::move(g));
    for (auto& p : polys) FoldFirstVariable(p, r);
  }
  std::vector<Fp2> fin;
  for (const auto& p : polys) fin.push_back(p[0]);
  // The terms are affine in the liar's value: solve for the false one.
  std::vector<Fp2> at0 = fin, at1 = fin;
  at0[liar] = Fp2::Zero();
  at1[liar] = Fp2::One();
  Fp2 beta = EvaluateTerms(terms, at0), alpha = EvaluateTerms(terms, at1) - beta;
  fin[liar] = (claim - beta) * alpha.Inverse();
  out.proof.final_evals = fin;
  t.AbsorbFp2s("sumcheck.final_evals", fin);
  return out;
}

class AdaptiveCheat : public ::testing::TestWithParam<Scheme> {
 protected:
  std::unique_ptr<MultilinearPcs> pcs_ = GetParam().make();

  // Commits `committed`, runs a lying sumcheck over `tables` (the committed
  // polynomial at index `liar`), checks that the sumcheck verifier accepts
  // and that the opening of the false final claim is rejected.
  void ExpectCaughtAtOpening(const std::vector<Fp>& committed, std::vector<std::vector<Fp2>> tables,
                             const std::vector<ProductTerm>& terms, size_t liar) {
    auto com = pcs_->Commit({committed});
    ASSERT_TRUE(com.ok()) << com.status().ToString();
    Fp2 truth = HonestSum(tables, terms);
    Fp2 lie = truth + Fp2(Fp(1));
    size_t n = std::countr_zero(tables[0].size());

    Transcript tp("vinet.zk.adaptive.v1");
    com->commitment.AbsorbInto(tp);
    SumcheckProverOutput out = CheatSumcheck(tables, terms, lie, liar, tp);
    auto opening = pcs_->Open(*com->data, out.point, tp);
    ASSERT_TRUE(opening.ok());
    ASSERT_NE(opening->evals[0], out.proof.final_evals[liar]);  // the lie reached the PCS

    Transcript tv("vinet.zk.adaptive.v1");
    com->commitment.AbsorbInto(tv);
    auto claim = VerifySumcheck(n, tables.size(), terms, lie, out.proof, tv);
    ASSERT_TRUE(claim.ok()) << "the lie was meant to pass the sumcheck: "
                            << claim.status().ToString();
    std::vector<Fp2> claimed = {claim->final_evals[liar]};
    Status st = pcs_->Verify(com->commitment, claim->point, claimed, opening->proof, tv);
    EXPECT_EQ(st.code(), Code::kVerification) << st.ToString();
    // With the honest value the same opening verifies: only the lie fails.
    Transcript th("vinet.zk.adaptive.v1");
    com->commitment.AbsorbInto(th);
    ASSERT_TRUE(VerifySumcheck(n, tables.size(), terms, lie, out.proof, th).ok());
    EXPECT_TRUE(
        pcs_->Verify(com->commitment, claim->point, opening->evals, opening->proof, th).ok());
  }
};

// Linear / Conv: Σ_k W(ρ, k)·x(k), the lie lands on the committed weights.
TEST_P(AdaptiveCheat, MatmulLieLandsOnTheWeightOpening) {
  std::vector<Fp> w = Random(7, 1, 255), x = Random(7, 2, 255);
  ExpectCaughtAtOpening(w, {ToExtension(w), ToExtension(x)}, {{Fp2::One(), {0, 1}}}, 0);
}

// Conv im2col / pools: Σ_j G̃(r, j)·x(j) with the gather table public (the
// verifier evaluates it), the lie lands on the committed input x.
TEST_P(AdaptiveCheat, GatherLieLandsOnTheInputOpening) {
  std::vector<Fp> x = Random(6, 3, 255);
  std::vector<Fp2> g = ToExtension(Random(6, 4, 9));
  ExpectCaughtAtOpening(x, {g, ToExtension(x)}, {{Fp2::One(), {0, 1}}}, 1);
}

// Max-pool zero-check: Σ_p eq(r, p)·d(p)·e(p) = 0 (degree 3), the lie lands
// on the committed steps d.
TEST_P(AdaptiveCheat, MaxPoolZeroCheckLieLandsOnTheAdviceOpening) {
  std::vector<Fp> d = Random(6, 5, 256), e(64);  // d·e = 0 row by row, both nonzero somewhere
  for (size_t i = 0; i < e.size(); i += 3) d[i] = Fp::Zero();
  for (size_t i = 0; i < e.size(); ++i) e[i] = d[i] == Fp::Zero() ? Fp(i + 1) : Fp::Zero();
  std::vector<Fp2> r(6);
  for (size_t i = 0; i < r.size(); ++i) r[i] = Fp2(Fp(7 * i + 3), Fp(i + 11));
  ExpectCaughtAtOpening(d, {EqTable(r), ToExtension(d), ToExtension(e)}, {{Fp2::One(), {0, 1, 2}}},
                        1);
}

// Claim batching: Σ_x W(x)·E(x) with E = Σ_k β^k eq(z_k, ·): a false batched
// value lands on the single opening of W (requantization's q', limbs, y).
TEST_P(AdaptiveCheat, BatchedClaimLieLandsOnTheOpening) {
  std::vector<Fp> w = Random(8, 6);
  std::vector<Fp2> e(256, Fp2::Zero());
  Fp2 beta = Fp2(Fp(12345), Fp(678)), pow = Fp2::One();
  for (uint64_t k = 0; k < 3; ++k) {
    std::vector<Fp2> z(8);
    for (size_t i = 0; i < z.size(); ++i) z[i] = Fp2(Fp(k * 31 + i + 2));
    std::vector<Fp2> eq = EqTable(z);
    for (size_t i = 0; i < e.size(); ++i) e[i] += pow * eq[i];
    pow *= beta;
  }
  ExpectCaughtAtOpening(w, {ToExtension(w), e}, {{Fp2::One(), {0, 1}}}, 0);
}

// Lookups: a committed witness with a row outside the table. The cheater
// runs an honest LogUp over a substituted in-table witness (so the GKR
// layers and the root check pass) and opens the committed one at the
// lookup's final point: the opening rejects the substituted value.
// One-column: requantization limbs in RangeTable(8); two-column: (q', y)
// pairs in the ReLU-clamp table.
TEST_P(AdaptiveCheat, LookupLieLandsOnTheWitnessOpening) {
  RangeTable range(8);
  ReluClampTable relu(9, 7);
  for (const LookupTable* table :
       {static_cast<const LookupTable*>(&range), static_cast<const LookupTable*>(&relu)}) {
    size_t cols = table->num_columns();
    std::vector<std::vector<Fp>> honest(cols);
    std::mt19937_64 rng(9);
    for (size_t i = 0; i < 128; ++i) {
      size_t row = rng() % (size_t{1} << table->num_vars());
      for (size_t c = 0; c < cols; ++c) honest[c].push_back(table->Value(c, row));
    }
    std::vector<std::vector<Fp>> committed = honest;
    committed[cols - 1][17] += Fp(300);  // not a table row (an out-of-range limb / a wrong y)
    ASSERT_FALSE(ComputeMultiplicities(*table, committed).ok());
    auto m = ComputeMultiplicities(*table, honest);
    ASSERT_TRUE(m.ok());
    auto com = pcs_->Commit(committed);
    ASSERT_TRUE(com.ok());

    Transcript tp("vinet.zk.adaptive.lookup.v1");
    com->commitment.AbsorbInto(tp);
    LogUpClaims pc;
    auto proof = ProveLogUp(*table, honest, *m, tp, 1, &pc);
    ASSERT_TRUE(proof.ok());
    auto opening = pcs_->Open(*com->data, pc.witness_point, tp);
    ASSERT_TRUE(opening.ok());

    Transcript tv("vinet.zk.adaptive.lookup.v1");
    com->commitment.AbsorbInto(tv);
    auto claims = VerifyLogUp(StatementFor(*table, 7), *proof, tv);
    ASSERT_TRUE(claims.ok()) << "the substituted witness was meant to pass: "
                             << claims.status().ToString();
    ASSERT_NE(claims->witness_evals, opening->evals);  // the lie reached the PCS
    Status st = pcs_->Verify(com->commitment, claims->witness_point, claims->witness_evals,
                             opening->proof, tv);
    EXPECT_EQ(st.code(), Code::kVerification) << table->num_columns() << ": " << st.ToString();
  }
}

// The same lie inside a LogUp batch (all the lookups of a model proof): the
// range lookup (tree depth 9) lies, batched with an honest ReLU-clamp lookup
// (depth 10), so the liar is padded to the deeper tree. The batch verifies
// and hands the liar's substituted value to the opening, which rejects it.
TEST_P(AdaptiveCheat, BatchedLookupLieLandsOnTheWitnessOpening) {
  RangeTable range(8);
  ReluClampTable relu(9, 7);
  std::mt19937_64 rng(10);
  std::vector<std::vector<Fp>> limbs(1), pairs(2);
  for (size_t i = 0; i < 128; ++i) limbs[0].push_back(range.Value(0, rng() % 256));
  for (size_t i = 0; i < 32; ++i) {
    size_t row = rng() % 512;
    for (size_t c = 0; c < 2; ++c) pairs[c].push_back(relu.Value(c, row));
  }
  std::vector<std::vector<Fp>> committed = limbs;
  committed[0][17] += Fp(300);  // an out-of-range limb
  auto m_range = ComputeMultiplicities(range, limbs);
  auto m_relu = ComputeMultiplicities(relu, pairs);
  ASSERT_TRUE(m_range.ok() && m_relu.ok());
  auto com = pcs_->Commit(committed);
  ASSERT_TRUE(com.ok());
  std::vector<LogUpInstance> instances = {{&range, limbs, *m_range}, {&relu, pairs, *m_relu}};

  Transcript tp("vinet.zk.adaptive.lookup_batch.v1");
  com->commitment.AbsorbInto(tp);
  std::vector<LogUpClaims> pc;
  auto proof = ProveLogUpBatch(instances, tp, 1, &pc);
  ASSERT_TRUE(proof.ok());
  auto opening = pcs_->Open(*com->data, pc[0].witness_point, tp);
  ASSERT_TRUE(opening.ok());

  Transcript tv("vinet.zk.adaptive.lookup_batch.v1");
  com->commitment.AbsorbInto(tv);
  std::vector<LogUpStatement> sts = {StatementFor(range, 7), StatementFor(relu, 5)};
  auto claims = VerifyLogUpBatch(sts, *proof, tv);
  ASSERT_TRUE(claims.ok()) << "the substituted witness was meant to pass: "
                           << claims.status().ToString();
  ASSERT_EQ((*claims)[0].witness_point.size(), 7u);
  ASSERT_NE((*claims)[0].witness_evals, opening->evals);  // the lie reached the PCS
  Status st = pcs_->Verify(com->commitment, (*claims)[0].witness_point, (*claims)[0].witness_evals,
                           opening->proof, tv);
  EXPECT_EQ(st.code(), Code::kVerification) << st.ToString();
}

INSTANTIATE_TEST_SUITE_P(Pcs, AdaptiveCheat, ::testing::ValuesIn(Schemes()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace vinet::zk
