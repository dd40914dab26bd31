// Merkle tree, the PCS conformance suite (run against every implementation
// and parameter set), and Ligero soundness against single-element and
// single-byte changes of an opening.
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "vinet/zk/pcs/ligero.h"
#include "vinet/zk/pcs/merkle.h"
#include "vinet/zk/poly/multilinear.h"

namespace vinet::zk {
namespace {

Fp2 RandomFp2(std::mt19937_64& rng) {
  return Fp2(Fp(rng()), Fp(rng()));
}

std::vector<std::vector<Fp>> RandomPolys(std::mt19937_64& rng, size_t count, size_t n) {
  std::vector<std::vector<Fp>> out(count, std::vector<Fp>(size_t{1} << n));
  for (auto& p : out)
    for (auto& x : p) x = Fp(rng());
  return out;
}

std::vector<Fp2> RandomPoint(std::mt19937_64& rng, size_t n) {
  std::vector<Fp2> r(n);
  for (auto& x : r) x = RandomFp2(rng);
  return r;
}

TEST(Merkle, PathsVerifyAndDetectTampering) {
  for (size_t n : {1u, 2u, 8u, 64u}) {
    std::vector<Digest> leaves(n);
    for (size_t i = 0; i < n; ++i) {
      uint8_t b = static_cast<uint8_t>(i);
      leaves[i] = MerkleLeafHash(ByteSpan(&b, 1));
    }
    MerkleTree t = MerkleTree::Build(leaves, 2);
    EXPECT_EQ(t.depth(), static_cast<size_t>(std::countr_zero(n)));
    for (size_t i = 0; i < n; ++i) {
      auto path = t.Path(i);
      EXPECT_TRUE(MerkleTree::VerifyPath(t.root(), i, leaves[i], path));
      EXPECT_FALSE(MerkleTree::VerifyPath(t.root(), i, leaves[(i + 1) % n], path) && n > 1);
      EXPECT_FALSE(MerkleTree::VerifyPath(t.root(), i + n, leaves[i], path));
      for (size_t k = 0; k < path.size(); ++k) {
        auto bad = path;
        bad[k][0] ^= 1;
        EXPECT_FALSE(MerkleTree::VerifyPath(t.root(), i, leaves[i], bad));
      }
    }
  }
}

TEST(Ligero, QueryCountFromTheDocumentedBound) {
  EXPECT_EQ(LigeroNumQueries(100, 2), 148u);  // rate 1/4, delta = 3/8
  EXPECT_EQ(LigeroNumQueries(128, 2), 189u);
  EXPECT_EQ(LigeroNumQueries(100, 1), 241u);  // rate 1/2, delta = 1/4
  EXPECT_GE(LigeroPcs().SoundnessBits(20), 100.0);
}

// Conformance: any MultilinearPcs must pass these.
void CheckCompleteness(const MultilinearPcs& pcs, size_t n, size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto polys = RandomPolys(rng, count, n);
  auto committed = pcs.Commit(polys);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  for (int opening = 0; opening < 2; ++opening) {  // commit once, open many
    auto point = RandomPoint(rng, n);
    Transcript tp("pcs-test");
    auto open = pcs.Open(*committed->data, point, tp);
    ASSERT_TRUE(open.ok()) << open.status().ToString();
    ASSERT_EQ(open->evals.size(), count);
    for (size_t k = 0; k < count; ++k) {
      EXPECT_EQ(open->evals[k], EvaluateMle(std::span<const Fp>(polys[k]), point));
    }
    Transcript tv("pcs-test");
    Status ok = pcs.Verify(committed->commitment, point, open->evals, open->proof, tv);
    ASSERT_TRUE(ok.ok()) << ok.ToString() << " n=" << n;
    EXPECT_EQ(tp.state(), tv.state());
    // A wrong evaluation, a different point, another transcript: rejected.
    auto wrong = open->evals;
    wrong[count - 1] += Fp2::One();
    Transcript t2("pcs-test");
    EXPECT_FALSE(pcs.Verify(committed->commitment, point, wrong, open->proof, t2).ok());
    auto other = point;
    other[0] += Fp2::One();
    Transcript t3("pcs-test");
    EXPECT_FALSE(pcs.Verify(committed->commitment, other, open->evals, open->proof, t3).ok());
    Transcript t4("other");
    EXPECT_FALSE(pcs.Verify(committed->commitment, point, open->evals, open->proof, t4).ok());
  }
}

class PcsConformance : public ::testing::TestWithParam<LigeroParams> {};

TEST_P(PcsConformance, OpensWhatWasCommitted) {
  LigeroPcs pcs(GetParam());
  for (size_t n : {1u, 2u, 5u, 9u, 12u}) CheckCompleteness(pcs, n, 1, 100 + n);
  CheckCompleteness(pcs, 10, 3, 7);  // batch of three at one point
}

INSTANTIATE_TEST_SUITE_P(Ligero, PcsConformance,
                         ::testing::Values(LigeroParams{100, 2, 1}, LigeroParams{100, 2, 2},
                                           LigeroParams{128, 1, 2}));

TEST(Ligero, ParametersEncodingNamesEveryParameter) {
  Bytes base = LigeroPcs({100, 2, 1}).ParametersEncoding();
  EXPECT_EQ(base, LigeroPcs({100, 2, 2}).ParametersEncoding());  // threads do not matter
  EXPECT_NE(base, LigeroPcs({128, 2, 1}).ParametersEncoding());
  EXPECT_NE(base, LigeroPcs({100, 1, 1}).ParametersEncoding());
}

TEST(Ligero, RejectsBadInputs) {
  LigeroPcs pcs;
  EXPECT_EQ(pcs.Commit({}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(pcs.Commit({std::vector<Fp>(3)}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(pcs.Commit({std::vector<Fp>(4), std::vector<Fp>(8)}).status().code(),
            Code::kInvalidArgument);
  auto c = pcs.Commit({std::vector<Fp>(8)}).value();
  Transcript t("x");
  EXPECT_EQ(pcs.Open(*c.data, std::vector<Fp2>(2), t).status().code(), Code::kInvalidArgument);
}

struct Fixture {
  LigeroPcs pcs;
  PcsCommitted committed;
  std::vector<Fp2> point, evals;
  LigeroProof proof;

  explicit Fixture(size_t n, size_t count) {
    std::mt19937_64 rng(n * 31 + count);
    committed = pcs.Commit(RandomPolys(rng, count, n)).value();
    point = RandomPoint(rng, n);
    Transcript t("fixture");
    proof = pcs.OpenProof(*committed.data, point, t, &evals).value();
  }
  bool Accepts(const LigeroProof& p, const PcsCommitment& c) const {
    Transcript t("fixture");
    return pcs.VerifyProof(c, point, evals, p, t).ok();
  }
  bool AcceptsBytes(const Bytes& b) const {
    Transcript t("fixture");
    return pcs.Verify(committed.commitment, point, evals, b, t).ok();
  }
};

TEST(Ligero, EveryElementChangeIsRejected) {
  Fixture f(6, 2);
  ASSERT_TRUE(f.Accepts(f.proof, f.committed.commitment));
  size_t checked = 0;
  auto expect_reject = [&](const LigeroProof& p, const char* what, size_t i) {
    EXPECT_FALSE(f.Accepts(p, f.committed.commitment)) << what << " " << i;
    ++checked;
  };
  for (size_t i = 0; i < f.proof.u_prox.size(); ++i) {
    LigeroProof p = f.proof;
    p.u_prox[i] += Fp2::One();
    expect_reject(p, "u_prox", i);
    p = f.proof;
    p.u_eval[i] += Fp2(Fp(0), Fp(1));
    expect_reject(p, "u_eval", i);
  }
  for (size_t q = 0; q < f.proof.columns.size(); ++q) {
    for (size_t i = 0; i < f.proof.columns[q].size(); ++i) {
      LigeroProof p = f.proof;
      p.columns[q][i] += Fp::One();
      expect_reject(p, "column value", q * 1000 + i);
    }
    for (size_t k = 0; k < f.proof.paths[q].size(); ++k) {
      LigeroProof p = f.proof;
      p.paths[q][k][k % 32] ^= 0x40;
      expect_reject(p, "path node", q * 1000 + k);
    }
  }
  for (size_t b = 0; b < 32; ++b) {
    PcsCommitment c = f.committed.commitment;
    c.root[b] ^= 1;
    EXPECT_FALSE(f.Accepts(f.proof, c)) << "root byte " << b;
  }
  for (size_t k = 0; k < f.evals.size(); ++k) {
    Fixture g = f;
    g.evals[k] += Fp2::One();
    EXPECT_FALSE(g.Accepts(g.proof, g.committed.commitment)) << "eval " << k;
  }
  EXPECT_GT(checked, 1000u);
}

TEST(Ligero, EveryByteChangeIsRejected) {
  Fixture f(2, 1);
  Bytes bytes = f.proof.ToBytes();
  ASSERT_TRUE(f.AcceptsBytes(bytes));
  for (size_t i = 0; i < bytes.size(); ++i) {
    Bytes bad = bytes;
    bad[i] ^= static_cast<uint8_t>(1u << (i % 8));
    EXPECT_FALSE(f.AcceptsBytes(bad)) << "byte " << i;
  }
  Bytes longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(f.AcceptsBytes(longer));
  EXPECT_FALSE(f.AcceptsBytes(Bytes(bytes.begin(), bytes.end() - 1)));
}

TEST(Ligero, ParseErrorsNameTheField) {
  Fixture f(2, 1);
  Bytes bytes = f.proof.ToBytes();
  Bytes truncated(bytes.begin(), bytes.begin() + 10);
  Transcript t("fixture");
  Status s = f.pcs.Verify(f.committed.commitment, f.point, f.evals, truncated, t);
  EXPECT_EQ(s.code(), Code::kParse);
  EXPECT_NE(s.message().find("ligero.u_prox"), std::string::npos) << s.message();
}

TEST(PcsCommitment, RoundTripAndLimits) {
  PcsCommitment c{{}, 20, 3};
  c.root[5] = 9;
  ByteWriter w;
  c.Serialize(w);
  ByteReader r(w.bytes());
  EXPECT_EQ(PcsCommitment::Parse(r).value(), c);
  Bytes bad = w.bytes();
  bad[32] = 99;  // num_vars
  ByteReader r2(bad);
  EXPECT_EQ(PcsCommitment::Parse(r2).status().code(), Code::kParse);
}

}  // namespace
}  // namespace vinet::zk
