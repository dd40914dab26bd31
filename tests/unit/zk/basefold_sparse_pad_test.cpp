// The sparse pad of hiding Basefold (docs/zk.md "The sparse pad"): where
// q = 2^(n-7) monomial coefficients cover the opened first-round symbols, the
// pad is one variable whose top half carries only q coefficients, and the
// code is Reed-Solomon of degree bound 2^n + 2^V ceil(q / 2^V) (V folded
// variables) on 2^(n+k) points (half the whole-variable pad's domain). The verifier holds every
// word to that bound; openings stay indistinguishable.
#include <gtest/gtest.h>

#include <array>
#include <random>

#include "unit/zk/candidate_openings.h"
#include "unit/zk/chi_square.h"
#include "unit/zk/same_evaluation.h"
#include "vinet/zk/field/ntt.h"
#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/random.h"
#include "vinet/zk/transcript/transcript.h"
#include "zk/pcs/basefold_fold.h"

namespace vinet::zk {
namespace {

// The n + 1 variable table [f | f + R], R of `top` monomial coefficients
// taken from rng (all zero when rng is null), as the hiding commit builds it.
std::vector<Fp> SparseTop(const std::vector<Fp>& f, size_t top, std::mt19937_64* rng) {
  std::vector<Fp> r(top);
  if (rng != nullptr)
    for (Fp& x : r) x = Fp((*rng)() % Fp::kModulus);
  for (size_t bit = 1; bit < top; bit <<= 1)  // values of R over its low variables
    for (size_t x = 0; x < top; ++x)
      if ((x & bit) != 0) r[x] += r[x ^ bit];
  std::vector<Fp> out(f);
  out.resize(2 * f.size());
  for (size_t x = 0; x < f.size(); ++x) out[f.size() + x] = f[x] + r[x & (top - 1)];
  return out;
}

TEST(BasefoldSparsePad, HalvesTheDomainWhereItCoversTheOpenedSymbols) {
  for (BasefoldParams params : {BasefoldParams::Hiding(), BasefoldParams::HidingConjectured()}) {
    BasefoldPcs pcs(params);
    size_t k = static_cast<size_t>(params.log_inv_rate), sparse = 0;
    for (size_t n = 4; n <= 24; ++n) {
      size_t q = pcs.SparsePadCoeffs(n);
      BasefoldShape s = pcs.ShapeFor(n);
      if (q == 0) {
        EXPECT_EQ(s.top_coeffs, 0u) << n;
        EXPECT_EQ(s.log_len, n + pcs.HidingPadVars(n) + k) << n;
        EXPECT_LT(n, 17u) << "the model sizes take the sparse pad";
        continue;
      }
      ++sparse;
      EXPECT_EQ(q, size_t{1} << (n - 7)) << n;
      EXPECT_EQ(pcs.HidingPadVars(n), 1u) << n;
      EXPECT_EQ(s.num_vars, n + 1) << n;
      EXPECT_EQ(s.top_coeffs, q) << n;
      EXPECT_EQ(s.log_len, n + k) << n;
      EXPECT_LE((s.num_queries + 1) << s.arity[0], q) << n;
      EXPECT_GE(pcs.SoundnessBits(n), params.security_bits) << n;
      EXPECT_EQ(s.FinalSent(), (size_t{1} << (s.final_vars - 1)) + s.FinalTopCoeffs()) << n;
    }
    EXPECT_GE(sparse, 8u);
    // The whole-variable pad when the set does not ask for the sparse one.
    params.sparse_pad = false;
    EXPECT_EQ(BasefoldPcs(params).SparsePadCoeffs(20), 0u);
    EXPECT_EQ(BasefoldPcs(params).ShapeFor(20).log_len, 21 + k);
  }
}

TEST(BasefoldSparsePad, WordsBeyondTheDegreeBoundAreRejected) {
  // The inner set of a sparse hiding commitment, on m = 13 variables: the top
  // half may carry 2^(m-8) = 32 coefficients.
  BasefoldParams params = BasefoldParams::Conjectured();
  params.sparse_top = true;
  BasefoldPcs pcs(params);
  constexpr size_t kM = 13;
  std::mt19937_64 rng(17);
  std::vector<Fp> f(size_t{1} << (kM - 1));
  for (Fp& x : f) x = Fp(rng() % Fp::kModulus);
  std::vector<Fp2> z = testing::FixedPoint(kM);
  z.back() = Fp2::Zero();
  auto check = [&](const std::vector<Fp>& table) {
    PcsCommitted c = pcs.Commit({table}).value();
    EXPECT_EQ(c.data != nullptr, true);
    Transcript tp("sparse");
    PcsOpening op = pcs.Open(*c.data, z, tp).value();
    Transcript tv("sparse");
    return pcs.Verify(c.commitment, z, op.evals, op.proof, tv);
  };
  // The final polynomial holds the top to 2^V ceil(q / 2^V) coefficients.
  BasefoldShape s = pcs.ShapeFor(kM);
  size_t bound = s.FinalTopCoeffs() << s.folded_vars;
  ASSERT_GE(bound, s.top_coeffs);
  EXPECT_TRUE(check(SparseTop(f, 32, &rng)).ok());
  EXPECT_TRUE(check(SparseTop(f, bound, &rng)).ok());
  // Twice the bound; a dense top: the whole next code.
  EXPECT_FALSE(check(SparseTop(f, 2 * bound, &rng)).ok());
  std::vector<Fp> dense(size_t{1} << kM);
  for (Fp& x : dense) x = Fp(rng() % Fp::kModulus);
  EXPECT_FALSE(check(dense).ok());
}

// Distinguishing test at n = 15 (the conjectured set's smallest sparse size):
// A != B with A(z) = B(z); 40 hiding openings each, masks from a fixed seed.
// The classifier knows both candidates and answers the one whose unpadded
// codeword ([f | f] on the 2^(n+k) domain) holds every opened first-round
// symbol of the polynomial's column (a seeded coin when neither or both do);
// every shown value feeds the chi-square. Power check: the plain sparse set
// opening [A | A] and [B | B] directly is always classified right.
TEST(BasefoldSparsePad, OpeningsOfTwoPolynomialsWithTheSameEvaluationAreIndistinguishable) {
  constexpr size_t kN = 15, kProofs = 40;
  BasefoldPcs hiding(BasefoldParams::HidingConjectured());
  ASSERT_GT(hiding.SparsePadCoeffs(kN), 0u);
  ASSERT_EQ(hiding.LiftedMaskArity(kN), 0u);  // whole masks at n = 15
  BasefoldParams plain_params = BasefoldParams::Conjectured();
  plain_params.sparse_top = true;
  BasefoldPcs plain(plain_params);
  BasefoldShape s = hiding.ShapeFor(kN);
  std::vector<Fp2> z = testing::FixedPoint(kN);
  auto pair = testing::SameEvaluationPair(z);
  std::array<std::vector<Fp>, 2> unpadded{testing::Unpadded(pair[0]), testing::Unpadded(pair[1])};
  std::array<testing::CandidateCosets, 2> cosets{
      testing::CandidateCosets(unpadded[0], s.log_len, s.arity[0]),
      testing::CandidateCosets(unpadded[1], s.log_len, s.arity[0])};
  std::vector<Fp2> z_inner(z);
  z_inner.push_back(Fp2::Zero());
  size_t w = size_t{1} << s.arity[0];
  for (bool hidden : {true, false}) {
    SCOPED_TRACE(hidden ? "hiding" : "plain");
    size_t masks = hidden ? BasefoldPcs::kHidingMasks : 0;
    testing::ExpectCandidateVerdict(
        hidden, hidden ? hiding : plain, hidden ? pair : unpadded, hidden ? z : z_inner,
        hidden ? kProofs : 4, 2031,
        [&](size_t, const PcsOpening& op, const PcsCommitment&, std::mt19937_64& coin,
            std::vector<uint64_t>& shown) {
          BasefoldProof proof =
              hidden ? hiding.ParseHidingProof(op.proof, kN, 1).value().inner
                     : BasefoldProof::Parse(op.proof, plain.ShapeFor(kN + 1), 1).value();
          // Round 0's leaves: masks first, the polynomial's w symbols last.
          const BasefoldProof::Round& r0 = proof.rounds[0];
          std::array<bool, 2> match{true, true};
          for (size_t l = 0; l < r0.num_leaves; ++l) {
            const Fp* col = r0.base_leaves.data() + (l * (masks + 1) + masks) * w;
            for (size_t k = 0; k < 2; ++k) match[k] = match[k] && cosets[k].Holds(col);
          }
          testing::AppendShownValues(proof, shown);
          return match[0] != match[1] ? (match[0] ? size_t{0} : size_t{1})
                                      : static_cast<size_t>(coin() & 1);
        });
  }
}

// A wide first round (n = 19: 20 inner variables, the first round folds 4
// with whole masks, 5 with lifted ones) with a joint secondary entering
// inside round 0 (after all but one of its folds, cosets of 2) and after its
// last fold (pair leaves): the honest openings verify, return the true
// values, and a flipped byte of each part of the proof is rejected.
void ExpectWideFirstRoundJointOpeningsVerify(const BasefoldParams& params, size_t first_arity) {
  constexpr size_t kN = 19;
  BasefoldPcs pcs(params);
  ASSERT_EQ(pcs.ShapeFor(kN).arity[0], first_arity);
  std::mt19937_64 rng(23);
  auto random_poly = [&](size_t n) {
    std::vector<Fp> p(size_t{1} << n);
    for (Fp& x : p) x = Fp(rng() % Fp::kModulus);
    return p;
  };
  std::vector<Fp> w = random_poly(kN);
  PcsCommitted primary = pcs.Commit({w}).value();
  std::vector<Fp2> z = testing::FixedPoint(kN);
  for (size_t n2 : {kN + 1 - first_arity, kN - first_arity}) {
    std::vector<Fp> a = random_poly(n2);
    PcsCommitted secondary = pcs.CommitSecondary({a}, kN).value();
    Transcript tp("wide");
    BasefoldPcs::JointOpening o = pcs.OpenJoint(*primary.data, *secondary.data, z, tp).value();
    std::span<const Fp2> high = std::span<const Fp2>(z).subspan(kN - n2);
    EXPECT_EQ(o.primary_evals[0], EvaluateMle(w, z)) << n2;
    EXPECT_EQ(o.secondary_evals[0], EvaluateMle(a, high)) << n2;
    auto verify = [&](const Bytes& proof) {
      Transcript tv("wide");
      return pcs.VerifyJoint(primary.commitment, secondary.commitment, z, o.primary_evals,
                             o.secondary_evals, proof, tv);
    };
    EXPECT_TRUE(verify(o.proof).ok()) << n2;
    for (size_t at : {size_t{70}, o.proof.size() / 3, o.proof.size() / 2, o.proof.size() - 9}) {
      Bytes bad = o.proof;
      bad[at] ^= 0x10;
      EXPECT_FALSE(verify(bad).ok()) << n2 << " byte " << at;
    }
  }
}

TEST(BasefoldSparsePad, WideFirstRoundJointOpeningsVerify) {
  for (bool lifted : {false, true}) {
    SCOPED_TRACE(lifted ? "lifted masks" : "whole masks");
    BasefoldParams params = BasefoldParams::HidingConjectured(2);
    if (!lifted) params.lifted_mask_first = 0;
    ExpectWideFirstRoundJointOpeningsVerify(params, lifted ? 5u : 4u);
  }
}

// A polynomial Q(X^(2^s)) (a lift from the last variables, no pad) is encoded
// by a transform 2^s times shorter: the same codeword as the full one.
TEST(BasefoldEncode, StridedCoefficientsEncodeAsTheShortTransform) {
  std::mt19937_64 rng(31);
  for (size_t s = 0; s <= 4; ++s) {
    std::vector<Fp> coeffs(64);
    for (size_t c = 0; (c << s) < coeffs.size(); ++c) coeffs[c << s] = Fp(1 + rng() % 1000);
    EXPECT_EQ(detail::MonomialStride(coeffs), s);
    std::vector<Fp> full(1024), fast(1024, Fp(7));  // fast's tail is never read
    std::copy(coeffs.begin(), coeffs.end(), full.begin());
    std::copy(coeffs.begin(), coeffs.end(), fast.begin());
    NttBitReversedPadded(full, coeffs.size());
    detail::EncodeMonomials(fast, coeffs.size(), 2);
    EXPECT_EQ(fast, full) << "stride 2^" << s;
  }
  EXPECT_EQ(detail::MonomialStride(std::vector<Fp>(16)), 4u);  // zero: any stride
}

// Masks lifted to the secondary's last variables (CommitSecondary's
// SecondaryLifts): committed without a pad, encoded by the short transform,
// and, where the lift is constant on the secondary's leaves (n2 - k >= the
// leaf's log: 4 symbols in the kind-7 set), one symbol a leaf. The joint
// opening returns their true values; a wrong value, flipped bytes and a
// verifier told another layout are rejected; lifts that do not fit are
// kInvalidArgument.
TEST(BasefoldSparsePad, LiftedSecondaryPolynomialsOpenCompactly) {
  constexpr size_t kN = 17, kN2 = 14;
  BasefoldPcs pcs(BasefoldParams::HidingConjectured(2));
  std::mt19937_64 rng(37);
  auto random_poly = [&](size_t n) {
    std::vector<Fp> p(size_t{1} << n);
    for (Fp& x : p) x = Fp(rng() % Fp::kModulus);
    return p;
  };
  std::vector<Fp> w = random_poly(kN), a = random_poly(kN2);
  PcsCommitted primary = pcs.Commit({w}).value();
  std::vector<Fp2> z = testing::FixedPoint(kN);
  std::span<const Fp2> high = std::span<const Fp2>(z).subspan(kN - kN2);
  ASSERT_EQ(pcs.JointEntry(kN, kN2).value().leaf_log, 2u);
  // Where the pad left after j folds cannot cover 4-symbol leaves (n = 15,
  // j = 2: 64 coefficients, 30 leaves), the entry keeps pairs.
  EXPECT_EQ(pcs.JointEntry(15, 13).value().leaf_log, 1u);
  for (size_t k : {size_t{0}, size_t{11}, size_t{13}}) {  // none, compact, full leaves
    SCOPED_TRACE("k = " + std::to_string(k));
    std::vector<Fp> r1 = random_poly(k == 0 ? kN2 : k), r2 = random_poly(k == 0 ? kN2 : k);
    SecondaryLifts lifts = k == 0 ? SecondaryLifts{} : SecondaryLifts{2, k};
    EXPECT_EQ(pcs.JointEntry(kN, kN2, lifts).value().compact, k == 11 ? 2u : 0u);
    PcsCommitted secondary = pcs.CommitSecondary({a, r1, r2}, kN, lifts).value();
    Transcript tp("lifted");
    BasefoldPcs::JointOpening o = pcs.OpenJoint(*primary.data, *secondary.data, z, tp).value();
    EXPECT_EQ(o.secondary_evals[0], EvaluateMle(a, high));
    for (size_t i = 0; i < 2; ++i) {
      const std::vector<Fp>& r = i == 0 ? r1 : r2;
      size_t vars = std::countr_zero(r.size());
      EXPECT_EQ(o.secondary_evals[1 + i], EvaluateMle(r, high.subspan(kN2 - vars))) << i;
    }
    auto verify = [&](const Bytes& proof, std::vector<Fp2> evals, SecondaryLifts as) {
      Transcript tv("lifted");
      return pcs.VerifyJoint(primary.commitment, secondary.commitment, z, o.primary_evals, evals,
                             proof, tv, as);
    };
    EXPECT_TRUE(verify(o.proof, o.secondary_evals, lifts).ok());
    std::vector<Fp2> wrong = o.secondary_evals;
    wrong[2] += Fp2::One();
    EXPECT_EQ(verify(o.proof, wrong, lifts).code(), Code::kVerification);
    for (size_t at = 64; at < o.proof.size(); at += o.proof.size() / 23) {
      Bytes bad = o.proof;
      bad[at] ^= 0x04;
      EXPECT_FALSE(verify(bad, o.secondary_evals, lifts).ok()) << "byte " << at;
    }
    if (k == 11) {  // compact leaves: a verifier told "no lifts" cannot read them
      EXPECT_FALSE(verify(o.proof, o.secondary_evals, {}).ok());
    }
  }
  std::vector<Fp> small = random_poly(11);
  EXPECT_EQ(pcs.CommitSecondary({a, small}, kN, {1, 12}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(pcs.CommitSecondary({small}, kN, {1, 11}).status().code(), Code::kInvalidArgument);
}
}  // namespace
}  // namespace vinet::zk
