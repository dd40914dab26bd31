// Claim batching: several evaluation claims on one committed polynomial
// become one claim, opened once with the PCS; false claims are rejected.
#include <gtest/gtest.h>

#include <random>

#include "vinet/zk/pcs/ligero.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/sumcheck/batch_claims.h"

namespace vinet::zk {
namespace {

struct ClaimSet {
  std::vector<Fp> w;
  std::vector<EvalClaim> claims;
};

ClaimSet Make(size_t n, size_t k, uint64_t seed) {
  std::mt19937_64 rng(seed);
  ClaimSet s{std::vector<Fp>(size_t{1} << n), {}};
  for (auto& x : s.w) x = Fp(rng());
  for (size_t i = 0; i < k; ++i) {
    std::vector<Fp2> z(n);
    for (auto& x : z) x = Fp2(Fp(rng()), Fp(rng()));
    s.claims.push_back({z, EvaluateMle(std::span<const Fp>(s.w), z)});
  }
  return s;
}

TEST(BatchClaims, ThreeClaimsBecomeOneOpening) {
  ClaimSet s = Make(10, 3, 1);
  LigeroPcs pcs;
  auto committed = pcs.Commit({s.w}).value();
  Transcript tp("batch");
  committed.commitment.AbsorbInto(tp);
  EvalClaim reduced;
  auto proof = ProveBatchedClaims(s.w, s.claims, tp, &reduced, 2).value();
  auto opening = pcs.Open(*committed.data, reduced.point, tp).value();
  EXPECT_EQ(opening.evals[0], reduced.value);

  Transcript tv("batch");
  committed.commitment.AbsorbInto(tv);
  auto claim = VerifyBatchedClaims(10, s.claims, proof, tv);
  ASSERT_TRUE(claim.ok()) << claim.status().ToString();
  EXPECT_EQ(claim->point, reduced.point);
  EXPECT_TRUE(pcs.Verify(committed.commitment, claim->point, std::vector<Fp2>{claim->value},
                         opening.proof, tv)
                  .ok());
}

TEST(BatchClaims, AnyFalseClaimOrChangedElementIsRejected) {
  ClaimSet s = Make(6, 3, 2);
  Transcript tp("batch");
  auto proof = ProveBatchedClaims(s.w, s.claims, tp, nullptr).value();
  auto accepts = [&](const std::vector<EvalClaim>& claims, const BatchedClaimProof& p) {
    Transcript tv("batch");
    auto c = VerifyBatchedClaims(6, claims, p, tv);
    // The reduced claim must also be true for the whole chain to accept.
    return c.ok() && EvaluateMle(std::span<const Fp>(s.w), c->point) == c->value;
  };
  ASSERT_TRUE(accepts(s.claims, proof));
  for (size_t k = 0; k < s.claims.size(); ++k) {
    auto bad = s.claims;
    bad[k].value += Fp2::One();
    // An honest-looking proof for false claims: the prover runs on the same table.
    Transcript tb("batch");
    auto p = ProveBatchedClaims(s.w, bad, tb, nullptr).value();
    EXPECT_FALSE(accepts(bad, p)) << k;
  }
  for (size_t r = 0; r < proof.sumcheck.rounds.size(); ++r) {
    for (size_t c : {0, 2}) {  // c_1 is not sent: the verifier derives it
      auto p = proof;
      p.sumcheck.rounds[r].coeffs[c] += Fp2::One();
      EXPECT_FALSE(accepts(s.claims, p)) << r << " " << c;
    }
  }
  for (size_t f = 0; f < 2; ++f) {
    auto p = proof;
    p.sumcheck.final_evals[f] += Fp2::One();
    EXPECT_FALSE(accepts(s.claims, p)) << "final " << f;
  }
}

}  // namespace
}  // namespace vinet::zk
