// Multilinear evaluation against the defining sum, folding, eq tables,
// interpolation, and the transcript's determinism, sensitivity and sampling.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "vinet/crypto/hash.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/poly/univariate.h"
#include "vinet/zk/transcript/transcript.h"

namespace vinet::zk {
namespace {

Fp2 RandomFp2(std::mt19937_64& rng) {
  return Fp2(Fp(rng()), Fp(rng()));
}

// sum_x f(x) * prod_k (x_k ? r_k : 1 - r_k), computed term by term.
Fp2 NaiveMle(const std::vector<Fp>& f, const std::vector<Fp2>& r) {
  Fp2 acc;
  for (size_t x = 0; x < f.size(); ++x) {
    Fp2 w = Fp2::One();
    for (size_t k = 0; k < r.size(); ++k) w *= ((x >> k) & 1) ? r[k] : Fp2::One() - r[k];
    acc += w * f[x];
  }
  return acc;
}

TEST(Multilinear, EvaluationMatchesNaiveSum) {
  std::mt19937_64 rng(10);
  for (size_t n = 0; n <= 9; ++n) {
    std::vector<Fp> f(size_t{1} << n);
    for (auto& x : f) x = Fp(rng());
    std::vector<Fp2> r(n);
    for (auto& x : r) x = RandomFp2(rng);
    Fp2 expect = NaiveMle(f, r);
    EXPECT_EQ(EvaluateMle(std::span<const Fp>(f), r), expect) << n;
    std::vector<Fp2> fe = ToExtension(f);
    EXPECT_EQ(EvaluateMle(std::span<const Fp2>(fe), r), expect) << n;
    // <eq(r, .), f> is the same value.
    std::vector<Fp2> eq = EqTable(r, 2);
    Fp2 dot;
    for (size_t i = 0; i < f.size(); ++i) dot += eq[i] * f[i];
    EXPECT_EQ(dot, expect);
  }
}

TEST(Multilinear, AgreesWithTableOnBooleanPoints) {
  std::mt19937_64 rng(11);
  std::vector<Fp> f(16);
  for (auto& x : f) x = Fp(rng());
  for (size_t i = 0; i < 16; ++i) {
    std::vector<Fp2> r(4);
    for (size_t k = 0; k < 4; ++k) r[k] = Fp2(Fp((i >> k) & 1));
    EXPECT_EQ(EvaluateMle(std::span<const Fp>(f), r), Fp2(f[i]));
  }
}

TEST(Multilinear, EqEvalMatchesTable) {
  std::mt19937_64 rng(12);
  std::vector<Fp2> a(5), b(5);
  for (auto& x : a) x = RandomFp2(rng);
  for (auto& x : b) x = RandomFp2(rng);
  std::vector<Fp2> table = EqTable(a);
  EXPECT_EQ(EqEval(a, b), EvaluateMle(std::span<const Fp2>(table), b));
}

TEST(Univariate, InterpolationReproducesValues) {
  std::mt19937_64 rng(13);
  for (size_t n = 1; n <= 4; ++n) {
    std::vector<Fp2> evals(n);
    for (auto& x : evals) x = RandomFp2(rng);
    UnivariatePoly p = UnivariatePoly::Interpolate(evals);
    ASSERT_EQ(p.coeffs.size(), n);
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(p.Evaluate(Fp2(Fp(i))), evals[i]);
    EXPECT_EQ(p.SumOverBooleans(), p.Evaluate(Fp2::Zero()) + p.Evaluate(Fp2::One()));
  }
}

TEST(Transcript, DeterministicAndSensitiveToEveryInput) {
  auto run = [](std::string_view proto, std::string_view label, uint8_t byte) {
    Transcript t(proto);
    Bytes data{1, 2, byte};
    t.Absorb(label, data);
    return t.ChallengeFp2("c");
  };
  EXPECT_EQ(run("p", "l", 3), run("p", "l", 3));
  EXPECT_NE(run("p", "l", 3), run("q", "l", 3));
  EXPECT_NE(run("p", "l", 3), run("p", "m", 3));
  EXPECT_NE(run("p", "l", 3), run("p", "l", 4));
  // Length prefixes: moving a byte between label and data changes the result.
  Transcript a("p"), b("p");
  a.Absorb("ab", AsBytes("c"));
  b.Absorb("a", AsBytes("bc"));
  EXPECT_NE(a.ChallengeFp("x"), b.ChallengeFp("x"));
}

TEST(Transcript, KnownAnswer) {
  Transcript t("vinet.zk.kat.v1");
  t.AbsorbU64("n", 42);
  t.AbsorbFp2("v", Fp2(Fp(7), Fp(9)));
  Fp2 c = t.ChallengeFp2("alpha");
  std::vector<size_t> q = t.ChallengeDistinctIndices("queries", 5, 100);
  EXPECT_EQ(q.size(), 5u);
  t.AbsorbFp2("c", c);
  // Pinned when the transcript format was fixed; a change here is a protocol change.
  EXPECT_EQ(ToHex(t.state()),
            std::string("c8bfa4992e6beb1936310d4191b1356a45d4d0918f2abec5c85a12fdea81289d"));
  EXPECT_EQ(c.c0().value(), 989779526727964167ULL);
}

// The documented absorb and squeeze formulas, recomputed with OpenSSL's SHA-256
// for data lengths around the 64-byte block boundaries (the transcript hashes
// with its own SHA-256 code).
TEST(Transcript, MatchesDocumentedHashesAcrossBlockBoundaries) {
  auto le = [](uint64_t v, int n) {
    Bytes b;
    for (int i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
    return b;
  };
  auto cat = [](std::initializer_list<ByteSpan> parts) {
    Bytes b;
    for (ByteSpan p : parts) b.insert(b.end(), p.begin(), p.end());
    return b;
  };
  std::string label = "zk.label";
  for (size_t n : {0u, 1u, 20u, 27u, 28u, 55u, 56u, 63u, 64u, 65u, 119u, 120u, 200u, 1000u}) {
    Bytes data(n);
    for (size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(i * 31 + n);
    Transcript t("proto");
    Digest s0 = crypto::Sha256(cat({AsBytes("vinet.zk.transcript"), le(5, 4), AsBytes("proto")}));
    ASSERT_EQ(t.state(), s0);
    t.Absorb(label, data);
    Digest s1 = crypto::Sha256(
        cat({AsBytes("vinet.zk.absorb"), s0, le(label.size(), 4), AsBytes(label), le(n, 8), data}));
    ASSERT_EQ(t.state(), s1) << n;
    Fp c = t.ChallengeFp("x");
    Digest s2 = crypto::Sha256(cat({AsBytes("vinet.zk.squeeze"), s1, le(1, 4), AsBytes("x")}));
    ASSERT_EQ(t.state(), s2) << n;
    // AbsorbFp2s hashes the elements in place: the same bytes as ByteWriter's encoding.
    std::vector<Fp2> vals(n % 40);
    for (size_t i = 0; i < vals.size(); ++i)
      vals[i] = Fp2(Fp(i * 977 + n), Fp(Fp::kModulus - 1 - i));
    ByteWriter vw;
    vw.FieldVector<Fp2>(vals);
    Transcript u = t;
    u.AbsorbFp2s("v", vals);
    ASSERT_EQ(u.state(), crypto::Sha256(cat({AsBytes("vinet.zk.absorb"), s2, le(1, 4), AsBytes("v"),
                                             le(vw.bytes().size(), 8), vw.bytes()})))
        << n;
    Digest block = crypto::Sha256(cat({s2, le(0, 8)}));
    uint64_t w = 0;
    for (int i = 0; i < 8; ++i) w |= uint64_t{block[i]} << (8 * i);
    if (w < Fp::kModulus) {
      EXPECT_EQ(c.value(), w) << n;
    }
  }
}

TEST(Transcript, DistinctIndicesAreDistinctSortedAndInRange) {
  Transcript t("p");
  for (size_t bound : {1u, 7u, 148u, 1000u, 1u << 20}) {
    size_t count = std::min<size_t>(bound, 148);
    std::vector<size_t> q = t.ChallengeDistinctIndices("q", count, bound);
    ASSERT_EQ(q.size(), count);
    std::set<size_t> s(q.begin(), q.end());
    EXPECT_EQ(s.size(), count);
    EXPECT_TRUE(std::is_sorted(q.begin(), q.end()));
    EXPECT_LT(q.back(), bound);
  }
}

}  // namespace
}  // namespace vinet::zk
