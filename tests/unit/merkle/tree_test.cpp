// The versioned tree against a plain std::map and the naive reference tree:
// random puts and deletes over many versions, roots equal to the reference,
// membership and non-membership proofs at old and new versions, and pruning
// of stale nodes keeping every retained version provable.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <unordered_map>

#include "unit/merkle/reference_tree.h"
#include "vinet/merkle/tree.h"

namespace vinet::merkle {
namespace {

using testing::LeavesOf;
using testing::ReferenceRoot;

// Nodes stored by encoded key, as a database would.
class MemoryNodes : public NodeReader {
 public:
  Result<InternalNode> ReadNode(const NodeKey& key) const override {
    ++reads;
    auto it = nodes.find(Key(key));
    if (it == nodes.end()) return Error(Code::kNotFound, "node missing");
    return DecodeNode(it->second);
  }
  void Store(const TreeUpdate& u, uint64_t version) {
    for (const auto& [k, n] : u.written) {
      EXPECT_EQ(k.version, version);
      auto [it, fresh] = nodes.emplace(Key(k), EncodeNode(n));
      EXPECT_TRUE(fresh) << "node written twice";
    }
    for (const auto& k : u.stale) stale.emplace(version, Key(k));
  }
  // Deletes nodes stale since a version <= oldest (no retained version needs them).
  size_t Prune(uint64_t oldest) {
    size_t n = 0;
    while (!stale.empty() && stale.begin()->first <= oldest) {
      n += nodes.erase(stale.begin()->second);
      stale.erase(stale.begin());
    }
    return n;
  }
  static std::string Key(const NodeKey& k) { return ToString(EncodeNodeKey(k)); }
  std::unordered_map<std::string, Bytes> nodes;
  std::multimap<uint64_t, std::string> stale;
  mutable size_t reads = 0;
};

std::vector<Change> ChangesOf(const std::map<std::string, std::optional<std::string>>& batch) {
  std::vector<Change> out;
  for (const auto& [k, v] : batch) {
    Change c{KeyHash(AsBytes(k)), std::nullopt};
    if (v) c.value_hash = ValueHash(AsBytes(*v));
    out.push_back(c);
  }
  std::sort(out.begin(), out.end(),
            [](const Change& a, const Change& b) { return a.key_hash < b.key_hash; });
  return out;
}

void ExpectProofs(const MemoryNodes& nodes, const ChildRef& root,
                  const std::map<std::string, std::string>& state, std::mt19937_64& rng,
                  int samples) {
  const Hash r = root.hash;
  // Samples keys by their rank without walking the map from the start each time.
  std::vector<std::pair<std::string, std::string>> picks;
  if (!state.empty()) {
    std::vector<size_t> ranks;
    for (int i = 0; i < samples; ++i) ranks.push_back(rng() % state.size());
    std::sort(ranks.begin(), ranks.end());
    auto at = state.begin();
    size_t pos = 0;
    for (size_t rank : ranks) {
      at = std::next(at, static_cast<long>(rank - pos));
      pos = rank;
      picks.emplace_back(*at);
    }
  }
  for (const auto& pick : picks) {
    const auto* it = &pick;
    auto p = Prove(nodes, root, KeyHash(AsBytes(it->first)));
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    Bytes enc = EncodeProof(*p);
    ASSERT_TRUE(VerifyMembership(r, AsBytes(it->first), AsBytes(it->second), *p).ok());
    ASSERT_TRUE(VerifyMembership(AsBytes(std::string(r.begin(), r.end())), AsBytes(it->first),
                                 AsBytes(it->second), enc)
                    .ok());
    ASSERT_FALSE(VerifyAbsence(r, AsBytes(it->first), *p).ok());
  }
  for (int i = 0; i < samples; ++i) {
    std::string k = "k" + std::to_string(rng() % 100000);
    if (state.count(k)) continue;
    auto p = Prove(nodes, root, KeyHash(AsBytes(k)));
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    ASSERT_TRUE(VerifyAbsence(r, AsBytes(k), *p).ok()) << k;
    ASSERT_FALSE(VerifyMembership(r, AsBytes(k), AsBytes(""), *p).ok());
  }
}

struct Run {
  int versions;
  int ops_per_version;
  int key_space;
  uint64_t keep;  // versions kept (0 = all)
  int check_every;
};

// Random puts/deletes over `versions` versions; returns the operations issued
// (a block may touch one key several times; the last write wins, as in a block).
size_t RandomVersions(const Run& run, uint64_t seed) {
  std::mt19937_64 rng(seed);
  MemoryNodes nodes;
  std::map<std::string, std::string> state;
  std::map<uint64_t, std::pair<ChildRef, std::map<std::string, std::string>>> history;
  ChildRef root;
  size_t ops = 0;
  for (uint64_t v = 1; v <= static_cast<uint64_t>(run.versions); ++v) {
    std::map<std::string, std::optional<std::string>> batch;
    const int n = static_cast<int>(rng() % static_cast<uint64_t>(run.ops_per_version)) + 1;
    for (int i = 0; i < n; ++i) {
      std::string k = "k" + std::to_string(rng() % static_cast<uint64_t>(run.key_space));
      if (rng() % 3 == 0) {
        batch[k] = std::nullopt;
      } else {
        batch[k] = std::to_string(rng() % 1000);
      }
    }
    ops += static_cast<size_t>(n);
    auto changes = ChangesOf(batch);
    auto u = ApplyChanges(nodes, root, v, changes);
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    if (!u.ok()) return ops;
    nodes.Store(*u, v);
    root = u->root;
    for (const auto& [k, val] : batch) {
      if (val) {
        state[k] = *val;
      } else {
        state.erase(k);
      }
    }
    if (v % static_cast<uint64_t>(run.check_every) == 0 ||
        v == static_cast<uint64_t>(run.versions)) {
      EXPECT_EQ(root.hash, ReferenceRoot(LeavesOf(state))) << "version " << v;
      history[v] = {root, state};
    }
    if (run.keep > 0 && v >= run.keep) {
      const uint64_t oldest = v - run.keep + 1;
      nodes.Prune(oldest);
      history.erase(history.begin(), history.lower_bound(oldest));
    }
    if (v % static_cast<uint64_t>(run.check_every) == 0) {
      // Every retained checkpoint still proves its own state.
      for (const auto& [hv, h] : history) ExpectProofs(nodes, h.first, h.second, rng, 3);
    }
  }
  ExpectProofs(nodes, root, state, rng, 200);
  if (run.keep > 0) {
    // Pruning bounds the store: at most the live tree plus the nodes the kept versions need.
    EXPECT_LT(nodes.nodes.size(), (state.size() + 1) * 2 * run.keep + 64)
        << "pruning left too many nodes";
  }
  return ops;
}

TEST(MerkleTree, MatchesReferenceArchive) {
  size_t ops = RandomVersions({400, 300, 5000, 0, 20}, 1);
  EXPECT_GT(ops, 40'000u);
}

TEST(MerkleTree, MatchesReferencePruned) {
  size_t ops = RandomVersions({600, 200, 3000, 8, 10}, 2);
  EXPECT_GT(ops, 40'000u);
}

TEST(MerkleTree, SmallKeySpacesHitEveryCase) {
  // Few keys: leaves collapse and split constantly, the tree empties and refills.
  size_t ops = 0;
  for (uint64_t seed = 10; seed < 60; ++seed) ops += RandomVersions({200, 6, 8, 3, 1}, seed);
  EXPECT_GT(ops, 30'000u);
}

TEST(MerkleTree, LargeBatchesMillionOperations) {
  // A million puts/deletes in large blocks over a growing state.
  size_t ops = RandomVersions({40, 50'000, 300'000, 4, 20}, 3);
  EXPECT_GT(ops, 900'000u);
}

TEST(MerkleTree, OrderIndependentRoot) {
  std::mt19937_64 rng(5);
  std::map<std::string, std::optional<std::string>> all;
  for (int i = 0; i < 2000; ++i) all["k" + std::to_string(i)] = std::to_string(rng());
  MemoryNodes a, b;
  auto one = ApplyChanges(a, ChildRef{}, 1, ChangesOf(all));
  ASSERT_TRUE(one.ok());
  // Same set in 20 versions, with interim garbage deleted again.
  ChildRef root;
  auto it = all.begin();
  for (uint64_t v = 1; v <= 20; ++v) {
    std::map<std::string, std::optional<std::string>> batch;
    for (int i = 0; i < 100; ++i, ++it) batch[it->first] = it->second;
    batch["junk" + std::to_string(v)] = "x";
    if (v > 1) batch["junk" + std::to_string(v - 1)] = std::nullopt;
    auto u = ApplyChanges(b, root, v, ChangesOf(batch));
    ASSERT_TRUE(u.ok());
    b.Store(*u, v);
    root = u->root;
  }
  std::map<std::string, std::optional<std::string>> last{{"junk20", std::nullopt}};
  auto u = ApplyChanges(b, root, 21, ChangesOf(last));
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->root.hash, one->root.hash);
}

TEST(MerkleTree, NoOpChangesWriteNothing) {
  MemoryNodes nodes;
  std::map<std::string, std::optional<std::string>> batch;
  for (int i = 0; i < 100; ++i) batch["k" + std::to_string(i)] = "v";
  auto u = ApplyChanges(nodes, ChildRef{}, 1, ChangesOf(batch));
  ASSERT_TRUE(u.ok());
  nodes.Store(*u, 1);
  std::map<std::string, std::optional<std::string>> same{{"k5", "v"}, {"absent", std::nullopt}};
  auto again = ApplyChanges(nodes, u->root, 2, ChangesOf(same));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->root, u->root);
  EXPECT_TRUE(again->written.empty());
  EXPECT_TRUE(again->stale.empty());
}

TEST(MerkleTree, WorkIsProportionalToTouchedKeys) {
  MemoryNodes nodes;
  std::map<std::string, std::optional<std::string>> batch;
  for (int i = 0; i < 50'000; ++i) batch["k" + std::to_string(i)] = "v";
  auto u = ApplyChanges(nodes, ChildRef{}, 1, ChangesOf(batch));
  ASSERT_TRUE(u.ok());
  nodes.Store(*u, 1);
  std::map<std::string, std::optional<std::string>> one{{"k7", "w"}};
  nodes.reads = 0;
  auto small = ApplyChanges(nodes, u->root, 2, ChangesOf(one));
  ASSERT_TRUE(small.ok());
  // ~log2(50,000) = 16 levels, plus the few levels two hashes share by chance.
  EXPECT_LE(nodes.reads, 40u);
  EXPECT_EQ(small->written.size(), small->stale.size());
  EXPECT_LE(small->written.size(), 40u);
}

TEST(MerkleTree, RejectsUnsortedChangesAndOldVersions) {
  MemoryNodes nodes;
  std::vector<Change> changes{{KeyHash(AsBytes("b")), Hash{}}, {KeyHash(AsBytes("a")), Hash{}}};
  if (changes[0].key_hash < changes[1].key_hash) std::swap(changes[0], changes[1]);
  EXPECT_EQ(ApplyChanges(nodes, ChildRef{}, 1, changes).status().code(), Code::kInvalidArgument);
  std::swap(changes[0], changes[1]);
  auto u = ApplyChanges(nodes, ChildRef{}, 5, changes);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(ApplyChanges(nodes, u->root, 5, {}).status().code(), Code::kInvalidArgument);
}

TEST(MerkleTree, CodecsRoundTripAndRejectCorruption) {
  InternalNode n{ChildRef::Leaf(Hash{1}, Hash{2}),
                 ChildRef{ChildRef::Kind::kInternal, {}, {}, 9, Hash{3}}};
  Bytes enc = EncodeNode(n);
  auto back = DecodeNode(enc);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, n);
  for (size_t cut = 0; cut < enc.size(); ++cut) {
    EXPECT_FALSE(DecodeNode(ByteSpan(enc.data(), cut)).ok()) << cut;
  }
  Bytes longer = enc;
  longer.push_back(0);
  EXPECT_EQ(DecodeNode(longer).status().code(), Code::kInternal);
  NodeKey k{7, 13, Hash{0xab, 0xf8}};
  auto kb = DecodeNodeKey(EncodeNodeKey(k));
  ASSERT_TRUE(kb.ok());
  EXPECT_EQ(*kb, k);
  auto r = DecodeChildRef(EncodeChildRef(n.right));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, n.right);
}

}  // namespace
}  // namespace vinet::merkle
