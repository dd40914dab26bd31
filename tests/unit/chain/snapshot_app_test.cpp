// State sync through the ABCI methods of ChainApp: a validator writes
// snapshots in the background; a fresh app restores one, chunk by chunk,
// refusing corrupt chunks, foreign snapshots and wrong roots.
#include <gtest/gtest.h>

#include "unit/chain/chain_test_util.h"
#include "vinet/chain/app.h"

namespace vinet::chain {
namespace {

using testing::AddrOf;
using testing::KeyFromByte;
using testing::TempDir;
using testing::TransferBody;
using testing::TxString;
namespace pb = abci::pb;

constexpr const char* kChainId = "unit-chain";

class SnapshotAppTest : public ::testing::Test {
 protected:
  ChainOptions Serving() {
    ChainOptions o;
    o.snapshot_interval = 3;
    o.snapshot_keep = 2;
    o.snapshot_chunk_bytes = 512;  // many chunks from a small state
    o.retain_blocks = 4;
    o.chain_id = kChainId;
    o.store.versions_kept = 2;  // so the snapshots, not the versions, bound retain_height
    return o;
  }
  // Genesis, then `blocks` blocks of transfers to fresh accounts.
  std::unique_ptr<ChainApp> Validator(int blocks) {
    auto app = std::move(ChainApp::Open(serve_dir_.path(), Serving()).value());
    pb::RequestInitChain init;
    init.set_chain_id(kChainId);
    init.set_initial_height(1);
    Genesis g;
    g.params = DefaultParams();
    g.accounts.push_back({AddrOf(alice_), 1'000'000'000});
    init.set_app_state_bytes(GenesisToJson(g));
    app->InitChain(init);
    uint64_t nonce = 0;
    for (int h = 1; h <= blocks; ++h) {
      pb::RequestFinalizeBlock req;
      req.set_height(h);
      for (int i = 0; i < 10; ++i) {
        auto to = AddrOf(KeyFromByte(static_cast<uint8_t>(h * 10 + i)));
        req.add_txs(TxString(alice_, TransferBody(kChainId, nonce++, to, 1000 + h)));
      }
      app->FinalizeBlock(req);
      retain_.push_back(app->Commit().retain_height());
    }
    app->WaitForSnapshots();
    return app;
  }
  std::unique_ptr<ChainApp> Fresh(const std::string& chain_id = kChainId) {
    ChainOptions o;
    o.chain_id = chain_id;
    return std::move(ChainApp::Open(join_dir_.path(), o).value());
  }
  static pb::Snapshot Latest(ChainApp& app) {
    auto list = app.ListSnapshots({});
    EXPECT_GT(list.snapshots_size(), 0);
    return list.snapshots(0);
  }
  static std::string Chunk(ChainApp& app, const pb::Snapshot& s, uint32_t i) {
    pb::RequestLoadSnapshotChunk req;
    req.set_height(s.height());
    req.set_format(s.format());
    req.set_chunk(i);
    return app.LoadSnapshotChunk(req).chunk();
  }
  static pb::ResponseOfferSnapshot::Result Offer(ChainApp& app, const pb::Snapshot& s,
                                                 const std::string& app_hash) {
    pb::RequestOfferSnapshot req;
    *req.mutable_snapshot() = s;
    req.set_app_hash(app_hash);
    return app.OfferSnapshot(req).result();
  }
  static pb::ResponseApplySnapshotChunk Apply(ChainApp& app, uint32_t i, std::string chunk,
                                              std::string sender = "peer-a") {
    pb::RequestApplySnapshotChunk req;
    req.set_index(i);
    req.set_chunk(std::move(chunk));
    req.set_sender(std::move(sender));
    return app.ApplySnapshotChunk(req);
  }
  // The app hash a light client would have verified for the snapshot height.
  static std::string AppHashAt(const pb::Snapshot& s) {
    // Metadata: u32 version | u64 height | u8 len + app hash.
    const std::string& m = s.metadata();
    return m.substr(13, static_cast<uint8_t>(m[12]));
  }

  TempDir serve_dir_, join_dir_;
  crypto::SecretKey alice_ = KeyFromByte(200);
  std::vector<int64_t> retain_;
};

TEST_F(SnapshotAppTest, SnapshotsAreWrittenKeptAndRestoredToTheSameState) {
  auto v = Validator(10);  // snapshots at 3, 6, 9; two kept
  auto list = v->ListSnapshots({});
  ASSERT_EQ(list.snapshots_size(), 2);
  EXPECT_EQ(list.snapshots(0).height(), 9u);
  EXPECT_EQ(list.snapshots(1).height(), 6u);
  auto snap = list.snapshots(0);
  EXPECT_EQ(snap.format(), 1u);
  EXPECT_GT(snap.chunks(), 5u);
  EXPECT_EQ(snap.hash(), ToString(crypto::Sha256(AsBytes(snap.metadata()))));
  // The validator moved on past the snapshot; the snapshot is of height 9.
  auto fresh = Fresh();
  ASSERT_EQ(Offer(*fresh, snap, AppHashAt(snap)), pb::ResponseOfferSnapshot::ACCEPT);
  for (uint32_t i = 0; i < snap.chunks(); ++i) {
    auto r = Apply(*fresh, i, Chunk(*v, snap, i));
    ASSERT_EQ(r.result(), pb::ResponseApplySnapshotChunk::ACCEPT) << i;
  }
  auto info = fresh->Info({});
  EXPECT_EQ(info.last_block_height(), 9);
  EXPECT_EQ(info.last_block_app_hash(), AppHashAt(snap));
  EXPECT_EQ(fresh->committed().chain_id, kChainId);
  // It continues from there like the validator did: block 10 gives the same hash.
  pb::RequestFinalizeBlock b10;
  b10.set_height(10);
  for (int i = 0; i < 10; ++i) {
    auto to = AddrOf(KeyFromByte(static_cast<uint8_t>(100 + i)));
    b10.add_txs(TxString(alice_, TransferBody(kChainId, 90 + i, to, 1010)));
  }
  auto restored = fresh->FinalizeBlock(b10);
  fresh->Commit();
  EXPECT_EQ(restored.app_hash(), ToString(v->committed().app_hash));
  // And reopening it from disk keeps the restored state.
  fresh.reset();
  auto reopened = Fresh();
  EXPECT_EQ(reopened->Info({}).last_block_height(), 10);
}

TEST_F(SnapshotAppTest, RetainHeightNeverPassesTheOldestSnapshot) {
  auto v = Validator(10);
  // retain_blocks 4: H - 3, but never above the oldest kept or in-flight snapshot.
  ASSERT_EQ(retain_.size(), 10u);
  EXPECT_EQ(retain_[0], 0);  // height 1: nothing to prune yet
  for (size_t i = 0; i < retain_.size(); ++i) {
    int64_t h = static_cast<int64_t>(i) + 1;
    EXPECT_LE(retain_[i], std::max<int64_t>(h - 3, 0)) << h;
  }
  EXPECT_LE(retain_[9], 6);  // the oldest kept snapshot at height 10 is 6
  EXPECT_GE(retain_[9], 3);
}

TEST_F(SnapshotAppTest, CorruptChunkIsRefetchedAndItsSenderRejected) {
  auto v = Validator(6);
  auto snap = Latest(*v);
  auto fresh = Fresh();
  ASSERT_EQ(Offer(*fresh, snap, AppHashAt(snap)), pb::ResponseOfferSnapshot::ACCEPT);
  ASSERT_EQ(Apply(*fresh, 0, Chunk(*v, snap, 0)).result(), pb::ResponseApplySnapshotChunk::ACCEPT);
  auto bad = Chunk(*v, snap, 1);
  bad[bad.size() / 2] ^= 1;
  auto r = Apply(*fresh, 1, bad, "evil-peer");
  EXPECT_EQ(r.result(), pb::ResponseApplySnapshotChunk::RETRY);
  ASSERT_EQ(r.refetch_chunks_size(), 1);
  EXPECT_EQ(r.refetch_chunks(0), 1u);
  ASSERT_EQ(r.reject_senders_size(), 1);
  EXPECT_EQ(r.reject_senders(0), "evil-peer");
  // Oversized: refused the same way, without hashing past the limit.
  r = Apply(*fresh, 1, std::string(kMaxChunkBytes + 1, 'x'), "big-peer");
  EXPECT_EQ(r.result(), pb::ResponseApplySnapshotChunk::RETRY);
  EXPECT_EQ(fresh->snapshot_chunks_refetched(), 2u);
  for (uint32_t i = 1; i < snap.chunks(); ++i) {
    ASSERT_EQ(Apply(*fresh, i, Chunk(*v, snap, i)).result(),
              pb::ResponseApplySnapshotChunk::ACCEPT);
  }
  EXPECT_EQ(fresh->Info({}).last_block_height(), 6);
}

TEST_F(SnapshotAppTest, HostileOffersAreRefused) {
  auto v = Validator(3);
  auto snap = Latest(*v);
  auto fresh = Fresh();
  auto bad = snap;
  bad.set_format(2);
  EXPECT_EQ(Offer(*fresh, bad, AppHashAt(snap)), pb::ResponseOfferSnapshot::REJECT_FORMAT);
  bad = snap;
  bad.set_hash(std::string(32, 'x'));
  EXPECT_EQ(Offer(*fresh, bad, AppHashAt(snap)), pb::ResponseOfferSnapshot::REJECT_SENDER);
  bad = snap;
  bad.set_chunks(snap.chunks() + 1);
  EXPECT_EQ(Offer(*fresh, bad, AppHashAt(snap)), pb::ResponseOfferSnapshot::REJECT_SENDER);
  bad = snap;
  bad.set_height(snap.height() + 1);
  EXPECT_EQ(Offer(*fresh, bad, AppHashAt(snap)), pb::ResponseOfferSnapshot::REJECT_SENDER);
  bad = snap;
  bad.set_metadata(snap.metadata().substr(0, 20));
  bad.set_hash(ToString(crypto::Sha256(AsBytes(bad.metadata()))));
  EXPECT_EQ(Offer(*fresh, bad, AppHashAt(snap)), pb::ResponseOfferSnapshot::REJECT_SENDER);
  // Not the app hash the light client verified.
  EXPECT_EQ(Offer(*fresh, snap, std::string(32, '\0')), pb::ResponseOfferSnapshot::REJECT);
  // Another chain's snapshot.
  fresh.reset();
  auto other = Fresh("other-chain");
  EXPECT_EQ(Offer(*other, snap, AppHashAt(snap)), pb::ResponseOfferSnapshot::REJECT);
  // A node with a committed state takes no snapshot.
  EXPECT_EQ(Offer(*v, snap, AppHashAt(snap)), pb::ResponseOfferSnapshot::ABORT);
  // Chunks without an accepted offer.
  EXPECT_EQ(Apply(*other, 0, Chunk(*v, snap, 0)).result(), pb::ResponseApplySnapshotChunk::ABORT);
}

TEST_F(SnapshotAppTest, ARootUnlikeTheVerifiedAppHashRejectsTheSnapshotAndClearsTheState) {
  auto v = Validator(3);
  auto snap = Latest(*v);
  // A peer's snapshot of some other state, claiming the verified app hash:
  // every chunk matches its metadata, only the root gives it away.
  std::vector<KeyValue> forged = {{"a/" + std::string(40, '1'), "\x08\x05"}, {"p/params", "x"}};
  Bytes chunk = EncodeChunk(forged);
  SnapshotMeta meta{3, ToBytes(AppHashAt(snap)), kChainId, 2, {crypto::Sha256(chunk)}};
  Bytes enc = EncodeSnapshotMeta(meta);
  pb::Snapshot s;
  s.set_height(3);
  s.set_format(1);
  s.set_chunks(1);
  s.set_metadata(ToString(enc));
  s.set_hash(ToString(crypto::Sha256(enc)));
  auto fresh = Fresh();
  ASSERT_EQ(Offer(*fresh, s, AppHashAt(snap)), pb::ResponseOfferSnapshot::ACCEPT);
  EXPECT_EQ(Apply(*fresh, 0, ToString(chunk)).result(),
            pb::ResponseApplySnapshotChunk::REJECT_SNAPSHOT);
  EXPECT_EQ(fresh->Info({}).last_block_height(), 0);
  // Nothing of it stays: the real snapshot restores cleanly afterwards.
  ASSERT_EQ(Offer(*fresh, snap, AppHashAt(snap)), pb::ResponseOfferSnapshot::ACCEPT);
  for (uint32_t i = 0; i < snap.chunks(); ++i) {
    ASSERT_EQ(Apply(*fresh, i, Chunk(*v, snap, i)).result(),
              pb::ResponseApplySnapshotChunk::ACCEPT);
  }
  EXPECT_EQ(fresh->Info({}).last_block_app_hash(), AppHashAt(snap));
}

TEST_F(SnapshotAppTest, ChunksOutOfOrderOrUndecodableRejectTheSnapshot) {
  auto v = Validator(3);
  auto snap = Latest(*v);
  auto fresh = Fresh();
  ASSERT_EQ(Offer(*fresh, snap, AppHashAt(snap)), pb::ResponseOfferSnapshot::ACCEPT);
  EXPECT_EQ(Apply(*fresh, 1, Chunk(*v, snap, 1)).result(),
            pb::ResponseApplySnapshotChunk::REJECT_SNAPSHOT);
  // Metadata listing the hash of an undecodable chunk.
  std::string junk = "not a chunk";
  SnapshotMeta meta{3, ToBytes(AppHashAt(snap)), kChainId, 1, {crypto::Sha256(AsBytes(junk))}};
  Bytes enc = EncodeSnapshotMeta(meta);
  pb::Snapshot s;
  s.set_height(3);
  s.set_format(1);
  s.set_chunks(1);
  s.set_metadata(ToString(enc));
  s.set_hash(ToString(crypto::Sha256(enc)));
  ASSERT_EQ(Offer(*fresh, s, AppHashAt(snap)), pb::ResponseOfferSnapshot::ACCEPT);
  EXPECT_EQ(Apply(*fresh, 0, junk).result(), pb::ResponseApplySnapshotChunk::REJECT_SNAPSHOT);
}

TEST_F(SnapshotAppTest, UnknownChunksAreEmptyAnswers) {
  auto v = Validator(3);
  auto snap = Latest(*v);
  EXPECT_TRUE(Chunk(*v, snap, snap.chunks()).empty());
  auto other = snap;
  other.set_height(2);
  EXPECT_TRUE(Chunk(*v, other, 0).empty());
  other.set_format(7);
  EXPECT_TRUE(Chunk(*v, other, 0).empty());
}

}  // namespace
}  // namespace vinet::chain
