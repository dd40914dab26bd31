// Store writes: Prepare (tree update), Commit (one synced batch with
// history, tree, pruning and metadata), Reset (bulk load).
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>

#include "store_keys.h"
#include "vinet/chain/store.h"

namespace vinet::chain {
namespace {

using namespace store_keys;

Status IoError(std::string_view what, const rocksdb::Status& s) {
  return Error(Code::kIo, std::string(what) + ": " + s.ToString());
}

Status CheckStateKey(std::string_view key) {
  if (!key.empty() && static_cast<uint8_t>(key[0]) >= static_cast<uint8_t>(kReserved)) {
    return Error(Code::kInvalidArgument, "store: state key uses a reserved prefix (0xfe/0xff)");
  }
  return Status::Ok();
}

std::string U64(uint64_t v) {
  std::string out;
  PutU64(out, v);
  return out;
}

std::string HistoryValue(const std::optional<std::string>& value) {
  if (!value) return std::string(1, '\0');
  std::string out(1, '\1');
  out.append(*value);
  return out;
}

void PutMeta(rocksdb::WriteBatch& batch, const CommitMeta& meta, int64_t oldest) {
  batch.Put(kHeightKey, U64(static_cast<uint64_t>(meta.height)));
  batch.Put(kAppHashKey, ToString(meta.app_hash));
  batch.Put(kChainIdKey, meta.chain_id);
  batch.Put(kOldestKey, U64(static_cast<uint64_t>(oldest)));
}

// A reader for building a tree from nothing (never reads).
class NoNodes : public merkle::NodeReader {
 public:
  Result<merkle::InternalNode> ReadNode(const merkle::NodeKey&) const override {
    return Error(Code::kInternal, "store: no tree nodes while building from empty");
  }
};

}  // namespace

Result<merkle::TreeUpdate> Store::Prepare(const Overlay& changes, int64_t version) const {
  if (version <= meta_.height) {
    return Error(Code::kInvalidArgument, "store: version " + std::to_string(version) +
                                             " is not after " + std::to_string(meta_.height));
  }
  std::vector<merkle::Change> tree_changes;
  tree_changes.reserve(changes.changes().size());
  for (const auto& [key, value] : changes.changes()) {
    merkle::Change c{merkle::KeyHash(AsBytes(key)), std::nullopt};
    if (value) c.value_hash = merkle::ValueHash(AsBytes(*value));
    tree_changes.push_back(c);
  }
  std::sort(
      tree_changes.begin(), tree_changes.end(),
      [](const merkle::Change& a, const merkle::Change& b) { return a.key_hash < b.key_hash; });
  merkle::ChildRef root;
  auto r = RootAt(meta_.height);
  if (r.ok()) {
    root = *r;
  } else if (meta_.height != 0 || r.status().code() != Code::kNotFound) {
    return r.status();  // only a never-initialized store has no root
  }
  return merkle::ApplyChanges(*this, root, static_cast<uint64_t>(version), tree_changes);
}

Status Store::Commit(const Overlay& changes, const merkle::TreeUpdate& tree,
                     const CommitMeta& meta) {
  const auto v = static_cast<uint64_t>(meta.height);
  rocksdb::WriteBatch batch;
  uint64_t created_stale = 0;
  // One iterator for every key's history seek (the changes come in key order,
  // so same-length keys are sought forward): creating one per key cost more
  // than the seek itself.
  std::unique_ptr<rocksdb::Iterator> history(db_->NewIterator(rocksdb::ReadOptions()));
  for (const auto& [key, value] : changes.changes()) {
    VINET_RETURN_IF_ERROR(CheckStateKey(key));
    int64_t prev_version = -1;
    VINET_ASSIGN_OR_RETURN(auto prev, LatestHistory(*history, key, &prev_version));
    if (!value && !prev) continue;  // deleting an absent key changes nothing
    if (value) {
      batch.Put(key, *value);
    } else {
      batch.Delete(key);
    }
    batch.Put(HistoryKey(key, v), HistoryValue(value));
    if (prev_version >= 0) {
      batch.Put(
          StaleKey(v, StaleKind::kHistory, HistoryKey(key, static_cast<uint64_t>(prev_version))),
          "");
      ++created_stale;
    }
    if (!value) {
      batch.Put(StaleKey(v, StaleKind::kTombstone, HistoryKey(key, v)), "");
      ++created_stale;
    }
  }
  for (const auto& [key, node] : tree.written) {
    auto enc = merkle::EncodeNode(node);
    batch.Put(NodeDbKey(key),
              rocksdb::Slice(reinterpret_cast<const char*>(enc.data()), enc.size()));
  }
  for (const auto& key : tree.stale) {
    batch.Put(StaleKey(v, StaleKind::kNode, NodeDbKey(key)), "");
    ++created_stale;
  }
  auto root = merkle::EncodeChildRef(tree.root);
  batch.Put(RootKey(v), rocksdb::Slice(reinterpret_cast<const char*>(root.data()), root.size()));

  // Pruning: drop root records of versions past the window (bounded), then
  // delete what only dropped versions needed (bounded, oldest first).
  int64_t oldest = oldest_;
  if (options_.versions_kept > 0 &&
      meta.height + 1 > static_cast<int64_t>(options_.versions_kept)) {
    const int64_t target = meta.height + 1 - static_cast<int64_t>(options_.versions_kept);
    const int64_t next =
        std::min(target, oldest + static_cast<int64_t>(options_.max_versions_dropped));
    for (int64_t d = oldest; d < next; ++d) batch.Delete(RootKey(static_cast<uint64_t>(d)));
    oldest = std::max(oldest, next);
    uint64_t budget = std::max(options_.min_prune_deletes, 2 * created_stale);
    const std::string upper = kStalePrefix + U64(static_cast<uint64_t>(oldest) + 1);
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    for (it->Seek(kStalePrefix); it->Valid() && budget > 0; it->Next(), --budget) {
      auto k = it->key();
      if (k.size() < kStalePrefix.size() + 9)
        return Error(Code::kInternal, "store: corrupt stale key");
      rocksdb::Slice target_key(k.data() + kStalePrefix.size() + 9,
                                k.size() - kStalePrefix.size() - 9);
      batch.Delete(target_key);
      batch.Delete(k);
    }
    if (!it->status().ok()) return IoError("store: prune scan", it->status());
  }
  return WriteWithMeta(batch, meta, oldest, "store: commit");
}

Status Store::WriteWithMeta(rocksdb::WriteBatch& batch, const CommitMeta& meta, int64_t oldest,
                            std::string_view what) {
  PutMeta(batch, meta, oldest);
  rocksdb::WriteOptions options;
  options.sync = true;
  auto s = db_->Write(options, &batch);
  if (!s.ok()) return IoError(what, s);
  meta_ = meta;
  oldest_ = oldest;
  return Status::Ok();
}

namespace {

Status PutState(rocksdb::WriteBatch& batch, const Store::KeyValues& entries) {
  for (const auto& [key, value] : entries) {
    VINET_RETURN_IF_ERROR(CheckStateKey(key));
    batch.Put(key, value);
  }
  return Status::Ok();
}

// Writes the history entries, tree nodes and root of `state` as version
// `height` (the latest values are written by the caller).
Result<Bytes> PutVersionOf(rocksdb::WriteBatch& batch, const Store::KeyValues& state,
                           int64_t height) {
  std::vector<merkle::Change> changes;
  changes.reserve(state.size());
  for (const auto& [key, value] : state) {
    VINET_RETURN_IF_ERROR(CheckStateKey(key));
    batch.Put(HistoryKey(key, static_cast<uint64_t>(height)), HistoryValue(value));
    changes.push_back({merkle::KeyHash(AsBytes(key)), merkle::ValueHash(AsBytes(value))});
  }
  std::sort(changes.begin(), changes.end(), [](const merkle::Change& a, const merkle::Change& b) {
    return a.key_hash < b.key_hash;
  });
  NoNodes none;
  VINET_ASSIGN_OR_RETURN(auto tree, merkle::ApplyChanges(none, merkle::ChildRef{},
                                                         static_cast<uint64_t>(height), changes));
  for (const auto& [key, node] : tree.written) {
    auto enc = merkle::EncodeNode(node);
    batch.Put(NodeDbKey(key),
              rocksdb::Slice(reinterpret_cast<const char*>(enc.data()), enc.size()));
  }
  auto root = merkle::EncodeChildRef(tree.root);
  batch.Put(RootKey(static_cast<uint64_t>(height)),
            rocksdb::Slice(reinterpret_cast<const char*>(root.data()), root.size()));
  return RootHashBytes(tree.root);
}

}  // namespace

Result<Bytes> Store::Reset(const KeyValues& state, int64_t height, const std::string& chain_id) {
  rocksdb::WriteBatch batch;
  batch.DeleteRange(rocksdb::Slice(""), rocksdb::Slice(std::string(kMetaPrefix)));
  VINET_RETURN_IF_ERROR(PutState(batch, state));
  VINET_ASSIGN_OR_RETURN(Bytes app_hash, PutVersionOf(batch, state, height));
  VINET_RETURN_IF_ERROR(WriteWithMeta(batch, CommitMeta{height, std::move(app_hash), chain_id},
                                      height, "store: reset"));
  return meta_.app_hash;
}

Status Store::ClearState() {
  rocksdb::WriteBatch batch;
  batch.DeleteRange(rocksdb::Slice(""), rocksdb::Slice(std::string(kMetaPrefix)));
  return WriteWithMeta(batch, CommitMeta{0, {}, meta_.chain_id}, 0, "store: clear");
}

Status Store::WriteRestored(const KeyValues& entries) {
  rocksdb::WriteBatch batch;
  VINET_RETURN_IF_ERROR(PutState(batch, entries));
  auto s = db_->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return IoError("store: write restored", s);
  return Status::Ok();
}

Result<Bytes> Store::FinishRestore(int64_t height, const std::string& chain_id) {
  VINET_ASSIGN_OR_RETURN(KeyValues state, ScanState());
  rocksdb::WriteBatch batch;
  VINET_ASSIGN_OR_RETURN(Bytes app_hash, PutVersionOf(batch, state, height));
  VINET_RETURN_IF_ERROR(WriteWithMeta(batch, CommitMeta{height, std::move(app_hash), chain_id},
                                      height, "store: finish restore"));
  return meta_.app_hash;
}

}  // namespace vinet::chain
