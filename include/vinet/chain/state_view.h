// The two faces of the committed state that state sync needs, kept small so
// the app-hash structure behind them can change (docs/chain.md, "State sync").
//
// `CommittedView` is one committed version: its metadata (height, app hash,
// chain id) and an ordered scan of its key/value pairs. It stays valid and
// unchanged while later blocks commit (a background snapshot reads it), and
// is safe to use from one other thread.
//
// `RestoreTarget` is an empty state being filled from a snapshot: chunks of
// key-ordered pairs are written, then the root of everything written is
// computed and, if it matches, the metadata is set so Info reports it.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "vinet/chain/snapshot_format.h"
#include "vinet/chain/store.h"

namespace vinet::chain {

class CommittedView {
 public:
  virtual ~CommittedView() = default;
  virtual const CommitMeta& meta() const = 0;
  // Calls `fn` for every state pair in key order; stops at its first error.
  using ScanFn = std::function<Status(std::string_view key, std::string_view value)>;
  virtual Status Scan(const ScanFn& fn) const = 0;
};

class RestoreTarget {
 public:
  virtual ~RestoreTarget() = default;
  // True when no block was ever committed (height 0): safe to overwrite.
  virtual bool Empty() const = 0;
  // Drops every state pair written so far (a rejected snapshot).
  virtual Status Clear() = 0;
  // Writes key-ordered pairs (each above every key written before).
  virtual Status Write(const std::vector<KeyValue>& entries) = 0;
  // The app hash of the state written so far.
  virtual Result<Bytes> Root() = 0;
  // Makes the restored state the committed state at `meta` (synced).
  virtual Status Finish(const CommitMeta& meta) = 0;
};

}  // namespace vinet::chain
