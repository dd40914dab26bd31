// Basefold-specific tests (the shared behaviour is in pcs_conformance_test):
// verifier-side leaf folding equals the prover's codeword folding, every
// element of a multi-round opening changed one at a time is rejected, the
// query count and soundness follow the documented bound, parameters are named.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <type_traits>

#include "vinet/zk/field/ntt.h"
#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/soundness.h"
#include "zk/pcs/basefold_fold.h"

namespace vinet::zk {
namespace {

Fp RandomFp(std::mt19937_64& rng) {
  return Fp(rng() % Fp::kModulus);
}
Fp2 RandomFp2(std::mt19937_64& rng) {
  return Fp2(RandomFp(rng), RandomFp(rng));
}

TEST(BasefoldFold, LeafFoldingMatchesCodewordFolding) {
  std::mt19937_64 rng(11);
  for (size_t log_len : {3u, 6u, 9u}) {
    for (size_t a = 1; a <= 3; ++a) {
      std::vector<Fp2> cw(size_t{1} << log_len);
      for (auto& x : cw) x = RandomFp2(rng);
      std::vector<Fp2> chals(a);
      for (auto& c : chals) c = RandomFp2(rng);
      std::vector<Fp> tw = detail::FoldTwiddles(log_len);
      std::vector<Fp2> folded = cw;
      for (size_t l = 0; l < a; ++l) {
        std::vector<Fp2> next(folded.size() / 2);
        detail::FoldCodeword(folded, next, chals[l], tw, 1);
        folded = std::move(next);
      }
      detail::LeafFolder folder(log_len, chals);
      size_t w = size_t{1} << a;
      for (size_t i = 0; i < folded.size(); ++i) {
        std::vector<Fp2> leaf(cw.begin() + i * w, cw.begin() + (i + 1) * w);
        EXPECT_EQ(folder.Fold(leaf, i), folded[i]) << log_len << " " << a << " " << i;
      }
    }
  }
}

TEST(BasefoldFold, FoldingACodewordEncodesTheFoldedPolynomial) {
  // P = sum c_i X^i on 2^5 points (bit-reversed); folding with r gives the
  // evaluations of P_even + r P_odd on the squared domain.
  std::mt19937_64 rng(12);
  size_t log_len = 5, len = size_t{1} << log_len;
  std::vector<Fp2> coeffs(8);
  for (auto& c : coeffs) c = RandomFp2(rng);
  Fp w = Fp::RootOfUnity(static_cast<int>(log_len));
  std::vector<Fp2> cw(len);
  for (size_t j = 0; j < len; ++j) {
    cw[j] = detail::EvaluateUnivariate(coeffs, w.Pow(detail::BitReverse(j, log_len)));
  }
  Fp2 r = RandomFp2(rng);
  std::vector<Fp2> out(len / 2);
  detail::FoldCodeword(cw, out, r, detail::FoldTwiddles(log_len), 1);
  std::vector<Fp2> folded(4);
  for (size_t i = 0; i < 4; ++i) folded[i] = coeffs[2 * i] + r * coeffs[2 * i + 1];
  Fp w2 = w * w;
  for (size_t j = 0; j < len / 2; ++j) {
    EXPECT_EQ(out[j],
              detail::EvaluateUnivariate(folded, w2.Pow(detail::BitReverse(j, log_len - 1))));
  }
}

template <typename E>
void CheckEncodingMatchesFolding(std::mt19937_64& rng, size_t n, size_t rate, size_t folds) {
  // A base-field multilinear polynomial, its codeword (the commitment's
  // transform), folded `folds` times, against the encoding of the polynomial
  // folded with the same challenges (the prover's later-round codewords).
  size_t log_len = n + rate, size = size_t{1} << n;
  std::vector<Fp> evals(size);
  for (auto& v : evals) v = RandomFp(rng);
  std::vector<Fp> base(size_t{1} << log_len, Fp::Zero());
  std::copy(evals.begin(), evals.end(), base.begin());
  detail::ToMonomial(std::span<Fp>(base).first(size));
  NttBitReversed(base);
  std::vector<E> cw(base.begin(), base.end()), f(evals.begin(), evals.end());
  std::vector<Fp> tw = detail::FoldTwiddles(log_len);
  for (size_t l = 0; l < folds; ++l) {
    E r;
    if constexpr (std::is_same_v<E, Fp4>) {
      r = Fp4(RandomFp2(rng), RandomFp2(rng));
    } else {
      r = RandomFp2(rng);
    }
    std::vector<E> next(cw.size() / 2);
    detail::FoldCodeword(cw, next, r, tw, 2);
    cw = std::move(next);
    std::vector<E> g(f.size() / 2);
    for (size_t j = 0; j < g.size(); ++j) g[j] = f[2 * j] + r * (f[2 * j + 1] - f[2 * j]);
    f = std::move(g);
  }
  EXPECT_EQ(detail::EncodeMultilinear(std::span<const E>(f), log_len - folds, 2), cw)
      << n << " " << rate << " " << folds;
}

TEST(BasefoldFold, EncodingTheFoldedPolynomialEqualsFoldingTheCodeword) {
  std::mt19937_64 rng(13);
  for (size_t folds : {1u, 3u, 5u}) {
    CheckEncodingMatchesFolding<Fp2>(rng, 7, 2, folds);
    CheckEncodingMatchesFolding<Fp4>(rng, 8, 4, folds);
  }
  CheckEncodingMatchesFolding<Fp4>(rng, 14, 4, 5);  // NTT blocks beyond the cache block
}

TEST(BasefoldFold, ProofOfWorkIsTheSmallestNonceAndChecked) {
  for (uint8_t seed : {7, 8, 9, 10}) {  // odd and even smallest nonces
    Digest state{};
    state[0] = seed;
    uint64_t n1 = detail::PowSolve(state, 10, 1), n2 = detail::PowSolve(state, 10, 2);
    EXPECT_EQ(n1, n2);
    EXPECT_TRUE(detail::PowValid(state, n1, 10));
    for (uint64_t n = 0; n < n1; ++n) EXPECT_FALSE(detail::PowValid(state, n, 10)) << n;
  }
  Digest state{};
  EXPECT_TRUE(detail::PowValid(state, 0, 0));
  EXPECT_FALSE(detail::PowValid(state, 1, 0));  // no grinding: only nonce 0
}

struct Fixture {
  explicit Fixture(BasefoldParams params = BasefoldParams{100, 2, 3, 2, 8, 1}) : pcs(params) {
    std::mt19937_64 rng(21);
    std::vector<std::vector<Fp>> polys(2, std::vector<Fp>(size_t{1} << 9));
    for (auto& p : polys)
      for (auto& x : p) x = RandomFp(rng);
    committed = pcs.Commit(polys).value();
    for (size_t i = 0; i < 9; ++i) point.push_back(RandomFp2(rng));
    Transcript t("basefold");
    proof = pcs.OpenProof(*committed.data, point, t, &evals).value();
  }
  BasefoldPcs pcs;
  PcsCommitted committed;
  std::vector<Fp2> point, evals;
  BasefoldProof proof;

