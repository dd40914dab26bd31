#include "vinet/zk/pcs/merkle.h"

#include <bit>
#include <cassert>

#include "vinet/zk/parallel.h"
#include "zk/pcs/sha256_fast.h"

namespace vinet::zk {
namespace {
constexpr uint8_t kLeafTag[1] = {0x00};
constexpr uint8_t kNodeTag[1] = {0x01};
}  // namespace

Digest MerkleLeafHash(ByteSpan leaf) {
  return detail::Sha256Parts({kLeafTag, leaf});
}

Digest MerkleNodeHash(const Digest& left, const Digest& right) {
  return detail::Sha256Parts({kNodeTag, left, right});
}

MerkleTree MerkleTree::Build(std::vector<Digest> leaf_digests, unsigned threads) {
  size_t n = leaf_digests.size();
  assert(n >= 1 && std::has_single_bit(n));
  MerkleTree t;
  t.num_leaves_ = n;
  if (n == 1) {
    t.nodes_ = std::move(leaf_digests);
    return t;
  }
  t.nodes_.resize(2 * n);
  std::copy(leaf_digests.begin(), leaf_digests.end(), t.nodes_.begin() + n);
  for (size_t level = n / 2; level >= 1; level /= 2) {
    ParallelFor(
        level, threads,
        [&](size_t b, size_t e) {
          for (size_t i = level + b; i < level + e; ++i) {
            t.nodes_[i] = MerkleNodeHash(t.nodes_[2 * i], t.nodes_[2 * i + 1]);
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

}  // namespace vinet::zk
