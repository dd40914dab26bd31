// SnapshotRestorer against an in-memory RestoreTarget: every single-byte
// corruption of every chunk is caught by its hash (RETRY + refetch + reject
// sender) and the honest chunk then restores.
#include <gtest/gtest.h>

#include <map>

#include "vinet/chain/snapshot_restore.h"

namespace vinet::chain {
namespace {

namespace pb = abci::pb;

// A map as the state; its "root" is SHA-256 over the ordered pairs.
class MapTarget final : public RestoreTarget {
 public:
  bool Empty() const override { return meta.height == 0; }
  Status Clear() override {
    state.clear();
    meta = CommitMeta();
    return Status::Ok();
  }
  Status Write(const std::vector<KeyValue>& entries) override {
    for (const auto& [k, v] : entries) state[k] = v;
    return Status::Ok();
  }
  Result<Bytes> Load(const CommitMeta& m) override {
    meta = m;
    return RootOf(state);
  }
  static Bytes RootOf(const std::map<std::string, std::string>& s) {
    crypto::Sha256Hasher h;
    for (const auto& [k, v] : s) {
      Bytes b;
      AppendLengthPrefixed(b, AsBytes(k));
      AppendLengthPrefixed(b, AsBytes(v));
      h.Update(b);
    }
    auto d = h.Finish();
    return Bytes(d.begin(), d.end());
  }
  std::map<std::string, std::string> state;
  CommitMeta meta;
};

struct Snapshot {
  pb::Snapshot proto;
  std::vector<Bytes> chunks;
  Bytes app_hash;
};

Snapshot Make(const std::map<std::string, std::string>& state) {
  Snapshot s;
  s.app_hash = MapTarget::RootOf(state);
  SnapshotMeta meta{77, s.app_hash, "unit-chain", state.size(), {}};
  ChunkBuilder builder(64);
  for (const auto& [k, v] : state) {
    if (auto c = builder.Add(k, v).value()) s.chunks.push_back(std::move(*c));
  }
  if (auto c = builder.Finish()) s.chunks.push_back(std::move(*c));
  for (const auto& c : s.chunks) meta.chunk_hashes.push_back(crypto::Sha256(c));
  Bytes enc = EncodeSnapshotMeta(meta);
  s.proto.set_height(77);
  s.proto.set_format(1);
  s.proto.set_chunks(static_cast<uint32_t>(s.chunks.size()));
  s.proto.set_metadata(ToString(enc));
  s.proto.set_hash(ToString(crypto::Sha256(enc)));
  return s;
}

TEST(SnapshotRestore, EverySingleByteCorruptionIsRefetchedThenTheHonestChunkRestores) {
  std::map<std::string, std::string> state;
  for (int i = 0; i < 20; ++i) state["k/" + std::to_string(100 + i)] = std::string(i, 'v');
  auto snap = Make(state);
  ASSERT_GT(snap.chunks.size(), 3u);
  MapTarget target;
  SnapshotRestorer restorer(target, "unit-chain");
  pb::RequestOfferSnapshot offer;
  *offer.mutable_snapshot() = snap.proto;
  offer.set_app_hash(ToString(snap.app_hash));
  ASSERT_EQ(restorer.Offer(offer).result(), pb::ResponseOfferSnapshot::ACCEPT);
  uint64_t corruptions = 0;
  for (uint32_t i = 0; i < snap.chunks.size(); ++i) {
    for (size_t at = 0; at < snap.chunks[i].size(); ++at) {
      Bytes bad = snap.chunks[i];
      bad[at] ^= 0x40;
      pb::RequestApplySnapshotChunk req;
      req.set_index(i);
      req.set_chunk(ToString(bad));
      req.set_sender("peer-" + std::to_string(at));
      auto r = restorer.Apply(req);
      ASSERT_EQ(r.result(), pb::ResponseApplySnapshotChunk::RETRY) << i << "@" << at;
      ASSERT_EQ(r.refetch_chunks_size(), 1);
      EXPECT_EQ(r.refetch_chunks(0), i);
      ASSERT_EQ(r.reject_senders_size(), 1);
      EXPECT_EQ(r.reject_senders(0), req.sender());
      ++corruptions;
    }
    // Truncated by one byte, too.
    pb::RequestApplySnapshotChunk cut;
    cut.set_index(i);
    cut.set_chunk(ToString(snap.chunks[i]).substr(0, snap.chunks[i].size() - 1));
    ASSERT_EQ(restorer.Apply(cut).result(), pb::ResponseApplySnapshotChunk::RETRY);
    pb::RequestApplySnapshotChunk good;
    good.set_index(i);
    good.set_chunk(ToString(snap.chunks[i]));
    ASSERT_EQ(restorer.Apply(good).result(), pb::ResponseApplySnapshotChunk::ACCEPT);
  }
  EXPECT_EQ(restorer.refetched(), corruptions + snap.chunks.size());
  EXPECT_EQ(target.state, state);
  EXPECT_EQ(target.meta.height, 77);
  EXPECT_EQ(target.meta.app_hash, snap.app_hash);
  EXPECT_EQ(target.meta.chain_id, "unit-chain");
  EXPECT_FALSE(restorer.restoring());
}

TEST(SnapshotRestore, EverySingleByteCorruptionOfTheMetadataIsRefused) {
  std::map<std::string, std::string> state = {{"a", "1"}, {"b", "2"}};
  auto snap = Make(state);
  for (size_t at = 0; at < snap.proto.metadata().size(); ++at) {
    MapTarget target;
    SnapshotRestorer restorer(target, "unit-chain");
    pb::RequestOfferSnapshot offer;
    *offer.mutable_snapshot() = snap.proto;
    std::string m = snap.proto.metadata();
    m[at] = static_cast<char>(m[at] ^ 0x01);
    offer.mutable_snapshot()->set_metadata(m);
    offer.set_app_hash(ToString(snap.app_hash));
    // The hash no longer matches (or the metadata no longer decodes).
    EXPECT_NE(restorer.Offer(offer).result(), pb::ResponseOfferSnapshot::ACCEPT) << at;
    EXPECT_FALSE(restorer.restoring());
  }
}

}  // namespace
}  // namespace vinet::chain