  bool Accepts(const BasefoldProof& p) const {
    Transcript t("basefold");
    return pcs.VerifyProof(committed.commitment, point, evals, p, t).ok();
  }
};

void ExpectEveryElementChangeRejected(const Fixture& f) {
  ASSERT_TRUE(f.Accepts(f.proof));
  BasefoldShape s = f.pcs.ShapeFor(9);
  ASSERT_EQ(s.Rounds(), 3u);
  ASSERT_LT(s.num_queries, size_t{1} << s.LeafDepth(0));
  size_t checked = 0;
  auto reject = [&](const BasefoldProof& p, const std::string& what) {
    EXPECT_FALSE(f.Accepts(p)) << what;
    ++checked;
  };
  for (size_t i = 0; i < f.proof.sumcheck.size(); ++i) {
    BasefoldProof p = f.proof;
    p.sumcheck[i] += Fp2::One();
    reject(p, "sumcheck " + std::to_string(i));
  }
  for (size_t i = 0; i < f.proof.roots.size(); ++i) {
    BasefoldProof p = f.proof;
    p.roots[i][i % 32] ^= 0x20;
    reject(p, "root " + std::to_string(i));
  }
  for (size_t i = 0; i < f.proof.final_poly.size(); ++i) {
    BasefoldProof p = f.proof;
    p.final_poly[i] += Fp2(Fp(0), Fp(1));
    reject(p, "final " + std::to_string(i));
    p = f.proof;
    p.final_poly[i] += Fp4(Fp2::Zero(), Fp2::One());  // the upper Fp4 half
    reject(p, "final upper half " + std::to_string(i));
  }
  {
    BasefoldProof p = f.proof;
    p.pow_nonce += 1;
    reject(p, "nonce");
  }
  for (size_t r = 0; r < f.proof.rounds.size(); ++r) {
    const BasefoldProof::Round& rd = f.proof.rounds[r];
    if (r == 0) {
      ASSERT_FALSE(rd.merkle_nodes.empty());  // later rounds may open every leaf
    }
    for (size_t i = 0; i < rd.base_leaves.size(); ++i) {
      BasefoldProof p = f.proof;
      p.rounds[r].base_leaves[i] += Fp::One();
      reject(p, "round " + std::to_string(r) + " base leaf value " + std::to_string(i));
    }
    for (size_t i = 0; i < rd.ext_leaves.size(); ++i) {
      BasefoldProof p = f.proof;
      p.rounds[r].ext_leaves[i] += Fp2(Fp(0), Fp(1));
      reject(p, "round " + std::to_string(r) + " leaf value " + std::to_string(i));
    }
    for (size_t k = 0; k < rd.merkle_nodes.size(); ++k) {
      BasefoldProof p = f.proof;
      p.rounds[r].merkle_nodes[k][k % 32] ^= 0x40;
      reject(p, "round " + std::to_string(r) + " node " + std::to_string(k));
    }
    BasefoldProof p = f.proof;
    p.rounds[r].merkle_nodes.push_back(Digest{});
    reject(p, "extra node");
    if (!rd.merkle_nodes.empty()) {
      p = f.proof;
      p.rounds[r].merkle_nodes.pop_back();
      reject(p, "missing node");
    }
  }
  {  // two leaves of the first round swapped
    BasefoldProof p = f.proof;
    size_t w = f.proof.rounds[0].base_leaves.size() / f.proof.rounds[0].num_leaves;
    std::swap_ranges(p.rounds[0].base_leaves.begin(), p.rounds[0].base_leaves.begin() + w,
                     p.rounds[0].base_leaves.begin() + w);
    reject(p, "swapped leaves");
  }
  for (size_t k = 0; k < f.evals.size(); ++k) {
    Fixture g = f;
    g.evals[k] += Fp2::One();
    EXPECT_FALSE(g.Accepts(g.proof)) << "eval " << k;
  }
  EXPECT_GT(checked, 1000u);
}

TEST(Basefold, EveryElementChangeIsRejected) {
  Fixture f;  // n = 9: rounds of 3, 3, 1 folded variables, final polynomial of 2
  ExpectEveryElementChangeRejected(f);
}

TEST(Basefold, VersionFourLeavesOmitTheFoldedSymbolsAndStillBindThem) {
  // n = 9: rounds of 3, 2, 2 folded variables; later rounds do not send the
  // symbols the previous round's queries fold to.
  Fixture f(BasefoldParams{100, 2, 2, 2, 8, 1, BasefoldRegime::kJohnsonFp4, 3});
  BasefoldShape s = f.pcs.ShapeFor(9);
  ASSERT_TRUE(s.implicit_symbols);
  ASSERT_EQ(s.arity, (std::vector<size_t>{3, 2, 2}));
  for (size_t r = 1; r < s.Rounds(); ++r) {
    const BasefoldProof::Round& rd = f.proof.rounds[r];
    EXPECT_EQ(rd.ext_leaves.size(), rd.num_leaves * 4 - f.proof.rounds[r - 1].num_leaves) << r;
  }
  ExpectEveryElementChangeRejected(f);  // every sent symbol, node, count
  // The encoding round-trips; one symbol more or less is a parse error.
  Bytes bytes = f.proof.ToBytes();
  auto parsed = BasefoldProof::Parse(bytes, s, 2);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->ToBytes(), bytes);
  BasefoldProof more = f.proof, fewer = f.proof;
  more.rounds[1].ext_leaves.push_back(Fp4());
  fewer.rounds[2].ext_leaves.pop_back();
  EXPECT_FALSE(f.Accepts(more));
  EXPECT_FALSE(f.Accepts(fewer));
  EXPECT_EQ(BasefoldProof::Parse(more.ToBytes(), s, 2).status().code(), Code::kParse);
  EXPECT_EQ(BasefoldProof::Parse(fewer.ToBytes(), s, 2).status().code(), Code::kParse);
}

TEST(Basefold, ConjecturedSetsSendTwentySixByteDigests) {
  // The conjectured sets keep 26 bytes of every Merkle digest: roots and
  // multi-proof nodes are 26 bytes on the wire (zeros after in memory), and
  // the collision term 2^-104 is part of the stated soundness.
  BasefoldParams p = BasefoldParams::Conjectured();
  p.final_vars = 2;  // later rounds at n = 9, so there are roots to send
  Fixture f(p);
  ASSERT_TRUE(f.Accepts(f.proof));
  EXPECT_EQ(f.proof.digest_bytes, 26u);
  ASSERT_FALSE(f.proof.roots.empty());
  size_t digests = f.proof.roots.size();
  auto zero_tail = [](const Digest& d) {
    return std::all_of(d.begin() + 26, d.end(), [](uint8_t x) { return x == 0; });
  };
  for (const Digest& d : f.proof.roots) EXPECT_TRUE(zero_tail(d));
  for (const auto& rd : f.proof.rounds) {
    digests += rd.merkle_nodes.size();
    for (const Digest& d : rd.merkle_nodes) EXPECT_TRUE(zero_tail(d));
  }
  EXPECT_TRUE(zero_tail(f.committed.commitment.root));
  Bytes bytes = f.proof.ToBytes();
  BasefoldProof wide = f.proof;
  wide.digest_bytes = 32;
  EXPECT_EQ(wide.ToBytes().size(), bytes.size() + 6 * digests);
  BasefoldShape s = f.pcs.ShapeFor(9);
  auto parsed = BasefoldProof::Parse(bytes, s, 2);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->ToBytes(), bytes);
  EXPECT_TRUE(f.Accepts(*parsed));
  EXPECT_EQ(BasefoldProof::Parse(wide.ToBytes(), s, 2).status().code(), Code::kParse);
  // Soundness: below the 32-byte set's by the collision term, never under 100.
  BasefoldPcs compact(BasefoldParams::Conjectured());
  BasefoldParams full_params = BasefoldParams::Conjectured();
  full_params.digest_bytes = 32;
  BasefoldPcs full(full_params);
  for (size_t n = 12; n <= 24; ++n) {
    double bits = compact.SoundnessBits(n), wide_bits = full.SoundnessBits(n);
    EXPECT_GE(bits, 100.0) << n;
    EXPECT_LT(bits, wide_bits) << n;
    EXPECT_LT(bits, 104.0) << n;
  }
  // 24-byte digests (96-bit collisions) cannot state 100 bits, whatever t.
  BasefoldParams narrow = BasefoldParams::Conjectured();
  narrow.digest_bytes = 24;
  EXPECT_LT(BasefoldPcs(narrow).SoundnessBits(16), 96.01);
}

