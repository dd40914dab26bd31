// Proven claim reads: a synthetic chain whose app hashes are roots of a real
// state tree (vinet/merkle), and answers forged in each way a lying RPC could.
#include <map>

#include <gtest/gtest.h>

#include "light/synthetic_chain.h"
#include "vinet/light/time.h"
#include "vinet/light/verified_state.h"
#include "vinet/merkle/tree.h"

namespace vinet::light {
namespace {

using testing::SyntheticChain;
using testing::SyntheticChainOptions;

const std::string kId(64, 'a');
const std::string kKey = "c/" + kId;

class MemoryNodes : public merkle::NodeReader {
 public:
  Result<merkle::InternalNode> ReadNode(const merkle::NodeKey& key) const override {
    auto it = nodes.find(merkle::EncodeNodeKey(key));
    if (it == nodes.end()) return Error(Code::kNotFound, "node");
    return it->second;
  }
  std::map<Bytes, merkle::InternalNode> nodes;
};

// Claim record bytes (vinet.state.v1.Claim): inference_id, status, fee, height, settled_height.
Bytes ClaimBytes(uint8_t status, int64_t settled_height) {
  Bytes b = {0x0a, 32};
  auto id = FromHex(kId).value();
  b.insert(b.end(), id.begin(), id.end());
  Bytes rest = {0x10, status, 0x38, 100, 0x40, 5, 0x70, static_cast<uint8_t>(settled_height)};
  b.insert(b.end(), rest.begin(), rest.end());
  return b;
}

// State at heights 1..20: other keys, and from height 5 the claim, SETTLED
// from height 8 (settled_height 8).
struct ProvenWorld {
  MemoryNodes nodes;
  std::map<int64_t, merkle::ChildRef> roots;  // state after block h
  std::unique_ptr<SyntheticChain> chain;

  static Bytes ValueAt(int64_t h) { return h >= 8 ? ClaimBytes(1, 8) : ClaimBytes(3, 0); }

  ProvenWorld() {
    merkle::ChildRef root;
    for (int64_t h = 1; h <= 20; ++h) {
      std::vector<merkle::Change> changes;
      for (int k = 0; k < 3; ++k) {
        std::string key = "a/" + std::to_string(h * 10 + k);
        changes.push_back({merkle::KeyHash(AsBytes(key)), merkle::ValueHash(AsBytes(key))});
      }
      if (h >= 5)
        changes.push_back({merkle::KeyHash(AsBytes(kKey)), merkle::ValueHash(ValueAt(h))});
      std::sort(changes.begin(), changes.end(),
                [](const auto& a, const auto& b) { return a.key_hash < b.key_hash; });
      auto up = merkle::ApplyChanges(nodes, root, static_cast<uint64_t>(h), changes).value();
      for (auto& [k, n] : up.written) nodes.nodes[merkle::EncodeNodeKey(k)] = n;
      root = up.root;
      roots[h] = root;
    }
    SyntheticChainOptions o;
    o.length = 21;
    o.app_hash = [this](int64_t h) {
      if (h == 1) return Bytes{};
      auto r = roots.at(h - 1).hash;  // header h commits to the state after h-1
      return Bytes(r.begin(), r.end());
    };
    chain = std::make_unique<SyntheticChain>(o);
  }

