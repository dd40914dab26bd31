// Node hashing of vinet's authenticated state tree (a sparse Merkle tree).
//
// The tree is a binary trie over the 256-bit path SHA-256(key), read most
// significant bit first (bit 0 = first branch under the root). Paths are
// compressed: a subtree holding one key is that key's leaf, wherever the leaf's
// path becomes unique; a subtree holding no key is the empty hash. Hashes
// (domain-separated by a one-byte tag, so a leaf can never pose as an internal
// node):
//   empty             = 32 zero bytes
//   leaf(key, value)  = SHA-256(0x00 || SHA-256(key) || SHA-256(value))
//   internal(l, r)    = SHA-256(0x01 || l || r)
// The root of the empty tree is the empty hash. The root depends only on the
// set of key/value pairs, never on the order in which they were written.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "vinet/common/bytes.h"
#include "vinet/crypto/hash.h"

namespace vinet::merkle {

using Hash = crypto::Digest256;

// The largest depth of a path (one bit per level).
inline constexpr int kMaxDepth = 256;

inline constexpr Hash kEmptyHash{};

Hash KeyHash(ByteSpan key);
Hash ValueHash(ByteSpan value);
Hash LeafHash(const Hash& key_hash, const Hash& value_hash);
Hash InternalHash(const Hash& left, const Hash& right);

// Bit `depth` (0..255) of a path: 0 = left, 1 = right.
inline int PathBit(const Hash& path, int depth) {
  return (path[static_cast<size_t>(depth) / 8] >> (7 - depth % 8)) & 1;
}

}  // namespace vinet::merkle
