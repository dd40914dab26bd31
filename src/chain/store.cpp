#include "vinet/chain/store.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "vinet/chain/state_view.h"

namespace vinet::chain {
namespace {

constexpr std::string_view kMetaPrefix = "\xff";
const std::string kHeightKey = "\xffmeta/height";
const std::string kAppHashKey = "\xffmeta/app_hash";
const std::string kChainIdKey = "\xffmeta/chain_id";

Status IoError(std::string_view what, const rocksdb::Status& s) {
  return Error(Code::kIo, std::string(what) + ": " + s.ToString());
}

std::string EncodeHeight(int64_t h) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((h >> (56 - 8 * i)) & 0xff);
  return out;
}

void PutMeta(rocksdb::WriteBatch& batch, const CommitMeta& meta) {
  batch.Put(kHeightKey, EncodeHeight(meta.height));
  batch.Put(kAppHashKey, ToString(meta.app_hash));
  batch.Put(kChainIdKey, meta.chain_id);
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
      if (it->key().starts_with(rocksdb::Slice(kMetaPrefix.data(), kMetaPrefix.size()))) break;
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

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error(Code::kIo, "store: cannot create " + dir.string() + ": " + ec.message());
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(options, dir.string(), &raw);
  if (!s.ok()) return IoError("store: open " + dir.string(), s);
  std::unique_ptr<Store> store(new Store());
  store->db_.reset(raw);
  std::string value;
  s = raw->Get(rocksdb::ReadOptions(), kHeightKey, &value);
  if (s.ok()) {
    if (value.size() != 8) return Error(Code::kInternal, "store: corrupt height record");
    int64_t h = 0;
    for (unsigned char c : value) h = (h << 8) | c;
    store->meta_.height = h;
  } else if (!s.IsNotFound()) {
    return IoError("store: read height", s);
  }
  if (raw->Get(rocksdb::ReadOptions(), kAppHashKey, &value).ok()) {
    store->meta_.app_hash = ToBytes(value);
  }
  if (raw->Get(rocksdb::ReadOptions(), kChainIdKey, &value).ok()) store->meta_.chain_id = value;
  return store;
}

Result<std::optional<std::string>> Store::Get(std::string_view key) const {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return IoError("store: get", s);
  return std::optional<std::string>(std::move(value));
}

Result<std::vector<std::pair<std::string, std::string>>> Store::ScanState() const {
  std::vector<std::pair<std::string, std::string>> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->key().starts_with(rocksdb::Slice(kMetaPrefix.data(), kMetaPrefix.size()))) break;
    out.emplace_back(it->key().ToString(), it->value().ToString());
  }
  if (!it->status().ok()) return IoError("store: scan", it->status());
  return out;
}

Status Store::Commit(const Overlay& changes, const CommitMeta& meta) {
  rocksdb::WriteBatch batch;
  for (const auto& [key, value] : changes.changes()) {
    if (key.starts_with(kMetaPrefix)) {
      return Error(Code::kInvalidArgument, "store: state key uses the metadata prefix");
    }
    if (value) {
      batch.Put(key, *value);
    } else {
      batch.Delete(key);
    }
  }
  PutMeta(batch, meta);
  rocksdb::WriteOptions options;
  options.sync = true;
  auto s = db_->Write(options, &batch);
  if (!s.ok()) return IoError("store: commit", s);
  meta_ = meta;
  return Status::Ok();
}

std::unique_ptr<CommittedView> Store::OpenView() const {
  return std::make_unique<RocksView>(db_.get(), meta_);
}

Result<bool> Store::StateEmpty() const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  it->SeekToFirst();
  if (!it->status().ok()) return IoError("store: seek", it->status());
  return !it->Valid() ||
         it->key().starts_with(rocksdb::Slice(kMetaPrefix.data(), kMetaPrefix.size()));
}

Status Store::ClearState() {
  rocksdb::WriteOptions options;
  options.sync = true;
  auto s = db_->DeleteRange(options, db_->DefaultColumnFamily(), rocksdb::Slice(""),
                            rocksdb::Slice(kMetaPrefix.data(), kMetaPrefix.size()));
  if (!s.ok()) return IoError("store: clear", s);
  return Status::Ok();
}

Status Store::WriteRestored(const std::vector<std::pair<std::string, std::string>>& entries) {
  rocksdb::WriteBatch batch;
  for (const auto& [key, value] : entries) {
    if (key.starts_with(kMetaPrefix)) {
      return Error(Code::kInvalidArgument, "store: restored key uses the metadata prefix");
    }
    batch.Put(key, value);
  }
  auto s = db_->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return IoError("store: restore write", s);
  return Status::Ok();
}

Status Store::SetMeta(const CommitMeta& meta) {
  rocksdb::WriteBatch batch;
  PutMeta(batch, meta);
  rocksdb::WriteOptions options;
  options.sync = true;
  auto s = db_->Write(options, &batch);
  if (!s.ok()) return IoError("store: set meta", s);
  meta_ = meta;
  return Status::Ok();
}

}  // namespace vinet::chain
