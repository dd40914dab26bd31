// Merkle tree, the PCS conformance suite (run against every implementation
// and parameter set), and Ligero soundness against single-element and
// single-byte changes of an opening.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>

#include "vinet/zk/pcs/ligero.h"
#include "vinet/zk/pcs/merkle.h"
#include "vinet/zk/poly/multilinear.h"
#include "zk/common/sha256_fast.h"

#include <openssl/sha.h>

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

Digest OpenSslSha256(ByteSpan data) {
  Digest d;
  SHA256(data.data(), data.size(), d.data());
  return d;
}

TEST(Sha256Fast, MatchesOpenSslOnEveryLengthAndSplit) {
  std::mt19937_64 rng(3);
  for (size_t len = 0; len <= 300; ++len) {
    Bytes msg(len);
    for (auto& b : msg) b = static_cast<uint8_t>(rng());
    Digest want = OpenSslSha256(msg);
    EXPECT_EQ(detail::Sha256Parts({msg}), want) << len;
    size_t cut = len == 0 ? 0 : rng() % len, cut2 = cut + (len - cut) / 2;
    ByteSpan all(msg);
    EXPECT_EQ(
        detail::Sha256Parts({all.first(cut), all.subspan(cut, cut2 - cut), all.subspan(cut2)}),
        want)
        << len;
  }
}

TEST(Sha256Fast, InterleavedLanesMatchOpenSsl) {
  // Four messages hashed interleaved (prefix || body[l]; padded on the stack
  // up to six blocks, beyond in buffers), runs of nodes, and the one-block
  // nonce search, each against OpenSSL / the single path.
  std::mt19937_64 rng(5);
  for (size_t len = 0; len <= 420; len += len < 200 ? 1 : 7) {
    Bytes prefix(len % 3);
    std::vector<Bytes> bodies(4, Bytes(len));
    for (auto& x : prefix) x = static_cast<uint8_t>(rng());
    for (Bytes& m : bodies)
      for (auto& x : m) x = static_cast<uint8_t>(rng());
    ByteSpan spans[4] = {bodies[0], bodies[1], bodies[2], bodies[3]};
    Digest got[4];
    detail::Sha256PrefixedQuad(prefix, spans, got);
    for (int l = 0; l < 4; ++l) {
      Bytes all = prefix;
      all.insert(all.end(), bodies[l].begin(), bodies[l].end());
      EXPECT_EQ(got[l], OpenSslSha256(all)) << len << " lane " << l;
    }
  }
  for (size_t count : {1u, 3u, 4u, 7u, 9u, 16u}) {  // whole quads and a tail
    std::vector<Digest> children(2 * count), got(count);
    for (Digest& d : children)
      for (auto& x : d) x = static_cast<uint8_t>(rng());
    detail::Sha256CompressNodes(children.data(), count, got.data());
    for (size_t k = 0; k < count; ++k) {
      EXPECT_EQ(got[k], detail::Sha256CompressNode(children[2 * k], children[2 * k + 1]))
          << count << " node " << k;
    }
  }
  for (size_t len : {0u, 13u, 44u, 47u}) {
    Bytes prefix(len);
    for (auto& x : prefix) x = static_cast<uint8_t>(rng());
    detail::Sha256OneBlockSearch search{ByteSpan(prefix)};
    for (uint64_t nonce : {uint64_t{0}, uint64_t{77}, ~uint64_t{0} - 3}) {
      Digest got[detail::Sha256OneBlockSearch::kLanes];
      search.Hash(nonce, got);
      for (uint64_t l = 0; l < detail::Sha256OneBlockSearch::kLanes; ++l) {
        Bytes all = prefix;
        for (int i = 0; i < 8; ++i) all.push_back(static_cast<uint8_t>((nonce + l) >> (8 * i)));
        EXPECT_EQ(got[l], OpenSslSha256(all)) << len << " " << nonce << " lane " << l;
      }
    }
  }
}

