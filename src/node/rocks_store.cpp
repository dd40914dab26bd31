#include "node/rocks_store.h"

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
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(options, dir.string(), &raw);
  if (!s.ok()) return RocksError("open " + std::string(what) + " " + dir.string(), s);
  return raw;
}

}  // namespace vinet::node::detail
