// The snapshots a validator keeps on disk and serves to joining nodes.
//
// Layout: DIR/<height, 20 digits>/metadata and DIR/<height>/chunk-<index, 6
// digits> (snapshot_format.h). A snapshot is written into "<height>.tmp"
// and renamed when complete, so a listed snapshot is always whole; leftover
// .tmp directories (a crash mid-write) are deleted on open.
//
// `Create` scans a CommittedView (it may take long: call it off the commit
// path, see Snapshotter). List/LoadChunk/Prune may run concurrently with
// Create from other threads (a directory lock guards the list; readers of a
// snapshot pruned under them get "not found").
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <vector>

#include "vinet/chain/state_view.h"

namespace vinet::chain {

struct SnapshotInfo {
  int64_t height = 0;
  uint32_t chunks = 0;
  crypto::Digest256 hash{};  // SHA-256 of the metadata
  Bytes metadata;
};

class SnapshotStore {
 public:
  // Creates DIR if missing and removes incomplete snapshots. Errors: kIo.
  static Result<std::unique_ptr<SnapshotStore>> Open(const std::filesystem::path& dir);

  // Writes the snapshot of `view` in chunks of about `chunk_bytes`. Errors: kIo,
  // kInvalidArgument (a pair over the format's limits).
  Result<SnapshotInfo> Create(const CommittedView& view, size_t chunk_bytes);
  // Every complete snapshot, newest first (metadata re-checked on read).
  Result<std::vector<SnapshotInfo>> List() const;
  // The chunk's bytes; nullopt if there is no such snapshot or chunk.
  Result<std::optional<Bytes>> LoadChunk(int64_t height, uint32_t index) const;
  // Deletes all but the `keep` newest snapshots.
  Status Prune(size_t keep);
  // Height of the oldest complete snapshot (nullopt: none).
  std::optional<int64_t> Oldest() const;

 private:
  explicit SnapshotStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path Dir(int64_t height) const;
  std::filesystem::path dir_;
  mutable std::mutex mu_;         // guards heights_ and directory renames/removals
  std::vector<int64_t> heights_;  // complete snapshots, ascending
};

}  // namespace vinet::chain
