// The mask bank (sumcheck/mask_bank.h): one hiding commitment masks a product
// sumcheck and every LogUp layer sumcheck of one transcript. Completeness (the
// claims are the true values), every mask value and masked round changed is
// rejected, a slot of the wrong shape is refused on both sides, and two runs
// of one statement differ (fresh masks).
#include <gtest/gtest.h>

#include <random>

#include "vinet/zk/lookup/logup_gkr.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/sumcheck/mask_bank.h"

namespace vinet::zk {
namespace {

const LigeroPcs& Pcs() {
  static const LigeroPcs pcs(LigeroParams{100, 2, 1, true});
  return pcs;
}

const std::vector<ProductTerm>& Product() {
  static const std::vector<ProductTerm> t = {{Fp2::One(), {0, 1}}};
  return t;
}

// Statement: Σ_x A(x)·B(x) over 5 variables, then the 2^6 values of A's
// first table in RangeTable(4) (a LogUp of L − 1 = 6 layers).
struct BankRun {
  std::vector<std::vector<Fp2>> ab;
  std::vector<Fp> limbs;
  std::vector<MaskShape> shapes;
  Fp2 sum;
  SumcheckProof sc;
  LogUpProof lookup;
  PcsCommitment mask;
  std::vector<Fp2> sums, evals;
  Bytes opening;
};

const RangeTable& Table() {
  static const RangeTable t(4);
  return t;
}

BankRun Prove(uint64_t seed) {
  std::mt19937_64 rng(seed);
  BankRun r;
  r.ab.assign(2, std::vector<Fp2>(32));
  for (auto& p : r.ab)
    for (auto& x : p) x = Fp2(Fp(rng() % 1000), Fp(rng() % 1000));
  for (size_t x = 0; x < 32; ++x) r.sum += r.ab[0][x] * r.ab[1][x];
  r.limbs.resize(64);
  for (auto& v : r.limbs) v = Fp(rng() % 16);
  r.shapes = {{5, 2}};
  size_t layers = StatementFor(Table(), 6).tree_vars();
  for (size_t k = 1; k < layers; ++k) r.shapes.push_back({k, 3});
  auto bank = MaskBankProver::Commit(r.shapes, Pcs());
  EXPECT_TRUE(bank.ok());
  Transcript t("mask-bank-test");
  bank->commitment().AbsorbInto(t);
  auto out = bank->Prove(r.ab, Product(), t, 1);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  r.sc = out->proof;
  std::vector<std::vector<Fp>> cols = {r.limbs};
  auto m = ComputeMultiplicities(Table(), cols);
  EXPECT_TRUE(m.ok());
  auto lp = ProveLogUp(Table(), cols, *m, t, 1, nullptr, &*bank);
  EXPECT_TRUE(lp.ok()) << lp.status().ToString();
  r.lookup = *lp;
  r.mask = bank->commitment();
  r.sums = bank->sums();
  r.evals = bank->evals();
  auto opening = bank->Open(t);
  EXPECT_TRUE(opening.ok()) << opening.status().ToString();
  r.opening = *opening;
  return r;
}

// Verifies the run; on success checks the claims against the true values.
Status Verify(const BankRun& r) {
  Transcript t("mask-bank-test");
  r.mask.AbsorbInto(t);
  MaskBankVerifier bank(r.shapes, r.mask, r.sums, r.evals, Pcs());
  VINET_ASSIGN_OR_RETURN(SumcheckClaim c, bank.Verify(5, 2, Product(), r.sum, r.sc, t));
  EXPECT_EQ(c.final_evals[0], EvaluateMle(r.ab[0], c.point));
  EXPECT_EQ(c.final_evals[1], EvaluateMle(r.ab[1], c.point));
  VINET_ASSIGN_OR_RETURN(LogUpClaims lc, VerifyLogUp(StatementFor(Table(), 6), r.lookup, t, &bank));
  EXPECT_EQ(lc.witness_evals[0], EvaluateMle(std::span<const Fp>(r.limbs), lc.witness_point));
  return bank.Finish(r.opening, t);
}

TEST(MaskBank, MasksASumcheckAndEveryLogUpLayerAndVerifies) {
  BankRun r = Prove(1);
  EXPECT_EQ(r.sums.size(), r.shapes.size());
  EXPECT_EQ(r.mask.num_vars, MaskBankVars(r.shapes));
  Status st = Verify(r);
  EXPECT_TRUE(st.ok()) << st.ToString();
  // Fresh masks: the same statement again gives other messages.
  BankRun again = Prove(1);
  EXPECT_NE(again.mask.root, r.mask.root);
  EXPECT_NE(again.sc.rounds[0].coeffs, r.sc.rounds[0].coeffs);
  EXPECT_NE(again.lookup.layers.back().rounds[0].coeffs, r.lookup.layers.back().rounds[0].coeffs);
  EXPECT_TRUE(Verify(again).ok());
}

TEST(MaskBank, EveryMaskValueAndMaskedRoundChangeIsRejected) {
  BankRun r = Prove(2);
  size_t cases = 0;
  for (size_t s = 0; s < r.shapes.size(); ++s, cases += 2) {
    BankRun bad = r;
    bad.sums[s] += Fp2::One();
    EXPECT_EQ(Verify(bad).code(), Code::kVerification) << "G " << s;
    bad = r;
    bad.evals[s] += Fp2::One();
    EXPECT_EQ(Verify(bad).code(), Code::kVerification) << "v " << s;
  }
  for (size_t j = 0; j < 3; ++j, ++cases) {
    BankRun bad = r;
    bad.sc.rounds[2].coeffs[j] += Fp2::One();
    EXPECT_EQ(Verify(bad).code(), Code::kVerification) << "sumcheck coefficient " << j;
  }
  for (size_t k = 0; k < r.lookup.layers.size(); ++k) {
    for (size_t j = 0; j < 4; ++j, ++cases) {
      BankRun bad = r;
      bad.lookup.layers[k].rounds.back().coeffs[j] += Fp2::One();
      EXPECT_EQ(Verify(bad).code(), Code::kVerification) << "layer " << k << " coefficient " << j;
    }
  }
  BankRun bad = r;
  bad.mask.root[3] ^= 1;
  EXPECT_EQ(Verify(bad).code(), Code::kVerification);
  // The bank's opening (inner commitment, G, v, inner sumcheck, both
  // openings): a bit flipped every 401 bytes, and every 7th truncation point of
  // the first 200 bytes, is a parse error or rejected.
  for (size_t i = 0; i < r.opening.size(); i += 401, ++cases) {
    bad = r;
    bad.opening[i] ^= 4;
    EXPECT_FALSE(Verify(bad).ok()) << "opening byte " << i;
  }
  for (size_t len = 0; len < 200; len += 7, ++cases) {
    bad = r;
    bad.opening.resize(len);
    EXPECT_FALSE(Verify(bad).ok()) << "opening cut at " << len;
  }
  bad = r;
  bad.opening.push_back(0);
  EXPECT_EQ(Verify(bad).code(), Code::kParse);
  EXPECT_GE(cases, 30u);
}

TEST(MaskBank, ASlotOfTheWrongShapeIsRefused) {
  std::vector<MaskShape> shapes = {{4, 2}};
  auto bank = MaskBankProver::Commit(shapes, Pcs());
  ASSERT_TRUE(bank.ok());
  Transcript t("mask-bank-test");
  std::vector<std::vector<Fp2>> ab(2, std::vector<Fp2>(32, Fp2::One()));
  EXPECT_EQ(bank->Prove(ab, Product(), t, 1).status().code(), Code::kInternal);  // 5 != 4 vars
  EXPECT_EQ(bank->Open(t).status().code(), Code::kInternal);  // the slot was never used
  EXPECT_EQ(MaskBankProver::Commit({{0, 2}}, Pcs()).status().code(), Code::kInvalidArgument);
  LigeroPcs plain(LigeroParams{100, 2, 1, false});
  EXPECT_EQ(MaskBankProver::Commit(shapes, plain).status().code(), Code::kInvalidArgument);
  // The verifier: a proof for the 5-variable statement against a 4-variable slot.
  BankRun r = Prove(3);
  Transcript vt("mask-bank-test");
  MaskBankVerifier v(shapes, r.mask, r.sums, r.evals, Pcs());
  EXPECT_EQ(v.Verify(5, 2, Product(), r.sum, r.sc, vt).status().code(), Code::kVerification);
}

}  // namespace
}  // namespace vinet::zk
