// Lifted masks of hiding Basefold (BasefoldParams::lifted_mask_first,
// docs/zk.md "Lifted masks"): the masks' algebra against whole tables, when
// they apply, complete and bound openings (alone and joint), fresh and
// seed-determined masks, and the distinguishing test on every shown value
// and on the first round's sumcheck messages.
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
#include "zk/pcs/basefold_lifted_masks.h"

namespace vinet::zk {
namespace {

constexpr size_t kMasks = BasefoldPcs::kHidingMasks;

// A small set where lifted masks apply from n = 15: rate 1/32 (22 queries)
// and a first round of 3 variables, (22 + 1) 2^3 <= 2^(15-7).
BasefoldParams SmallLiftedSet() {
  BasefoldParams p = BasefoldParams::HidingConjectured();
  p.log_inv_rate = 5;
  p.lifted_mask_first = 3;
  return p;
}

Fp RandomFp(std::mt19937_64& rng) {
  uint64_t w;
  do w = rng();
  while (w >= Fp::kModulus);
  return Fp(w);
}

std::vector<Fp> RandomTable(std::mt19937_64& rng, size_t vars) {
  std::vector<Fp> t(size_t{1} << vars);
  for (Fp& x : t) x = RandomFp(rng);
  return t;
}

// Mask j as a whole table of N variables: h_j(x >> a) + sum_l x_l c_jl(slope bits).
std::vector<Fp> WholeMask(const detail::LiftedMasks& m, size_t j) {
  size_t a = m.arity, s = m.SlopeShift(), cs = size_t{1} << m.slope_vars;
  std::vector<Fp> t(size_t{1} << m.vars);
  for (size_t x = 0; x < t.size(); ++x) {
    Fp v = m.h[j][x >> a];
    for (size_t l = 0; l < a; ++l) {
      if (j < m.slope_masks && ((x >> l) & 1) != 0) v += m.c[j * a + l][(x >> s) & (cs - 1)];
    }
    t[x] = v;
  }
  return t;
}

// Every helper of the lifted form agrees with the whole tables: leaf symbols
// reconstruct the whole codeword on every coset and fold as the verifier
// folds them, the values at a point, the
// combined table and its top half's difference; the whole table has the
// sparse top's degree bound.
TEST(LiftedMasks, TheLiftedFormAgreesWithTheWholeTables) {
  constexpr size_t kN = 12, kA = 3, kSlope = 4, kTop = 32, kRate = 3;
  constexpr size_t kLogLen = kN - 1 + kRate;
  std::mt19937_64 rng(41);
  detail::LiftedMasks m =
      detail::DrawLiftedMasks(kMasks, kN, kA, kSlope, kTop, [&](std::span<Fp> out) {
        for (Fp& x : out) x = RandomFp(rng);
      });
  detail::EncodeLiftedMasks(m, kLogLen, 2);
  ASSERT_EQ(m.slope_masks, kLiftedSlopeMasks);
  ASSERT_EQ(m.LeafSymbols(), kMasks + kLiftedSlopeMasks * kA);
  std::vector<Fp4> alpha;
  for (size_t j = 0; j < kMasks; ++j)
    alpha.emplace_back(Fp2(RandomFp(rng), RandomFp(rng)), Fp2(RandomFp(rng), RandomFp(rng)));
  std::vector<std::vector<Fp>> whole, codewords;
  for (size_t j = 0; j < kMasks; ++j) {
    whole.push_back(WholeMask(m, j));
    std::vector<Fp> coeffs = whole.back();
    detail::ToMonomial(coeffs);
    // The sparse top: beyond the bottom half only kTop coefficients.
    for (size_t i = (size_t{1} << (kN - 1)) + kTop; i < coeffs.size(); ++i) {
      ASSERT_EQ(coeffs[i], Fp::Zero()) << j << " " << i;
    }
    std::vector<Fp> cw(size_t{1} << kLogLen);
    std::copy(coeffs.begin(), coeffs.end(), cw.begin());
    NttBitReversedPadded(cw, coeffs.size());
    codewords.push_back(std::move(cw));
  }
  size_t w = size_t{1} << kA;
  std::vector<Fp4> r;  // the first round's challenges
  for (size_t l = 0; l < kA; ++l)
    r.emplace_back(Fp2(RandomFp(rng), RandomFp(rng)), Fp2(RandomFp(rng), RandomFp(rng)));
  detail::LeafFolderT<Fp4> folder(kLogLen, r);
  Fp root = Fp::RootOfUnity(static_cast<int>(kLogLen));
  for (size_t leaf = 0; leaf < (size_t{1} << (kLogLen - kA)); ++leaf) {
    std::vector<Fp> syms;
    detail::AppendLiftedLeaf(m, leaf, syms);
    ASSERT_EQ(syms.size(), m.LeafSymbols());
    // Each symbol is H + sum_l x^(2^l) C_l at its point x.
    for (size_t j = 0; j < w; ++j) {
      Fp x = root.Pow(detail::BitReverse(leaf * w + j, kLogLen));
      const Fp* at = syms.data();
      for (size_t k = 0; k < kMasks; ++k) {
        Fp v = *at++, xp = x;
        for (size_t l = 0; k < kLiftedSlopeMasks && l < kA; ++l, xp *= xp) v += xp * *at++;
        ASSERT_EQ(v, codewords[k][leaf * w + j]) << "leaf " << leaf << " symbol " << j;
      }
    }
    // Folding the coset gives H + sum_l r_l C_l, combined.
    std::vector<Fp4> values(w);
    for (size_t j = 0; j < w; ++j)
      for (size_t k = 0; k < kMasks; ++k) values[j] += alpha[k] * codewords[k][leaf * w + j];
    ASSERT_EQ(folder.Fold(values, leaf), detail::FoldedLiftedMasks(syms, alpha, r))
        << "leaf " << leaf;
  }
  std::vector<Fp2> point = testing::FixedPoint(kN);
  for (size_t j = 0; j < kMasks; ++j) {
    EXPECT_EQ(detail::EvaluateLiftedMask(m, j, point),
              EvaluateMle(std::span<const Fp>(whole[j]), point));
  }
  detail::CombinedLiftedMasks<Fp4> combined = detail::CombineLiftedMasks(m, alpha);
  size_t half = size_t{1} << (kN - 1);
  for (size_t x = 0; x < (size_t{1} << kN); ++x) {
    Fp4 want;
    for (size_t k = 0; k < kMasks; ++k) want += alpha[k] * whole[k][x];
    ASSERT_EQ(combined.At(x), want) << x;
    if (x < half) {
      Fp4 top;
      for (size_t k = 0; k < kMasks; ++k) top += alpha[k] * (whole[k][half + x] - whole[k][x]);
      ASSERT_EQ(combined.TopDelta(x), top) << x;
    }
  }
}

// F_p coordinates of an Fp4 element.
std::array<Fp, 4> Coords(Fp4 x) {
  return {x.c0().c0(), x.c0().c1(), x.c1().c0(), x.c1().c1()};
}

// x = sum_j coeffs_j b_j with coeffs_j in F_p (b an F_p-basis of Fp4), by
// Gauss-Jordan on the 4 x 4 system.
std::array<Fp, 4> CoordsIn(const std::array<Fp4, 4>& b, Fp4 x) {
  std::array<std::array<Fp, 5>, 4> m;
  for (size_t i = 0; i < 4; ++i) {
    for (size_t j = 0; j < 4; ++j) m[i][j] = Coords(b[j])[i];
    m[i][4] = Coords(x)[i];
  }
  for (size_t col = 0; col < 4; ++col) {
    size_t piv = col;
    while (m[piv][col] == Fp::Zero()) ++piv;
    std::swap(m[piv], m[col]);
    Fp inv = m[col][col].Inverse();
    for (Fp& v : m[col]) v *= inv;
    for (size_t i = 0; i < 4; ++i) {
      if (i == col) continue;
      Fp f = m[i][col];
      for (size_t j = 0; j < 5; ++j) m[i][j] -= f * m[col][j];
    }
  }
  return {m[0][4], m[1][4], m[2][4], m[3][4]};
}

// Rank of a matrix over F_p2.
size_t Rank(std::vector<std::vector<Fp2>> m) {
  size_t rank = 0, cols = m.empty() ? 0 : m[0].size();
  for (size_t col = 0; col < cols && rank < m.size(); ++col) {
    size_t piv = rank;
    while (piv < m.size() && m[piv][col] == Fp2()) ++piv;
    if (piv == m.size()) continue;
    std::swap(m[piv], m[rank]);
    Fp2 inv = m[rank][col].Inverse();
    for (size_t i = 0; i < m.size(); ++i) {
      if (i == rank) continue;
      Fp2 f = m[i][col] * inv;
      for (size_t j = 0; j < cols; ++j) m[i][j] -= f * m[rank][j];
    }
    ++rank;
  }
  return rank;
}

// The simulator's slope system (docs/zk.md "Lifted masks", step 1) has room:
// per l, (B) sum_{j<3} alpha_j w_jl = e_l leaves the line w_.l + t_l kappa_l
// (kappa_l spans the kernel of F_p2^3 -> Fp4), and (C), the four mask values,
// is then a 4 x a system in t whose alpha-combination vanishes identically
// and whose rank is 2, so every consistent right-hand side is solved. With
// two slope masks (B) leaves no freedom (the map F_p2^2 -> Fp4 is onto and
// one to one), and (C)'s two remaining equations would go unmet.
TEST(LiftedMasks, TheSimulatorsSlopeSystemHasRoom) {
  ASSERT_EQ(kLiftedSlopeMasks, 3u);
  std::mt19937_64 rng(77);
  auto fp2 = [&] { return Fp2(RandomFp(rng), RandomFp(rng)); };
  auto fp4 = [&] { return Fp4(fp2(), fp2()); };
  for (size_t trial = 0; trial < 10; ++trial) {
    std::array<Fp4, 4> alpha{Fp4::One(), fp4(), fp4(), fp4()};
    // kappa = (p_0, p_1, p_2) x (q_0, q_1, q_2), alpha_j = p_j + q_j u.
    std::array<Fp2, 3> kappa{alpha[1].c0() * alpha[2].c1() - alpha[2].c0() * alpha[1].c1(),
                             alpha[2].c0() * alpha[0].c1() - alpha[0].c0() * alpha[2].c1(),
                             alpha[0].c0() * alpha[1].c1() - alpha[1].c0() * alpha[0].c1()};
    Fp4 image;
    for (size_t j = 0; j < 3; ++j) image += alpha[j] * kappa[j];
    ASSERT_EQ(image, Fp4());
    ASSERT_NE(kappa[0], Fp2());
    for (size_t a = 2; a <= 6; ++a) {
      std::vector<std::vector<Fp2>> rows(4, std::vector<Fp2>(a));
      for (size_t l = 0; l < a; ++l) {
        Fp4 r = fp4();
        Fp2 z = fp2();
        // d(E^h_j(z))/dt_l = -sum_{j'} coord_j(r alpha_j') kappa_j'; d(sum_l z_l w_jl)/dt_l = z
        // kappa_j.
        std::array<std::array<Fp, 4>, 3> c;
        for (size_t jp = 0; jp < 3; ++jp) c[jp] = CoordsIn(alpha, r * alpha[jp]);
        for (size_t j = 0; j < 4; ++j) {
          Fp2 v = j < 3 ? z * kappa[j] : Fp2();
          for (size_t jp = 0; jp < 3; ++jp) v -= Fp2(c[jp][j]) * kappa[jp];
          rows[j][l] = v;
        }
        Fp4 combined;
        for (size_t j = 0; j < 4; ++j) combined += alpha[j] * rows[j][l];
        EXPECT_EQ(combined, Fp4()) << "a=" << a << " l=" << l;
      }
      EXPECT_EQ(Rank(rows), 2u) << "a=" << a;
    }
    // Two slope masks: (w_0, w_1) -> alpha_0 w_0 + alpha_1 w_1 is one to one.
    Fp2 det = alpha[0].c0() * alpha[1].c1() - alpha[1].c0() * alpha[0].c1();
    EXPECT_NE(det, Fp2());
  }
}

// Where they apply: the kind-7 set from n = 17 (rate 1/16 and 1/32), first
// round kLiftedMaskFirst (+ 1 wide from 20 inner variables), 1 + a symbols a
// mask in a first-round leaf; never without the parameter, below the sizes
// whose pad covers the wider round, or in the Johnson hiding set.
TEST(LiftedMasks, ApplyWhereTheSparsePadCoversTheWiderRound) {
  for (int rate : {4, 5}) {
    BasefoldParams p = BasefoldParams::HidingConjectured();
    p.log_inv_rate = rate;
    BasefoldPcs pcs(p);
    BasefoldParams off = p;
    off.lifted_mask_first = 0;
    for (size_t n = 10; n <= 24; ++n) {
      size_t a = pcs.LiftedMaskArity(n);
      BasefoldShape s = pcs.ShapeFor(n);
      EXPECT_EQ(BasefoldPcs(off).LiftedMaskArity(n), 0u);
      if (n >= 17) {
        ASSERT_GT(a, 0u) << n;
      }
      if (a == 0) {
        EXPECT_EQ(s.lifted_masks, 0u) << n;
        continue;
      }
      EXPECT_EQ(a, static_cast<size_t>(p.lifted_mask_first) + (n + 1 >= 20 ? 1 : 0)) << n;
      EXPECT_EQ(s.arity[0], a) << n;
      EXPECT_EQ(s.lifted_masks, kMasks) << n;
      EXPECT_EQ(s.FirstLeafSymbols(kMasks + 2), kMasks + kLiftedSlopeMasks * a + (size_t{2} << a))
          << n;
      EXPECT_LE((s.num_queries + 1) << a, pcs.SparsePadCoeffs(n)) << n;
      EXPECT_GE(pcs.SoundnessBits(n), 100.0) << n;
    }
  }
  EXPECT_EQ(BasefoldPcs(BasefoldParams::Hiding()).LiftedMaskArity(20), 0u);
  EXPECT_EQ(BasefoldPcs(BasefoldParams::Conjectured()).LiftedMaskArity(20), 0u);
}

// Openings with lifted masks, alone and joint, return the true values and
// verify; a flipped byte anywhere and a truncation are rejected.
TEST(LiftedMasks, OpeningsVerifyAndBindEveryByte) {
  constexpr size_t kN = 15;
  BasefoldPcs pcs(SmallLiftedSet());
  ASSERT_EQ(pcs.LiftedMaskArity(kN), 3u);
  std::mt19937_64 rng(7);
  std::vector<std::vector<Fp>> polys{RandomTable(rng, kN), RandomTable(rng, kN)};
  auto committed = pcs.Commit(polys);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  PcsCommitted c = *committed;
  std::vector<Fp2> z = testing::FixedPoint(kN);
  Transcript tp("lifted");
  auto opened = pcs.Open(*c.data, z, tp);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  PcsOpening op = *opened;
  for (size_t k = 0; k < polys.size(); ++k) {
    EXPECT_EQ(op.evals[k], EvaluateMle(std::span<const Fp>(polys[k]), z));
  }
  auto verify = [&](const Bytes& proof) {
    Transcript tv("lifted");
    return pcs.Verify(c.commitment, z, op.evals, proof, tv);
  };
  ASSERT_TRUE(verify(op.proof).ok()) << verify(op.proof).ToString();
  auto parsed_or = pcs.ParseHidingProof(op.proof, kN, 2);
  ASSERT_TRUE(parsed_or.ok()) << parsed_or.status().ToString();
  BasefoldPcs::HidingProof parsed = *parsed_or;
  BasefoldShape s = pcs.ShapeFor(kN);
  EXPECT_EQ(parsed.inner.rounds[0].base_leaves.size(),
            parsed.inner.rounds[0].num_leaves * (kMasks + kLiftedSlopeMasks * 3 + 2 * 8));
  for (size_t i = 0; i < op.proof.size(); i += op.proof.size() / 300 + 1) {
    Bytes bad = op.proof;
    bad[i] ^= static_cast<uint8_t>(1u << (i % 8));
    Status st = verify(bad);
    EXPECT_TRUE(st.code() == Code::kParse || st.code() == Code::kVerification)
        << "byte " << i << ": " << st.ToString();
  }
  Bytes cut(op.proof.begin(), op.proof.end() - 1);
  EXPECT_EQ(verify(cut).code(), Code::kParse);
  std::vector<Fp2> wrong = op.evals;
  wrong[1] += Fp2::One();
  Transcript tw("lifted");
  EXPECT_FALSE(pcs.Verify(c.commitment, z, wrong, op.proof, tw).ok());

  // Joint: secondaries entering after one and two of the first round's folds
  // (after its last one the sparse pad of n = 15 is too small to hide them).
  for (size_t n2 : {kN - 1, kN - 2}) {
    std::vector<Fp> a = RandomTable(rng, n2);
    auto sec_or = pcs.CommitSecondary({a}, kN);
    ASSERT_TRUE(sec_or.ok()) << n2 << ": " << sec_or.status().ToString();
    PcsCommitted sec = *sec_or;
    Transcript jp("lifted-joint");
    auto joint = pcs.OpenJoint(*c.data, *sec.data, z, jp);
    ASSERT_TRUE(joint.ok()) << n2 << ": " << joint.status().ToString();
    BasefoldPcs::JointOpening o = *joint;
    EXPECT_EQ(o.secondary_evals[0],
              EvaluateMle(std::span<const Fp>(a), std::span<const Fp2>(z).subspan(kN - n2)));
    auto verify_joint = [&](const Bytes& proof) {
      Transcript jv("lifted-joint");
      return pcs.VerifyJoint(c.commitment, sec.commitment, z, o.primary_evals, o.secondary_evals,
                             proof, jv);
    };
    EXPECT_TRUE(verify_joint(o.proof).ok()) << n2 << ": " << verify_joint(o.proof).ToString();
    for (size_t i = 0; i < o.proof.size(); i += o.proof.size() / 60 + 1) {
      Bytes bad = o.proof;
      bad[i] ^= 0x04;
      EXPECT_FALSE(verify_joint(bad).ok()) << n2 << " byte " << i;
    }
  }
}

// Fresh masks per commitment; a seed recomputes its commitment.
TEST(LiftedMasks, MasksAreFreshAndASeedRecomputesItsCommitment) {
  constexpr size_t kN = 15;
  BasefoldPcs pcs(SmallLiftedSet());
  std::mt19937_64 rng(9);
  std::vector<Fp> f = RandomTable(rng, kN);
  EXPECT_NE(pcs.Commit({f}).value().commitment.root, pcs.Commit({f}).value().commitment.root);
  Digest seed{}, other{};
  seed[0] = 1;
  other[0] = 2;
  Digest r1 = pcs.CommitWithMaskSeed({f}, seed).value().commitment.root;
  EXPECT_EQ(r1, pcs.CommitWithMaskSeed({f}, seed).value().commitment.root);
  EXPECT_NE(r1, pcs.CommitWithMaskSeed({f}, other).value().commitment.root);
}

// An opening of one polynomial (hiding: its masks first) as the verifier's
// transcript has it through its first `rounds` sumcheck rounds: the batching
// coefficients (alpha_0 = 1) and the folding challenges.
struct Replayed {
  std::vector<Fp4> alpha{Fp4::One()};
  std::vector<Fp4> r;
};

Replayed Replay(const PcsCommitment& inner, std::span<const Fp2> inner_point,
                std::span<const Fp2> evals, const BasefoldProof& proof, size_t rounds) {
  Transcript t(testing::kCandidateTranscript);
  inner.AbsorbInto(t);
  t.AbsorbFp2s("basefold.point", inner_point);
  t.AbsorbFp2s("basefold.evals", evals);
  Replayed out;
  if (evals.size() > 1) {
    std::vector<Fp2> h = t.ChallengeFp2s("basefold.batch", 2 * (evals.size() - 1));
    for (size_t i = 0; i + 1 < evals.size(); ++i) out.alpha.push_back(Fp4(h[2 * i], h[2 * i + 1]));
  }
  for (size_t i = 0; i < rounds; ++i) {
    Fp4 s0 = proof.sumcheck[2 * i], s2 = proof.sumcheck[2 * i + 1];
    std::vector<Fp2> flat{s0.c0(), s0.c1(), s2.c0(), s2.c1()};
    t.AbsorbFp2s("basefold.sumcheck", flat);
    std::vector<Fp2> h = t.ChallengeFp2s("basefold.fold", 2);
    out.r.push_back(Fp4(h[0], h[1]));
  }
  return out;
}

// The multilinear extension of f at a point over Fp4.
Fp4 EvaluateAt(const std::vector<Fp>& f, const std::vector<Fp4>& point) {
  std::vector<Fp4> t(f.begin(), f.end());
  for (Fp4 c : point) {
    for (size_t j = 0; j < t.size() / 2; ++j) t[j] = t[2 * j] + c * (t[2 * j + 1] - t[2 * j]);
    t.resize(t.size() / 2);
  }
  return t[0];
}

// Distinguishing test at n = 15 on the small lifted set (a = 3): A != B with
// A(z) = B(z), 40 openings each. The classifier knows both candidates,
// replays the transcript, and (1) predicts the first round's a sumcheck
// messages g_i(0) as if the masks did not depend on x_0..x_{a-1}: exact
// without the slope tables (80 of 80 right when they are zeroed), and (2)
// looks for the opened first-round symbols of the polynomial in each
// candidate's unpadded codeword; a seeded coin when neither decides. Every
// shown value feeds the chi-square. Power check: plain sparse openings of the
// unpadded tables (no masks: both tests are exact).
TEST(LiftedMasks, OpeningsOfTwoPolynomialsWithTheSameEvaluationAreIndistinguishable) {
  constexpr size_t kN = 15, kProofs = 40;
  BasefoldPcs hiding(SmallLiftedSet());
  ASSERT_GT(hiding.LiftedMaskArity(kN), 0u);
  BasefoldParams plain_params = BasefoldParams::Conjectured();
  plain_params.log_inv_rate = 5;
  plain_params.first_fold_log = 3;
  plain_params.sparse_top = true;
  BasefoldPcs plain(plain_params);
  BasefoldShape s = hiding.ShapeFor(kN);
  ASSERT_EQ(plain.ShapeFor(kN + 1).arity[0], s.arity[0]);
  std::vector<Fp2> z = testing::FixedPoint(kN);
  auto pair = testing::SameEvaluationPair(z);
  std::vector<Fp2> z_inner(z);
  z_inner.push_back(Fp2::Zero());
  size_t a = s.arity[0], w = size_t{1} << a;
  std::array<std::vector<Fp>, 2> unpadded{testing::Unpadded(pair[0]), testing::Unpadded(pair[1])};
  std::array<testing::CandidateCosets, 2> cosets{
      testing::CandidateCosets(unpadded[0], s.log_len, s.arity[0]),
      testing::CandidateCosets(unpadded[1], s.log_len, s.arity[0])};
  for (bool hidden : {true, false}) {
    SCOPED_TRACE(hidden ? "lifted masks" : "plain");
    testing::ExpectCandidateVerdict(
        hidden, hidden ? hiding : plain, hidden ? pair : unpadded, hidden ? z : z_inner,
        hidden ? kProofs : 4, 2041,
        [&](size_t, const PcsOpening& op, const PcsCommitment& c, std::mt19937_64& coin,
            std::vector<uint64_t>& shown) {
          BasefoldProof proof;
          std::vector<Fp2> evals;  // the inner statement: mask values, then y
          if (hidden) {
            BasefoldPcs::HidingProof h = hiding.ParseHidingProof(op.proof, kN, 1).value();
            proof = std::move(h.inner);
            evals = h.mask_evals;
          } else {
            proof = BasefoldProof::Parse(op.proof, plain.ShapeFor(kN + 1), 1).value();
          }
          evals.push_back(op.evals[0]);
          PcsCommitment inner{c.root, kN + 1, static_cast<uint32_t>(evals.size())};
          Replayed rp = Replay(inner, z_inner, evals, proof, a);
          // (1) the first a messages without slopes: g_i(0) = prefix (1 - z_i)
          // (alpha_f A(r_<i, 0, z_>i) + sum_j alpha_j v_j).
          Fp4 masks;
          for (size_t j = 0; j + 1 < evals.size(); ++j) masks += rp.alpha[j] * evals[j];
          std::array<bool, 2> first{true, true};
          for (size_t k = 0; k < 2; ++k) {
            Fp4 prefix = Fp4::One();
            for (size_t i = 0; i < a; ++i) {
              std::vector<Fp4> at(rp.r.begin(), rp.r.begin() + static_cast<ptrdiff_t>(i));
              at.push_back(Fp4());
              for (size_t v = i + 1; v < kN; ++v) at.push_back(Fp4(z[v]));
              Fp4 predicted = prefix * Fp4(Fp2::One() - z[i]) *
                              (rp.alpha.back() * EvaluateAt(pair[k], at) + masks);
              first[k] = first[k] && predicted == proof.sumcheck[2 * i];
              prefix *= Fp4(z[i]) * rp.r[i] + Fp4(Fp2::One() - z[i]) * (Fp4::One() - rp.r[i]);
            }
          }
          // (2) the opened symbols: the polynomial's w after the masks' part.
          const BasefoldProof::Round& r0 = proof.rounds[0];
          size_t per_leaf = r0.base_leaves.size() / r0.num_leaves;
          std::array<bool, 2> opened{true, true};
          for (size_t l = 0; l < r0.num_leaves; ++l) {
            const Fp* col = r0.base_leaves.data() + l * per_leaf + (per_leaf - w);
            for (size_t k = 0; k < 2; ++k) opened[k] = opened[k] && cosets[k].Holds(col);
          }
          for (size_t j = 0; j + 1 < evals.size(); ++j) shown.push_back(evals[j].c0().value());
          testing::AppendShownValues(proof, shown);
          return first[0] != first[1]     ? (first[0] ? size_t{0} : size_t{1})
                 : opened[0] != opened[1] ? (opened[0] ? size_t{0} : size_t{1})
                                          : static_cast<size_t>(coin() & 1);
        });
  }
}

}  // namespace
}  // namespace vinet::zk
