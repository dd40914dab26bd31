// The mask bank (sumcheck/mask_bank.h): one hiding commitment masks a product
// sumcheck and every LogUp layer sumcheck of one transcript. Completeness (the
// claims are the true values), every slot's mask sums to zero, every masked
// round, final evaluation (the derived v_s then misses T) and value of the
// blinded inner product changed is rejected, a slot of the wrong shape is
// refused on both sides, two runs of one statement differ (fresh masks), the
// blinded inner product's first round carries only V and V_H, and its
// distinguishing test (with the power check: no blinding table) passes.
#include <gtest/gtest.h>

#include <array>
#include <random>

#include "unit/zk/chi_square.h"
#include "vinet/zk/lookup/logup_gkr.h"
#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/pcs/ligero.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/random.h"
#include "vinet/zk/sumcheck/mask_bank.h"

namespace vinet::zk {
namespace {

const LigeroPcs& Pcs() {
  static const LigeroPcs pcs(LigeroParams{100, 2, 1, true});
  return pcs;
}

// The kind-5 bank's scheme: hiding Basefold.
const BasefoldPcs& HidingBasefold() {
  static const BasefoldPcs pcs(BasefoldParams::Hiding());
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
  std::vector<Fp2> evals;  // the prover's v_s (not sent)
  Bytes opening;
};

const RangeTable& Table() {
  static const RangeTable t(4);
  return t;
}

BankRun Prove(uint64_t seed, const MultilinearPcs& pcs = Pcs()) {
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
  auto bank = MaskBankProver::Commit(r.shapes, pcs);
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
  r.evals = bank->evals();
  auto opening = bank->Open(t);
  EXPECT_TRUE(opening.ok()) << opening.status().ToString();
  r.opening = *opening;
  return r;
}

// Verifies the run; on success checks the claims against the true values.
// `before_finish`, if set, receives a copy of the transcript before Finish.
Status Verify(const BankRun& r, Transcript* before_finish = nullptr,
              const MultilinearPcs& pcs = Pcs()) {
  Transcript t("mask-bank-test");
  r.mask.AbsorbInto(t);
  MaskBankVerifier bank(r.shapes, r.mask, pcs);
  VINET_ASSIGN_OR_RETURN(SumcheckClaim c, bank.Verify(5, 2, Product(), r.sum, r.sc, t));
  VINET_ASSIGN_OR_RETURN(LogUpClaims lc, VerifyLogUp(StatementFor(Table(), 6), r.lookup, t, &bank));
  if (before_finish != nullptr) *before_finish = t;
  // A wrong final value passes its rounds (its derived v_s is wrong): Finish,
  // the claim on T, rejects it; only then are the claims the true values.
  VINET_RETURN_IF_ERROR(bank.Finish(r.opening, t));
  EXPECT_EQ(c.final_evals[0], EvaluateMle(r.ab[0], c.point));
  EXPECT_EQ(c.final_evals[1], EvaluateMle(r.ab[1], c.point));
  EXPECT_EQ(lc.witness_evals[0], EvaluateMle(std::span<const Fp>(r.limbs), lc.witness_point));
  return Status();
}

TEST(MaskBank, MasksASumcheckAndEveryLogUpLayerAndVerifies) {
  BankRun r = Prove(1);
  EXPECT_EQ(r.evals.size(), r.shapes.size());
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

// Every slot's mask sums to zero over its cube (G_s = 0 is not sent), while
// its other coefficients are fresh.
TEST(MaskBank, EverySlotsMaskSumsToZero) {
  std::vector<MaskShape> shapes = {{3, 2}, {5, 3}, {1, 1}};
  for (int run = 0; run < 2; ++run) {
    auto bank = MaskBankProver::Draw(shapes);
    ASSERT_TRUE(bank.ok());
    Transcript t("zero-sum");
    for (const MaskShape& sh : shapes) {
      auto m = bank->Begin(sh.num_vars, sh.degree, t);
      ASSERT_TRUE(m.ok());
      EXPECT_TRUE(MaskSum(m->coeffs).IsZero());
      EXPECT_FALSE(m->coeffs[0][1].IsZero());
      bank->End(std::vector<Fp2>(sh.num_vars, Fp2(Fp(3))), t);
    }
  }
}

TEST(MaskBank, EveryMaskValueAndMaskedRoundChangeIsRejected) {
  BankRun r = Prove(2);
  size_t cases = 0;
  // A final evaluation changed: the sumcheck's rounds still pass, its derived
  // v_s is wrong and the bank's claim on T fails.
  for (size_t k = 0; k < 2; ++k, ++cases) {
    BankRun bad = r;
    bad.sc.final_evals[k] += Fp2::One();
    EXPECT_EQ(Verify(bad).code(), Code::kVerification) << "final evaluation " << k;
  }
  // A false claimed sum.
  {
    ++cases;
    BankRun bad = r;
    bad.sum += Fp2::One();
    EXPECT_EQ(Verify(bad).code(), Code::kVerification) << "claimed sum";
  }
  for (size_t j : {0, 2}) {  // coefficient 1 is not sent: the verifier derives it
    ++cases;
    BankRun bad = r;
    bad.sc.rounds[2].coeffs[j] += Fp2::One();
    EXPECT_EQ(Verify(bad).code(), Code::kVerification) << "sumcheck coefficient " << j;
  }
  for (size_t k = 0; k < r.lookup.layers.size(); ++k) {
    for (size_t j : {0, 2, 3}) {
      ++cases;
      BankRun bad = r;
      bad.lookup.layers[k].rounds.back().coeffs[j] += Fp2::One();
      EXPECT_EQ(Verify(bad).code(), Code::kVerification) << "layer " << k << " coefficient " << j;
    }
  }
  BankRun bad = r;
  bad.mask.root[3] ^= 1;
  EXPECT_EQ(Verify(bad).code(), Code::kVerification);
  // The bank's opening (V_H, the inner sumcheck, T's opening): a bit flipped
  // every 401 bytes, and every 7th truncation point of
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

// The opening starts with V_H ‖ u32 rounds ‖ per round (u32 3 ‖ 3 Fp2) ‖ u32 2
// ‖ T(r'), w'(r'): the byte offsets of those Fp2 values.
// Byte offsets of every value of the bank's opening before T's opening: V_H,
// then per inner round c_0 and c_2 (c_1 is derived), then T(r') and w'(r').
std::vector<size_t> InnerValueOffsets(const std::vector<MaskShape>& shapes) {
  size_t values = 1 + 2 * MaskBankVars(shapes) + 2;
  std::vector<size_t> at;
  for (size_t i = 0; i < values; ++i) at.push_back(16 * i);
  return at;
}

TEST(MaskBank, EveryValueOfTheBlindedInnerProductChangedIsRejected) {
  BankRun r = Prove(4);
  std::vector<size_t> at = InnerValueOffsets(r.shapes);
  ASSERT_EQ(at.size(), 1 + 2 * MaskBankVars(r.shapes) + 2);
  for (size_t n = 0; n < at.size(); ++n) {
    for (size_t half : {0, 8}) {  // c0 and c1 of the value, +1 each
      BankRun bad = r;
      ASSERT_LT(at[n] + half + 8, bad.opening.size());
      bad.opening[at[n] + half] ^= 1;
      EXPECT_EQ(Verify(bad).code(), Code::kVerification) << "value " << n << " half " << half;
    }
  }
  // T's opening follows with its length: a wrong length is a parse error.
  BankRun bad = r;
  bad.opening[at.back() + 16 + 1] ^= 1;
  EXPECT_EQ(Verify(bad).code(), Code::kParse);
}

// The kind-5 bank: T committed and opened with hiding Basefold.
TEST(MaskBank, HidingBasefoldBankVerifiesAndRejectsChangedValues) {
  const MultilinearPcs& pcs = HidingBasefold();
  BankRun r = Prove(6, pcs);
  Status st = Verify(r, nullptr, pcs);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_FALSE(Verify(r).ok());  // not a Ligero opening
  for (size_t at : InnerValueOffsets(r.shapes)) {
    BankRun bad = r;
    bad.opening[at] ^= 1;
    EXPECT_EQ(Verify(bad, nullptr, pcs).code(), Code::kVerification) << "value at " << at;
  }
  size_t cases = 0;
  for (size_t i = 0; i < r.opening.size(); i += 97, ++cases) {
    BankRun bad = r;
    bad.opening[i] ^= 4;
    EXPECT_FALSE(Verify(bad, nullptr, pcs).ok()) << "opening byte " << i;
  }
  EXPECT_GE(cases, 100u);
  BankRun bad = r;
  bad.sc.final_evals[1] += Fp2::One();
  EXPECT_EQ(Verify(bad, nullptr, pcs).code(), Code::kVerification);
  BankRun again = Prove(6, pcs);
  EXPECT_NE(again.mask.root, r.mask.root);
}

// Round 0 of the inner sumcheck binds the M/H bit: it must be exactly
// ((1 - X) + X sigma)((1 - X) V + X V_H), i.e. carry nothing but V and V_H.
TEST(MaskBank, TheInnerFirstRoundCarriesOnlyVAndTheBlindSum) {
  BankRun r = Prove(5);
  Transcript t("unused");
  ASSERT_TRUE(Verify(r, &t).ok());
  Fp2 lambda = t.ChallengeFp2("maskbank.lambda");
  Fp2 v, ls = Fp2::One();
  for (const Fp2& e : r.evals) {
    v += ls * e;
    ls *= lambda;
  }
  ByteReader reader(r.opening);
  auto vh = reader.ReadFp2("v_h");
  ASSERT_TRUE(vh.ok());
  t.AbsorbFp2("maskbank.blind_sum", *vh);
  Fp2 sigma = t.ChallengeFp2("maskbank.sigma");
  auto sc = SumcheckProof::Parse(reader, MaskBankVars(r.shapes), 2, 2);
  ASSERT_TRUE(sc.ok());
  const Fp2 one = Fp2::One();
  std::vector<Fp2> want = {v, (*vh - v) + (sigma - one) * v, (sigma - one) * (*vh - v)};
  EXPECT_EQ(sc->rounds[0].coeffs[0], want[0]);
  EXPECT_EQ(sc->rounds[0].coeffs[2], want[2]);
  // c_1 is not sent: the verifier's g(0) + g(1) = V + sigma V_H gives want[1].
  EXPECT_EQ(v + sigma * *vh - want[0] - want[0] - want[2], want[1]);
  // Fresh blinding: the same statement again shows another V_H and other rounds.
  BankRun again = Prove(5);
  ByteReader r2(again.opening);
  EXPECT_NE(*r2.ReadFp2("v_h"), *vh);
  auto sc2 = SumcheckProof::Parse(r2, MaskBankVars(r.shapes), 2, 2);
  ASSERT_TRUE(sc2.ok());
  EXPECT_NE(sc2->rounds[1].coeffs, sc->rounds[1].coeffs);
}

// The first round polynomial of sum_x a(x) b(x) (x_0 bound), at X = 0, 1, 2.
std::array<Fp2, 3> FirstRound(const std::vector<Fp2>& a, const std::vector<Fp2>& b) {
  std::array<Fp2, 3> q{};
  const Fp2 two = Fp2::One() + Fp2::One();
  for (size_t k = 0; 2 * k < a.size(); ++k) {
    Fp2 a0 = a[2 * k], a1 = a[2 * k + 1], b0 = b[2 * k], b1 = b[2 * k + 1];
    q[0] += a0 * b0;
    q[1] += a1 * b1;
    q[2] += (two * a1 - a0) * (two * b1 - b0);
  }
  return q;
}

// The distinguishing test of the blinded inner product. Candidates M_A and
// M_B (64 entries) with the same <M, w> for a public w; 32 runs of each with
// seeded fresh H. The classifier knows both candidates and, given the run's
// sigma and r_0, predicts round 1 of each candidate with H = 0 (P = (1 - r_0)
// M); it answers the candidate whose prediction is nearer (equal first). With
// the blinding it must be right 35-65 % of the time and every shown value
// (V_H, every round coefficient, T(r')) homogeneous across A and B; power
// check: the same with H = 0 is always right.
void BlindedInnerProductDistinguisher(bool blind) {
  std::mt19937_64 rng(11);
  auto fp = [&] { return Fp(rng() % Fp::kModulus); };
  constexpr size_t kHalf = 64;
  std::vector<Fp2> w(kHalf);
  for (Fp2& x : w) x = Fp2(fp(), fp());
  std::array<std::vector<Fp>, 2> cand;
  cand[0].resize(kHalf);
  for (Fp& x : cand[0]) x = fp();
  // Delta with <Delta, w> = 0: Delta_0 = 1, Delta_1, Delta_2 from the 2 x 2
  // F_p system of the c0 and c1 coordinates.
  Fp a = w[1].c0(), b = w[2].c0(), c = w[1].c1(), d = w[2].c1();
  Fp e = Fp::Zero() - w[0].c0(), f = Fp::Zero() - w[0].c1();
  Fp det_inv = (a * d - b * c).Inverse();
  cand[1] = cand[0];
  cand[1][0] += Fp::One();
  cand[1][1] += (e * d - b * f) * det_inv;
  cand[1][2] += (a * f - e * c) * det_inv;
  Fp2 va, vb;
  for (size_t k = 0; k < kHalf; ++k) {
    va += w[k] * cand[0][k];
    vb += w[k] * cand[1][k];
  }
  ASSERT_EQ(va, vb);
  ASSERT_NE(cand[0], cand[1]);
  testing::ExpectDistinguisherVerdictOverSeeds(
      blind, 64, 1,
      [&](uint64_t seed, size_t& correct, std::array<std::vector<uint64_t>, 2>& shown) {
        for (size_t side = 0; side < 2; ++side) {
          for (uint64_t run = 0; run < 32; ++run) {
            // Seed 1: runs 1..32 and 1001..1032; seed 2: 100,000 more.
            ScopedSeededMasksForTesting seeded(100000 * (seed - 1) + 1000 * side + run + 1);
            std::vector<Fp> h = blind ? RandomFps(kHalf) : std::vector<Fp>(kHalf, Fp::Zero());
            std::vector<Fp> table(2 * kHalf);
            for (size_t k = 0; k < kHalf; ++k) {
              table[2 * k] = cand[side][k];
              table[2 * k + 1] = h[k];
            }
            Transcript t("blinded-inner-product-test");
            auto out = detail::ProveBlindedSumcheck(table, w, t);
            ASSERT_TRUE(out.ok()) << out.status().ToString();
            const SumcheckProof& proof = out->sumcheck.proof;
            ASSERT_EQ(proof.rounds.size(), 7u);
            ASSERT_EQ(out->sumcheck.claimed_sum, va + out->sigma * out->blind_sum);
            Fp2 r0 = out->sumcheck.point[0];
            std::vector<Fp2> wb(kHalf);
            for (size_t k = 0; k < kHalf; ++k) wb[k] = (Fp2::One() - r0 + r0 * out->sigma) * w[k];
            std::array<Fp2, 3> got = {proof.rounds[1].Evaluate(Fp2::Zero()),
                                      proof.rounds[1].Evaluate(Fp2::One()),
                                      proof.rounds[1].Evaluate(Fp2::One() + Fp2::One())};
            std::array<size_t, 2> diff{};
            std::array<uint64_t, 2> tie{};
            for (size_t k = 0; k < 2; ++k) {
              std::vector<Fp2> p(kHalf);
              for (size_t i = 0; i < kHalf; ++i) p[i] = (Fp2::One() - r0) * cand[k][i];
              std::array<Fp2, 3> want = FirstRound(p, wb);
              for (size_t j = 0; j < 3; ++j) diff[k] += got[j] != want[j];
              tie[k] = (got[2] - want[2]).c0().value();
            }
            size_t guess =
                diff[0] != diff[1] ? (diff[0] < diff[1] ? 0 : 1) : (tie[0] < tie[1] ? 0 : 1);
            correct += guess == side;
            auto show = [&](Fp2 x) {
              shown[side].push_back(x.c0().value());
              shown[side].push_back(x.c1().value());
            };
            show(out->blind_sum);
            for (const UnivariatePoly& rp : proof.rounds)
              for (const Fp2& x : rp.coeffs) show(x);
            show(proof.final_evals[0]);
          }
        }
      });
}

TEST(MaskBank, BlindedInnerProductDistinguisherIsNoBetterThanChance) {
  BlindedInnerProductDistinguisher(true);
}

TEST(MaskBank, BlindedInnerProductDistinguisherPowerCheckWithoutBlinding) {
  BlindedInnerProductDistinguisher(false);
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
  MaskBankVerifier v(shapes, r.mask, Pcs());
  EXPECT_EQ(v.Verify(5, 2, Product(), r.sum, r.sc, vt).status().code(), Code::kVerification);
}

}  // namespace
}  // namespace vinet::zk
