#include "vinet/chain/store.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include "store_keys.h"

#include "vinet/chain/state_view.h"

namespace vinet::chain {
namespace {

using namespace store_keys;

Status IoError(std::string_view what, const rocksdb::Status& s) {
  return Error(Code::kIo, std::string(what) + ": " + s.ToString());
}

rocksdb::Slice AsSlice(std::string_view s) {
  return rocksdb::Slice(s.data(), s.size());
}

Result<int64_t> ReadU64Record(rocksdb::DB* db, const std::string& key, std::string_view what) {
  std::string value;
  auto s = db->Get(rocksdb::ReadOptions(), key, &value);
  if (s.IsNotFound()) return int64_t{0};
  if (!s.ok()) return IoError("store: read " + std::string(what), s);
  if (value.size() != 8) return Error(Code::kInternal, "store: corrupt " + std::string(what));
  return static_cast<int64_t>(GetU64(value));
}

// A history entry's value: nullopt for a tombstone.
Result<std::optional<std::string>> HistoryValue(std::string_view stored) {
  if (stored.empty() || static_cast<uint8_t>(stored[0]) > 1) {
    return Error(Code::kInternal, "store: corrupt history entry");
  }
  if (stored[0] == 0) return std::optional<std::string>();
  return std::optional<std::string>(std::string(stored.substr(1)));
}

// A pinned RocksDB snapshot; released when the view goes.
class RocksView final : public CommittedView {
 public:
  RocksView(rocksdb::DB* db, CommitMeta meta)
      : db_(db), snapshot_(db->GetSnapshot()), meta_(std::move(meta)) {}
  ~RocksView() override { db_->ReleaseSnapshot(snapshot_); }
  const CommitMeta& meta() const override { return meta_; }
  Status Scan(const ScanFn& fn) const override {
    rocksdb::ReadOptions options;
    options.snapshot = snapshot_;
    options.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (static_cast<uint8_t>(it->key()[0]) >= static_cast<uint8_t>(kReserved)) break;
      VINET_RETURN_IF_ERROR(fn(std::string_view(it->key().data(), it->key().size()),
                               std::string_view(it->value().data(), it->value().size())));
    }
    if (!it->status().ok()) return IoError("store: view scan", it->status());
    return Status::Ok();
  }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
  CommitMeta meta_;
};

}  // namespace

Bytes RootHashBytes(const merkle::ChildRef& root) {
  return Bytes(root.hash.begin(), root.hash.end());
}

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::filesystem::path& dir, StoreOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error(Code::kIo, "store: cannot create " + dir.string() + ": " + ec.message());
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  // Whole-key bloom filters in the memtable too: every new claim id, history
  // entry and retention key is looked up before it is written (a miss, nearly
  // always), which then skips the memtable's skip list.
  db_options.memtable_prefix_bloom_size_ratio = 0.02;
  db_options.memtable_whole_key_filtering = true;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.whole_key_filtering = true;
  db_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(db_options, dir.string(), &raw);
  if (!s.ok()) return IoError("store: open " + dir.string(), s);
  std::unique_ptr<Store> store(new Store());
  store->db_.reset(raw);
  store->options_ = options;
  VINET_ASSIGN_OR_RETURN(store->meta_.height, ReadU64Record(raw, kHeightKey, "height record"));
  VINET_ASSIGN_OR_RETURN(store->oldest_, ReadU64Record(raw, kOldestKey, "oldest version record"));
  std::string value;
  if (raw->Get(rocksdb::ReadOptions(), kAppHashKey, &value).ok()) {
    store->meta_.app_hash = ToBytes(value);
  }
  if (raw->Get(rocksdb::ReadOptions(), kChainIdKey, &value).ok()) store->meta_.chain_id = value;
  return store;
}

Result<std::optional<std::string>> Store::Get(std::string_view key) const {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), AsSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return IoError("store: get", s);
  return std::optional<std::string>(std::move(value));
}

Result<std::optional<std::string>> Store::LatestHistory(rocksdb::Iterator& it, std::string_view key,
                                                        int64_t* version) {
  *version = -1;
  const std::string prefix = HistoryKeyPrefix(key);
  it.Seek(prefix);
  if (!it.status().ok()) return IoError("store: history seek", it.status());
  if (!it.Valid() || !it.key().starts_with(prefix) || it.key().size() != prefix.size() + 8) {
    return std::optional<std::string>();
  }
  *version = static_cast<int64_t>(~GetU64(it.key().ToStringView().substr(prefix.size())));
  return HistoryValue(it.value().ToStringView());
}

