// The joint claim batch with the mask bank inside it
// (zk/sumcheck/joint_bank_batch.h): for lifts j = 0 and j > 0, with T in one
// zero-padded chunk and in several, inside R1 of the secondary's size and
// inside R1 and R2 of k < n2 variables (JointMaskVars), the verifier accepts the honest batch in
// the prover's transcript and returns the true evaluations of W, A and every
// bank polynomial; it rejects a false claim on W or A, a changed G1 or G2,
// every changed final evaluation, changed rounds, a bank table changed after
// its slots ran (T binds the slots' derived v_s) and the batch's own slot
// value changed, dropped or added.
// Zero knowledge: two witnesses with the same claims give batches that a
// classifier knowing both cannot tell apart (the same classifier on the
// unmasked joint batch is always right).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>

#include "unit/zk/chi_square.h"
#include "unit/zk/random_values.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/random.h"
#include "vinet/zk/sumcheck/joint_bank_batch.h"
#include "vinet/zk/transcript/transcript.h"
#include "zk/pcs/basefold_fold.h"
#include "zk/sumcheck/claim_combination.h"

namespace vinet::zk {
namespace {

std::vector<Fp> BaseTable(std::mt19937_64& rng, size_t vars) {
  return testing::RandomTable(rng, vars);
}

std::vector<Fp2> Point(std::mt19937_64& rng, size_t vars) {
  return testing::RandomFp2s(rng, vars);
}

const std::vector<ProductTerm>& Product() {
  static const std::vector<ProductTerm> t = {{Fp2::One(), {0, 1}}};
  return t;
}

// One proof: a masked product sumcheck of 3 variables (the bank's first
// slot), then the joint bank batch.
struct Case {
  size_t n, n2, k;
  std::vector<Fp> w, a;
  std::vector<EvalClaim> wc, ac;
  std::vector<MaskShape> shapes;
  std::vector<std::vector<Fp2>> slot_polys;
  Fp2 slot_sum;
  // The prover's output.
  std::vector<std::vector<Fp>> bank_polys;
  SumcheckProof slot_proof;
  JointBankBatchProof proof;
  JointBankClaims reduced;
  Transcript transcript{"jointbank-test"};

  // lifted: R1 and R2 of JointMaskVars variables (below n2 in kLifted), else n2.
  Case(size_t n_, size_t n2_, uint64_t seed, bool lifted = false) : n(n_), n2(n2_) {
    std::vector<MaskShape> first = {{3, 2}};
    k = lifted ? JointMaskVars(first, n, n2) : n2;
    std::mt19937_64 rng(seed);
    w = BaseTable(rng, n);
    a = BaseTable(rng, n2);
    for (int k = 0; k < 2; ++k) {
      auto z = Point(rng, n);
      wc.push_back({z, EvaluateMle(w, z)});
      auto u = Point(rng, n2);
      ac.push_back({u, EvaluateMle(a, u)});
    }
    shapes = {{3, 2}};
    if (n > k) shapes.push_back({n - k, 2});
    slot_polys = {Point(rng, 8), Point(rng, 8)};
    for (size_t i = 0; i < 8; ++i) slot_sum += slot_polys[0][i] * slot_polys[1][i];
  }

  // `tamper_table`: changes T's entry 0 after the slots ran.
  Status Prove(bool tamper_table = false) {
    VINET_ASSIGN_OR_RETURN(MaskBankProver bank, MaskBankProver::Draw(shapes));
    VINET_ASSIGN_OR_RETURN(bank_polys, JointBankPolys(bank.table(), n2, k));
    VINET_ASSIGN_OR_RETURN(SumcheckProverOutput s,
                           bank.Prove(slot_polys, Product(), transcript, 1));
    slot_proof = s.proof;
    if (tamper_table) {  // T's entry 0: inside R1, or the first chunk after R1, R2
      size_t at = TableInMask(MaskBankVars(shapes), k) ? 0 : 2;
      bank_polys[at][0] += Fp::One();
    }
    VINET_ASSIGN_OR_RETURN(
        proof, ProveJointBankBatch(w, wc, a, ac, bank_polys, bank, transcript, &reduced, 2));
    return Status();
  }

