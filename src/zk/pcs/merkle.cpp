#include "vinet/zk/pcs/merkle.h"

#include <algorithm>
#include <bit>
#include <cassert>

#include "vinet/zk/parallel.h"
#include "zk/common/sha256_fast.h"

namespace vinet::zk {
namespace {
constexpr uint8_t kLeafTag[1] = {0x00};
constexpr uint8_t kNodeTag[1] = {0x01};

bool StrictlyIncreasingBelow(std::span<const size_t> indices, size_t depth) {
  if (indices.empty() || depth >= 64) return false;
  for (size_t i = 0; i < indices.size(); ++i) {
    if ((indices[i] >> depth) != 0 || (i > 0 && indices[i] <= indices[i - 1])) return false;
  }
  return true;
}

// Walks a multi-proof from the leaves up. `level` holds the known node
// indices of the current level (increasing); for each one whose sibling is
// not known, `need(level_from_leaves, index)` is called once, in proof order.
// `merge(k, i, sibling_known)` combines entry i (and i + 1 if its sibling is
// known) into entry k of the next level.
template <typename Need, typename Merge>
void WalkMultiProof(std::vector<size_t>& level, size_t depth, Need need, Merge merge) {
  for (size_t d = 0; d < depth; ++d) {
    size_t k = 0;
    for (size_t i = 0; i < level.size(); ++i, ++k) {
      size_t idx = level[i];
      bool pair = (idx & 1) == 0 && i + 1 < level.size() && level[i + 1] == (idx | 1);
      if (!pair) need(d, idx);
      merge(k, i, pair);
      level[k] = idx >> 1;
      if (pair) ++i;
    }
    level.resize(k);
  }
}

}  // namespace

Digest MerkleLeafHash(ByteSpan leaf) {
  return detail::Sha256Parts({kLeafTag, leaf});
}

void MerkleLeafHashes(ByteSpan leaves, size_t leaf_bytes, std::span<Digest> out) {
  assert(leaves.size() >= out.size() * leaf_bytes);
  size_t i = 0;
  for (; i + 4 <= out.size(); i += 4) {
    ByteSpan bodies[4];
    for (size_t l = 0; l < 4; ++l) bodies[l] = leaves.subspan((i + l) * leaf_bytes, leaf_bytes);
    detail::Sha256PrefixedQuad(kLeafTag, bodies, &out[i]);
  }
  for (; i < out.size(); ++i) out[i] = MerkleLeafHash(leaves.subspan(i * leaf_bytes, leaf_bytes));
}

Digest MerkleNodeHash(const Digest& left, const Digest& right) {
  return detail::Sha256Parts({kNodeTag, left, right});
}

Digest MerkleNodeHash(MerkleNode kind, const Digest& left, const Digest& right) {
  return kind == MerkleNode::kSha256 ? MerkleNodeHash(left, right)
                                     : detail::Sha256CompressNode(left, right);
}

void TruncateDigest(Digest& d, size_t digest_bytes) {
  if (digest_bytes < d.size())
    std::fill(d.begin() + static_cast<ptrdiff_t>(digest_bytes), d.end(), 0);
}

MerkleTree MerkleTree::Build(std::vector<Digest> leaf_digests, unsigned threads, MerkleNode kind,
                             size_t digest_bytes) {
  return BuildFromLeaves(
      leaf_digests.size(),
      [&](size_t b, size_t e, std::span<Digest> out) {
        std::copy(leaf_digests.begin() + static_cast<ptrdiff_t>(b),
                  leaf_digests.begin() + static_cast<ptrdiff_t>(e), out.begin());
      },
      threads, kind, digest_bytes);
}

MerkleTree MerkleTree::BuildFromLeaves(size_t n, const LeafHasher& hash_leaves, unsigned threads,
                                       MerkleNode kind, size_t digest_bytes) {
  assert(n >= 1 && std::has_single_bit(n));
  bool truncate = digest_bytes < kFullDigestBytes;
  MerkleTree t;
  t.num_leaves_ = n;
  // nodes_[1] is the root and the leaves sit at [n, 2n); one leaf is its own root.
  size_t first_leaf = n == 1 ? 0 : n;
  t.nodes_.resize(n == 1 ? 1 : 2 * n);  // uninitialized: every entry is written below
  if (n > 1) t.nodes_[0] = Digest{};    // unused
  ParallelFor(
      n, threads,
      [&](size_t b, size_t e) {
        std::span<Digest> out(t.nodes_.data() + first_leaf + b, e - b);
        hash_leaves(b, e, out);
        if (truncate) {
          for (Digest& d : out) TruncateDigest(d, digest_bytes);
        }
      },
      256);
  for (size_t level = n / 2; level >= 1; level /= 2) {
    ParallelFor(
        level, threads,
        [&](size_t b, size_t e) {
          size_t i = level + b;
          if (kind == MerkleNode::kSha256Compress) {
            // Children of i .. are nodes 2i .. (a level below, no overlap).
            detail::Sha256CompressNodes(&t.nodes_[2 * i], e - b, &t.nodes_[i]);
            i = level + e;
          }
          for (; i < level + e; ++i) {
            t.nodes_[i] = MerkleNodeHash(kind, t.nodes_[2 * i], t.nodes_[2 * i + 1]);
          }
          if (truncate) {
            for (size_t j = level + b; j < level + e; ++j)
              TruncateDigest(t.nodes_[j], digest_bytes);
          }
        },
        512);
  }
  return t;
}

size_t MerkleTree::depth() const {
  return std::countr_zero(num_leaves_);
}

std::vector<Digest> MerkleTree::Path(size_t index) const {
  assert(index < num_leaves_);
  std::vector<Digest> path;
  if (num_leaves_ == 1) return path;
  for (size_t node = num_leaves_ + index; node > 1; node /= 2) path.push_back(nodes_[node ^ 1]);
  return path;
}

bool MerkleTree::VerifyPath(const Digest& root, size_t index, const Digest& leaf_digest,
                            std::span<const Digest> path) {
  if (path.size() >= 64 || (index >> path.size()) != 0) return false;
  Digest acc = leaf_digest;
  for (const Digest& sibling : path) {
    acc = (index & 1) ? MerkleNodeHash(sibling, acc) : MerkleNodeHash(acc, sibling);
    index >>= 1;
  }
  return acc == root;
}

std::vector<Digest> MerkleTree::MultiProof(std::span<const size_t> indices) const {
  assert(StrictlyIncreasingBelow(indices, depth()));
  std::vector<Digest> proof;
  std::vector<size_t> level(indices.begin(), indices.end());
  WalkMultiProof(
      level, depth(),
      [&](size_t d, size_t idx) { proof.push_back(nodes_[((num_leaves_ >> d) + idx) ^ 1]); },
      [](size_t, size_t, bool) {});
  return proof;
}

size_t MerkleTree::MultiProofSize(size_t depth, std::span<const size_t> indices) {
  if (!StrictlyIncreasingBelow(indices, depth)) return 0;
  size_t count = 0;
  std::vector<size_t> level(indices.begin(), indices.end());
  WalkMultiProof(
      level, depth, [&](size_t, size_t) { ++count; }, [](size_t, size_t, bool) {});
  return count;
}

size_t MerkleTree::MultiProofMaxSize(size_t depth, size_t count) {
  size_t total = 0;
  for (size_t l = 0; l < depth && l < 64; ++l) {
    size_t shift = depth - l - 1;
    total += shift >= 63 ? count : std::min(count, size_t{1} << shift);
  }
  return total;
}

bool MerkleTree::VerifyMultiProof(const Digest& root, size_t depth, std::span<const size_t> indices,
                                  std::span<const Digest> leaf_digests,
                                  std::span<const Digest> proof, MerkleNode kind,
                                  size_t digest_bytes) {
  if (!StrictlyIncreasingBelow(indices, depth) || leaf_digests.size() != indices.size() ||
      proof.size() != MultiProofSize(depth, indices)) {
    return false;
  }
  std::vector<size_t> level(indices.begin(), indices.end());
  std::vector<Digest> known(leaf_digests.begin(), leaf_digests.end());
  for (Digest& d : known) TruncateDigest(d, digest_bytes);
  size_t used = 0;
  Digest sibling{};
  WalkMultiProof(
      level, depth, [&](size_t, size_t) { sibling = proof[used++]; },
      [&](size_t k, size_t i, bool pair) {
        if (pair) {
          known[k] = MerkleNodeHash(kind, known[i], known[i + 1]);
        } else {
          known[k] = (level[i] & 1) ? MerkleNodeHash(kind, sibling, known[i])
                                    : MerkleNodeHash(kind, known[i], sibling);
        }
        TruncateDigest(known[k], digest_bytes);
      });
  return used == proof.size() && level.size() == 1 && known[0] == root;
}

}  // namespace vinet::zk
