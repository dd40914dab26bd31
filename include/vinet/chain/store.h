// The chain's persistent store: one RocksDB database per validator.
//
// Holds the committed state (prefixed keys, see state.h) plus metadata
// (last committed height, app hash, chain id) under a reserved "\xff" prefix
// that never enters the app hash. `Commit` writes a block's staged changes
// and the new metadata in one synced WriteBatch, so after a crash at any
// point the store holds either the whole block or none of it. Reads are
// thread-safe (RocksDB); Commit must be serialized by the caller.
#pragma once

#include <filesystem>
#include <memory>
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

 private:
  Store() = default;
  std::unique_ptr<rocksdb::DB> db_;
  CommitMeta meta_;
};

}  // namespace vinet::chain
