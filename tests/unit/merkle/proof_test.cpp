// Proof encoding and verification against the naive reference tree.
#include <gtest/gtest.h>

#include <random>

#include "unit/merkle/reference_tree.h"
#include "vinet/merkle/proof.h"
#include "vinet/merkle/proof_ops.h"

namespace vinet::merkle {
namespace {

using testing::LeavesOf;
using testing::ReferenceProof;
using testing::ReferenceRoot;

std::map<std::string, std::string> RandomState(std::mt19937_64& rng, size_t n) {
  std::map<std::string, std::string> state;
  while (state.size() < n) {
    state["c/" + std::to_string(rng())] =
        std::string(rng() % 40, static_cast<char>('a' + rng() % 26));
  }
  return state;
}

TEST(MerkleHash, EmptyTreeAndSingleLeaf) {
  EXPECT_EQ(ReferenceRoot({}), kEmptyHash);
  std::map<std::string, std::string> one{{"a/1", "x"}};
  auto leaves = LeavesOf(one);
  Hash root = ReferenceRoot(leaves);
  EXPECT_EQ(root, LeafHash(KeyHash(AsBytes("a/1")), ValueHash(AsBytes("x"))));
  Proof p = ReferenceProof(leaves, KeyHash(AsBytes("a/1")));
  EXPECT_TRUE(p.siblings.empty());
  EXPECT_TRUE(VerifyMembership(root, AsBytes("a/1"), AsBytes("x"), EncodeProof(p)).ok());
  EXPECT_EQ(VerifyMembership(root, AsBytes("a/1"), AsBytes("y"), EncodeProof(p)).code(),
            Code::kVerification);
  Proof absent = ReferenceProof(leaves, KeyHash(AsBytes("a/2")));
  EXPECT_TRUE(VerifyAbsence(root, AsBytes("a/2"), EncodeProof(absent)).ok());
  EXPECT_EQ(VerifyAbsence(root, AsBytes("a/1"), EncodeProof(p)).code(), Code::kVerification);
}

TEST(MerkleProof, RandomStatesMembershipAndAbsence) {
  std::mt19937_64 rng(7);
  for (size_t n : {0u, 1u, 2u, 3u, 17u, 300u}) {
    auto state = RandomState(rng, n);
    auto leaves = LeavesOf(state);
    Hash root = ReferenceRoot(leaves);
    for (const auto& [k, v] : state) {
      Bytes enc = EncodeProof(ReferenceProof(leaves, KeyHash(AsBytes(k))));
      ASSERT_TRUE(VerifyMembership(root, AsBytes(k), AsBytes(v), enc).ok()) << n << " " << k;
      EXPECT_FALSE(VerifyMembership(root, AsBytes(k), AsBytes(v + "!"), enc).ok());
      EXPECT_FALSE(VerifyAbsence(root, AsBytes(k), enc).ok());
      auto decoded = DecodeProof(enc);
      ASSERT_TRUE(decoded.ok());
      EXPECT_EQ(EncodeProof(*decoded), enc);
    }
    for (int i = 0; i < 50; ++i) {
      std::string k = "c/absent" + std::to_string(rng());
      Bytes enc = EncodeProof(ReferenceProof(leaves, KeyHash(AsBytes(k))));
      ASSERT_TRUE(VerifyAbsence(root, AsBytes(k), enc).ok()) << n;
      EXPECT_FALSE(VerifyMembership(root, AsBytes(k), AsBytes(""), enc).ok());
    }
  }
}

TEST(MerkleProof, EveryFlippedByteIsRejected) {
  std::mt19937_64 rng(11);
  auto state = RandomState(rng, 200);
  auto leaves = LeavesOf(state);
  Hash root = ReferenceRoot(leaves);
  const auto& [key, value] = *std::next(state.begin(), 77);
  Bytes member = EncodeProof(ReferenceProof(leaves, KeyHash(AsBytes(key))));
  std::string missing = "c/missing";
  Bytes absent = EncodeProof(ReferenceProof(leaves, KeyHash(AsBytes(missing))));
  ASSERT_TRUE(VerifyMembership(root, AsBytes(key), AsBytes(value), member).ok());
  ASSERT_TRUE(VerifyAbsence(root, AsBytes(missing), absent).ok());
  for (size_t i = 0; i < member.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80, 0xff}) {
      Bytes bad = member;
      bad[i] ^= mask;
      EXPECT_FALSE(VerifyMembership(root, AsBytes(key), AsBytes(value), bad).ok()) << i;
    }
  }
  for (size_t i = 0; i < absent.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80, 0xff}) {
      Bytes bad = absent;
      bad[i] ^= mask;
      EXPECT_FALSE(VerifyAbsence(root, AsBytes(missing), bad).ok()) << i;
    }
  }
  // Truncations and extensions as well.
  for (size_t n = 0; n < member.size(); ++n) {
    Bytes cut(member.begin(), member.begin() + static_cast<long>(n));
    EXPECT_FALSE(VerifyMembership(root, AsBytes(key), AsBytes(value), cut).ok()) << n;
  }
  Bytes longer = member;
  longer.push_back(0);
  auto s = VerifyMembership(root, AsBytes(key), AsBytes(value), longer);
  EXPECT_EQ(s.code(), Code::kParse);
  EXPECT_NE(s.message().find("trailing"), std::string::npos) << s.message();
}

