// Writes state-sync snapshots in the background.
//
// The commit path hands over a pinned CommittedView (O(1)) with `Schedule`
// and returns at once; one worker thread writes it to the SnapshotStore and
// then keeps only the `keep` newest snapshots. If a snapshot is still being
// written when the next is due, the newer view waits (one slot: an older
// waiting view is dropped, never queued without bound). Thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "vinet/chain/snapshot_store.h"

namespace vinet::chain {

class Snapshotter {
 public:
  Snapshotter(SnapshotStore& store, size_t keep, size_t chunk_bytes);
  ~Snapshotter();  // finishes the snapshot being written, drops a waiting one
  Snapshotter(const Snapshotter&) = delete;
  Snapshotter& operator=(const Snapshotter&) = delete;

  void Schedule(std::unique_ptr<CommittedView> view);
  // Lowest height of a snapshot being written or waiting (nullopt: none).
  std::optional<int64_t> InFlight() const;
  // Blocks until nothing is waiting or being written (tests).
  void Drain();
  // Snapshots written so far.
  uint64_t written() const;

 private:
  void Run();
  SnapshotStore& store_;
  size_t keep_, chunk_bytes_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unique_ptr<CommittedView> waiting_;
  std::optional<int64_t> writing_;
  bool stop_ = false;
  uint64_t written_ = 0;
  std::thread worker_;
};

}  // namespace vinet::chain
