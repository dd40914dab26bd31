// Our hashing, decoding and verification against answers recorded from a real
// 4-validator CometBFT v0.38 network (record_fixture.py; powers 10/20/30/40).
#include <fstream>

#include <gtest/gtest.h>

#include "vinet/crypto/ed25519.h"
#include "vinet/light/hashing.h"
#include "vinet/light/json_decode.h"
#include "vinet/light/light_client.h"

namespace vinet::light {
namespace {

using nlohmann::json;

const json& Fixture() {
  static const json doc = [] {
    std::ifstream in(VINET_SOURCE_DIR "/tests/unit/light/fixtures/cometbft_4val.json");
    return json::parse(in);
  }();
  return doc;
}

std::string Lowercase(const json& s) {
  std::string out = s.get<std::string>();
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const json& At(int64_t h) {
  return Fixture()["heights"][h - 1];
}

LightBlock BlockAt(int64_t h) {
  LightBlock b;
  b.signed_header = DecodeCommitResult(At(h)["commit"]).value();
  auto total = DecodeValidatorsPage(At(h)["validators"], b.validators);
  EXPECT_TRUE(total.ok()) << total.status().ToString();
  return b;
}

// Serves the fixture's answers, through the same decoders as RpcProvider,
// after an optional edit of the JSON.
class FixtureProvider : public Provider {
 public:
  std::function<void(int64_t, json&)> edit;
  Result<LightBlock> Fetch(int64_t height) override {
    if (height == 0) height = static_cast<int64_t>(Fixture()["heights"].size());
    if (height < 1 || height > static_cast<int64_t>(Fixture()["heights"].size())) {
      return Error(Code::kNotFound, "no height " + std::to_string(height));
    }
    json entry = At(height);
    if (edit) edit(height, entry);
    LightBlock b;
    VINET_ASSIGN_OR_RETURN(b.signed_header, DecodeCommitResult(entry["commit"]));
    VINET_ASSIGN_OR_RETURN(auto total, DecodeValidatorsPage(entry["validators"], b.validators));
    (void)total;
    return b;
  }
  std::string Name() const override { return "fixture"; }
};

LightClientOptions FixedClock() {
  LightClientOptions o;
  Time last = BlockAt(6).signed_header.header.time;
  o.clock = [last] { return AddNanos(last, 60'000'000'000); };
  o.witness_wait_ms = 0;
  return o;
}

TEST(Fixture, HeaderHashIsCometBftsBlockHash) {
  for (int64_t h = 1; h <= 6; ++h) {
    LightBlock b = BlockAt(h);
    EXPECT_EQ(ToHex(HeaderHash(b.signed_header.header)), Lowercase(At(h)["block_hash"]))
        << "height " << h;
    EXPECT_EQ(ToHex(b.signed_header.commit.block_id.hash), Lowercase(At(h)["block_hash"]));
  }
}

TEST(Fixture, HeaderHashChains) {
  for (int64_t h = 2; h <= 6; ++h) {
    EXPECT_EQ(ToHex(HeaderHash(BlockAt(h - 1).signed_header.header)),
              ToHex(BlockAt(h).signed_header.header.last_block_id.hash));
  }
}

TEST(Fixture, ValidatorSetHashMatchesHeaderAndGenesis) {
  auto genesis = DecodeGenesisValidators(Fixture()["genesis"]["validators"]).value();
  for (int64_t h = 1; h <= 6; ++h) {
    LightBlock b = BlockAt(h);
    EXPECT_EQ(ToHex(ValidatorSetHash(b.validators)), ToHex(b.signed_header.header.validators_hash));
    EXPECT_EQ(ToHex(ValidatorSetHash(genesis)), ToHex(b.signed_header.header.validators_hash));
  }
}

TEST(Fixture, EveryCommitSignatureVerifies) {
  for (int64_t h = 1; h <= 6; ++h) {
    LightBlock b = BlockAt(h);
    const Commit& c = b.signed_header.commit;
    int signed_count = 0;
    for (size_t i = 0; i < c.signatures.size(); ++i) {
      if (c.signatures[i].flag != BlockIdFlag::kCommit) continue;
      const Validator& v = b.validators.validators[i];
      EXPECT_TRUE(crypto::Verify(v.pub_key, VoteSignBytes("light-fixture", c, i),
                                 c.signatures[i].signature))
          << "height " << h << " signature " << i;
      ++signed_count;
    }
    EXPECT_GE(signed_count, 3);
    // Another chain id signs other bytes.
    EXPECT_FALSE(crypto::Verify(b.validators.validators[0].pub_key, VoteSignBytes("other", c, 0),
                                c.signatures[0].signature));
  }
}

TEST(Fixture, AdjacentAndSkippingVerification) {
  auto now = FixedClock().clock();
  VerifyOptions o;
  for (int64_t h = 2; h <= 6; ++h) {
    EXPECT_TRUE(Verify(BlockAt(h - 1), BlockAt(h), now, o).ok()) << h;
  }
  Status s = Verify(BlockAt(1), BlockAt(6), now, o);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(Fixture, LightClientFromGenesisAndCheckpoint) {
  auto lc = LightClient::FromGenesis(std::make_unique<FixtureProvider>(), {}, Fixture()["genesis"],
                                     FixedClock());
  ASSERT_TRUE(lc.ok()) << lc.status().ToString();
  auto b = lc->VerifyHeight(0);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->height(), 6);
  EXPECT_EQ(ToHex(HeaderHash(b->signed_header.header)), Lowercase(At(6)["block_hash"]));

  auto hash = FromHex(At(3)["block_hash"].get<std::string>()).value();
  auto cp = LightClient::FromCheckpoint(std::make_unique<FixtureProvider>(), {}, "light-fixture", 3,
                                        hash, FixedClock());
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_TRUE(cp->VerifyHeight(5).ok());
  hash[0] ^= 1;
  auto bad = LightClient::FromCheckpoint(std::make_unique<FixtureProvider>(), {}, "light-fixture",
                                         3, hash, FixedClock());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("pins"), std::string::npos) << bad.status().ToString();
}

TEST(Fixture, TamperedAnswersAreRefused) {
  struct Case {
    const char* name;
    std::function<void(int64_t, json&)> edit;
    const char* expect;
  };
  std::vector<Case> cases = {
      {"app hash",
       [](int64_t h, json& e) {
         if (h == 5) e["commit"]["signed_header"]["header"]["app_hash"] = std::string(64, 'A');
       },
       "hashes to"},
      {"validator power",
       [](int64_t h, json& e) {
         if (h == 5) e["validators"]["validators"][3]["voting_power"] = "1000";
       },
       "validators_hash"},
      {"signature",
       [](int64_t h, json& e) {
         if (h == 5) {
           auto& sigs = e["commit"]["signed_header"]["commit"]["signatures"];
           for (auto& s : sigs) {
             if (s["block_id_flag"] == 2) {
               std::string v = s["signature"];
               v[0] = v[0] == 'A' ? 'B' : 'A';
               s["signature"] = v;
             }
           }
         }
       },
       "does not verify"},
      {"chain id",
       [](int64_t h, json& e) {
         if (h == 5) e["commit"]["signed_header"]["header"]["chain_id"] = "other";
       },
       "chain_id"},
      {"minority",
       [](int64_t h, json& e) {
         if (h == 5) {
           // Only the 40-power validator's signature stays: 40 of 100.
           auto& sigs = e["commit"]["signed_header"]["commit"]["signatures"];
           for (size_t i = 1; i < sigs.size(); ++i) {
             sigs[i] = {{"block_id_flag", 1},
                        {"validator_address", ""},
                        {"timestamp", "0001-01-01T00:00:00Z"},
                        {"signature", nullptr}};
           }
         }
       },
       "need more than 66"},
  };
  for (const auto& c : cases) {
    auto p = std::make_unique<FixtureProvider>();
    p->edit = c.edit;
    auto lc = LightClient::FromGenesis(std::move(p), {}, Fixture()["genesis"], FixedClock());
    ASSERT_TRUE(lc.ok()) << c.name;
    auto b = lc->VerifyHeight(5);
    ASSERT_FALSE(b.ok()) << c.name;
    EXPECT_NE(b.status().message().find(c.expect), std::string::npos)
        << c.name << ": " << b.status().ToString();
  }
}

TEST(Fixture, WitnessWithAnotherHeaderIsAnAttack) {
  auto liar = std::make_unique<FixtureProvider>();
  liar->edit = [](int64_t h, json& e) {
    if (h == 4) e["commit"]["signed_header"]["header"]["app_hash"] = "00";
  };
  std::vector<std::unique_ptr<Provider>> witnesses;
  witnesses.push_back(std::move(liar));
  auto lc = LightClient::FromGenesis(std::make_unique<FixtureProvider>(), std::move(witnesses),
                                     Fixture()["genesis"], FixedClock());
  ASSERT_TRUE(lc.ok()) << lc.status().ToString();
  EXPECT_TRUE(lc->VerifyHeight(3).ok());
  auto b = lc->VerifyHeight(4);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), Code::kVerification);
  const std::string m = b.status().message();
  EXPECT_NE(m.find("conflicting headers at height 4"), std::string::npos) << m;
  EXPECT_NE(m.find(Lowercase(At(4)["block_hash"])), std::string::npos) << m;
}

TEST(Fixture, ExpiredTrustIsRefused) {
  auto o = FixedClock();
  Time t1 = BlockAt(1).signed_header.header.time;
  o.clock = [t1] { return AddNanos(t1, int64_t{15} * 24 * 3600 * 1'000'000'000); };
  auto lc =
      LightClient::FromGenesis(std::make_unique<FixtureProvider>(), {}, Fixture()["genesis"], o);
  ASSERT_FALSE(lc.ok());
  EXPECT_EQ(lc.status().code(), Code::kOutOfRange);
}

TEST(Fixture, HeaderFromTheFutureIsRefused) {
  auto o = FixedClock();
  Time t3 = BlockAt(3).signed_header.header.time;
  o.clock = [t3] { return AddNanos(t3, -20'000'000'000); };  // 20 s before header 3
  auto lc =
      LightClient::FromGenesis(std::make_unique<FixtureProvider>(), {}, Fixture()["genesis"], o);
  ASSERT_TRUE(lc.ok()) << lc.status().ToString();
  auto b = lc->VerifyHeight(3);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("max clock drift"), std::string::npos)
      << b.status().ToString();
}

}  // namespace
}  // namespace vinet::light
