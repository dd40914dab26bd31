// The lifted-pair sumcheck fast path (zk/sumcheck/lifted_sumcheck.h) gives the
// proof, point, final values and transcript of the generic sumcheck over the
// materialized tables (W, E_W, lift A, lift E_A), for every lift j, with and
// without a Libra mask, on one and two threads; and the joint claim batch
// built on it verifies and rejects a false claim on either polynomial.
#include <gtest/gtest.h>

#include <random>

#include "unit/zk/random_values.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/sumcheck/batch_claims.h"
#include "vinet/zk/sumcheck/lifted_sumcheck.h"
#include "vinet/zk/transcript/transcript.h"

namespace vinet::zk {
namespace {

std::vector<Fp> BaseTable(std::mt19937_64& rng, size_t vars) {
  return testing::RandomTable(rng, vars);
}

std::vector<Fp2> ExtTable(std::mt19937_64& rng, size_t vars) {
  return testing::RandomFp2s(rng, size_t{1} << vars);
}

TEST(LiftedSumcheck, SameProofAndTranscriptAsTheGenericSumcheck) {
  // n = 14: tables large enough that two threads split every fold and sum.
  for (auto [n, lift] :
       std::vector<std::pair<size_t, size_t>>{{6, 0}, {6, 1}, {6, 2}, {6, 3}, {14, 0}, {14, 3}}) {
    for (bool masked : {false, true}) {
      for (unsigned threads : {1u, 2u}) {
        SCOPED_TRACE("n=" + std::to_string(n) + " j=" + std::to_string(lift) +
                     (masked ? " masked" : "") + " threads " + std::to_string(threads));
        std::mt19937_64 rng(100 + lift);
        size_t n2 = n - lift;
        auto w = BaseTable(rng, n), a = BaseTable(rng, n2);
        auto ew = ExtTable(rng, n), ea = ExtTable(rng, n2);
        SumcheckMask mask;
        mask.rho = Fp2(Fp(7), Fp(9));
        for (size_t i = 0; i < n; ++i) mask.coeffs.push_back(ExtTable(rng, 0));
        for (auto& row : mask.coeffs) {
          row.push_back(Fp2(Fp(rng() % Fp::kModulus)));
          row.push_back(Fp2(Fp(rng() % Fp::kModulus)));
        }
        std::vector<Fp2> a_lift(w.size()), ea_lift(w.size());
        for (size_t b = 0; b < w.size(); ++b) {
          a_lift[b] = Fp2(a[b >> lift]);
          ea_lift[b] = ea[b >> lift];
        }
        Transcript tg("lifted"), tf("lifted");
        auto generic = ProveSumcheck({ToExtension(w), ew, a_lift, ea_lift}, JointClaimTerms(), tg,
                                     threads, masked ? &mask : nullptr);
        auto fast = ProveLiftedPairSumcheck(w, ew, a, ea, tf, threads, masked ? &mask : nullptr);
        ASSERT_TRUE(generic.ok() && fast.ok()) << fast.status().ToString();
        EXPECT_EQ(fast->claimed_sum, generic->claimed_sum);
        EXPECT_EQ(fast->point, generic->point);
        EXPECT_EQ(fast->proof.final_evals, generic->proof.final_evals);
        ASSERT_EQ(fast->proof.rounds.size(), generic->proof.rounds.size());
        for (size_t i = 0; i < n; ++i) {
          EXPECT_EQ(fast->proof.rounds[i].coeffs, generic->proof.rounds[i].coeffs) << i;
        }
        EXPECT_EQ(tf.state(), tg.state());
      }
    }
  }
  std::vector<Fp> big(8), small(16);
  std::vector<Fp2> ebig(8), esmall(16);
  Transcript t("lifted");
  EXPECT_EQ(ProveLiftedPairSumcheck(big, ebig, small, esmall, t).status().code(),
            Code::kInvalidArgument);
}

TEST(LiftedSumcheck, JointClaimBatchVerifiesAndBindsBothPolynomials) {
  std::mt19937_64 rng(7);
  size_t n = 7, n2 = 5;
  auto w = BaseTable(rng, n), a = BaseTable(rng, n2);
  auto point = [&](size_t vars) {
    std::vector<Fp2> z(vars);
    for (auto& c : z) c = Fp2(Fp(rng() % Fp::kModulus), Fp(rng() % Fp::kModulus));
    return z;
  };
  std::vector<EvalClaim> wc, ac;
  for (int k = 0; k < 3; ++k) {
    auto z = point(n);
    wc.push_back({z, EvaluateMle(std::span<const Fp>(w), z)});
    auto u = point(n2);
    ac.push_back({u, EvaluateMle(std::span<const Fp>(a), u)});
  }
  auto run = [&](const std::vector<EvalClaim>& wcl, const std::vector<EvalClaim>& acl) {
    Transcript tp("joint");
    JointClaims reduced;
    auto proof = ProveJointBatchedClaims(w, wcl, a, acl, tp, &reduced).value();
    Transcript tv("joint");
    auto got = VerifyJointBatchedClaims(n, wcl, n2, acl, proof, tv);
    if (!got.ok()) return got.status();
    EXPECT_EQ(got->primary.value, EvaluateMle(std::span<const Fp>(w), got->primary.point));
    EXPECT_EQ(got->secondary.value, EvaluateMle(std::span<const Fp>(a), got->secondary.point));
    EXPECT_EQ(got->secondary.point.size(), n2);
    return Status::Ok();
  };
  EXPECT_TRUE(run(wc, ac).ok());
  // A false claim on either side: the honest-looking proof ends at values the
  // reduced claims cannot both match (the final check or the caller's opening).
  auto caught = [&](const std::vector<EvalClaim>& wcl, const std::vector<EvalClaim>& acl) {
    Transcript tp("joint");
    auto proof = ProveJointBatchedClaims(w, wcl, a, acl, tp, nullptr).value();
    Transcript tv("joint");
    auto got = VerifyJointBatchedClaims(n, wcl, n2, acl, proof, tv);
    return !got.ok() ||
           got->primary.value != EvaluateMle(std::span<const Fp>(w), got->primary.point) ||
           got->secondary.value != EvaluateMle(std::span<const Fp>(a), got->secondary.point);
  };
  auto bad_w = wc;
  bad_w[1].value += Fp2::One();
  EXPECT_TRUE(caught(bad_w, ac));
  auto bad_a = ac;
  bad_a[2].value += Fp2::One();
  EXPECT_TRUE(caught(wc, bad_a));
}

}  // namespace
}  // namespace vinet::zk
