// The snapshot format (snapshot_format.h): round trips, every truncation,
// hostile lengths and orderings.
#include <gtest/gtest.h>

#include "vinet/chain/snapshot_format.h"

namespace vinet::chain {
namespace {

SnapshotMeta SampleMeta(size_t chunks = 3) {
  SnapshotMeta m;
  m.height = 1200;
  m.app_hash = Bytes(32, 0xab);
  m.chain_id = "vinet-devnet";
  m.entries = 40;
  for (size_t i = 0; i < chunks; ++i) {
    m.chunk_hashes.push_back(crypto::Sha256(AsBytes(std::to_string(i))));
  }
  return m;
}

std::vector<KeyValue> SampleEntries() {
  return {{"a/0001", "x"}, {"a/0002", ""}, {"c/ff", std::string(300, 'v')}, {"p/params", "p"}};
}

void ExpectParseError(const Result<SnapshotMeta>& r, std::string_view field) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kParse);
  EXPECT_NE(r.status().message().find(field), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("at offset"), std::string::npos) << r.status().message();
}

TEST(SnapshotFormat, MetadataRoundTrips) {
  auto m = SampleMeta();
  auto d = DecodeSnapshotMeta(EncodeSnapshotMeta(m));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->height, m.height);
  EXPECT_EQ(d->app_hash, m.app_hash);
  EXPECT_EQ(d->chain_id, m.chain_id);
  EXPECT_EQ(d->entries, m.entries);
  EXPECT_EQ(d->chunk_hashes, m.chunk_hashes);
}

TEST(SnapshotFormat, EveryTruncationOrExtensionOfMetadataIsRefused) {
  Bytes enc = EncodeSnapshotMeta(SampleMeta());
  for (size_t n = 0; n < enc.size(); ++n) {
    EXPECT_FALSE(DecodeSnapshotMeta(ByteSpan(enc.data(), n)).ok()) << n;
  }
  enc.push_back(0);
  ExpectParseError(DecodeSnapshotMeta(enc), "chunk_hashes");
}

TEST(SnapshotFormat, HostileMetadataFieldsAreNamed) {
  auto with = [](auto edit) {
    Bytes enc = EncodeSnapshotMeta(SampleMeta());
    edit(enc);
    return DecodeSnapshotMeta(enc);
  };
  ExpectParseError(with([](Bytes& b) { b[3] = 2; }), "version");
  ExpectParseError(with([](Bytes& b) { std::fill(b.begin() + 4, b.begin() + 12, 0); }), "height");
  ExpectParseError(with([](Bytes& b) { b[4] = 0x80; }), "height");
  ExpectParseError(with([](Bytes& b) { b[12] = 0; }), "app_hash");
  ExpectParseError(with([](Bytes& b) { b[12] = 65; }), "app_hash");
  // chain id length byte follows the 32-byte hash
  ExpectParseError(with([](Bytes& b) { b[45] = 0; }), "chain_id");
  ExpectParseError(with([](Bytes& b) { b[45] = 51; }), "chain_id");
  // chunk count: at 46 + 12 + 8
  size_t chunks_at = 46 + 12 + 8;
  ExpectParseError(
      with([&](Bytes& b) { std::fill(b.begin() + chunks_at, b.begin() + chunks_at + 4, 0); }),
      "chunks");
  ExpectParseError(with([&](Bytes& b) { b[chunks_at] = 0xff; }), "chunks");
  ExpectParseError(with([&](Bytes& b) { b[chunks_at + 3] = 4; }), "chunk_hashes");
  // fewer entries than chunks
  ExpectParseError(with([&](Bytes& b) { std::fill(b.begin() + 58, b.begin() + 66, 0); }),
                   "entries");
  // Oversized input is refused before any field is read.
  Bytes huge(kMaxMetadataBytes + 1, 0);
  ExpectParseError(DecodeSnapshotMeta(huge), "size");
}

