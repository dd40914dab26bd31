// Private helpers shared by the node's RocksDB stores (claim ledger, proof
// jobs): opening a database and writing with a synced WAL. The caller owns
// the returned DB* (deletes it). Errors are kIo naming what failed.
#pragma once

#include <rocksdb/db.h>

#include <filesystem>
#include <string_view>

#include "vinet/common/result.h"

namespace vinet::node::detail {

Status RocksError(std::string_view what, const rocksdb::Status& s);
// Write options whose writes survive kill -9 and power loss once they return.
rocksdb::WriteOptions SyncedWrites();
// Creates `dir` if needed and opens (or creates) the database in it.
Result<rocksdb::DB*> OpenRocksDb(const std::filesystem::path& dir, std::string_view what);

}  // namespace vinet::node::detail
