// Key/value views of the chain state and the staged write set.
//
// `KvReader` reads one consistent version of the state. `Overlay` stages
// writes (puts and deletes) on top of a reader without touching it: reads
// see the staged values first. Overlays nest (a tx overlay over a block
// overlay) and are merged into their parent with `MergeInto`. Iteration over
// staged changes is in key order, so everything derived from it (app hash,
// write batches) is deterministic. Not thread-safe; owners serialize access.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "vinet/common/result.h"

namespace vinet::chain {

class KvReader {
 public:
  virtual ~KvReader() = default;
  // The value under `key`, std::nullopt if absent, or an I/O error.
  virtual Result<std::optional<std::string>> Get(std::string_view key) const = 0;
};

class Overlay : public KvReader {
 public:
  // A layer over `base`, which must outlive it. To layer over another
  // Overlay use Overlay::Over(parent): copying is disabled because a copy
  // would silently duplicate the parent's changes instead of layering.
  explicit Overlay(const KvReader& base) : base_(&base) {}
  static Overlay Over(const KvReader& base) { return Overlay(base); }
  Overlay(const Overlay&) = delete;
  Overlay& operator=(const Overlay&) = delete;
  Overlay(Overlay&&) = default;
  Overlay& operator=(Overlay&&) = default;

  Result<std::optional<std::string>> Get(std::string_view key) const override;
  void Put(std::string key, std::string value) { changes_[std::move(key)] = std::move(value); }
  void Delete(std::string key) { changes_[std::move(key)] = std::nullopt; }

  // Staged changes in key order; nullopt marks a delete.
  const std::map<std::string, std::optional<std::string>, std::less<>>& changes() const {
    return changes_;
  }
  // Remembers what the base answers (values and misses) for the overlay's
  // lifetime, so a key read again (the same enclave, model, deposit or node
  // for every claim of a block) costs a map lookup, not a store read. Only
  // for a base that cannot change while the overlay lives (the committed
  // store under a block's overlay, which Commit drops).
  void CacheBaseReads() { cache_base_reads_ = true; }
  // Applies this overlay's changes to `parent` (normally the overlay it reads from).
  void MergeInto(Overlay& parent) const;
  void Clear() { changes_.clear(); }

 private:
  const KvReader* base_;
  std::map<std::string, std::optional<std::string>, std::less<>> changes_;
  bool cache_base_reads_ = false;
  mutable std::map<std::string, std::optional<std::string>, std::less<>> base_reads_;
};

// An empty state (reads always miss); handy as a base in tests and genesis.
class EmptyKv : public KvReader {
 public:
  Result<std::optional<std::string>> Get(std::string_view) const override {
    return std::optional<std::string>();
  }
};

}  // namespace vinet::chain