TEST(Basefold, UniqueDecodingProofsStayInFp2AndRejectOtherElements) {
  Fixture f(BasefoldParams{100, 2, 3, 2, 8, 1, BasefoldRegime::kUniqueFp2});
  ASSERT_TRUE(f.Accepts(f.proof));
  EXPECT_EQ(f.proof.ext_degree, 2u);
  for (Fp4 v : f.proof.sumcheck) ASSERT_TRUE(v.InFp2());
  // Fp2 elements are 16 bytes on the wire: the encoding round-trips.
  Bytes bytes = f.proof.ToBytes();
  auto parsed = BasefoldProof::Parse(bytes, f.pcs.ShapeFor(9), 2);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->ToBytes(), bytes);
  BasefoldProof p = f.proof;
  p.sumcheck[0] += Fp4(Fp2::Zero(), Fp2::One());
  EXPECT_FALSE(f.Accepts(p));
  // The same opening in the Johnson regime encodes each element in 32 bytes.
  Fixture j;
  EXPECT_EQ(j.proof.ext_degree, 4u);
  ASSERT_EQ(j.proof.sumcheck.size(), f.proof.sumcheck.size());
  BasefoldProof only_sumcheck = j.proof;
  only_sumcheck.rounds.clear();
  only_sumcheck.final_poly.clear();
  only_sumcheck.roots.clear();
  EXPECT_EQ(only_sumcheck.ToBytes().size(), 4 + 32 * j.proof.sumcheck.size() + 4 + 4 + 8);
}

