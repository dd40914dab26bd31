// Versioned updates and proofs of the authenticated state tree (hashing in
// vinet/merkle/hash.h), independent of where nodes are stored.
//
// Storage model (Jellyfish-style): leaves live inline in their parent (a
// ChildRef carries the key hash and value hash), so only internal nodes are
// stored, each under NodeKey(version it was written at, its position = depth
// and path prefix). Nodes are immutable: applying the changes of version v
// writes new nodes (all at version v) along the touched paths and reports the
// replaced nodes as stale since v. A node stale since s is reachable only from
// roots of versions < s, so once every version < s is dropped it can be
// deleted. Work per update is O(changed keys x depth) node reads, writes and
// hashes; a proof reads O(depth) nodes.
//
// Encodings (stored bytes, big-endian):
//   NodeKey  = u64 version || u16 depth || ceil(depth/8) bytes of path prefix
//              (bits past depth zero)
//   ChildRef = u8 kind: 0 empty | 1 leaf (+ key hash, value hash) |
//              2 internal (+ u64 version, subtree hash)
//   node     = u8 tag 0x01 || ChildRef left || ChildRef right
// Decoding our own stored bytes is still strict (kInternal names the offset
// on corruption). Not thread-safe per call site; pure given the reader.
#pragma once

#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/merkle/proof.h"

namespace vinet::merkle {

struct ChildRef {
  enum class Kind : uint8_t { kEmpty = 0, kLeaf = 1, kInternal = 2 };
  Kind kind = Kind::kEmpty;
  Hash key_hash{};       // kLeaf
  Hash value_hash{};     // kLeaf
  uint64_t version = 0;  // kInternal: version the node was written at
  Hash hash{};           // subtree hash: kEmptyHash, the leaf hash, or the internal node hash
  static ChildRef Leaf(const Hash& key_hash, const Hash& value_hash);
  friend bool operator==(const ChildRef&, const ChildRef&) = default;
};

struct InternalNode {
  ChildRef left;
  ChildRef right;
  friend bool operator==(const InternalNode&, const InternalNode&) = default;
};

struct NodeKey {
  uint64_t version = 0;
  uint16_t depth = 0;
  Hash path{};  // bits past `depth` are zero
  friend bool operator==(const NodeKey&, const NodeKey&) = default;
};

Bytes EncodeNodeKey(const NodeKey& key);
Result<NodeKey> DecodeNodeKey(ByteSpan bytes);
Bytes EncodeChildRef(const ChildRef& ref);
Result<ChildRef> DecodeChildRef(ByteSpan bytes);
Bytes EncodeNode(const InternalNode& node);
Result<InternalNode> DecodeNode(ByteSpan bytes);

class NodeReader {
 public:
  virtual ~NodeReader() = default;
  // The node stored under `key`; kNotFound/kIo/kInternal errors otherwise.
  virtual Result<InternalNode> ReadNode(const NodeKey& key) const = 0;
};

// One key's change: the new value hash, or nullopt to delete.
struct Change {
  Hash key_hash{};
  std::optional<Hash> value_hash;
};

struct TreeUpdate {
  ChildRef root;
  std::vector<std::pair<NodeKey, InternalNode>> written;  // all at the new version
  std::vector<NodeKey> stale;                             // replaced nodes (older versions)
};

// Applies `changes` (sorted by key_hash, no duplicates: kInvalidArgument
// otherwise) to the tree rooted at `root`, as version `version` (greater than
// every version reachable from `root`). Nothing is written: the caller stores
// `written` and the new root, and indexes `stale`.
Result<TreeUpdate> ApplyChanges(const NodeReader& reader, const ChildRef& root, uint64_t version,
                                std::span<const Change> changes);

// A membership or non-membership proof of `key_hash` in the tree at `root`.
Result<Proof> Prove(const NodeReader& reader, const ChildRef& root, const Hash& key_hash);

}  // namespace vinet::merkle
