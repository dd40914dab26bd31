#include "node/rocks_store.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <string>

namespace vinet::node::detail {

Status RocksError(std::string_view what, const rocksdb::Status& s) {
  return Error(Code::kIo, std::string(what) + ": " + s.ToString());
}

rocksdb::WriteOptions SyncedWrites() {
  rocksdb::WriteOptions o;
  o.sync = true;
  return o;
}

Result<rocksdb::DB*> OpenRocksDb(const std::filesystem::path& dir, std::string_view what) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  rocksdb::Options options;
  options.create_if_missing = true;
  // Bloom filters on whole keys, in the memtable and in every table file:
  // the ledger looks up each new inference id before accepting it (a miss,
  // nearly always), which then skips the memtable's skip list and the files'
  // index blocks instead of searching them.
  options.memtable_prefix_bloom_size_ratio = 0.02;
  options.memtable_whole_key_filtering = true;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.whole_key_filtering = true;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(options, dir.string(), &raw);
  if (!s.ok()) return RocksError("open " + std::string(what) + " " + dir.string(), s);
  return raw;
}

}  // namespace vinet::node::detail
