// The claim-batch hashing (protocol/claim_batch.h), checked against the
// formulas written out with plain SHA-256 calls.
#include "vinet/protocol/claim_batch.h"

#include <gtest/gtest.h>

namespace vinet::protocol {
namespace {

crypto::Digest256 H(std::initializer_list<ByteSpan> parts) {
  Bytes all;
  for (auto p : parts) all.insert(all.end(), p.begin(), p.end());
  return crypto::Sha256(all);
}

crypto::Digest256 LeafNode(const crypto::Digest256& leaf) {
  const uint8_t tag = 0x00;
  return H({ByteSpan(&tag, 1), leaf});
}

crypto::Digest256 Parent(const crypto::Digest256& l, const crypto::Digest256& r) {
  const uint8_t tag = 0x01;
  return H({ByteSpan(&tag, 1), l, r});
}

crypto::Digest256 LeafOf(uint8_t b) {
  crypto::Digest256 d{};
  d.fill(b);
  return d;
}

TEST(ClaimBatch, LeafIsDomainIdAndSignedBytesHash) {
  Bytes id(32, 7), signing{1, 2, 3, 4, 5};
  auto want = H({AsBytes(kClaimLeafDomain), id, crypto::Sha256(signing)});
  EXPECT_EQ(ClaimLeaf(id, signing), want);
  signing[0] ^= 1;
  EXPECT_NE(ClaimLeaf(id, signing), want);
}

TEST(ClaimBatch, RootShapes) {
  auto a = LeafOf(1), b = LeafOf(2), c = LeafOf(3), d = LeafOf(4), e = LeafOf(5);
  std::vector<crypto::Digest256> one{a}, three{a, b, c}, five{a, b, c, d, e};
  EXPECT_EQ(ClaimBatchRoot(one), LeafNode(a));
  // A lone node moves up unchanged.
  EXPECT_EQ(ClaimBatchRoot(three), Parent(Parent(LeafNode(a), LeafNode(b)), LeafNode(c)));
  auto left = Parent(Parent(LeafNode(a), LeafNode(b)), Parent(LeafNode(c), LeafNode(d)));
  EXPECT_EQ(ClaimBatchRoot(five), Parent(left, LeafNode(e)));
  // Order matters; a leaf cannot stand for an internal node.
  std::vector<crypto::Digest256> swapped{b, a, c};
  EXPECT_NE(ClaimBatchRoot(swapped), ClaimBatchRoot(three));
  std::vector<crypto::Digest256> two{a, b}, pair{Parent(LeafNode(a), LeafNode(b))};
  EXPECT_NE(ClaimBatchRoot(pair), ClaimBatchRoot(two));
  EXPECT_EQ(ClaimBatchRoot({}), crypto::Digest256{});
}

TEST(ClaimBatch, SigningBytesLayout) {
  Bytes node(32, 0xab);
  auto root = LeafOf(9);
  Bytes got = ClaimBatchSigningBytes(node, 0x01020304, root);
  std::string want(kClaimBatchDomain);
  want.append(32, '\xab');
  want.append("\x01\x02\x03\x04", 4);
  want.append(32, '\x09');
  EXPECT_EQ(ToString(got), want);
}

}  // namespace
}  // namespace vinet::protocol
