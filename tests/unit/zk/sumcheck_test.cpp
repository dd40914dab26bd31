// Sumcheck completeness for degrees 1..3 and soundness against every
// single-element change of the proof and every byte of its encoding.
#include <gtest/gtest.h>

#include <random>

#include "unit/zk/byte_flips.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/sumcheck/sumcheck.h"

namespace vinet::zk {
namespace {

Fp2 RandomFp2(std::mt19937_64& rng) {
  return Fp2(Fp(rng()), Fp(rng()));
}

std::vector<std::vector<Fp2>> RandomTables(std::mt19937_64& rng, size_t count, size_t n) {
  std::vector<std::vector<Fp2>> out(count, std::vector<Fp2>(size_t{1} << n));
  for (auto& t : out)
    for (auto& x : t) x = RandomFp2(rng);
  return out;
}

std::vector<ProductTerm> Terms() {
  // 3*A*B*C - B*C + 5*A  (degree 3, mixed products)
  return {{Fp2(Fp(3)), {0, 1, 2}}, {-Fp2::One(), {1, 2}}, {Fp2(Fp(5)), {0}}};
}

TEST(Sumcheck, CompleteForAllDegreesAndThreadCounts) {
  std::mt19937_64 rng(20);
  std::vector<std::vector<ProductTerm>> cases = {
      {{Fp2::One(), {0}}}, {{Fp2::One(), {0, 1}}}, Terms()};
  for (const auto& terms : cases) {
    for (unsigned threads : {1u, 2u}) {
      size_t n = 15;  // large enough for the parallel paths
      auto tables = RandomTables(rng, 3, n);
      Fp2 expect;
      for (size_t i = 0; i < tables[0].size(); ++i) {
        expect += EvaluateTerms(terms, std::vector<Fp2>{tables[0][i], tables[1][i], tables[2][i]});
      }
      Transcript tp("test");
      auto out = ProveSumcheck(tables, terms, tp, threads);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      EXPECT_EQ(out->claimed_sum, expect);
      Transcript tv("test");
      auto claim = VerifySumcheck(n, 3, terms, expect, out->proof, tv);
      ASSERT_TRUE(claim.ok()) << claim.status().ToString();
      EXPECT_EQ(claim->point, out->point);
      for (size_t k = 0; k < 3; ++k) {
        EXPECT_EQ(claim->final_evals[k],
                  EvaluateMle(std::span<const Fp2>(tables[k]), claim->point));
      }
      EXPECT_EQ(tp.state(), tv.state());
    }
  }
}

TEST(Sumcheck, ZeroVariablesIsJustTheFinalCheck) {
  std::vector<std::vector<Fp2>> tables = {{Fp2(Fp(2))}, {Fp2(Fp(3))}, {Fp2(Fp(4))}};
  Transcript tp("test");
  auto out = ProveSumcheck(tables, Terms(), tp).value();
  EXPECT_EQ(out.claimed_sum, Fp2(Fp(3 * 24 - 12 + 10)));
  EXPECT_TRUE(out.proof.rounds.empty());
  Transcript tv("test");
  EXPECT_TRUE(VerifySumcheck(0, 3, Terms(), out.claimed_sum, out.proof, tv).ok());
  Transcript tw("test");
  EXPECT_FALSE(VerifySumcheck(0, 3, Terms(), out.claimed_sum + Fp2::One(), out.proof, tw).ok());
}

TEST(Sumcheck, WrongClaimIsRejected) {
  std::mt19937_64 rng(21);
  auto tables = RandomTables(rng, 3, 4);
  Transcript tp("test");
  auto out = ProveSumcheck(tables, Terms(), tp).value();
  Transcript tv("test");
  EXPECT_EQ(
      VerifySumcheck(4, 3, Terms(), out.claimed_sum + Fp2::One(), out.proof, tv).status().code(),
      Code::kVerification);
}

TEST(Sumcheck, EveryElementChangeIsRejected) {
  std::mt19937_64 rng(22);
  size_t n = 4;
  auto tables = RandomTables(rng, 3, n);
  Transcript tp("test");
  auto out = ProveSumcheck(tables, Terms(), tp).value();
  auto verify = [&](const SumcheckProof& p) {
    Transcript tv("test");
    return VerifySumcheck(n, 3, Terms(), out.claimed_sum, p, tv).ok();
  };
  ASSERT_TRUE(verify(out.proof));
  int mutations = 0;
  for (size_t r = 0; r < out.proof.rounds.size(); ++r) {
    for (size_t c = 0; c < out.proof.rounds[r].coeffs.size(); ++c) {
      if (c == 1) continue;  // not sent: the verifier derives it (test below)
      SumcheckProof bad = out.proof;
      bad.rounds[r].coeffs[c] += Fp2(Fp(1), Fp(2));
      EXPECT_FALSE(verify(bad)) << "round " << r << " coeff " << c;
      ++mutations;
    }
  }
  for (size_t k = 0; k < out.proof.final_evals.size(); ++k) {
    SumcheckProof bad = out.proof;
    bad.final_evals[k] += Fp2::One();
    EXPECT_FALSE(verify(bad)) << "final eval " << k;
    ++mutations;
  }
  EXPECT_EQ(mutations, 4 * 3 + 3);
}

// A proof of the 3-table statement over n variables (seeded) and its bytes.
std::pair<SumcheckProverOutput, Bytes> ProveAndEncode(uint64_t seed, size_t n, Transcript& t) {
  std::mt19937_64 rng(seed);
  auto out = ProveSumcheck(RandomTables(rng, 3, n), Terms(), t).value();
  ByteWriter w;
  out.proof.Serialize(w);
  return {std::move(out), w.Take()};
}

// A round goes on the wire without its linear coefficient: n d + k values and
// no counts; the verifier completes c_1 from the running claim, so a value
// stored there is ignored, and the proof parsed from the bytes verifies.
TEST(Sumcheck, TheLinearCoefficientIsDerivedNotSent) {
  size_t n = 4;
  Transcript tp("test");
  auto [out, bytes] = ProveAndEncode(24, n, tp);
  EXPECT_EQ(bytes.size(), (n * 3 + 3) * 16);
  ByteReader r(bytes);
  auto parsed = SumcheckProof::Parse(r, n, 3, 3);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_TRUE(r.Finish("proof").ok());
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(parsed->rounds[i].coeffs[1], Fp2::Zero());
    EXPECT_EQ(parsed->rounds[i].coeffs[0], out.proof.rounds[i].coeffs[0]);
    EXPECT_EQ(parsed->rounds[i].coeffs[3], out.proof.rounds[i].coeffs[3]);
  }
  Transcript tv("test");
  auto claim = VerifySumcheck(n, 3, Terms(), out.claimed_sum, *parsed, tv);
  ASSERT_TRUE(claim.ok()) << claim.status().ToString();
  EXPECT_EQ(claim->point, out.point);  // the same transcript as the prover's
  EXPECT_EQ(tv.state(), tp.state());
  // Too few bytes: a parse error naming the rounds, before any work.
  Bytes short_bytes(bytes.begin(), bytes.begin() + 16 * 5);
  ByteReader rs(short_bytes);
  auto bad = SumcheckProof::Parse(rs, n, 3, 3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kParse);
  EXPECT_NE(bad.status().message().find("sumcheck.rounds"), std::string::npos);
}

TEST(Sumcheck, EveryByteChangeIsRejected) {
  size_t n = 3;
  Transcript tp("test");
  auto [out, bytes] = ProveAndEncode(23, n, tp);
  auto accept = [&](const Bytes& b) {
    ByteReader r(b);
    auto p = SumcheckProof::Parse(r, n, 3, 3);
    if (!p.ok() || !r.Finish("proof").ok()) return false;
    Transcript tv("test");
    return VerifySumcheck(n, 3, Terms(), out.claimed_sum, *p, tv).ok();
  };
  ASSERT_TRUE(accept(bytes));
  testing::ExpectEveryByteFlipRejected(bytes, accept);
  Bytes longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(accept(longer));
  EXPECT_FALSE(accept(Bytes(bytes.begin(), bytes.end() - 1)));
}

}  // namespace
}  // namespace vinet::zk
