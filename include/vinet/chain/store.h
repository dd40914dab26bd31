// The chain's persistent, versioned store: one RocksDB database per validator.
//
// Holds, under disjoint key prefixes (layout in docs/chain.md):
//   - the latest committed state (prefixed keys, see state.h), for execution;
//   - every retained version of every state value (history entries keyed by
//     key and inverted version), so reads at an old height see old values;
//   - the authenticated state tree (vinet/merkle/tree.h): internal nodes keyed
//     by (version, path), one root record per version, and an index of stale
//     nodes and superseded history entries by the version that replaced them;
//   - metadata (height, app hash = tree root, chain id, oldest retained
//     version) under "\xff", outside the state.
// `Prepare` computes a block's tree update (and so its app hash) without
// writing; `Commit` writes the block's values, history, tree nodes, root,
// stale index, pruning deletes and metadata in one synced WriteBatch, so
// after a crash at any point the store holds either the whole block or none
// of it. Versions older than `versions_kept` (0 = archive: keep all) are
// pruned inside later commits, in bounded work per block (budgets below).
// Reads are thread-safe (RocksDB); Prepare/Commit/Reset must be serialized by
// the caller and not overlap reads of the versions they prune.
//
// State sync (state_view.h): `OpenView` pins the committed version (a RocksDB
// snapshot: O(1), later commits do not change it) for a background snapshot;
// a restore bulk-loads with `Reset`.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vinet/chain/kv.h"
#include "vinet/common/bytes.h"
#include "vinet/merkle/tree.h"

namespace rocksdb {
class DB;
class Iterator;
class WriteBatch;
}  // namespace rocksdb

namespace vinet::chain {

struct CommitMeta {
  int64_t height = 0;
  Bytes app_hash;
  std::string chain_id;
};

class CommittedView;

struct StoreOptions {
  // Versions kept for queries at a height (the latest included); 0 = archive.
  uint64_t versions_kept = 10'000;
  // Pruning work per commit: at most this many versions dropped, and at most
  // max(min_prune_deletes, 2 x the stale entries the block itself created)
  // stale nodes/values deleted.
  uint64_t max_versions_dropped = 64;
  uint64_t min_prune_deletes = 4096;
};

class Store : public KvReader, public merkle::NodeReader {
 public:
  using KeyValues = std::vector<std::pair<std::string, std::string>>;
  // Opens (creating if missing) the database in `dir`. Errors: kIo, kInternal.
  static Result<std::unique_ptr<Store>> Open(const std::filesystem::path& dir,
                                             StoreOptions options = {});
  ~Store() override;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Reads a state key of the latest committed version (never a metadata key).
  Result<std::optional<std::string>> Get(std::string_view key) const override;
  // Reads a state key as of `version` (oldest_version() <= version <= height).
  Result<std::optional<std::string>> GetAt(std::string_view key, int64_t version) const;
  // Every state key/value of the latest version, in key order.
  Result<KeyValues> ScanState() const;
  // Every state key/value as of a retained `version`, in key order (state sync).
  Result<KeyValues> ScanStateAt(int64_t version) const;

  // The tree root of a retained version. Errors: kNotFound (pruned or never committed).
  Result<merkle::ChildRef> RootAt(int64_t version) const;
  Result<merkle::InternalNode> ReadNode(const merkle::NodeKey& key) const override;
  // A membership/absence proof of `key` at a retained version.
  Result<merkle::Proof> ProveAt(std::string_view key, int64_t version) const;

  // Record counts per kind (O(database) scan; for tests and operators).
  struct Stats {
    uint64_t state = 0, history = 0, nodes = 0, roots = 0, stale = 0;
  };
  Result<Stats> CountRecords() const;

  // Metadata of the last Commit (zero/empty before the first one).
  CommitMeta meta() const { return meta_; }
  // The oldest version still readable (GetAt/RootAt/ProveAt).
  int64_t oldest_version() const { return oldest_; }
  const StoreOptions& options() const { return options_; }

  // The tree update of `changes` applied to the latest version, as version
  // `version` (> height). Writes nothing. Errors: kIo, kInternal.
  Result<merkle::TreeUpdate> Prepare(const Overlay& changes, int64_t version) const;
  // Atomically applies `changes`, the tree update `tree` made by Prepare for
  // meta.height, pruning, and `meta` (synced write). Errors: kIo,
  // kInvalidArgument if a change touches a reserved prefix ("\xfe", "\xff").
  Status Commit(const Overlay& changes, const merkle::TreeUpdate& tree, const CommitMeta& meta);
  // Replaces everything with `state` as version `height` (genesis, state sync
  // bulk load): one synced batch; history before `height` is dropped.
  // Returns the new app hash (tree root). Errors: kIo, kInvalidArgument.
  Result<Bytes> Reset(const KeyValues& state, int64_t height, const std::string& chain_id);

  // Chunked restore (state sync), for states too large for one Reset:
  // ClearState drops every state, history and tree record and sets the
  // metadata to height 0 (synced), WriteRestored adds state pairs (unsynced),
  // FinishRestore builds the history and tree of the restored state as
  // version `height` and writes them with the metadata in one synced batch,
  // returning the app hash (the caller compares it with the snapshot's). A
  // crash before FinishRestore leaves a store at height 0 that the next
  // restore clears. Errors: kIo, kInvalidArgument (reserved key prefix).
  Status ClearState();
  Status WriteRestored(const KeyValues& entries);
  Result<Bytes> FinishRestore(int64_t height, const std::string& chain_id);
  // The committed state as it is now, pinned (see state_view.h).
  std::unique_ptr<CommittedView> OpenView() const;

 private:
  Store() = default;
  // The newest history entry of `key` (version in *version, -1 if none),
  // sought with `it` so one iterator serves every key of a commit.
  static Result<std::optional<std::string>> LatestHistory(rocksdb::Iterator& it,
                                                          std::string_view key, int64_t* version);
  // Adds `meta` (and the oldest kept version) to `batch`, writes it synced,
  // then adopts both; `what` names the operation in an I/O error.
  Status WriteWithMeta(rocksdb::WriteBatch& batch, const CommitMeta& meta, int64_t oldest,
                       std::string_view what);
  std::unique_ptr<rocksdb::DB> db_;
  CommitMeta meta_;
  int64_t oldest_ = 0;
  StoreOptions options_;
};

// Root hash bytes of a tree root reference.
Bytes RootHashBytes(const merkle::ChildRef& root);

}  // namespace vinet::chain