TEST(Basefold, JohnsonQueriesFollowTheListDecodingBound) {
  BasefoldPcs pcs;
  const BasefoldParams& p = pcs.params();
  ASSERT_EQ(p.regime, BasefoldRegime::kJohnsonFp4);
  double rho = std::ldexp(1.0, -p.log_inv_rate);
  for (size_t n = 12; n <= 24; ++n) {
    BasefoldShape s = pcs.ShapeFor(n);
    EXPECT_EQ(s.ext_degree, 4u);
    ASSERT_GE(s.johnson_m, 3u);
    EXPECT_GE(pcs.SoundnessBits(n), 100.0) << n;
    // Each query gains -log2(sqrt(rho)(1 + 1/2m)) bits: t of them plus the
    // grinding bits reach lambda, t - 1 do not.
    double m = static_cast<double>(s.johnson_m);
    double per_query = -std::log2(std::sqrt(rho) * (1 + 1 / (2 * m)) + std::ldexp(1.0, -26));
    double t = static_cast<double>(s.num_queries);
    EXPECT_GE(t * -std::log2(std::sqrt(rho) * (1 + 1 / (2 * m))) + p.grinding_bits, 100.0) << n;
    EXPECT_LT((t - 1) * per_query + p.grinding_bits, 100.0 + 0.5) << n;
    // Fewer queries than the unique-decoding set at the same rate and grinding.
    BasefoldPcs unique({p.security_bits, p.log_inv_rate, p.fold_log, p.final_vars, p.grinding_bits,
                        1, BasefoldRegime::kUniqueFp2});
    EXPECT_LT(s.num_queries, unique.ShapeFor(n).num_queries) << n;
  }
  // The commit-phase terms over |F| = p^4 leave room for 128 bits at n = 26
  // (the Fp2 set cannot reach 128 bits there).
  BasefoldPcs strong(BasefoldParams{128, 2, 4, 8, 16, 1});
  EXPECT_GE(strong.SoundnessBits(26), 128.0);
}

