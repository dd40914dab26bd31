// Binary SHA-256 Merkle tree over a power-of-two number of leaves.
//
// Leaf digest = SHA-256(0x00 || leaf bytes); inner node = SHA-256(0x01 ||
// left || right), so leaves and nodes cannot be confused. A path is the list
// of sibling digests from the leaf level up (depth = log2 #leaves entries).
// A multi-proof opens a set of leaves (strictly increasing indices) and sends
// each sibling digest that the verifier cannot compute from the opened leaves
// exactly once: level by level from the leaves up, increasing index within a
// level. Its length is a function of the index set alone (MultiProofSize).
// The tree owns all its node digests (2n - 1) and is immutable after Build;
// concurrent reads are safe. Build hashes in parallel with `threads`.
// Node hash kinds: kSha256 is the above (two compressions per node, Ligero);
// kSha256Compress is one SHA-256 compression of left || right from a fixed
// IV (the state after one block "vinet.zk.merkle.node.v1", zero-padded), so
// nodes and leaves (full SHA-256 with the 0x00 tag) are different functions
// (Basefold). Build and verification must use the same kind.
// Digest width: a tree built with digest_bytes w < 32 keeps the first w bytes
// of every digest (leaf and node; the rest are zero, so the root and every
// node a multi-proof sends carry w bytes of information); its collision
// resistance is 4w bits. Build and verification must use the same width.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "vinet/zk/codec.h"
#include "vinet/zk/huge_page_allocator.h"

namespace vinet::zk {

Digest MerkleLeafHash(ByteSpan leaf);
// MerkleLeafHash of each of the out.size() consecutive leaves of
// `leaf_bytes` bytes in `leaves` (two at a time, interleaved on one core).
void MerkleLeafHashes(ByteSpan leaves, size_t leaf_bytes, std::span<Digest> out);
Digest MerkleNodeHash(const Digest& left, const Digest& right);

enum class MerkleNode { kSha256, kSha256Compress };
Digest MerkleNodeHash(MerkleNode kind, const Digest& left, const Digest& right);

constexpr size_t kFullDigestBytes = sizeof(Digest);
// Zeroes the bytes of `d` from `digest_bytes` on (no-op at 32).
void TruncateDigest(Digest& d, size_t digest_bytes);

class MerkleTree {
 public:
  // Leaves are already leaf digests; their count must be a power of two >= 1.
  // Leaf digests are truncated to `digest_bytes` here.
  static MerkleTree Build(std::vector<Digest> leaf_digests, unsigned threads = 1,
                          MerkleNode kind = MerkleNode::kSha256,
                          size_t digest_bytes = kFullDigestBytes);

  // The same tree, with the leaf digests written by `hash_leaves(b, e, out)`
  // straight into the tree's leaf level (out has e - b entries, for leaves
  // [b, e); called in parallel on disjoint ranges): no separate digest
  // buffer. `num_leaves` must be a power of two >= 1.
  using LeafHasher = std::function<void(size_t begin, size_t end, std::span<Digest> out)>;
  static MerkleTree BuildFromLeaves(size_t num_leaves, const LeafHasher& hash_leaves,
                                    unsigned threads = 1, MerkleNode kind = MerkleNode::kSha256,
                                    size_t digest_bytes = kFullDigestBytes);

  const Digest& root() const { return nodes_[1 % nodes_.size()]; }
  size_t num_leaves() const { return num_leaves_; }
  size_t depth() const;
  std::vector<Digest> Path(size_t index) const;

  // True iff `leaf_digest` at `index` with `path` hashes up to `root`.
  static bool VerifyPath(const Digest& root, size_t index, const Digest& leaf_digest,
                         std::span<const Digest> path);

  // Multi-proof for `indices` (strictly increasing, each < num_leaves()).
  std::vector<Digest> MultiProof(std::span<const size_t> indices) const;
  // Digests in a multi-proof of `indices` in a tree of 2^depth leaves; 0 if
  // the indices are not strictly increasing and below 2^depth.
  static size_t MultiProofSize(size_t depth, std::span<const size_t> indices);
  // The largest multi-proof of `count` distinct leaves among 2^depth:
  // sum over levels l of min(count, 2^(depth - l - 1)).
  static size_t MultiProofMaxSize(size_t depth, size_t count);
  // True iff the leaves (digests, one per index, indices strictly increasing
  // and < 2^depth; truncated to `digest_bytes` here) with `proof`, consumed
  // exactly, hash up to `root`.
  static bool VerifyMultiProof(const Digest& root, size_t depth, std::span<const size_t> indices,
                               std::span<const Digest> leaf_digests, std::span<const Digest> proof,
                               MerkleNode kind = MerkleNode::kSha256,
                               size_t digest_bytes = kFullDigestBytes);

 private:
  // nodes_[1] is the root, nodes_[i] has children 2i and 2i+1, leaves at
  // [n, 2n). With one leaf, nodes_ = {leaf} and the root is the leaf.
  // A tree of 2^20 leaves is 32 MiB: cached blocks, written once by Build.
  detail::HugeUninitVector<Digest> nodes_;
  size_t num_leaves_ = 0;
};

}  // namespace vinet::zk