TEST(Sha256Fast, PortableCompressionMatchesOpenSsl) {
  // One padded block of a 0..55-byte message through the portable path.
  std::mt19937_64 rng(4);
  for (size_t len = 0; len <= 55; ++len) {
    Bytes msg(len);
    for (auto& b : msg) b = static_cast<uint8_t>(rng());
    uint8_t block[64] = {};
    std::copy(msg.begin(), msg.end(), block);
    block[len] = 0x80;
    for (int i = 0; i < 8; ++i) block[63 - i] = static_cast<uint8_t>((len * 8) >> (8 * i));
    uint32_t st[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    detail::Sha256CompressPortableForTest(st, block);
    Digest got;
    for (int i = 0; i < 8; ++i)
      for (int k = 0; k < 4; ++k) got[4 * i + k] = static_cast<uint8_t>(st[i] >> (24 - 8 * k));
    EXPECT_EQ(got, OpenSslSha256(msg)) << len;
  }
}

TEST(Sha256Fast, CompressedNodeIsOneCompressionFromTheNodeIv) {
  // The IV: the standard initial state through one zero-padded label block.
  uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  uint8_t label[64] = {};
  std::string_view text = "vinet.zk.merkle.node.v1";
  std::copy(text.begin(), text.end(), label);
  detail::Sha256CompressPortableForTest(iv, label);
  uint32_t got_iv[8];
  detail::Sha256NodeIvForTest(got_iv);
  EXPECT_TRUE(std::equal(iv, iv + 8, got_iv));
  std::mt19937_64 rng(9);
  for (int rep = 0; rep < 20; ++rep) {
    Digest l, r;
    for (auto& b : l) b = static_cast<uint8_t>(rng());
    for (auto& b : r) b = static_cast<uint8_t>(rng());
    uint32_t st[8];
    std::copy(iv, iv + 8, st);
    uint8_t block[64];
    std::copy(l.begin(), l.end(), block);
    std::copy(r.begin(), r.end(), block + 32);
    detail::Sha256CompressPortableForTest(st, block);
    Digest want;
    for (int i = 0; i < 8; ++i)
      for (int k = 0; k < 4; ++k) want[4 * i + k] = static_cast<uint8_t>(st[i] >> (24 - 8 * k));
    EXPECT_EQ(MerkleNodeHash(MerkleNode::kSha256Compress, l, r), want);
    EXPECT_NE(MerkleNodeHash(MerkleNode::kSha256Compress, l, r), MerkleNodeHash(l, r));
  }
}

TEST(Merkle, CompressedNodeTreesVerifyOnlyWithTheirKind) {
  std::vector<Digest> leaves(64);
  for (size_t i = 0; i < leaves.size(); ++i) {
    uint8_t b = static_cast<uint8_t>(i);
    leaves[i] = MerkleLeafHash(ByteSpan(&b, 1));
  }
  MerkleTree t = MerkleTree::Build(leaves, 2, MerkleNode::kSha256Compress);
  EXPECT_NE(t.root(), MerkleTree::Build(leaves, 1).root());
  std::vector<size_t> idx = {3, 4, 40, 63};
  std::vector<Digest> opened;
  for (size_t i : idx) opened.push_back(leaves[i]);
  std::vector<Digest> proof = t.MultiProof(idx);
  EXPECT_TRUE(
      MerkleTree::VerifyMultiProof(t.root(), 6, idx, opened, proof, MerkleNode::kSha256Compress));
  EXPECT_FALSE(MerkleTree::VerifyMultiProof(t.root(), 6, idx, opened, proof));
  for (size_t k = 0; k < proof.size(); ++k) {
    auto bad = proof;
    bad[k][k % 32] ^= 1;
    EXPECT_FALSE(
        MerkleTree::VerifyMultiProof(t.root(), 6, idx, opened, bad, MerkleNode::kSha256Compress));
  }
}

TEST(Merkle, TruncatedDigestTreesKeepTheirWidthAndVerifyOnlyWithIt) {
  // 26-byte digests (the conjectured Basefold sets): every node, the root and
  // each multi-proof node keep 26 bytes and zeros after; a proof checks only
  // at its own width, and each of its 26 bytes matters.
  constexpr size_t kWidth = 26;
  constexpr MerkleNode kKind = MerkleNode::kSha256Compress;
  std::vector<Digest> leaves(256);
  for (size_t i = 0; i < leaves.size(); ++i) {
    uint8_t b[2] = {static_cast<uint8_t>(i), 7};
    leaves[i] = MerkleLeafHash(ByteSpan(b, 2));
  }
  MerkleTree t = MerkleTree::Build(leaves, 2, kKind, kWidth);
  MerkleTree full = MerkleTree::Build(leaves, 2, kKind);
  auto tail_is_zero = [](const Digest& d) {
    return std::all_of(d.begin() + kWidth, d.end(), [](uint8_t x) { return x == 0; });
  };
  EXPECT_TRUE(tail_is_zero(t.root()));
  EXPECT_FALSE(tail_is_zero(full.root()));
  EXPECT_FALSE(std::equal(t.root().begin(), t.root().begin() + kWidth, full.root().begin()));
  std::vector<size_t> idx = {0, 9, 77, 200, 255};
  std::vector<Digest> opened;
  for (size_t i : idx) opened.push_back(leaves[i]);  // untruncated: Verify truncates
  std::vector<Digest> proof = t.MultiProof(idx);
  ASSERT_FALSE(proof.empty());
  for (const Digest& d : proof) EXPECT_TRUE(tail_is_zero(d));
  EXPECT_TRUE(MerkleTree::VerifyMultiProof(t.root(), 8, idx, opened, proof, kKind, kWidth));
  EXPECT_FALSE(MerkleTree::VerifyMultiProof(t.root(), 8, idx, opened, proof, kKind));
  EXPECT_FALSE(MerkleTree::VerifyMultiProof(t.root(), 8, idx, opened, proof, kKind, kWidth + 1));
  EXPECT_FALSE(MerkleTree::VerifyMultiProof(full.root(), 8, idx, opened, full.MultiProof(idx),
                                            kKind, kWidth));
  for (size_t k = 0; k < proof.size(); ++k) {
    for (size_t byte : {size_t{0}, k % kWidth, kWidth - 1, kWidth}) {
      auto bad = proof;
      bad[k][byte] ^= 4;  // a byte of the tail is not canonical and fails too
      EXPECT_FALSE(MerkleTree::VerifyMultiProof(t.root(), 8, idx, opened, bad, kKind, kWidth))
          << k << " " << byte;
    }
  }
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

// Builds a tree of n leaves (leaf i = hash of byte i).
std::vector<Digest> ByteLeaves(size_t n) {
  std::vector<Digest> leaves(n);
  for (size_t i = 0; i < n; ++i) {
    uint8_t b = static_cast<uint8_t>(i);
    leaves[i] = MerkleLeafHash(ByteSpan(&b, 1));
  }
  return leaves;
}

TEST(Merkle, MultiProofsSendEachSiblingOnceAndDetectTampering) {
  std::mt19937_64 rng(5);
  for (size_t n : {1u, 2u, 16u, 256u}) {
    std::vector<Digest> leaves = ByteLeaves(n);
    MerkleTree t = MerkleTree::Build(leaves, 2);
    for (size_t count : {size_t{1}, size_t{2}, n / 2, n}) {
      if (count == 0 || count > n) continue;
      std::vector<size_t> idx(n);
      for (size_t i = 0; i < n; ++i) idx[i] = i;
      std::shuffle(idx.begin(), idx.end(), rng);
      idx.resize(count);
      std::sort(idx.begin(), idx.end());
      std::vector<Digest> opened;
      for (size_t i : idx) opened.push_back(leaves[i]);
      auto proof = t.MultiProof(idx);
      EXPECT_EQ(proof.size(), MerkleTree::MultiProofSize(t.depth(), idx));
      EXPECT_LE(proof.size(), MerkleTree::MultiProofMaxSize(t.depth(), count));
      if (count == n) {
        EXPECT_TRUE(proof.empty());  // every sibling is opened
      }
      EXPECT_TRUE(MerkleTree::VerifyMultiProof(t.root(), t.depth(), idx, opened, proof))
          << n << " leaves, " << count << " opened";
      for (size_t k = 0; k < proof.size(); ++k) {
        auto bad = proof;
        bad[k][k % 32] ^= 2;
        EXPECT_FALSE(MerkleTree::VerifyMultiProof(t.root(), t.depth(), idx, opened, bad));
      }
      for (size_t k = 0; k < opened.size(); ++k) {
        auto bad = opened;
        bad[k][0] ^= 1;
        EXPECT_FALSE(MerkleTree::VerifyMultiProof(t.root(), t.depth(), idx, bad, proof));
      }
      if (!proof.empty()) {
        auto shorter = proof;
        shorter.pop_back();
        EXPECT_FALSE(MerkleTree::VerifyMultiProof(t.root(), t.depth(), idx, opened, shorter));
      }
      auto longer = proof;
      longer.push_back(Digest{});
      EXPECT_FALSE(MerkleTree::VerifyMultiProof(t.root(), t.depth(), idx, opened, longer));
      if (count >= 2) {  // unsorted or repeated indices are refused
        auto swapped = idx;
        std::swap(swapped[0], swapped[1]);
        EXPECT_FALSE(MerkleTree::VerifyMultiProof(t.root(), t.depth(), swapped, opened, proof));
        auto repeated = idx;
        repeated[1] = repeated[0];
        EXPECT_FALSE(MerkleTree::VerifyMultiProof(t.root(), t.depth(), repeated, opened, proof));
      }
      if (n > 1 && idx.back() + 1 < n) {  // a shifted index set does not verify
        auto shifted = idx;
        shifted.back() += 1;
        EXPECT_FALSE(MerkleTree::VerifyMultiProof(t.root(), t.depth(), shifted, opened, proof));
      }
      std::vector<size_t> outside{n};
      EXPECT_FALSE(
          MerkleTree::VerifyMultiProof(t.root(), t.depth(), outside, {&opened[0], 1}, proof));
    }
  }
}

TEST(Merkle, MultiProofOfOneLeafIsItsPath) {
  std::vector<Digest> leaves = ByteLeaves(64);
  MerkleTree t = MerkleTree::Build(leaves, 1);
  for (size_t i : {0u, 17u, 63u}) {
    size_t idx[1] = {i};
    EXPECT_EQ(t.MultiProof(idx), t.Path(i));
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

TEST(Ligero, LargestFieldElementsOpenCorrectly) {
  // Every entry p - 1 and every point coordinate (p - 1, p - 1): the row
  // combinations' 128-bit accumulators overflow on almost every addition.
  LigeroPcs pcs;
  size_t n = 12;
  std::vector<Fp> poly(size_t{1} << n, Fp(Fp::kModulus - 1));
  auto committed = pcs.Commit({poly}).value();
  std::vector<Fp2> point(n, Fp2(Fp(Fp::kModulus - 1), Fp(Fp::kModulus - 1)));
  Transcript tp("max");
  auto open = pcs.Open(*committed.data, point, tp).value();
  EXPECT_EQ(open.evals[0], EvaluateMle(std::span<const Fp>(poly), point));
  Transcript tv("max");
  EXPECT_TRUE(pcs.Verify(committed.commitment, point, open.evals, open.proof, tv).ok());
}

class PcsConformance : public ::testing::TestWithParam<LigeroParams> {};

TEST_P(PcsConformance, OpensWhatWasCommitted) {
  LigeroPcs pcs(GetParam());
  for (size_t n : {1u, 2u, 5u, 9u, 12u}) CheckCompleteness(pcs, n, 1, 100 + n);
  CheckCompleteness(pcs, 10, 3, 7);  // batch of three at one point
}

INSTANTIATE_TEST_SUITE_P(Ligero, PcsConformance,
                         ::testing::Values(LigeroParams{100, 2, 1}, LigeroParams{100, 2, 2},
                                           LigeroParams{128, 1, 2}, LigeroParams{100, 2, 1, true},
                                           LigeroParams{128, 1, 2, true}));

TEST(Ligero, ParametersEncodingNamesEveryParameter) {
  Bytes base = LigeroPcs({100, 2, 1}).ParametersEncoding();
  EXPECT_EQ(base, LigeroPcs({100, 2, 2}).ParametersEncoding());  // threads do not matter
  EXPECT_NE(base, LigeroPcs({128, 2, 1}).ParametersEncoding());
  EXPECT_NE(base, LigeroPcs({100, 1, 1}).ParametersEncoding());
  EXPECT_NE(base, LigeroPcs({100, 2, 1, true}).ParametersEncoding());
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

  explicit Fixture(size_t n, size_t count, LigeroParams params = {}) : pcs(params) {
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

class LigeroSoundness : public ::testing::TestWithParam<bool> {};

TEST_P(LigeroSoundness, EveryElementChangeIsRejected) {
  // 512 encoded columns (1024 when hiding), ~150 queried: the multi-proof is not empty.
  Fixture f(9, 2, LigeroParams{100, 2, 1, GetParam()});
  ASSERT_TRUE(f.Accepts(f.proof, f.committed.commitment));
  ASSERT_EQ(f.proof.blind_eval.has_value(), GetParam());
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
  }
  for (size_t k = 0; k < f.proof.merkle_nodes.size(); ++k) {
    LigeroProof p = f.proof;
    p.merkle_nodes[k][k % 32] ^= 0x40;
    expect_reject(p, "Merkle node", k);
  }
  {  // one node too many or too few, columns swapped
    LigeroProof p = f.proof;
    ASSERT_FALSE(p.merkle_nodes.empty());
    p.merkle_nodes.push_back(p.merkle_nodes.back());
    expect_reject(p, "extra Merkle node", 0);
    p = f.proof;
    p.merkle_nodes.pop_back();
    expect_reject(p, "missing Merkle node", 0);
    p = f.proof;
    std::swap(p.columns[0], p.columns[1]);
    expect_reject(p, "swapped columns", 0);
    if (p.blind_eval.has_value()) {
      p = f.proof;
      *p.blind_eval += Fp2::One();
      expect_reject(p, "blind_eval", 0);
      p = f.proof;
      p.blind_eval.reset();
      expect_reject(p, "missing blind_eval", 0);
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

INSTANTIATE_TEST_SUITE_P(Ligero, LigeroSoundness, ::testing::Values(false, true));

TEST_P(LigeroSoundness, EveryByteChangeIsRejected) {
  // Hiding pads every row with >= t symbols: lambda = 24 keeps the proof small
  // (~3 KB) so that flipping every byte stays fast; the checks are the same.
  Fixture f(2, 1, LigeroParams{GetParam() ? 24 : 100, 2, 1, GetParam()});
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

TEST(Ligero, EveryByteOfColumnsAndMultiProofIsChecked) {
  Fixture f(9, 1);  // 148 of 512 columns: a non-empty multi-proof
  Bytes bytes = f.proof.ToBytes();
  ASSERT_TRUE(f.AcceptsBytes(bytes));
  ASSERT_FALSE(f.proof.merkle_nodes.empty());
  size_t u_bytes = 2 * (4 + 16 * f.proof.u_prox.size());
  for (size_t i = u_bytes; i < bytes.size(); ++i) {
    Bytes bad = bytes;
    bad[i] ^= static_cast<uint8_t>(1u << (i % 8));
    EXPECT_FALSE(f.AcceptsBytes(bad)) << "byte " << i;
  }
  // A node count above the largest possible multi-proof is a parse error.
  size_t count_at = bytes.size() - 4 - 32 * f.proof.merkle_nodes.size();
  Bytes huge = bytes;
  huge[count_at + 3] = 0x7f;
  Transcript t("fixture");
  Status s = f.pcs.Verify(f.committed.commitment, f.point, f.evals, huge, t);
  EXPECT_EQ(s.code(), Code::kParse);
  EXPECT_NE(s.message().find("ligero.merkle_nodes"), std::string::npos) << s.message();
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