TEST(Basefold, ConjecturedQueriesFollowTheConjecturedBound) {
  for (BasefoldParams p : {BasefoldParams::Conjectured(), BasefoldParams::HidingConjectured()}) {
    BasefoldPcs pcs(p);
    ASSERT_EQ(p.regime, BasefoldRegime::kConjecturedFp4);
    // eta = rho: delta = 1 - 2 rho, each query gains -log2(2 rho + 1/|D|) bits.
    ASSERT_EQ(pcs.ConjecturedLogInvEta(), static_cast<size_t>(p.log_inv_rate));
    double rho = std::ldexp(1.0, -p.log_inv_rate);
    BasefoldParams johnson_params = p;
    johnson_params.regime = BasefoldRegime::kJohnsonFp4;
    BasefoldPcs johnson(johnson_params);
    for (size_t n = 12; n <= 24; ++n) {
      BasefoldShape s = pcs.ShapeFor(n);
      EXPECT_EQ(s.ext_degree, 4u);
      EXPECT_EQ(s.johnson_m, 0u);
      EXPECT_EQ(s.conjectured_log_inv_eta, static_cast<size_t>(p.log_inv_rate));
      EXPECT_GE(pcs.SoundnessBits(n), 100.0) << n;
      double per_query = -std::log2(2 * rho + std::ldexp(1.0, -static_cast<int>(s.log_len)));
      double t = static_cast<double>(s.num_queries);
      EXPECT_GE(t * per_query + p.grinding_bits, 100.0) << n;
      EXPECT_LT((t - 1) * per_query + p.grinding_bits, 100.0) << n;
      // The commit-phase terms leave the query term almost all of 2^-100.
      EXPECT_LT(t, 30.0) << n;
      // A third fewer queries than the proven (Johnson) regime.
      EXPECT_LE(3 * s.num_queries, 2 * johnson.ShapeFor(n).num_queries + 3) << n;
      // The schedule: first_fold_log (lifted_mask_first where lifted masks
      // apply; + 1 in a wide first round), then rounds of at most fold_log,
      // final 2^7.
      EXPECT_EQ(s.final_vars, 7u);
      int first = pcs.LiftedMaskArity(n) > 0 ? p.lifted_mask_first : p.first_fold_log;
      EXPECT_EQ(s.arity[0], static_cast<size_t>(first + pcs.WideFirst(s.num_vars)));
      for (size_t r = 1; r < s.Rounds(); ++r) EXPECT_LE(s.arity[r], 3u) << n;
    }
  }
  // Rate 1/2 leaves no distance (delta = 1 - 2 rho = 0): every leaf is opened,
  // found without a search (a hostile key must not make ShapeFor loop).
  BasefoldParams half = BasefoldParams::Conjectured();
  half.log_inv_rate = 1;
  BasefoldPcs weak(half);
  BasefoldShape s = weak.ShapeFor(28);
  EXPECT_EQ(s.num_queries, size_t{1} << s.LeafDepth(0));
  EXPECT_EQ(weak.GrindingBits(s), 0);
}

