// Known answers of the Basefold prover's compute paths (commit encoding, leaf
// hashing, the opening's sums and folds): a fixed polynomial, point and mask
// seed give a pinned commitment root and opening digest, with one and with
// two prover threads. The digests were taken from the prover before the
// session-11 speed-ups (docs/benchmarks.md "Session 11, lane zkprove"); a
// change means the proofs' bytes changed, which a compute-only change must
// not do. Covers the hiding scheme (mask seed; pad of 1 and of 2 variables),
// the plain scheme on a point ending in zero coordinates (single and batched
// polynomials) and plain joint openings (digests taken at 3b3df3e, before the
// single primary's base-field first fold of session 14).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "vinet/crypto/hash.h"
#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/random.h"
#include "vinet/zk/transcript/transcript.h"

namespace vinet::zk {
namespace {

std::vector<Fp> RandomPoly(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Fp> p(size_t{1} << n);
  for (Fp& x : p) x = Fp(rng() % Fp::kModulus);
  return p;
}

// A random point whose last `zeros` coordinates are zero.
std::vector<Fp2> Point(size_t n, size_t zeros, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Fp2> z(n);
  for (size_t i = 0; i + zeros < n; ++i) {
    z[i] = Fp2(Fp(rng() % Fp::kModulus), Fp(rng() % Fp::kModulus));
  }
  return z;
}

// hex(SHA-256(root || opening bytes)), after checking the opening verifies.
std::string OpeningDigest(const BasefoldPcs& pcs, const PcsCommitted& c, std::span<const Fp2> z) {
  Transcript t("basefold-kat");
  PcsOpening o = pcs.Open(*c.data, z, t).value();
  Transcript tv("basefold-kat");
  EXPECT_TRUE(pcs.Verify(c.commitment, z, o.evals, o.proof, tv).ok());
  Bytes all(c.commitment.root.begin(), c.commitment.root.end());
  all.insert(all.end(), o.proof.begin(), o.proof.end());
  return ToHex(crypto::Sha256(all));
}

Digest Seed() {
  Digest s{};
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<uint8_t>(i + 1);
  return s;
}

std::string HidingDigest(size_t n, unsigned threads) {
  BasefoldPcs pcs(BasefoldParams::Hiding(threads));
  PcsCommitted c = pcs.CommitWithMaskSeed({RandomPoly(n, 7)}, Seed()).value();
  return OpeningDigest(pcs, c, Point(n, 0, 9));
}

// Masks from the test generator (Commit's CSPRNG path, RandomFps).
std::string HidingSeededDigest(size_t n, unsigned threads) {
  BasefoldPcs pcs(BasefoldParams::Hiding(threads));
  ScopedSeededMasksForTesting seeded(5);
  PcsCommitted c = pcs.Commit({RandomPoly(n, 7)}).value();
  return OpeningDigest(pcs, c, Point(n, 0, 9));
}

std::string PlainDigest(size_t n, size_t polys, size_t zeros, unsigned threads) {
  BasefoldPcs pcs(BasefoldParams::Default(threads));
  std::vector<std::vector<Fp>> batch;
  for (size_t k = 0; k < polys; ++k) batch.push_back(RandomPoly(n, 11 + k));
  PcsCommitted c = pcs.Commit(std::move(batch)).value();
  return OpeningDigest(pcs, c, Point(n, zeros, 13));
}

// hex(SHA-256(both roots || joint opening bytes)) of a joint opening at z,
// after checking it verifies.
std::string JointOpeningDigest(const BasefoldPcs& pcs, const PcsCommitted& c1,
                               const PcsCommitted& c2, std::span<const Fp2> z) {
  Transcript t("basefold-kat");
  BasefoldPcs::JointOpening o = pcs.OpenJoint(*c1.data, *c2.data, z, t).value();
  Transcript tv("basefold-kat");
  EXPECT_TRUE(pcs.VerifyJoint(c1.commitment, c2.commitment, z, o.primary_evals, o.secondary_evals,
                              o.proof, tv)
                  .ok());
  Bytes all(c1.commitment.root.begin(), c1.commitment.root.end());
  all.insert(all.end(), c2.commitment.root.begin(), c2.commitment.root.end());
  all.insert(all.end(), o.proof.begin(), o.proof.end());
  return ToHex(crypto::Sha256(all));
}

// The joint opening digest of m1 primary polynomials of n variables and m2
// secondary ones of n2.
std::string JointDigest(size_t n, size_t n2, size_t m1, size_t m2, unsigned threads) {
  BasefoldPcs pcs(BasefoldParams::Default(threads));
  std::vector<std::vector<Fp>> primary, secondary;
  for (size_t k = 0; k < m1; ++k) primary.push_back(RandomPoly(n, 21 + k));
  for (size_t k = 0; k < m2; ++k) secondary.push_back(RandomPoly(n2, 31 + k));
  PcsCommitted c1 = pcs.Commit(std::move(primary)).value();
  PcsCommitted c2 = pcs.CommitSecondary(std::move(secondary), n).value();
  return JointOpeningDigest(pcs, c1, c2, Point(n, 0, 17));
}

TEST(BasefoldProverKat, JointOpeningsArePinned) {
  // One primary with the secondary entering inside round 0 (n2 = n - 2), after
  // round 0's last fold (n2 = n - 5), unlifted (n2 = n); two primaries.
  const char* kSingleMid = "a975a9a1c6faaf37dc5ecf198e4bbc8e6664871202b6984971985ae1c73f7e8b";
  const char* kSingleBoundary = "6f6473e40478da62ca46a338df477bbc78c7124b6120a24820d76a3b8bb0f3fb";
  const char* kSingleWhole = "57525c6669a87641fb6d94ca6ff404b650c6acf19f513bafa4dddab68f869a61";
  const char* kBatch = "0551e2dd3203bf2e73d26713df25241264dc2e0854e3fdc2b251e23aa37a1468";
  for (unsigned threads : {1u, 2u}) {
    EXPECT_EQ(JointDigest(12, 10, 1, 1, threads), kSingleMid) << threads;
    EXPECT_EQ(JointDigest(14, 9, 1, 2, threads), kSingleBoundary) << threads;
    EXPECT_EQ(JointDigest(12, 12, 1, 1, threads), kSingleWhole) << threads;
    EXPECT_EQ(JointDigest(12, 10, 2, 2, threads), kBatch) << threads;
  }
}

TEST(BasefoldProverKat, HidingWithSeedIsPinned) {
  const char* kPad1 =
      "24a9f593be02255a9bab042c76d7dd79202ad9f946885b8de1ece5fa72bfbeaf";  // n = 12: p = 1
  const char* kCsprngPath =
      "640d7d5dda15b771947a7303f8ce728e9651a70d96a29df77b57ba22021a34c7";  // n = 12, test generator
  const char* kPad2 =
      "2a6d8b0b87fb44e9a60508c2c20c1e72a6d36bcd6c804c659e717ec4163a272f";  // n = 6: p = 2
  for (unsigned threads : {1u, 2u}) {
    EXPECT_EQ(HidingDigest(12, threads), kPad1) << threads;
    EXPECT_EQ(HidingDigest(6, threads), kPad2) << threads;
    EXPECT_EQ(HidingSeededDigest(12, threads), kCsprngPath) << threads;
  }
}

// The sparse pad (conjectured hiding set, 16 grinding bits and secondary
// leaves of pairs named here so the digests do not move with the set's
// defaults): a hiding opening of n variables, and hiding joint openings of a
// primary of n and a secondary of n2 variables (masks and pads from the test
// generator).
BasefoldParams SparseSet(unsigned threads) {
  BasefoldParams p = BasefoldParams::HidingConjectured(threads);
  p.grinding_bits = 16;
  p.secondary_leaf_log = 0;
  p.lifted_mask_first = 0;  // whole masks: the pins predate lifted ones
  return p;
}

std::string SparseHidingDigest(size_t n, unsigned threads) {
  BasefoldPcs pcs(SparseSet(threads));
  EXPECT_GT(pcs.SparsePadCoeffs(n), 0u);
  PcsCommitted c = pcs.CommitWithMaskSeed({RandomPoly(n, 7), RandomPoly(n, 8)}, Seed()).value();
  return OpeningDigest(pcs, c, Point(n, 0, 9));
}

std::string SparseJointDigest(size_t n, size_t n2, unsigned threads) {
  BasefoldPcs pcs(SparseSet(threads));
  ScopedSeededMasksForTesting seeded(3);
  PcsCommitted c1 = pcs.CommitWithMaskSeed({RandomPoly(n, 21)}, Seed()).value();
  PcsCommitted c2 = pcs.CommitSecondary({RandomPoly(n2, 31), RandomPoly(n2, 32)}, n).value();
  return JointOpeningDigest(pcs, c1, c2, Point(n, 0, 17));
}

// Digests taken at 677597f, before the opening held sparse-top batches as a
// bottom half and a period of the top's difference (session 18).
TEST(BasefoldProverKat, SparsePadOpeningsArePinned) {
  const char* kHiding = "e487b04dad631444563337a364e92ff539cd8bd3644ec6f4b78d0d729ba50f90";
  const char* kJointBoundary =
      "33fdaee684886d64a90441f06f00970652a33d5a46fa64ecf9e667de2abab93e";  // n2 = n - 3: after
                                                                           // round 0's last fold
  const char* kJointMid =
      "50bd66340852cec2731726b3262c4971c58200cb91a031670c38a6ebb651726b";  // n2 = n - 1: inside
                                                                           // round 0
  for (unsigned threads : {1u, 2u}) {
    EXPECT_EQ(SparseHidingDigest(15, threads), kHiding) << threads;
    EXPECT_EQ(SparseJointDigest(16, 13, threads), kJointBoundary) << threads;
    EXPECT_EQ(SparseJointDigest(16, 15, threads), kJointMid) << threads;
  }
}

TEST(BasefoldProverKat, PlainOnAPointEndingInZerosIsPinned) {
  const char* kSingle =
      "96de27f33606a7c1f0bd9cbcdfa3f5eafa74a8dbed9770eb460a162a66f000d0";  // one polynomial, two
                                                                           // zero coordinates
  const char* kBatch =
      "05694f012ca9cbfd7a76a3bc94f8306a82c33be399dd208d33cd390627e56e64";  // three polynomials,
                                                                           // three zero coordinates
  for (unsigned threads : {1u, 2u}) {
    EXPECT_EQ(PlainDigest(12, 1, 2, threads), kSingle) << threads;
    EXPECT_EQ(PlainDigest(12, 3, 3, threads), kBatch) << threads;
  }
}

}  // namespace
}  // namespace vinet::zk