  Result<JointBankClaims> Verify(const JointBankBatchProof& p, std::vector<EvalClaim> w_claims,
                                 std::vector<EvalClaim> a_claims,
                                 bool same_transcript = true) const {
    Transcript t("jointbank-test");
    MaskBankVerifier bank(shapes);
    VINET_RETURN_IF_ERROR(bank.Verify(3, 2, Product(), slot_sum, slot_proof, t).status());
    VINET_ASSIGN_OR_RETURN(JointBankClaims c,
                           VerifyJointBankBatch(n, w_claims, n2, k, a_claims, p, bank, t));
    if (same_transcript && t.state() != transcript.state()) {
      return Error(Code::kInternal, "transcripts differ");
    }
    return c;
  }
  Result<JointBankClaims> Verify(const JointBankBatchProof& p) const { return Verify(p, wc, ac); }

  // Bank polynomial `k` at the secondary's point: R1 and R2 are lifts to
  // its last variables.
  Fp2 BankPolyAt(size_t i, std::span<const Fp2> secondary_point) const {
    const std::vector<Fp>& p = bank_polys[i];
    size_t vars = std::countr_zero(p.size());
    return EvaluateMle(p, secondary_point.subspan(secondary_point.size() - vars));
  }
};

struct Shape {
  size_t n, n2;
  bool lifted;
};
// (n, n2): lift 0 and > 0; T (6 or 5 variables) in chunks, alone, or inside
// R1; then R1, R2 of k < n2 variables (JointMaskVars), with j = 0 and j > 0.
const std::vector<Shape> kShapes = {{6, 4, false},  {9, 9, false},  {10, 7, false}, {5, 5, false},
                                    {12, 10, true}, {10, 10, true}, {9, 8, true}};

std::string Name(const Shape& s) {
  return "n=" + std::to_string(s.n) + " n2=" + std::to_string(s.n2) + (s.lifted ? " lifted" : "");
}

TEST(JointBankBatch, MasksAreLiftedToTheSmallestSizeThatHoldsT) {
  std::vector<MaskShape> first = {{3, 2}};
  for (const Shape& sh : kShapes) {  // the lifted cases below do lift
    if (sh.lifted) {
      EXPECT_LT(JointMaskVars(first, sh.n, sh.n2), sh.n2) << Name(sh);
    }
  }
  for (size_t n = 4; n <= 24; ++n) {
    for (size_t n2 = 1; n2 <= n; ++n2) {
      size_t k = JointMaskVars(first, n, n2);
      ASSERT_LE(k, n2);
      std::vector<MaskShape> with = first;
      if (n > k) with.push_back({n - k, 2});
      size_t m = MaskBankVars(with);
      if (k < n2) {
        EXPECT_TRUE(TableInMask(m, k)) << n << " " << n2;
        EXPECT_GE(k, kMinJointMaskVars);
      }
      // Minimal: no smaller k >= 4 holds T with its own slot.
      for (size_t smaller = kMinJointMaskVars; smaller < k; ++smaller) {
        std::vector<MaskShape> other = first;
        if (n > smaller) other.push_back({n - smaller, 2});
        EXPECT_FALSE(TableInMask(MaskBankVars(other), smaller)) << n << " " << n2 << " " << smaller;
      }
    }
  }
}

TEST(JointBankBatch, HonestBatchVerifiesWithTheTrueEvaluations) {
  for (const Shape& sh : kShapes) {
    SCOPED_TRACE(Name(sh));
    size_t n = sh.n, n2 = sh.n2;
    Case c(n, n2, 11 + n, sh.lifted);
    EXPECT_EQ(c.k < n2, sh.lifted);
    ASSERT_TRUE(c.Prove().ok());
    size_t table_vars = MaskBankVars(c.shapes);
    ASSERT_EQ(c.bank_polys.size(), JointBankPolyCount(table_vars, n2));
    auto got = c.Verify(c.proof);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->primary.point, c.reduced.primary.point);
    EXPECT_EQ(got->primary.value, EvaluateMle(c.w, got->primary.point));
    ASSERT_EQ(got->secondary_evals.size(), 1 + c.bank_polys.size());
    EXPECT_EQ(got->secondary_evals[0], EvaluateMle(c.a, got->secondary_point));
    for (size_t k = 0; k < c.bank_polys.size(); ++k) {
      EXPECT_EQ(got->secondary_evals[1 + k], c.BankPolyAt(k, got->secondary_point)) << k;
      EXPECT_EQ(got->secondary_evals[1 + k],
                EvaluateMle(k < 2 ? LiftToLastVars(c.bank_polys[k], n2) : c.bank_polys[k],
                            got->secondary_point))
          << k;
    }
    EXPECT_EQ(got->secondary_point,
              std::vector<Fp2>(got->primary.point.begin() + (n - n2), got->primary.point.end()));
  }
}

TEST(JointBankBatch, MasksAreFreshAndTheTableIsCopiedIntoTheChunks) {
  Case c(6, 4, 3);
  ASSERT_TRUE(c.Prove().ok());
  auto first = c.bank_polys;
  Case d(6, 4, 3);
  ASSERT_TRUE(d.Prove().ok());
  for (size_t k = 0; k < first.size(); ++k) EXPECT_NE(first[k], d.bank_polys[k]) << k;
  EXPECT_NE(c.proof.r1_sum, d.proof.r1_sum);
  std::vector<Fp> table(64);
  for (size_t i = 0; i < 64; ++i) table[i] = Fp(i + 1);
  auto polys = JointBankPolys(table, 4, 4);  // T of 6 variables: four chunks of 16
  ASSERT_TRUE(polys.ok());
  ASSERT_EQ(polys->size(), 2u + 4u);
  EXPECT_EQ((*polys)[2 + 2][5], Fp(2 * 16 + 5 + 1));
  auto inside = JointBankPolys(table, 8, 8);  // T inside R1
  ASSERT_TRUE(inside.ok());
  ASSERT_EQ(inside->size(), 2u);
  EXPECT_TRUE(std::equal(table.begin(), table.end(), (*inside)[0].begin()));
  EXPECT_FALSE(TableInMask(6, 6));
  EXPECT_EQ(JointBankChunks(6, 6), 1u);
  EXPECT_TRUE(TableInMask(6, 7));
  EXPECT_EQ(JointBankChunks(6, 7), 0u);
  auto small = JointBankPolys(table, 9, 7);  // T inside R1 and R2 of 7 variables
  ASSERT_TRUE(small.ok());
  ASSERT_EQ(small->size(), 2u);
  EXPECT_EQ((*small)[0].size(), 128u);
  EXPECT_EQ((*small)[1].size(), 128u);
  EXPECT_TRUE(std::equal(table.begin(), table.end(), (*small)[0].begin()));
  EXPECT_EQ(JointBankPolys(table, 9, 6).status().code(), Code::kInvalidArgument);  // T fills R1
  EXPECT_EQ(JointBankPolys(table, 9, 10).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(JointBankPolys(std::vector<Fp>(48), 4, 4).status().code(), Code::kInvalidArgument);
}

TEST(JointBankBatch, EveryChangedMessageAndFalseClaimIsRejected) {
  for (const Shape& sh : kShapes) {
    SCOPED_TRACE(Name(sh));
    size_t n = sh.n, n2 = sh.n2;
    Case c(n, n2, 40 + n, sh.lifted);
    ASSERT_TRUE(c.Prove().ok());
    auto expect_rejected = [&](const JointBankBatchProof& p, const std::string& what) {
      auto got = c.Verify(p);
      EXPECT_EQ(got.status().code(), Code::kVerification) << what;
    };
    JointBankBatchProof bad = c.proof;
    bad.r1_sum += Fp2::One();
    expect_rejected(bad, "G1");
    bad = c.proof;
    bad.r2_sum += Fp2::One();
    expect_rejected(bad, "G2");
    // A changed final evaluation fails the last round, except a T chunk
    // whose public weights are all zero (T's unused tail): that value goes on
    // to the joint opening unchanged, which checks it against the commitment.
    for (size_t k = 0; k < c.proof.sumcheck.final_evals.size(); ++k) {
      bad = c.proof;
      bad.sumcheck.final_evals[k] += Fp2::One();
      auto got = c.Verify(bad, c.wc, c.ac, /*same_transcript=*/false);
      if (got.ok()) {
        EXPECT_GE(k, 2u) << "W or A passed";
        EXPECT_EQ(got->secondary_evals[k - 1], bad.sumcheck.final_evals[k]) << k;
      } else {
        EXPECT_EQ(got.status().code(), Code::kVerification) << k;
      }
    }
    for (size_t i : {size_t{0}, n - n2, n - c.k, n - 1}) {
      bad = c.proof;
      bad.sumcheck.rounds[i].coeffs[2] += Fp2::One();
      expect_rejected(bad, "round " + std::to_string(i));
    }
    bad = c.proof;
    bad.sumcheck.rounds.pop_back();
    expect_rejected(bad, "a round missing");
    auto wrong_w = c.wc;
    wrong_w[1].value += Fp2::One();
    EXPECT_EQ(c.Verify(c.proof, wrong_w, c.ac).status().code(), Code::kVerification)
        << "false W claim";
    auto wrong_a = c.ac;
    wrong_a[0].value += Fp2::One();
    EXPECT_EQ(c.Verify(c.proof, c.wc, wrong_a).status().code(), Code::kVerification)
        << "false A claim";
    // The batch's own slot value (n > k), changed, dropped or added.
    bad = c.proof;
    if (bad.slot_eval) {
      *bad.slot_eval += Fp2::One();
      expect_rejected(bad, "the slot's v_s");
      bad.slot_eval.reset();
    } else {
      bad.slot_eval = Fp2::One();
    }
    expect_rejected(bad, "the slot's v_s dropped or added");
  }
}

TEST(JointBankBatch, ATableChangedAfterItsSlotsRanIsCaught) {
  for (const Shape& sh : kShapes) {
    SCOPED_TRACE(Name(sh));
    Case c(sh.n, sh.n2, 70 + sh.n, sh.lifted);
    ASSERT_TRUE(c.Prove(/*tamper_table=*/true).ok());
    EXPECT_EQ(c.Verify(c.proof).status().code(), Code::kVerification);
  }
}

TEST(JointBankBatch, BadSizesAreInvalidArguments) {
  Case c(6, 4, 5);
  auto bank = MaskBankProver::Draw(c.shapes);
  ASSERT_TRUE(bank.ok());
  auto polys = JointBankPolys(bank->table(), 4, 4);
  ASSERT_TRUE(polys.ok());
  polys->pop_back();
  Transcript t("x");
  EXPECT_EQ(ProveJointBankBatch(c.w, c.wc, c.a, c.ac, *polys, *bank, t, nullptr).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ProveJointBankBatch(c.a, c.ac, c.w, c.wc, *polys, *bank, t, nullptr).status().code(),
            Code::kInvalidArgument);
}

// The unmasked joint batch's round-i polynomial (c0, c2), i = r.size() >= j,
// for a candidate A: W and E_W folded at the first i challenges, A and E_A at
// those from j on.
std::array<Fp2, 2> UnmaskedRound(std::span<const Fp> w, std::vector<Fp2> e_w, std::span<const Fp> a,
                                 std::vector<Fp2> e_a, std::span<const Fp2> r, size_t lift) {
  std::vector<Fp2> wf = ToExtension(w), af = ToExtension(a);
  for (size_t i = 0; i < r.size(); ++i) {
    FoldFirstVariable(wf, r[i]);
    FoldFirstVariable(e_w, r[i]);
    if (i >= lift) {
      FoldFirstVariable(af, r[i]);
      FoldFirstVariable(e_a, r[i]);
    }
  }
  std::array<Fp2, 2> g{};
  auto add = [&](Fp2 x0, Fp2 x1, Fp2 y0, Fp2 y1) {
    g[0] += x0 * y0;
    g[1] += (x1 - x0) * (y1 - y0);
  };
  for (size_t k = 0; k + 1 < wf.size(); k += 2) add(wf[k], wf[k + 1], e_w[k], e_w[k + 1]);
  for (size_t k = 0; k + 1 < af.size(); k += 2) add(af[k], af[k + 1], e_a[k], e_a[k + 1]);
  return g;
}

// `proofs` batches of each witness: A, and A' = A plus a change on the entries
// with x_0 = 1, the claims on A at points with x_0 = 0 (so A' has the same
// claims). The classifier knows both candidates and the proof's challenges; it
// answers the candidate whose unmasked polynomial of the first round R1 and
// R2 mask (j = n - n2 = 2 for R1, R2 of n2 = 5 variables; n - k = 3 for
// `lifted` ones of k = 6 < n2 = 8 variables, round j being the slot's)
// differs from the proof's in fewer coefficients (ties: the smaller c2
// difference). `shown` collects every round coefficient, G1, G2 and the
// bank's final values.
void RunJointBankDistinguisher(bool masked, bool lifted, int proofs, size_t* correct,
                               std::array<std::vector<uint64_t>, 2>* shown) {
  size_t n = lifted ? 9 : 7, n2 = lifted ? 8 : 5, lift = n - n2;
  size_t k = lifted ? JointMaskVars({}, n, n2) : n2, round = n - k;
  ASSERT_EQ(k < n2, lifted);
  std::mt19937_64 rng(99);
  std::vector<Fp> w = BaseTable(rng, n), a = BaseTable(rng, n2);
  std::array<std::vector<Fp>, 2> cand = {a, a};
  for (size_t i = 1; i < cand[1].size(); i += 2) cand[1][i] += Fp(1 + rng() % 1000);
  std::vector<EvalClaim> wc, ac;
  for (int k = 0; k < 2; ++k) {
    auto z = Point(rng, n);
    wc.push_back({z, EvaluateMle(w, z)});
    auto u = Point(rng, n2);
    u[0] = Fp2::Zero();
    ac.push_back({u, EvaluateMle(a, u)});
  }
  ASSERT_EQ(EvaluateMle(cand[1], ac[0].point), ac[0].value);
  *correct = 0;
  for (int p = 0; p < proofs; ++p) {
    for (size_t side = 0; side < 2; ++side) {
      Transcript t("jointbank-zk");
      Transcript probe = t;  // the classifier's replay of the claims' combination
      auto tables = detail::BuildJointEqTables(n, wc, n2, ac, probe, 1);
      ASSERT_TRUE(tables.ok());
      SumcheckProof sc;
      std::vector<Fp2> point;
      if (masked) {
        auto bank = MaskBankProver::Draw({{n - k, 2}});
        ASSERT_TRUE(bank.ok());
        auto polys = JointBankPolys(bank->table(), n2, k);
        ASSERT_TRUE(polys.ok());
        JointBankClaims reduced;
        auto proof = ProveJointBankBatch(w, wc, cand[side], ac, *polys, *bank, t, &reduced);
        ASSERT_TRUE(proof.ok()) << proof.status().ToString();
        sc = proof->sumcheck;
        point = reduced.primary.point;
        for (Fp2 x : {proof->r1_sum, proof->r2_sum}) {
          (*shown)[side].insert((*shown)[side].end(), {x.c0().value(), x.c1().value()});
        }
        for (size_t k = 2; k < sc.final_evals.size(); ++k) {
          Fp2 x = sc.final_evals[k];
          (*shown)[side].insert((*shown)[side].end(), {x.c0().value(), x.c1().value()});
        }
      } else {
        JointClaims reduced;
        auto proof = ProveJointBatchedClaims(w, wc, cand[side], ac, t, &reduced);
        ASSERT_TRUE(proof.ok());
        sc = proof->sumcheck;
        point = reduced.primary.point;
      }
      for (const auto& r : sc.rounds) {
        for (const Fp2& c : r.coeffs) {
          (*shown)[side].insert((*shown)[side].end(), {c.c0().value(), c.c1().value()});
        }
      }
      const std::vector<Fp2>& g = sc.rounds[round].coeffs;
      std::array<size_t, 2> differ{};
      std::array<uint64_t, 2> top{};
      for (size_t m = 0; m < 2; ++m) {
        std::array<Fp2, 2> h = UnmaskedRound(w, tables->e_w, cand[m], tables->e_a,
                                             std::span<const Fp2>(point).first(round), lift);
        differ[m] = (g[0] != h[0] ? 1 : 0) + (g[2] != h[1] ? 1 : 0);
        top[m] = (g[2] - h[1]).c0().value();
      }
      size_t guess =
          differ[0] != differ[1] ? (differ[0] < differ[1] ? 0 : 1) : (top[0] <= top[1] ? 0 : 1);
      *correct += guess == side ? 1 : 0;
    }
  }
}

// Rank over F_p^2 of the rows (Gaussian elimination; rows are consumed).
size_t Rank(std::vector<std::vector<Fp2>> rows) {
  size_t rank = 0, cols = rows.empty() ? 0 : rows[0].size();
  for (size_t c = 0; c < cols && rank < rows.size(); ++c) {
    size_t pivot = rank;
    while (pivot < rows.size() && rows[pivot][c].IsZero()) ++pivot;
    if (pivot == rows.size()) continue;
    std::swap(rows[rank], rows[pivot]);
    Fp2 inv = rows[rank][c].Inverse();
    for (Fp2& x : rows[rank]) x *= inv;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (i == rank || rows[i][c].IsZero()) continue;
      Fp2 f = rows[i][c];
      for (size_t k = c; k < cols; ++k) rows[i][k] -= f * rows[rank][k];
    }
    ++rank;
  }
  return rank;
}

// The eq vectors of the points a mask of k variables is read at,
// w_i = (r_<i, v_>=i) for i = 0..k, and of their conjugates.
std::vector<std::vector<Fp2>> MaskReadRows(std::span<const Fp2> v, std::span<const Fp2> r) {
  std::vector<std::vector<Fp2>> rows;
  for (bool conjugate : {false, true}) {
    for (size_t i = 0; i <= v.size(); ++i) {
      std::vector<Fp2> w(r.begin(), r.begin() + static_cast<ptrdiff_t>(i));
      w.insert(w.end(), v.begin() + static_cast<ptrdiff_t>(i), v.end());
      if (conjugate) {
        for (Fp2& x : w) x = Fp2(x.c0(), -x.c1());
      }
      rows.push_back(EqTable(w));
    }
  }
  return rows;
}

// The rows restricted to R1's entries that T (inside R1) leaves free: at
// worst M takes every even entry of R1's first half.
std::vector<std::vector<Fp2>> WithoutTableEntries(const std::vector<std::vector<Fp2>>& rows) {
  std::vector<std::vector<Fp2>> out;
  for (const auto& row : rows) {
    std::vector<Fp2>& kept = out.emplace_back();
    for (size_t b = 0; b < row.size(); ++b) {
      if (b % 2 == 1 || b >= row.size() / 2) kept.push_back(row[b]);
    }
  }
  return out;
}

// The masks' zero-knowledge condition (docs/zk.md): a base-field R is read at
// the points w_i = (r_<i, v_>=i), i = 0..n2 (G = R(v), each round's line, the
// final R(r)); those values are uniform in F_p^2 when the eq vectors of the
// points and of their conjugates are linearly independent. They are, at
// random points, for every secondary size the tests and the models use here
// (3..12; the 2 n2 + 2 vectors live in 2^n2 dimensions).
TEST(JointBankBatch, MaskEvaluationPointsAndTheirConjugatesAreIndependent) {
  std::mt19937_64 rng(21);
  for (size_t k = 3; k <= 12; ++k) {
    std::vector<Fp2> v = Point(rng, k), r = Point(rng, k);
    std::vector<std::vector<Fp2>> rows = MaskReadRows(v, r);
    EXPECT_EQ(Rank(rows), 2 * k + 2) << "n2 = " << k;
    // T inside R1 (m <= n2 - 1): without M's entries (at worst every even
    // position of R1's first half) the rank stays full.
    if (k >= 4) {
      EXPECT_EQ(Rank(WithoutTableEntries(rows)), 2 * k + 2)
          << "n2 = " << k << ", M's entries left out";
    }
    // Control: base-field points (no conjugates to add) give half the rank.
    std::vector<std::vector<Fp2>> base;
    for (size_t i = 0; i <= k; ++i) {
      std::vector<Fp2> w(k);
      for (Fp2& x : w) x = Fp2(Fp(rng() % Fp::kModulus));
      base.push_back(EqTable(w));
      base.push_back(EqTable(w));
    }
    EXPECT_EQ(Rank(base), k + 1);
  }
}

// Masks lifted to the secondary's last k < n2 variables are committed
// without a pad (docs/zk.md "Masks lifted to the last variables"): besides
// the values above, an opening shows one symbol of R's own codeword per
// queried leaf (the lift repeats it over the leaf). With t = 29 such symbols
// (kind 7's queries at rate 1/16) all of them stay uniform: the eq vectors,
// their conjugates and the symbols' base-field functionals are independent,
// with M's entries left out (at worst R1's even entries of its first half).
TEST(JointBankBatch, LiftedMaskSymbolsAndEvaluationsAreIndependent) {
  std::mt19937_64 rng(29);
  constexpr size_t kQueries = 29, kLogInvRate = 4;
  for (size_t k = 7; k <= 11; ++k) {
    size_t len = size_t{1} << k, domain = len << kLogInvRate;
    std::vector<Fp2> v = Point(rng, k), r = Point(rng, k);
    std::vector<std::vector<Fp2>> rows = MaskReadRows(v, r);
    std::vector<size_t> positions;
    while (positions.size() < kQueries) {
      size_t p = rng() % domain;
      if (std::find(positions.begin(), positions.end(), p) == positions.end()) {
        positions.push_back(p);
      }
    }
    std::vector<std::vector<Fp2>> symbol_rows(kQueries, std::vector<Fp2>(len));
    for (size_t b = 0; b < len; ++b) {  // column b: the codeword of the unit table e_b
      std::vector<Fp> cw(domain);
      cw[b] = Fp::One();
      detail::ToMonomial(std::span<Fp>(cw).first(len));
      detail::EncodeMonomials(cw, len, 1);
      for (size_t q = 0; q < kQueries; ++q) symbol_rows[q][b] = Fp2(cw[positions[q]]);
    }
    rows.insert(rows.end(), symbol_rows.begin(), symbol_rows.end());
    EXPECT_EQ(Rank(WithoutTableEntries(rows)), 2 * k + 2 + kQueries) << "k = " << k;
  }
}

TEST(JointBankBatch, RoundsOfTwoWitnessesWithTheSameClaimsAreIndistinguishable) {
  for (bool lifted : {false, true}) {
    SCOPED_TRACE(lifted ? "R1, R2 lifted" : "R1, R2 of n2 variables");
    testing::ExpectDistinguisherVerdictOverSeeds(
        true, 128, 5,
        [&](uint64_t seed, size_t& correct, std::array<std::vector<uint64_t>, 2>& shown) {
          ScopedSeededMasksForTesting seeded(seed);
          RunJointBankDistinguisher(true, lifted, 64, &correct, &shown);
        });
    // Power check: the unmasked joint batch under the same classifier.
    size_t correct = 0;
    std::array<std::vector<uint64_t>, 2> shown;
    RunJointBankDistinguisher(false, lifted, 8, &correct, &shown);
    testing::ExpectDistinguisherVerdict(false, correct, 16, shown);
  }
}

}  // namespace
}  // namespace vinet::zk