TEST(Basefold, QueriesFollowTheUniqueDecodingBound) {
  BasefoldPcs pcs(BasefoldParams::UniqueDecoding(100, 2));
  const BasefoldParams& p = pcs.params();
  double rho = std::ldexp(1.0, -p.log_inv_rate);
  for (size_t n = 12; n <= 24; ++n) {
    BasefoldShape s = pcs.ShapeFor(n);
    double bits = pcs.SoundnessBits(n);
    EXPECT_GE(bits, 100.0) << n;
    // The query term alone needs about (lambda - g) / -log2((1 + rho)/2) queries;
    // one query fewer falls below lambda.
    double per_query = -std::log2((1 + rho) / 2);
    EXPECT_GE(static_cast<double>(s.num_queries) * per_query + p.grinding_bits, 100.0) << n;
    EXPECT_LE(s.num_queries, 127u) << n;
    size_t folded = 0;
    for (size_t a : s.arity) folded += a;
    EXPECT_EQ(folded + s.final_vars, n);
  }
  // The field bounds the size: at n = 26 the commit-phase terms alone are
  // 2^-100.99, so 128 bits cannot be reached at any query count.
  BasefoldPcs strong(BasefoldParams{128, 2, 4, 8, 16, 1, BasefoldRegime::kUniqueFp2});
  EXPECT_LT(strong.SoundnessBits(26), 128.0);
}

TEST(Basefold, CommitmentsBeyondTheTwoAdicDomainAreRejectedBeforeWork) {
  BasefoldPcs pcs;
  PcsCommitment big{{}, 31, 1};  // 2^33 codeword symbols: no such subgroup of Fp*
  std::vector<Fp2> point(31), evals(1);
  Transcript t("x");
  Status s = pcs.Verify(big, point, evals, Bytes(64), t);
  EXPECT_EQ(s.code(), Code::kVerification) << s.ToString();
  EXPECT_NE(s.message().find("domain"), std::string::npos) << s.message();
}

