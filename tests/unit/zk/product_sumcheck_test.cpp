// The base-times-extension sumcheck fast path gives the generic prover's
// proof and transcript, byte for byte, at every size and thread count, and
// rejects tables the generic prover rejects.
#include <gtest/gtest.h>

#include <random>

#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/sumcheck/product_sumcheck.h"
#include "vinet/zk/sumcheck/sumcheck.h"

namespace vinet::zk {
namespace {

Bytes Encode(const SumcheckProof& p) {
  ByteWriter w;
  p.Serialize(w);
  return w.Take();
}

TEST(ProductSumcheck, SameProofAndTranscriptAsTheGenericProver) {
  std::mt19937_64 rng(41);
  static const std::vector<ProductTerm> kTerms = {{Fp2::One(), {0, 1}}};
  for (size_t n : {0u, 1u, 2u, 3u, 5u, 8u, 14u}) {
    for (unsigned threads : {1u, 2u}) {
      std::vector<Fp> f(size_t{1} << n);
      std::vector<Fp2> e(f.size());
      for (auto& x : f) x = Fp(rng());
      for (auto& x : e) x = Fp2(Fp(rng()), Fp(rng()));
      Transcript t1("product-sumcheck-test"), t2("product-sumcheck-test");
      auto want = ProveSumcheck({ToExtension(f), e}, kTerms, t1, threads);
      auto got = ProveBaseTimesExt(f, e, t2, threads);
      ASSERT_TRUE(want.ok() && got.ok()) << n;
      EXPECT_EQ(Encode(got->proof), Encode(want->proof)) << n << " " << threads;
      EXPECT_EQ(got->claimed_sum, want->claimed_sum) << n;
      EXPECT_EQ(got->point, want->point) << n;
      EXPECT_EQ(t2.state(), t1.state()) << n << " " << threads;
      // And it verifies.
      Transcript tv("product-sumcheck-test");
      auto claim = VerifySumcheck(n, 2, kTerms, got->claimed_sum, got->proof, tv);
      ASSERT_TRUE(claim.ok()) << n;
      EXPECT_EQ(claim->final_evals[0], EvaluateMle(f, claim->point));
      EXPECT_EQ(claim->final_evals[1], EvaluateMle(e, claim->point));
    }
  }
}

TEST(ProductSumcheck, RejectsMismatchedTables) {
  Transcript t("product-sumcheck-test");
  std::vector<Fp> f(4);
  EXPECT_FALSE(ProveBaseTimesExt(f, std::vector<Fp2>(8), t).ok());
  EXPECT_FALSE(ProveBaseTimesExt(std::vector<Fp>(3), std::vector<Fp2>(3), t).ok());
  EXPECT_FALSE(ProveBaseTimesExt({}, {}, t).ok());
}

}  // namespace
}  // namespace vinet::zk
