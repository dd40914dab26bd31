#include <gtest/gtest.h>

#include "light/synthetic_chain.h"
#include "vinet/light/hashing.h"
#include "vinet/light/json_decode.h"
#include "vinet/light/time.h"

namespace vinet::light {
namespace {

Bytes Leaf(std::string_view s) {
  return ToBytes(s);
}

TEST(MerkleRoot, EmptyIsHashOfNothing) {
  EXPECT_EQ(ToHex(MerkleRoot({})),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(MerkleRoot, SplitsAtLargestPowerOfTwoBelowCount) {
  // Three leaves: root = inner(inner(leaf a, leaf b), leaf c), built by hand.
  auto leaf = [](std::string_view s) {
    Bytes b{0};
    b.insert(b.end(), s.begin(), s.end());
    return crypto::Sha256(b);
  };
  auto inner = [](const crypto::Digest256& l, const crypto::Digest256& r) {
    Bytes b{1};
    b.insert(b.end(), l.begin(), l.end());
    b.insert(b.end(), r.begin(), r.end());
    return crypto::Sha256(b);
  };
  auto expect = inner(inner(leaf("a"), leaf("b")), leaf("c"));
  EXPECT_EQ(MerkleRoot({Leaf("a"), Leaf("b"), Leaf("c")}), expect);
  EXPECT_EQ(MerkleRoot({Leaf("a")}), leaf("a"));
  auto five = inner(inner(inner(leaf("a"), leaf("b")), inner(leaf("c"), leaf("d"))), leaf("e"));
  EXPECT_EQ(MerkleRoot({Leaf("a"), Leaf("b"), Leaf("c"), Leaf("d"), Leaf("e")}), five);
}

TEST(HeaderHash, EveryFieldChangesTheHash) {
  testing::SyntheticChain chain({.length = 3});
  const Header base = chain.HeaderAt(2);
  const auto h0 = HeaderHash(base);
  std::vector<std::function<void(Header&)>> edits = {
      [](Header& h) { h.version_block++; },
      [](Header& h) { h.version_app++; },
      [](Header& h) { h.chain_id += "x"; },
      [](Header& h) { h.height++; },
      [](Header& h) { h.time.nanos++; },
      [](Header& h) { h.time.seconds++; },
      [](Header& h) { h.last_block_id.hash[0] ^= 1; },
      [](Header& h) { h.last_block_id.parts.total++; },
      [](Header& h) { h.last_commit_hash[0] ^= 1; },
      [](Header& h) { h.data_hash[0] ^= 1; },
      [](Header& h) { h.validators_hash[0] ^= 1; },
      [](Header& h) { h.next_validators_hash[0] ^= 1; },
      [](Header& h) { h.consensus_hash[0] ^= 1; },
      [](Header& h) { h.app_hash[0] ^= 1; },
      [](Header& h) { h.last_results_hash[0] ^= 1; },
      [](Header& h) { h.evidence_hash.push_back(1); },
      [](Header& h) { h.proposer_address[0] ^= 1; }};
  for (size_t i = 0; i < edits.size(); ++i) {
    Header h = base;
    edits[i](h);
    EXPECT_NE(HeaderHash(h), h0) << "edit " << i;
  }
}

TEST(VoteSignBytes, LengthPrefixedCanonicalVote) {
  Commit c;
  c.height = 5;
  c.round = 0;
  c.block_id.hash = Bytes(32, 0xab);
  c.block_id.parts = {1, Bytes(32, 0xcd)};
  CommitSig s;
  s.flag = BlockIdFlag::kCommit;
  s.timestamp = Time{1, 2};
  c.signatures.push_back(s);
  Bytes sb = VoteSignBytes("c", c, 0);
  // type=2; height sfixed64 5; no round; block id {hash, parts{1, hash}};
  // timestamp {1, 2}; chain id "c".
  Bytes body = {0x08, 0x02, 0x11, 5, 0, 0, 0, 0, 0, 0, 0, 0x22, 0x48, 0x0a, 0x20};
  body.insert(body.end(), 32, 0xab);
  Bytes tail = {0x12, 0x24, 0x08, 0x01, 0x12, 0x20};
  body.insert(body.end(), tail.begin(), tail.end());
  body.insert(body.end(), 32, 0xcd);
  Bytes rest = {0x2a, 0x04, 0x08, 0x01, 0x10, 0x02, 0x32, 0x01, 'c'};
  body.insert(body.end(), rest.begin(), rest.end());
  Bytes want = {static_cast<uint8_t>(body.size())};
  want.insert(want.end(), body.begin(), body.end());
  EXPECT_EQ(ToHex(sb), ToHex(want));
  // A nil vote carries no block id.
  c.signatures[0].flag = BlockIdFlag::kNil;
  EXPECT_EQ(VoteSignBytes("c", c, 0).size(), want.size() - 0x4a);
}

TEST(ParseTime, Rfc3339) {
  auto t = ParseTime("2026-12-06T07:49:04.123456789Z");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->seconds, 1796543344);
  EXPECT_EQ(t->nanos, 123456789);
  EXPECT_EQ(FormatTime(*t), "2026-12-06T07:49:04.123456789Z");
  EXPECT_EQ(ParseTime("1970-01-01T00:00:00Z")->seconds, 0);
  EXPECT_EQ(ParseTime("2024-02-29T00:00:00.5Z")->nanos, 500000000);
  for (const char* bad : {"2023-02-29T00:00:00Z", "2026-12-06T07:49:04", "2026-12-06 07:49:04Z",
                          "2026-13-06T07:49:04Z", "2026-12-06T07:49:04.Z",
                          "2026-12-06T07:49:04.1234567891Z", "2026-12-06T07:49:04+01:00"}) {
    EXPECT_FALSE(ParseTime(bad).ok()) << bad;
  }
}

TEST(DecodeBase64, StrictPadding) {
  EXPECT_EQ(ToString(DecodeBase64("aGk=", "x").value()), "hi");
  EXPECT_FALSE(DecodeBase64("aGk", "x").ok());
  EXPECT_FALSE(DecodeBase64("aG=k", "x").ok());
  EXPECT_FALSE(DecodeBase64("aGl=", "x").ok());  // non-zero padding bits
  EXPECT_FALSE(DecodeBase64("a*k=", "x").ok());
}

}  // namespace
}  // namespace vinet::light