TEST(SnapshotFormat, ChunkRoundTripsAndChecksOrderAcrossChunks) {
  auto entries = SampleEntries();
  Bytes enc = EncodeChunk(entries);
  auto d = DecodeChunk(enc, std::nullopt);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(*d, entries);
  EXPECT_TRUE(DecodeChunk(enc, std::string_view("A")).ok());
  auto after = DecodeChunk(enc, std::string_view("a/0001"));
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.status().message().find("entries[0].key: not above"), std::string::npos);
}

TEST(SnapshotFormat, EveryTruncationOfAChunkIsRefused) {
  Bytes enc = EncodeChunk(SampleEntries());
  for (size_t n = 0; n < enc.size(); ++n) {
    EXPECT_FALSE(DecodeChunk(ByteSpan(enc.data(), n), std::nullopt).ok()) << n;
  }
  enc.push_back(0);
  auto r = DecodeChunk(enc, std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("trailing"), std::string::npos);
}

TEST(SnapshotFormat, HostileChunksAreRefusedWithTheField) {
  auto expect = [](const std::vector<KeyValue>& entries, std::string_view what) {
    auto r = DecodeChunk(EncodeChunk(entries), std::nullopt);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(what), std::string::npos) << r.status().message();
  };
  expect({}, "count");
  expect({{"b", "1"}, {"a", "2"}}, "entries[1].key: not above");
  expect({{"a", "1"}, {"a", "2"}}, "entries[1].key: not above");
  expect({{"", "1"}}, "entries[0].key: length 0");
  expect({{std::string(kMaxKeyBytes + 1, 'k'), "1"}}, "entries[0].key: length");
  expect({{"\xff"
           "meta/height",
           "1"}},
         "reserved metadata prefix");
  // A count larger than the bytes could hold is refused before allocating.
  Bytes lie = EncodeChunk(SampleEntries());
  lie[0] = 0x7f;
  auto r = DecodeChunk(lie, std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("count"), std::string::npos);
  // A value length past the end.
  Bytes past;
  AppendU32BE(past, 1);
  AppendLengthPrefixed(past, AsBytes("k"));
  AppendU32BE(past, 1000);
  r = DecodeChunk(past, std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("entries[0].value: length 1000 exceeds"), std::string::npos);
  // A value length over the limit, even if the bytes were there.
  Bytes big;
  AppendU32BE(big, 1);
  AppendLengthPrefixed(big, AsBytes("k"));
  AppendU32BE(big, static_cast<uint32_t>(kMaxValueBytes + 1));
  r = DecodeChunk(big, std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("entries[0].value: length"), std::string::npos);
  Bytes oversized(kMaxChunkBytes + 1, 0);
  r = DecodeChunk(oversized, std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("size"), std::string::npos);
}

TEST(SnapshotFormat, ChunkBuilderCutsNearTheTargetAndLosesNothing) {
  ChunkBuilder builder(1000);
  std::vector<KeyValue> all;
  std::vector<Bytes> chunks;
  for (int i = 0; i < 500; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "k/%06d", i);
    all.emplace_back(key, std::string(static_cast<size_t>(i % 97), 'v'));
    auto chunk = builder.Add(all.back().first, all.back().second);
    ASSERT_TRUE(chunk.ok());
    if (*chunk) chunks.push_back(std::move(**chunk));
  }
  if (auto last = builder.Finish()) chunks.push_back(std::move(*last));
  ASSERT_GT(chunks.size(), 10u);
  std::vector<KeyValue> back;
  std::optional<std::string> prev;
  for (const auto& c : chunks) {
    EXPECT_LT(c.size(), 1000u + 8 + 16 + 97);
    auto d = DecodeChunk(c, prev ? std::optional<std::string_view>(*prev) : std::nullopt);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    back.insert(back.end(), d->begin(), d->end());
    prev = back.back().first;
  }
  EXPECT_EQ(back, all);
  EXPECT_FALSE(builder.Add("", "v").ok());
}

}  // namespace
}  // namespace vinet::chain