TEST(Basefold, ParametersEncodingNamesEveryParameter) {
  Bytes base = BasefoldPcs({100, 2, 4, 8, 16, 1}).ParametersEncoding();
  EXPECT_EQ(base, BasefoldPcs({100, 2, 4, 8, 16, 2}).ParametersEncoding());  // threads
  EXPECT_NE(base, BasefoldPcs({101, 2, 4, 8, 16, 1}).ParametersEncoding());
  EXPECT_NE(base, BasefoldPcs({100, 3, 4, 8, 16, 1}).ParametersEncoding());
  EXPECT_NE(base, BasefoldPcs({100, 2, 3, 8, 16, 1}).ParametersEncoding());
  EXPECT_NE(base, BasefoldPcs({100, 2, 4, 7, 16, 1}).ParametersEncoding());
  EXPECT_NE(base, BasefoldPcs({100, 2, 4, 8, 15, 1}).ParametersEncoding());
  EXPECT_NE(base,
            BasefoldPcs({100, 2, 4, 8, 16, 1, BasefoldRegime::kUniqueFp2}).ParametersEncoding());
  // The first-round schedule is version 4 and names first_fold_log; without it
  // the encoding is the version-3 one, byte for byte.
  Bytes tuned =
      BasefoldPcs({100, 2, 4, 8, 16, 1, BasefoldRegime::kJohnsonFp4, 5}).ParametersEncoding();
  EXPECT_EQ(
      base,
      BasefoldPcs({100, 2, 4, 8, 16, 1, BasefoldRegime::kJohnsonFp4, 0}).ParametersEncoding());
  ASSERT_EQ(tuned.size(), base.size() + 4);
  EXPECT_EQ(base[base.size() - 4], 3);
  EXPECT_EQ(tuned[tuned.size() - 8], 4);
  EXPECT_EQ(tuned[tuned.size() - 4], 5);
  EXPECT_NE(
      tuned,
      BasefoldPcs({100, 2, 4, 8, 16, 1, BasefoldRegime::kJohnsonFp4, 4}).ParametersEncoding());
  // The conjectured regime: versions 7 (plain) and 10 (hiding with the sparse
  // pad; 8 with the whole-variable pad), then first_fold_log and log2(1/eta);
  // never equal to a Johnson-regime encoding.
  Bytes conj = BasefoldPcs(BasefoldParams::Conjectured()).ParametersEncoding();
  Bytes hconj = BasefoldPcs(BasefoldParams::HidingConjectured()).ParametersEncoding();
  // The same parameters in the Johnson regime.
  BasefoldParams def_params = BasefoldParams::Conjectured();
  BasefoldParams hid_params = BasefoldParams::HidingConjectured();
  def_params.regime = hid_params.regime = BasefoldRegime::kJohnsonFp4;
  Bytes def = BasefoldPcs(def_params).ParametersEncoding();
  Bytes hid = BasefoldPcs(hid_params).ParametersEncoding();
  ASSERT_EQ(conj.size(), def.size() + 4);
  // The hiding set also names its wide first round (version 11: a u32 after
  // log2(1/eta)), its secondary leaves' width (version 12: a u32 after that)
  // and its lifted masks' first round (version 13: a u32 after that); the
  // Johnson-regime copy ignores all three.
  ASSERT_EQ(hconj.size(), hid.size() + 16);
  // ... then the digest width (26 bytes), as every encoding whose width is not 32.
  EXPECT_EQ(conj[conj.size() - 16], 7);
  EXPECT_EQ(hconj[hconj.size() - 28], 13);
  EXPECT_EQ(hconj[hconj.size() - 16], BasefoldParams::kWideFirstFrom);
  EXPECT_EQ(hconj[hconj.size() - 12], BasefoldParams::kSecondaryLeafLog);
  EXPECT_EQ(hconj[hconj.size() - 8], BasefoldParams::kLiftedMaskFirst);
  // Without lifted masks: the version-12 encoding, byte for byte.
  BasefoldParams whole_masks = BasefoldParams::HidingConjectured();
  whole_masks.lifted_mask_first = 0;
  hconj = BasefoldPcs(whole_masks).ParametersEncoding();
  ASSERT_EQ(hconj.size(), hid.size() + 12);
  EXPECT_EQ(hconj[hconj.size() - 24], 12);
  BasefoldParams pairs = whole_masks;
  pairs.secondary_leaf_log = 0;  // aligned pairs: version 11
  Bytes pairs_enc = BasefoldPcs(pairs).ParametersEncoding();
  ASSERT_EQ(pairs_enc.size() + 4, hconj.size());
  EXPECT_EQ(pairs_enc[pairs_enc.size() - 20], 11);
  EXPECT_EQ(pairs_enc[pairs_enc.size() - 8], BasefoldParams::kWideFirstFrom);
  BasefoldParams narrow = whole_masks;
  narrow.wide_first_from = 0;  // neither the wide round nor (it extends it) wide leaves
  Bytes narrow_enc = BasefoldPcs(narrow).ParametersEncoding();
  ASSERT_EQ(narrow_enc.size() + 8, hconj.size());
  EXPECT_EQ(narrow_enc[narrow_enc.size() - 16], 10);
  BasefoldParams later = whole_masks;
  later.wide_first_from = 21;
  EXPECT_NE(BasefoldPcs(later).ParametersEncoding(), hconj);
  BasefoldParams whole_pad = whole_masks;
  whole_pad.sparse_pad = false;
  EXPECT_EQ(BasefoldPcs(whole_pad).ParametersEncoding()[narrow_enc.size() - 16], 8);
  whole_pad = BasefoldParams::Hiding();
  Bytes hiding = BasefoldPcs(BasefoldParams::Hiding()).ParametersEncoding();
  Bytes hiding_whole = BasefoldPcs(whole_pad).ParametersEncoding();
  EXPECT_EQ(hiding[hiding.size() - 8], 9);
  whole_pad.sparse_pad = false;
  hiding_whole = BasefoldPcs(whole_pad).ParametersEncoding();
  EXPECT_EQ(hiding_whole[hiding_whole.size() - 8], 6);
  EXPECT_EQ(conj[conj.size() - 12], BasefoldParams::Conjectured().first_fold_log);
  EXPECT_EQ(conj[conj.size() - 8], 4);  // eta = rho = 2^-4
  EXPECT_EQ(conj[conj.size() - 4], 26);
  EXPECT_EQ(def[def.size() - 4], 26);
  EXPECT_TRUE(std::equal(def.begin(), def.end() - 12, conj.begin()));
  EXPECT_NE(conj, hconj);
  BasefoldParams full = BasefoldParams::Conjectured();
  full.digest_bytes = 32;
  Bytes full_enc = BasefoldPcs(full).ParametersEncoding();
  EXPECT_EQ(full_enc.size() + 4, conj.size());
  EXPECT_TRUE(std::equal(full_enc.begin(), full_enc.end(), conj.begin()));
  BasefoldParams zero_first = BasefoldParams::Conjectured();
  zero_first.first_fold_log = 0;
  EXPECT_EQ(BasefoldPcs(zero_first).ParametersEncoding().size(), conj.size());
}

