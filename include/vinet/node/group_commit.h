// Group commit of claim records: many threads each hand one record to
// `Commit`, which returns only once that record is durable (its synced write
// returned), with that write's status.
//
// No background thread: the first caller that finds no write in progress
// becomes the writer. It takes every record queued so far, writes them all
// with one call of `write` (one synced RocksDB WriteBatch: one fsync), then
// releases their callers. Callers arriving meanwhile queue up, and when the
// write ends the first of them is woken to be the next writer for the whole
// queue (each caller sleeps on its own condition variable: a write wakes
// only its batch and the next writer, not every waiter). So N
// concurrent answers cost one fsync, not N, and a lone caller pays exactly
// one write, as before (no timer, no added wait). `write` sees each record
// once; if it fails, every caller of that batch gets its error and nothing
// of the batch may be assumed durable. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "vinet/node/claim_store.h"

namespace vinet::node {

class GroupCommit {
 public:
  using WriteFn = std::function<Status(const std::vector<const ClaimRecord*>&)>;
  explicit GroupCommit(WriteFn write) : write_(std::move(write)) {}

  // Blocks until `record` is written (or its batch failed). `record` must
  // stay alive until it returns.
  Status Commit(const ClaimRecord& record);

  uint64_t batches() const;  // writes done so far
  uint64_t records() const;  // records written by them
  size_t queued() const;     // records waiting for the next write
  // Tests: runs in the writer before each write, outside the lock, with the
  // batch size (a test can hold the writer to let others queue up).
  void SetBeforeWriteForTest(std::function<void(size_t)> hook);

 private:
  struct Waiter {
    const ClaimRecord* record;
    Status status;
    bool done = false;
    std::condition_variable cv;
  };

  WriteFn write_;
  mutable std::mutex mu_;
  std::vector<Waiter*> queue_;  // guarded by mu_
  bool writing_ = false;        // guarded by mu_
  uint64_t batches_ = 0, records_ = 0;
  std::function<void(size_t)> before_write_;
};

}  // namespace vinet::node
