// The app hash: a deterministic commitment to the whole chain state.
//
// Construction (v1, documented in docs/chain.md): every state key/value pair
// is a leaf SHA-256(len(k)||k||len(v)||v) (4-byte big-endian lengths). Leaves
// fall into 256 buckets by the first byte of SHA-256(k); a bucket's hash is
// SHA-256 over its (len(k)||k||leaf) in key order; the app hash is
// SHA-256("vinet.apphash.v1" || bucket_hash[0..255]). An empty bucket hashes
// to SHA-256 of nothing. This equals a hash over the sorted key/value set
// grouped by bucket, so it depends only on the state, never on history.
//
// Cost: the index keeps one 32-byte leaf per key in memory (rebuilt from the
// store at start-up, O(state)); a block rehashes only the buckets it touched,
// O(touched buckets × state/256). It does not yet give per-key proofs.
// Not thread-safe.
#pragma once

#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "vinet/chain/kv.h"
#include "vinet/crypto/hash.h"

namespace vinet::chain {

class StateHasher {
 public:
  StateHasher();
  // Replaces the index with `state` (all committed key/value pairs).
  void Rebuild(const std::vector<std::pair<std::string, std::string>>& state);
  // The app hash of the committed state with `staged` applied; does not modify the index.
  crypto::Digest256 RootWith(const Overlay& staged) const;
  // Applies `staged` to the index (after it was committed).
  void Apply(const Overlay& staged);
  crypto::Digest256 Root() const;

 private:
  using Bucket = std::map<std::string, crypto::Digest256, std::less<>>;
  static crypto::Digest256 HashBucket(const Bucket& bucket);
  std::array<Bucket, 256> buckets_;
  std::array<crypto::Digest256, 256> bucket_hashes_;
};

// Leaf hash of one key/value pair, and the bucket a key falls in.
crypto::Digest256 LeafHash(std::string_view key, std::string_view value);
uint8_t BucketOf(std::string_view key);

}  // namespace vinet::chain
