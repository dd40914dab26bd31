// The versioned store: durable commits with metadata, reads and proofs at
// every retained version against a std::map history, pruning in bounded work,
// scans and bulk load (Reset) for state sync.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "unit/chain/chain_test_util.h"
#include "vinet/chain/store.h"
#include "vinet/merkle/proof.h"

namespace vinet::chain {
namespace {

using State = std::map<std::string, std::string>;

// Commits `changes` as the next version through Prepare + Commit.
Bytes CommitNext(Store& store, const Overlay& changes) {
  const int64_t v = store.meta().height + 1;
  auto tree = store.Prepare(changes, v);
  EXPECT_TRUE(tree.ok()) << tree.status().ToString();
  Bytes hash = RootHashBytes(tree->root);
  auto s = store.Commit(changes, *tree, {v, hash, "c"});
  EXPECT_TRUE(s.ok()) << s.ToString();
  return hash;
}

void ExpectVersion(const Store& store, int64_t v, const State& state, std::mt19937_64& rng,
                   const Bytes& root) {
  // Values and proofs for present keys, absent keys and keys of other versions.
  for (int i = 0; i < 12; ++i) {
    std::string key = "a/" + std::to_string(rng() % 400);
    auto value = store.GetAt(key, v);
    ASSERT_TRUE(value.ok()) << value.status().ToString();
    auto it = state.find(key);
    auto proof = store.ProveAt(key, v);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    Bytes enc = merkle::EncodeProof(*proof);
    if (it == state.end()) {
      EXPECT_FALSE(value->has_value()) << key << " at " << v;
      EXPECT_TRUE(merkle::VerifyAbsence(root, AsBytes(key), enc).ok()) << key << " at " << v;
    } else {
      ASSERT_TRUE(value->has_value()) << key << " at " << v;
      EXPECT_EQ(**value, it->second);
      EXPECT_TRUE(merkle::VerifyMembership(root, AsBytes(key), AsBytes(it->second), enc).ok());
    }
  }
}

TEST(Store, CommitIsDurableAndCarriesMetadata) {
  testing::TempDir dir;
  Bytes h8;
  {
    auto store = std::move(Store::Open(dir.path()).value());
    EXPECT_EQ(store->meta().height, 0);
    ASSERT_TRUE(store->Reset({}, 6, "c").ok());
    Overlay changes(*store);
    changes.Put("a/1", "one");
    changes.Put("a/2", "two");
    CommitNext(*store, changes);
    Overlay del(*store);
    del.Delete("a/1");
    h8 = CommitNext(*store, del);
  }
  auto store = std::move(Store::Open(dir.path()).value());
  EXPECT_EQ(store->meta().height, 8);
  EXPECT_EQ(store->meta().app_hash, h8);
  EXPECT_EQ(store->meta().chain_id, "c");
  EXPECT_FALSE(store->Get("a/1").value().has_value());
  EXPECT_EQ(store->Get("a/2").value(), std::optional<std::string>("two"));
  EXPECT_EQ(store->GetAt("a/1", 7).value(), std::optional<std::string>("one"));
  EXPECT_FALSE(store->GetAt("a/1", 6).value().has_value());
  auto all = store->ScanState().value();
  ASSERT_EQ(all.size(), 1u);  // metadata, history and tree nodes are not state
  EXPECT_EQ(all[0].first, "a/2");
  EXPECT_EQ(RootHashBytes(store->RootAt(8).value()), h8);
}

TEST(Store, RefusesStateKeysInReservedPrefixes) {
  testing::TempDir dir;
  auto store = std::move(Store::Open(dir.path()).value());
  for (std::string key : {"\xffmeta/height", "\xfenode"}) {
    Overlay changes(*store);
    changes.Put(key, "x");
    auto tree = store->Prepare(changes, 1);
    ASSERT_TRUE(tree.ok());
    auto st = store->Commit(changes, *tree, {1, {}, "c"});
    EXPECT_EQ(st.code(), Code::kInvalidArgument);
    EXPECT_EQ(store->meta().height, 0);  // nothing written
  }
}

// Random blocks against a std::map per version: reads and proofs at every
// retained version, pruning with a small window, reopen in between.
void RandomBlocks(uint64_t versions_kept, int blocks, uint64_t seed) {
  testing::TempDir dir;
  std::mt19937_64 rng(seed);
  StoreOptions options;
  options.versions_kept = versions_kept;
  options.min_prune_deletes = 64;  // small budget: pruning spans several blocks
  auto store = std::move(Store::Open(dir.path(), options).value());
  ASSERT_TRUE(store->Reset({{"a/0", "genesis"}}, 0, "c").ok());
  std::map<int64_t, std::pair<State, Bytes>> history;
  State state{{"a/0", "genesis"}};
  history[0] = {state, store->meta().app_hash};
  for (int b = 1; b <= blocks; ++b) {
    Overlay changes(*store);
    const int n = static_cast<int>(rng() % 60) + 1;
    for (int i = 0; i < n; ++i) {
      std::string key = "a/" + std::to_string(rng() % 400);
      if (rng() % 3 == 0) {
        changes.Delete(key);
        state.erase(key);
      } else {
        std::string value = std::to_string(rng() % 100);
        changes.Put(key, value);
        state[key] = value;
      }
    }
    Bytes root = CommitNext(*store, changes);
    history[b] = {state, root};
    if (b % 25 == 0) {  // reopen: everything survives a restart
      store.reset();
      store = std::move(Store::Open(dir.path(), options).value());
      ASSERT_EQ(store->meta().app_hash, root);
    }
    const int64_t oldest = store->oldest_version();
    if (versions_kept > 0) {
      EXPECT_EQ(oldest, std::max<int64_t>(0, b + 1 - static_cast<int64_t>(versions_kept)));
    } else {
      EXPECT_EQ(oldest, 0);
    }
    for (int probe = 0; probe < 3; ++probe) {
      int64_t v = oldest + static_cast<int64_t>(rng() % static_cast<uint64_t>(b - oldest + 1));
      ASSERT_NO_FATAL_FAILURE(ExpectVersion(*store, v, history[v].first, rng, history[v].second));
    }
    if (oldest > 0) {
      EXPECT_EQ(store->GetAt("a/1", oldest - 1).status().code(), Code::kNotFound);
      EXPECT_EQ(store->RootAt(oldest - 1).status().code(), Code::kNotFound);
    }
  }
  // A full scan at every retained version equals the map.
  for (int64_t v = store->oldest_version(); v <= store->meta().height; ++v) {
    auto scan = store->ScanStateAt(v);
    ASSERT_TRUE(scan.ok()) << scan.status().ToString();
    State got(scan->begin(), scan->end());
    EXPECT_EQ(got, history[v].first) << "version " << v;
  }
}

TEST(Store, RandomBlocksArchive) {
  RandomBlocks(0, 150, 1);
}

TEST(Store, RandomBlocksPrunedWindow) {
  RandomBlocks(5, 300, 2);
}

TEST(Store, RandomBlocksKeepOnlyLatest) {
  RandomBlocks(1, 150, 3);
}

// Pruning keeps the database bounded: after many overwrites of the same keys
// with a small window, the history, node and stale records stay proportional
// to the window, not to the number of blocks.
TEST(Store, PruningBoundsTheDatabase) {
  testing::TempDir dir;
  StoreOptions options;
  options.versions_kept = 3;
  auto store = std::move(Store::Open(dir.path(), options).value());
  ASSERT_TRUE(store->Reset({}, 0, "c").ok());
  for (int b = 1; b <= 200; ++b) {
    Overlay changes(*store);
    for (int i = 0; i < 50; ++i) changes.Put("a/" + std::to_string(i), std::to_string(b));
    if (b % 2 == 0) changes.Delete("a/7");
    CommitNext(*store, changes);
  }
  EXPECT_EQ(store->oldest_version(), 198);
  EXPECT_EQ(store->GetAt("a/1", 197).status().code(), Code::kNotFound);
  EXPECT_EQ(store->GetAt("a/1", 198).value(), std::optional<std::string>("198"));
  auto proof = store->ProveAt("a/7", 200);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(merkle::VerifyAbsence(store->RootAt(200)->hash, AsBytes("a/7"), *proof).ok());
  auto stats = store->CountRecords();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->state, 49u);
  EXPECT_EQ(stats->roots, 3u);
  // 200 blocks wrote ~10,000 history entries and ~1,200 tree nodes per 10
  // blocks; what is left is about the window's worth (3 versions plus the
  // not-yet-swept stale entries of the last commits).
  EXPECT_LE(stats->history, 50u * 4 + 8) << "history";
  EXPECT_LE(stats->nodes, 60u * 4 + 64) << "tree nodes";
  EXPECT_LE(stats->stale, 400u) << "stale index";
}

TEST(Store, ResetBulkLoadsAndMatchesIncrementalRoot) {
  testing::TempDir a, b;
  auto inc = std::move(Store::Open(a.path()).value());
  ASSERT_TRUE(inc->Reset({}, 0, "c").ok());
  std::mt19937_64 rng(9);
  State state;
  for (int blk = 0; blk < 20; ++blk) {
    Overlay changes(*inc);
    for (int i = 0; i < 100; ++i) {
      std::string key = "c/" + std::to_string(rng() % 1500);
      if (rng() % 5 == 0) {
        changes.Delete(key);
        state.erase(key);
      } else {
        changes.Put(key, std::to_string(rng()));
        state[key] = changes.changes().at(key).value();
      }
    }
    CommitNext(*inc, changes);
  }
  auto scanned = inc->ScanStateAt(inc->meta().height).value();
  auto bulk = std::move(Store::Open(b.path()).value());
  auto hash = bulk->Reset(scanned, inc->meta().height, "c");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(*hash, inc->meta().app_hash);
  EXPECT_EQ(bulk->meta().height, inc->meta().height);
  EXPECT_EQ(State(scanned.begin(), scanned.end()), state);
  // The bulk-loaded store continues like the original.
  Overlay next(*bulk), next2(*inc);
  next.Put("c/new", "x");
  next2.Put("c/new", "x");
  EXPECT_EQ(CommitNext(*bulk, next), CommitNext(*inc, next2));
}

}  // namespace
}  // namespace vinet::chain
