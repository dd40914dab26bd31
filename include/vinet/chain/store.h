// The chain's persistent store: one RocksDB database per validator.
//
// Holds the committed state (prefixed keys, see state.h) plus metadata
// (last committed height, app hash, chain id) under a reserved "\xff" prefix
// that never enters the app hash. `Commit` writes a block's staged changes
// and the new metadata in one synced WriteBatch, so after a crash at any
// point the store holds either the whole block or none of it. Reads are
// thread-safe (RocksDB); Commit must be serialized by the caller.
//
// State sync (state_view.h): `OpenView` pins the committed version (a RocksDB
// snapshot: O(1), later commits do not change it); a restore writes pairs
// with `WriteRestored` (unsynced; the metadata stays at height 0 until
// `SetMeta`, so a crash mid-restore leaves a store that reports height 0
// and is cleared by the next restore).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vinet/chain/kv.h"
#include "vinet/common/bytes.h"

namespace rocksdb {
class DB;
}

namespace vinet::chain {

struct CommitMeta {
  int64_t height = 0;
  Bytes app_hash;
  std::string chain_id;
};

class CommittedView;

class Store : public KvReader {
 public:
  // Opens (creating if missing) the database in `dir`. Errors: kIo.
  static Result<std::unique_ptr<Store>> Open(const std::filesystem::path& dir);
  ~Store() override;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Reads a state key (never a metadata key).
  Result<std::optional<std::string>> Get(std::string_view key) const override;
  // Every state key/value in key order (used to rebuild the app hash index).
  Result<std::vector<std::pair<std::string, std::string>>> ScanState() const;

  // Metadata of the last Commit (zero/empty before the first one).
  CommitMeta meta() const { return meta_; }

  // Atomically applies `changes` and `meta` (synced write). Errors: kIo,
  // kInvalidArgument if a change touches the metadata prefix.
  Status Commit(const Overlay& changes, const CommitMeta& meta);

  // The committed state as it is now, pinned (see state_view.h).
  std::unique_ptr<CommittedView> OpenView() const;
  // True iff the store holds no state key.
  Result<bool> StateEmpty() const;
  // Deletes every state key (metadata untouched). Errors: kIo.
  Status ClearState();
  // Writes restored pairs (no metadata keys; unsynced). Errors: kIo, kInvalidArgument.
  Status WriteRestored(const std::vector<std::pair<std::string, std::string>>& entries);
  // Sets the metadata (synced; flushes the restored pairs with it). Errors: kIo.
  Status SetMeta(const CommitMeta& meta);

 private:
  Store() = default;
  std::unique_ptr<rocksdb::DB> db_;
  CommitMeta meta_;
};

}  // namespace vinet::chain