TEST(Basefold, DefaultScheduleFoldsFiveThenBalancedRoundsOfAtMostThree) {
  BasefoldPcs pcs;  // the default: first_fold_log 5, fold_log 3, final 8
  ASSERT_EQ(pcs.params().first_fold_log, 5);
  const std::vector<std::vector<size_t>> want = {{1},       {5},          {5, 2},         {5, 2, 2},
                                                 {5, 3, 3}, {5, 3, 3, 2}, {5, 3, 3, 3, 3}};
  const size_t ns[] = {9, 13, 15, 17, 19, 21, 25};
  for (size_t i = 0; i < want.size(); ++i) {
    BasefoldShape s = pcs.ShapeFor(ns[i]);
    EXPECT_EQ(s.arity, want[i]) << ns[i];
    EXPECT_EQ(s.final_vars, 8u) << ns[i];
  }
  for (size_t n = 1; n <= 28; ++n) {
    BasefoldShape s = pcs.ShapeFor(n);
    size_t folded = 0, lo = SIZE_MAX, hi = 0;
    for (size_t r = 0; r < s.Rounds(); ++r) {
      folded += s.arity[r];
      if (r > 0) lo = std::min(lo, s.arity[r]), hi = std::max(hi, s.arity[r]);
    }
    EXPECT_EQ(folded + s.final_vars, n) << n;
    if (s.Rounds() > 1) {
      EXPECT_EQ(s.arity[0], 5u) << n;
      EXPECT_LE(hi, 3u) << n;
      EXPECT_LE(hi - lo, 1u) << n;  // near-equal later rounds
    }
  }
  // The legacy schedule (first_fold_log 0) is unchanged: rounds of fold_log,
  // the remainder last.
  BasefoldPcs legacy({100, 4, 4, 8, 16, 1, BasefoldRegime::kJohnsonFp4, 0});
  EXPECT_EQ(legacy.ShapeFor(17).arity, (std::vector<size_t>{4, 4, 1}));
}

// The sparse hiding conjectured set folds one more variable in the first
// round from kWideFirstFrom inner variables (n >= 19 committed ones): 3 + 1
// with whole masks, kLiftedMaskFirst + 1 where lifted masks apply; the same
// set without the rule, the plain conjectured set and the Johnson hiding set
// never widen it.
TEST(Basefold, HidingConjecturedWidensTheFirstRoundOfLargeOpenings) {
  BasefoldParams narrow_params = BasefoldParams::HidingConjectured();
  narrow_params.wide_first_from = 0;
  BasefoldPcs wide(BasefoldParams::HidingConjectured()), narrow(narrow_params);
  BasefoldPcs plain(BasefoldParams::Conjectured()), johnson(BasefoldParams::Hiding());
  for (size_t n = 15; n <= 24; ++n) {
    size_t inner = n + 1;
    bool widened = inner >= static_cast<size_t>(BasefoldParams::kWideFirstFrom);
    BasefoldShape s = wide.ShapeFor(n);
    size_t first = wide.LiftedMaskArity(n) > 0 ? BasefoldParams::kLiftedMaskFirst : 3u;
    size_t narrow_first = narrow.LiftedMaskArity(n) > 0 ? BasefoldParams::kLiftedMaskFirst : 3u;
    EXPECT_EQ(s.num_vars, inner) << n;
    EXPECT_EQ(s.arity[0], first + (widened ? 1 : 0)) << n;
    EXPECT_EQ(narrow.ShapeFor(n).arity[0], narrow_first) << n;
    EXPECT_EQ(plain.ShapeFor(n).arity[0], 5u) << n;
    EXPECT_EQ(johnson.ShapeFor(n).arity[0], 3u) << n;
    size_t folded = 0;
    for (size_t a : s.arity) folded += a;
    EXPECT_EQ(folded + s.final_vars, inner) << n;
    EXPECT_GE(wide.SoundnessBits(n), 100.0) << n;
  }
}

}  // namespace
}  // namespace vinet::zk