  ProvedAnswer Answer(int64_t h) {
    auto proof = merkle::Prove(nodes, roots.at(h), merkle::KeyHash(AsBytes(kKey))).value();
    ProvedAnswer a;
    a.height = h;
    a.key = ToBytes(kKey);
    if (h >= 5) {
      a.value = ValueAt(h);
    } else {
      a.code = 3;  // not found, with an absence proof
    }
    a.ops.push_back(merkle::MakeProofOp(AsBytes(kKey), proof));
    return a;
  }
};

std::unique_ptr<LightClient> ClientFor(ProvenWorld& w) {
  LightClientOptions o;
  Time now = AddNanos(w.chain->HeaderAt(21).time, 60'000'000'000);
  o.clock = [now] { return now; };
  o.witness_wait_ms = 0;
  auto genesis = w.chain->Genesis();
  // The provider is owned by the light client; the world keeps its own chain.
  auto copy = std::make_unique<SyntheticChain>(w.chain->options());
  auto lc = LightClient::FromGenesis(std::move(copy), {}, genesis, o);
  EXPECT_TRUE(lc.ok()) << lc.status().ToString();
  return std::make_unique<LightClient>(std::move(lc).value());
}

TEST(VerifiedClaim, HonestAnswersVerify) {
  ProvenWorld w;
  auto lc = ClientFor(w);
  auto v = VerifyClaimAnswer(*lc, kId, w.Answer(9), 0);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_TRUE(v->claim.has_value());
  EXPECT_EQ(v->claim->status, "SETTLED");
  EXPECT_EQ(v->claim->settled_height, 8);
  EXPECT_EQ(v->claim->fee, 100u);
  EXPECT_EQ(ToHex(v->claim->inference_id), kId);
  EXPECT_EQ(v->height, 9);
  auto pending = VerifyClaimAnswer(*lc, kId, w.Answer(6), 0);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  EXPECT_EQ(pending->claim->status, "PENDING");
  auto absent = VerifyClaimAnswer(*lc, kId, w.Answer(3), 0);
  ASSERT_TRUE(absent.ok()) << absent.status().ToString();
  EXPECT_FALSE(absent->claim.has_value());
}

TEST(VerifiedClaim, ForgedAnswersAreRefused) {
  ProvenWorld w;
  auto lc = ClientFor(w);
  struct Case {
    const char* name;
    std::function<void(ProvedAnswer&)> edit;
    const char* expect;
  };
  std::vector<Case> cases = {
      {"flipped status", [](ProvedAnswer& a) { a.value = ClaimBytes(2, 8); },
       "proof does not verify"},
      {"pending shown as settled at 6", [&](ProvedAnswer& a) { a.value = ProvenWorld::ValueAt(9); },
       "proof does not verify"},
      {"truncated proof", [](ProvedAnswer& a) { a.ops[0].data.resize(a.ops[0].data.size() - 7); },
       "proof does not verify"},
      {"no proof", [](ProvedAnswer& a) { a.ops.clear(); }, "without a proof"},
      {"other key", [](ProvedAnswer& a) { a.key = ToBytes("c/" + std::string(64, 'b')); },
       "not \"c/"},
      {"hidden claim",
       [](ProvedAnswer& a) {
         a.code = 3;
         a.value.clear();
       },
       "proof does not verify"},
      {"proof of another height", [&](ProvedAnswer& a) { a.ops = w.Answer(10).ops; },
       "proof does not verify"},
  };
  for (const auto& c : cases) {
    ProvedAnswer a = w.Answer(6);
    c.edit(a);
    auto v = VerifyClaimAnswer(*lc, kId, a, 0);
    ASSERT_FALSE(v.ok()) << c.name;
    EXPECT_EQ(v.status().code(), Code::kVerification) << c.name << ": " << v.status().ToString();
    EXPECT_NE(v.status().message().find(c.expect), std::string::npos)
        << c.name << ": " << v.status().ToString();
    EXPECT_NE(v.status().message().find("inference " + kId), std::string::npos) << c.name;
  }
}

TEST(VerifiedClaim, HeightThatDoesNotExistIsRefused) {
  ProvenWorld w;
  auto lc = ClientFor(w);
  ProvedAnswer a = w.Answer(20);
  a.height = 5000;  // header 5001 does not exist
  auto v = VerifyClaimAnswer(*lc, kId, a, 200);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), Code::kNotFound) << v.status().ToString();
  EXPECT_NE(v.status().message().find("header 5001"), std::string::npos) << v.status().ToString();
}

TEST(ClaimRecord, DecodesAndRejectsTruncation) {
  auto r = DecodeClaimRecord(ClaimBytes(8, 12));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, "EXPIRED");
  EXPECT_EQ(r->settled_height, 12);
  Bytes b = ClaimBytes(1, 3);
  b.resize(10);
  auto bad = DecodeClaimRecord(b);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("offset 0"), std::string::npos) << bad.status().ToString();
}

TEST(ProvedAnswerJson, DecodesCometBftShape) {
  auto j = nlohmann::json::parse(R"({"response": {"code": 0, "log": "", "info": "{}",
      "index": "0", "key": "Yy9h", "value": "CgA=", "proofOps": {"ops": [{"type": "vinet:smt:v1",
      "key": "Yy9h", "data": "AQA="}]}, "height": "7", "codespace": ""}})");
  auto a = DecodeProvedAnswer(j);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->height, 7);
  EXPECT_EQ(ToString(a->key), "c/a");
  ASSERT_EQ(a->ops.size(), 1u);
  EXPECT_EQ(a->ops[0].type, "vinet:smt:v1");
  j["response"]["height"] = "7x";
  EXPECT_FALSE(DecodeProvedAnswer(j).ok());
}

}  // namespace
}  // namespace vinet::light
