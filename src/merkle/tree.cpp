#include "vinet/merkle/tree.h"

#include <algorithm>
#include <string>

namespace vinet::merkle {
namespace {

// A leaf being placed by Build: key hash and value hash.
using Leaf = std::pair<Hash, Hash>;

Hash WithBit(Hash path, int depth, int bit) {
  if (bit) path[static_cast<size_t>(depth) / 8] |= static_cast<uint8_t>(0x80 >> (depth % 8));
  return path;
}

class Updater {
 public:
  Updater(const NodeReader& reader, uint64_t version) : reader_(reader), version_(version) {}

  Result<ChildRef> Update(const ChildRef& ref, int depth, const Hash& prefix,
                          std::span<const Change> changes) {
    if (changes.empty()) return ref;
    switch (ref.kind) {
      case ChildRef::Kind::kEmpty: {
        std::vector<Leaf> leaves;
        for (const auto& c : changes) {
          if (c.value_hash) leaves.emplace_back(c.key_hash, *c.value_hash);
        }
        return Build(depth, prefix, leaves);
      }
      case ChildRef::Kind::kLeaf: {
        std::vector<Leaf> leaves;
        bool kept = true;
        bool inserted = false;
        for (const auto& c : changes) {
          if (!inserted && ref.key_hash < c.key_hash) {
            leaves.emplace_back(ref.key_hash, ref.value_hash);
            inserted = true;
          }
          if (c.key_hash == ref.key_hash) {
            inserted = true;  // replaced or deleted
            kept = c.value_hash && *c.value_hash == ref.value_hash;
          }
          if (c.value_hash) leaves.emplace_back(c.key_hash, *c.value_hash);
        }
        if (!inserted) leaves.emplace_back(ref.key_hash, ref.value_hash);
        if (kept && leaves.size() == 1) return ref;  // unchanged
        return Build(depth, prefix, leaves);
      }
      case ChildRef::Kind::kInternal:
        break;
    }
    if (depth >= kMaxDepth) return Error(Code::kInternal, "merkle: internal node at depth 256");
    const NodeKey key{ref.version, static_cast<uint16_t>(depth), prefix};
    VINET_ASSIGN_OR_RETURN(InternalNode node, reader_.ReadNode(key));
    auto split = std::partition_point(changes.begin(), changes.end(), [&](const Change& c) {
      return PathBit(c.key_hash, depth) == 0;
    });
    const size_t mid = static_cast<size_t>(split - changes.begin());
    VINET_ASSIGN_OR_RETURN(ChildRef left,
                           Update(node.left, depth + 1, prefix, changes.subspan(0, mid)));
    VINET_ASSIGN_OR_RETURN(ChildRef right, Update(node.right, depth + 1, WithBit(prefix, depth, 1),
                                                  changes.subspan(mid)));
    if (left == node.left && right == node.right) return ref;
    out_.stale.push_back(key);
    return Combine(depth, prefix, left, right);
  }

  Result<ChildRef> Build(int depth, const Hash& prefix, std::span<const Leaf> leaves) {
    if (leaves.empty()) return ChildRef{};
    if (leaves.size() == 1) return ChildRef::Leaf(leaves[0].first, leaves[0].second);
    if (depth >= kMaxDepth) return Error(Code::kInternal, "merkle: two leaves share a full path");
    auto split = std::partition_point(leaves.begin(), leaves.end(),
                                      [&](const Leaf& l) { return PathBit(l.first, depth) == 0; });
    const size_t mid = static_cast<size_t>(split - leaves.begin());
    VINET_ASSIGN_OR_RETURN(ChildRef left, Build(depth + 1, prefix, leaves.subspan(0, mid)));
    VINET_ASSIGN_OR_RETURN(ChildRef right,
                           Build(depth + 1, WithBit(prefix, depth, 1), leaves.subspan(mid)));
    return Combine(depth, prefix, left, right);
  }

  // The subtree at (depth, prefix) with these children: empty, a collapsed
  // leaf, or a new internal node written at this version.
  ChildRef Combine(int depth, const Hash& prefix, const ChildRef& left, const ChildRef& right) {
    using K = ChildRef::Kind;
    if (left.kind == K::kEmpty && right.kind == K::kEmpty) return ChildRef{};
    if (left.kind == K::kEmpty && right.kind == K::kLeaf) return right;
    if (right.kind == K::kEmpty && left.kind == K::kLeaf) return left;
    ChildRef ref;
    ref.kind = K::kInternal;
    ref.version = version_;
    ref.hash = InternalHash(left.hash, right.hash);
    out_.written.emplace_back(NodeKey{version_, static_cast<uint16_t>(depth), prefix},
                              InternalNode{left, right});
    return ref;
  }

  TreeUpdate& out() { return out_; }

 private:
  const NodeReader& reader_;
  uint64_t version_;
  TreeUpdate out_;
};

}  // namespace

Result<TreeUpdate> ApplyChanges(const NodeReader& reader, const ChildRef& root, uint64_t version,
                                std::span<const Change> changes) {
  for (size_t i = 1; i < changes.size(); ++i) {
    if (!(changes[i - 1].key_hash < changes[i].key_hash)) {
      return Error(Code::kInvalidArgument,
                   "merkle: changes not sorted by key hash at index " + std::to_string(i));
    }
  }
  if (root.kind == ChildRef::Kind::kInternal && root.version >= version) {
    return Error(Code::kInvalidArgument, "merkle: version " + std::to_string(version) +
                                             " is not after the root's " +
                                             std::to_string(root.version));
  }
  Updater updater(reader, version);
  VINET_ASSIGN_OR_RETURN(ChildRef new_root, updater.Update(root, 0, Hash{}, changes));
  TreeUpdate out = std::move(updater.out());
  out.root = new_root;
  return out;
}

Result<Proof> Prove(const NodeReader& reader, const ChildRef& root, const Hash& key_hash) {
  Proof proof;
  ChildRef ref = root;
  Hash prefix{};
  for (int depth = 0;; ++depth) {
    switch (ref.kind) {
      case ChildRef::Kind::kEmpty:
        return proof;
      case ChildRef::Kind::kLeaf:
        proof.leaf = ProofLeaf{ref.key_hash, ref.value_hash};
        return proof;
      case ChildRef::Kind::kInternal:
        break;
    }
    if (depth >= kMaxDepth) return Error(Code::kInternal, "merkle: internal node at depth 256");
    VINET_ASSIGN_OR_RETURN(
        InternalNode node,
        reader.ReadNode(NodeKey{ref.version, static_cast<uint16_t>(depth), prefix}));
    const int bit = PathBit(key_hash, depth);
    proof.siblings.push_back(bit ? node.left.hash : node.right.hash);
    ref = bit ? node.right : node.left;
    prefix = WithBit(prefix, depth, bit);
  }
}

}  // namespace vinet::merkle
