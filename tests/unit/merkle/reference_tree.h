// A deliberately naive reference of the state tree for tests: recomputes
// roots and proofs from the full sorted leaf set (O(n) per call), straight
// from the definition in vinet/merkle/hash.h.
#pragma once

#include <algorithm>
#include <map>
#include <span>
#include <string>

#include "vinet/merkle/proof.h"

namespace vinet::merkle::testing {

using Leaves = std::vector<std::pair<Hash, Hash>>;  // (key hash, value hash), sorted

inline Leaves LeavesOf(const std::map<std::string, std::string>& state) {
  Leaves out;
  for (const auto& [k, v] : state) out.emplace_back(KeyHash(AsBytes(k)), ValueHash(AsBytes(v)));
  std::sort(out.begin(), out.end());
  return out;
}

inline size_t SplitAt(std::span<const std::pair<Hash, Hash>> leaves, int depth) {
  auto it = std::partition_point(leaves.begin(), leaves.end(),
                                 [&](const auto& l) { return PathBit(l.first, depth) == 0; });
  return static_cast<size_t>(it - leaves.begin());
}

inline Hash ReferenceRoot(std::span<const std::pair<Hash, Hash>> leaves, int depth = 0) {
  if (leaves.empty()) return kEmptyHash;
  if (leaves.size() == 1) return LeafHash(leaves[0].first, leaves[0].second);
  size_t mid = SplitAt(leaves, depth);
  return InternalHash(ReferenceRoot(leaves.subspan(0, mid), depth + 1),
                      ReferenceRoot(leaves.subspan(mid), depth + 1));
}

inline Proof ReferenceProof(std::span<const std::pair<Hash, Hash>> leaves, const Hash& key_hash) {
  Proof proof;
  for (int depth = 0;; ++depth) {
    if (leaves.empty()) return proof;
    if (leaves.size() == 1) {
      proof.leaf = ProofLeaf{leaves[0].first, leaves[0].second};
      return proof;
    }
    size_t mid = SplitAt(leaves, depth);
    auto left = leaves.subspan(0, mid);
    auto right = leaves.subspan(mid);
    if (PathBit(key_hash, depth)) {
      proof.siblings.push_back(ReferenceRoot(left, depth + 1));
      leaves = right;
    } else {
      proof.siblings.push_back(ReferenceRoot(right, depth + 1));
      leaves = left;
    }
  }
}

}  // namespace vinet::merkle::testing