Result<std::optional<std::string>> Store::GetAt(std::string_view key, int64_t version) const {
  if (version < oldest_ || version > meta_.height) {
    return Error(Code::kNotFound, "store: version " + std::to_string(version) +
                                      " is not retained (oldest " + std::to_string(oldest_) +
                                      ", latest " + std::to_string(meta_.height) + ")");
  }
  if (version == meta_.height) return Get(key);
  const std::string seek = HistoryKey(key, static_cast<uint64_t>(version));
  const size_t prefix_len = seek.size() - 8;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  it->Seek(seek);
  if (!it->status().ok()) return IoError("store: history seek", it->status());
  if (!it->Valid() || it->key().size() != seek.size() ||
      it->key().ToStringView().substr(0, prefix_len) !=
          std::string_view(seek).substr(0, prefix_len)) {
    return std::optional<std::string>();
  }
  return HistoryValue(it->value().ToStringView());
}

Result<Store::KeyValues> Store::ScanState() const {
  KeyValues out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (static_cast<uint8_t>(it->key()[0]) >= static_cast<uint8_t>(kReserved)) break;
    out.emplace_back(it->key().ToString(), it->value().ToString());
  }
  if (!it->status().ok()) return IoError("store: scan", it->status());
  return out;
}

Result<Store::KeyValues> Store::ScanStateAt(int64_t version) const {
  if (version == meta_.height) return ScanState();
  if (version < oldest_ || version > meta_.height) {
    return Error(Code::kNotFound, "store: version " + std::to_string(version) + " is not retained");
  }
  KeyValues out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  std::string done_key;  // key whose entry at `version` was already taken
  bool have_done = false;
  for (it->Seek(kHistoryPrefix); it->Valid() && it->key().starts_with(kHistoryPrefix); it->Next()) {
    std::string_view k = it->key().ToStringView();
    if (k.size() < 2 + 4 + 8) return Error(Code::kInternal, "store: corrupt history key");
    uint32_t len = 0;
    for (size_t i = 2; i < 6; ++i) len = (len << 8) | static_cast<uint8_t>(k[i]);
    if (k.size() != 2 + 4 + len + 8) return Error(Code::kInternal, "store: corrupt history key");
    std::string_view key = k.substr(6, len);
    if (have_done && key == done_key) continue;
    const auto v = static_cast<int64_t>(~GetU64(k.substr(6 + len)));
    if (v > version) continue;
    done_key.assign(key);
    have_done = true;
    VINET_ASSIGN_OR_RETURN(auto value, HistoryValue(it->value().ToStringView()));
    if (value) out.emplace_back(std::string(key), std::move(*value));
  }
  if (!it->status().ok()) return IoError("store: scan history", it->status());
  return out;
}

Result<merkle::ChildRef> Store::RootAt(int64_t version) const {
  if (version < oldest_ || version > meta_.height) {
    return Error(Code::kNotFound, "store: version " + std::to_string(version) +
                                      " is not retained (oldest " + std::to_string(oldest_) +
                                      ", latest " + std::to_string(meta_.height) + ")");
  }
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), RootKey(static_cast<uint64_t>(version)), &value);
  if (s.IsNotFound()) {
    return Error(Code::kNotFound, "store: no tree root for version " + std::to_string(version));
  }
  if (!s.ok()) return IoError("store: read root", s);
  return merkle::DecodeChildRef(AsBytes(value));
}

Result<merkle::InternalNode> Store::ReadNode(const merkle::NodeKey& key) const {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), NodeDbKey(key), &value);
  if (s.IsNotFound()) {
    return Error(Code::kInternal, "store: tree node of version " + std::to_string(key.version) +
                                      " at depth " + std::to_string(key.depth) + " is missing");
  }
  if (!s.ok()) return IoError("store: read tree node", s);
  return merkle::DecodeNode(AsBytes(value));
}

Result<Store::Stats> Store::CountRecords() const {
  Stats stats;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto k = it->key();
    if (k.starts_with(kHistoryPrefix)) {
      ++stats.history;
    } else if (k.starts_with(kNodePrefix)) {
      ++stats.nodes;
    } else if (k.starts_with(kRootPrefix)) {
      ++stats.roots;
    } else if (k.starts_with(kStalePrefix)) {
      ++stats.stale;
    } else if (!k.starts_with(AsSlice(kMetaPrefix))) {
      ++stats.state;
    }
  }
  if (!it->status().ok()) return IoError("store: count", it->status());
  return stats;
}

Result<merkle::Proof> Store::ProveAt(std::string_view key, int64_t version) const {
  VINET_ASSIGN_OR_RETURN(merkle::ChildRef root, RootAt(version));
  return merkle::Prove(*this, root, merkle::KeyHash(AsBytes(key)));
}

std::unique_ptr<CommittedView> Store::OpenView() const {
  return std::make_unique<RocksView>(db_.get(), meta_);
}

}  // namespace vinet::chain
