// The two faces of the committed state that state sync needs, kept small so
// the app-hash structure behind them can change (docs/chain.md, "State sync").
//
// `CommittedView` is one committed version: its metadata (height, app hash,
// chain id) and an ordered scan of its key/value pairs. It stays valid and
// unchanged while later blocks commit (a background snapshot reads it), and
// is safe to use from one other thread.
//
// `RestoreTarget` is an empty state being filled from a snapshot: chunks of
// key-ordered pairs are written, then loaded as the committed state of the
// snapshot's height (bulk load: the authenticated tree is built once) and its
// root returned; if the root is not the verified app hash, the caller clears
// the target again.
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
  // Drops every state pair written or loaded so far: back to height 0.
  virtual Status Clear() = 0;
  // Writes key-ordered pairs (each above every key written before).
  virtual Status Write(const std::vector<KeyValue>& entries) = 0;
  // Makes the pairs written the committed state at meta.height with
  // meta.chain_id (synced) and returns its app hash (the tree root).
  virtual Result<Bytes> Load(const CommitMeta& meta) = 0;
};

}  // namespace vinet::chain