TEST(MerkleProof, DecodeErrorsNameTheOffset) {
  EXPECT_EQ(DecodeProof({}).status().code(), Code::kParse);
  Bytes bad_version{2, 0, 0, 0};
  EXPECT_NE(DecodeProof(bad_version).status().message().find("offset 0: version 2"),
            std::string::npos);
  Bytes bad_terminal{1, 5, 0, 0};
  EXPECT_NE(DecodeProof(bad_terminal).status().message().find("offset 1: terminal 5"),
            std::string::npos);
  Bytes deep{1, 0, 1, 1};
  EXPECT_NE(DecodeProof(deep).status().message().find("depth 257"), std::string::npos);
  Bytes padding{1, 0, 0, 1, 0x40};
  EXPECT_NE(DecodeProof(padding).status().message().find("offset 4: bitmap bits past depth"),
            std::string::npos);
  Bytes empty_sibling{1, 0, 0, 1, 0x80};
  empty_sibling.resize(empty_sibling.size() + 32, 0);
  EXPECT_NE(DecodeProof(empty_sibling).status().message().find("is the empty hash"),
            std::string::npos);
  Bytes huge(kMaxProofBytes + 1, 0);
  EXPECT_NE(DecodeProof(huge).status().message().find("exceeds the limit"), std::string::npos);
  // The largest proof decodes.
  Proof full;
  full.leaf = ProofLeaf{};
  full.siblings.assign(256, Hash{1});
  Bytes max = EncodeProof(full);
  EXPECT_EQ(max.size(), kMaxProofBytes);
  auto round = DecodeProof(max);
  ASSERT_TRUE(round.ok()) << round.status().ToString();
  EXPECT_EQ(*round, full);
}

TEST(MerkleProof, RootMustBe32Bytes) {
  Bytes proof = EncodeProof(Proof{});
  Bytes short_root(31, 0);
  EXPECT_EQ(VerifyAbsence(short_root, AsBytes("k"), proof).code(), Code::kInvalidArgument);
  Bytes root(32, 0);
  EXPECT_TRUE(VerifyAbsence(root, AsBytes("k"), proof).ok());
}

TEST(ProofOps, RoundTripAndVerify) {
  std::map<std::string, std::string> state{{"a/1", "one"}, {"a/2", "two"}, {"n/3", "three"}};
  auto leaves = LeavesOf(state);
  Hash root = ReferenceRoot(leaves);
  ProofOp op = MakeProofOp(AsBytes("a/2"), ReferenceProof(leaves, KeyHash(AsBytes("a/2"))));
  Bytes wire = EncodeProofOps({op});
  auto ops = DecodeProofOps(wire);
  ASSERT_TRUE(ops.ok()) << ops.status().ToString();
  ASSERT_EQ(ops->size(), 1u);
  EXPECT_EQ((*ops)[0], op);
  EXPECT_TRUE(VerifyProofOps(root, AsBytes("a/2"), AsBytes("two"), *ops).ok());
  EXPECT_FALSE(VerifyProofOps(root, AsBytes("a/2"), AsBytes("one"), *ops).ok());
  EXPECT_FALSE(VerifyProofOps(root, AsBytes("a/1"), AsBytes("one"), *ops).ok());  // key differs
  auto twice = *ops;
  twice.push_back(op);
  EXPECT_FALSE(VerifyProofOps(root, AsBytes("a/2"), AsBytes("two"), twice).ok());
  auto renamed = *ops;
  renamed[0].type = "ics23:iavl";
  EXPECT_FALSE(VerifyProofOps(root, AsBytes("a/2"), AsBytes("two"), renamed).ok());
  // Unknown fields are skipped; a truncated buffer names its offset.
  Bytes with_unknown = wire;
  with_unknown.insert(with_unknown.begin(), {0x10, 0x05});  // field 2, varint 5
  auto skipped = DecodeProofOps(with_unknown);
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(*skipped, *ops);
  for (size_t n = 1; n < wire.size(); ++n) {
    Bytes cut(wire.begin(), wire.begin() + static_cast<long>(n));
    auto r = DecodeProofOps(cut);
    if (r.ok()) continue;  // cuts at a field boundary can still decode
    EXPECT_EQ(r.status().code(), Code::kParse);
    EXPECT_NE(r.status().message().find("offset"), std::string::npos);
  }
  Bytes wrong_wire{0x08, 0x01};
  EXPECT_NE(DecodeProofOps(wrong_wire).status().message().find("wire type 0"), std::string::npos);
}

}  // namespace
}  // namespace vinet::merkle
