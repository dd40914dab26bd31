#include "vinet/chain/snapshot_store.h"

#include <algorithm>
#include <charconv>
#include <fstream>

#include <fmt/format.h>

namespace vinet::chain {
namespace fs = std::filesystem;
namespace {

Status WriteFile(const fs::path& path, ByteSpan data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  out.flush();
  if (!out) return Error(Code::kIo, "snapshot: cannot write " + path.string());
  return Status::Ok();
}

// Reads at most `limit` bytes; nullopt if the file is missing. Errors: kIo, kParse (too big).
Result<std::optional<Bytes>> ReadFile(const fs::path& path, size_t limit) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return std::optional<Bytes>();
  if (size > limit) {
    return Error(Code::kParse,
                 fmt::format("snapshot: {} has {} bytes, over {}", path.string(), size, limit));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::optional<Bytes>();
  Bytes data(size);
  in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(size));
  if (!in) return Error(Code::kIo, "snapshot: cannot read " + path.string());
  return std::optional<Bytes>(std::move(data));
}

std::optional<int64_t> ParseHeight(const std::string& name) {
  if (name.size() != 20) return std::nullopt;
  int64_t h = 0;
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), h);
  if (ec != std::errc() || ptr != name.data() + name.size() || h <= 0) return std::nullopt;
  return h;
}

std::string ChunkName(uint32_t index) {
  return fmt::format("chunk-{:06d}", index);
}

}  // namespace

Result<std::unique_ptr<SnapshotStore>> SnapshotStore::Open(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error(Code::kIo, "snapshot: cannot create " + dir.string() + ": " + ec.message());
  std::unique_ptr<SnapshotStore> store(new SnapshotStore(dir));
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (auto h = ParseHeight(name); h && fs::exists(entry.path() / "metadata")) {
      store->heights_.push_back(*h);
    } else {
      fs::remove_all(entry.path(), ec);  // incomplete (.tmp) or foreign
    }
  }
  if (ec) return Error(Code::kIo, "snapshot: cannot list " + dir.string() + ": " + ec.message());
  std::sort(store->heights_.begin(), store->heights_.end());
  return store;
}

fs::path SnapshotStore::Dir(int64_t height) const {
  return dir_ / fmt::format("{:020d}", height);
}

Result<SnapshotInfo> SnapshotStore::Create(const CommittedView& view, size_t chunk_bytes) {
  const CommitMeta& cm = view.meta();
  fs::path final_dir = Dir(cm.height);
  fs::path tmp = final_dir.string() + ".tmp";
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return Error(Code::kIo, "snapshot: cannot create " + tmp.string());
  SnapshotMeta meta{cm.height, cm.app_hash, cm.chain_id, 0, {}};
  ChunkBuilder builder(chunk_bytes);
  auto emit = [&](const Bytes& chunk) -> Status {
    if (meta.chunk_hashes.size() >= kMaxChunks) {
      return Error(Code::kInvalidArgument,
                   fmt::format("snapshot: state needs more than {} chunks", kMaxChunks));
    }
    VINET_RETURN_IF_ERROR(
        WriteFile(tmp / ChunkName(static_cast<uint32_t>(meta.chunk_hashes.size())), chunk));
    meta.chunk_hashes.push_back(crypto::Sha256(chunk));
    return Status::Ok();
  };
  Status s = view.Scan([&](std::string_view key, std::string_view value) -> Status {
    ++meta.entries;
    VINET_ASSIGN_OR_RETURN(auto chunk, builder.Add(key, value));
    if (chunk) VINET_RETURN_IF_ERROR(emit(*chunk));
    return Status::Ok();
  });
  if (s.ok()) {
    if (auto last = builder.Finish()) s = emit(*last);
  }
  if (s.ok() && meta.chunk_hashes.empty()) {
    s = Error(Code::kInvalidArgument, "snapshot: the state is empty");
  }
  Bytes encoded = EncodeSnapshotMeta(meta);
  if (s.ok()) s = WriteFile(tmp / "metadata", encoded);
  if (!s.ok()) {
    fs::remove_all(tmp, ec);
    return s;
  }
  {
    std::lock_guard lock(mu_);
    fs::remove_all(final_dir, ec);
    fs::rename(tmp, final_dir, ec);
    if (ec) return Error(Code::kIo, "snapshot: cannot rename " + tmp.string());
    if (std::find(heights_.begin(), heights_.end(), cm.height) == heights_.end()) {
      heights_.insert(std::upper_bound(heights_.begin(), heights_.end(), cm.height), cm.height);
    }
  }
  return SnapshotInfo{cm.height, static_cast<uint32_t>(meta.chunk_hashes.size()),
                      crypto::Sha256(encoded), std::move(encoded)};
}

Result<std::vector<SnapshotInfo>> SnapshotStore::List() const {
  std::vector<int64_t> heights;
  {
    std::lock_guard lock(mu_);
    heights = heights_;
  }
  std::vector<SnapshotInfo> out;
  for (auto it = heights.rbegin(); it != heights.rend(); ++it) {
    VINET_ASSIGN_OR_RETURN(auto data, ReadFile(Dir(*it) / "metadata", kMaxMetadataBytes));
    if (!data) continue;  // pruned meanwhile
    VINET_ASSIGN_OR_RETURN(auto meta, DecodeSnapshotMeta(*data));
    out.push_back(SnapshotInfo{*it, static_cast<uint32_t>(meta.chunk_hashes.size()),
                               crypto::Sha256(*data), std::move(*data)});
  }
  return out;
}

Result<std::optional<Bytes>> SnapshotStore::LoadChunk(int64_t height, uint32_t index) const {
  if (height <= 0 || index >= kMaxChunks) return std::optional<Bytes>();
  return ReadFile(Dir(height) / ChunkName(index), kMaxChunkBytes);
}

Status SnapshotStore::Prune(size_t keep) {
  std::lock_guard lock(mu_);
  std::error_code ec;
  while (heights_.size() > keep) {
    fs::remove_all(Dir(heights_.front()), ec);
    if (ec) return Error(Code::kIo, "snapshot: cannot remove " + Dir(heights_.front()).string());
    heights_.erase(heights_.begin());
  }
  return Status::Ok();
}

std::optional<int64_t> SnapshotStore::Oldest() const {
  std::lock_guard lock(mu_);
  if (heights_.empty()) return std::nullopt;
  return heights_.front();
}

}  // namespace vinet::chain
