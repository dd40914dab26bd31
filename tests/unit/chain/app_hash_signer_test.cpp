// The app-hash certificate's server side: ChainApp signs each committed app
// hash with the validator key and serves it at /app_hash_sig/<height>.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "unit/chain/chain_test_util.h"
#include "vinet/chain/app.h"
#include "vinet/chain/app_hash_signer.h"
#include "vinet/chain/genesis.h"
#include "vinet/chain/result_codes.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/crypto/app_hash_message.h"

namespace vinet::chain {
namespace {

using testing::AddrOf;
using testing::KeyFromByte;
using testing::TempDir;

std::filesystem::path WriteCometKey(const std::filesystem::path& dir, const crypto::SecretKey& k,
                                    const std::string& pub_override = "") {
  Bytes priv(k.seed().begin(), k.seed().end());
  priv.insert(priv.end(), k.public_key().begin(), k.public_key().end());
  nlohmann::json doc = {
      {"address", "ignored"},
      {"pub_key",
       {{"type", "tendermint/PubKeyEd25519"},
        {"value", pub_override.empty() ? Base64Encode(k.public_key()) : pub_override}}},
      {"priv_key", {{"type", "tendermint/PrivKeyEd25519"}, {"value", Base64Encode(priv)}}}};
  auto path = dir / "priv_validator_key.json";
  std::ofstream(path) << doc.dump();
  return path;
}

abci::pb::ResponseQuery Query(ChainApp& app, const std::string& path) {
  abci::pb::RequestQuery q;
  q.set_path(path);
  return app.Query(q);
}

TEST(AppHashSigner, CommitSignsTheCommittedAppHash) {
  TempDir dir;
  auto validator = KeyFromByte(7);
  ChainOptions o;
  o.validator_key_file = WriteCometKey(dir.path(), validator).string();
  auto app = ChainApp::Open(dir.path() / "data", o).value();
  abci::pb::RequestInitChain init;
  init.set_chain_id("unit-chain");
  init.set_initial_height(1);
  Genesis g;
  g.params = DefaultParams();
  g.accounts.push_back({AddrOf(KeyFromByte(20)), 1000});
  init.set_app_state_bytes(GenesisToJson(g));
  app->InitChain(init);
  for (int64_t h = 1; h <= 2; ++h) {
    abci::pb::RequestFinalizeBlock fb;
    fb.set_height(h);
    auto resp = app->FinalizeBlock(fb);
    EXPECT_EQ(Query(*app, "/app_hash_sig/" + std::to_string(h)).code(),
              static_cast<uint32_t>(QueryCode::kFutureHeight));  // not before Commit
    app->Commit();
    auto r = Query(*app, "/app_hash_sig/" + std::to_string(h));
    ASSERT_EQ(r.code(), 0u) << r.log();
    auto doc = nlohmann::json::parse(r.value());
    EXPECT_EQ(doc["height"], h);
    EXPECT_EQ(doc["chain_id"], "unit-chain");
    EXPECT_EQ(doc["app_hash"], ToHex(AsBytes(resp.app_hash())));
    EXPECT_EQ(doc["pub_key"], ToHex(validator.public_key()));
    auto sig = FromHex(doc["signature"].get<std::string>()).value();
    auto msg = crypto::AppHashSignBytes("unit-chain", h, AsBytes(resp.app_hash()));
    EXPECT_TRUE(crypto::Verify(validator.public_key(), msg, sig));
    msg.back() ^= 1;
    EXPECT_FALSE(crypto::Verify(validator.public_key(), msg, sig));
  }
  auto bad = Query(*app, "/app_hash_sig/x1");
  EXPECT_EQ(bad.code(), static_cast<uint32_t>(QueryCode::kBadId));
  EXPECT_NE(bad.log().find("positive decimal height"), std::string::npos);
  EXPECT_EQ(Query(*app, "/app_hash_sig/0").code(), static_cast<uint32_t>(QueryCode::kBadId));
}

TEST(AppHashSigner, KeepsTheNewestHeightsOnly) {
  AppHashSigner s(KeyFromByte(3), 2);
  for (int64_t h = 1; h <= 3; ++h) s.Record("c", h, Bytes(32, static_cast<uint8_t>(h)));
  auto old = s.Answer("1");
  EXPECT_EQ(old.code(), static_cast<uint32_t>(QueryCode::kNotFound));
  EXPECT_NE(old.log().find("keeps 2..3"), std::string::npos) << old.log();
  EXPECT_EQ(s.Answer("3").code(), 0u);
  EXPECT_EQ(s.Answer("4").code(), static_cast<uint32_t>(QueryCode::kFutureHeight));
}

TEST(AppHashSigner, NoKeyServesAClearError) {
  TempDir dir;
  auto app = ChainApp::Open(dir.path()).value();
  auto r = Query(*app, "/app_hash_sig/1");
  EXPECT_EQ(r.code(), static_cast<uint32_t>(QueryCode::kNotFound));
  EXPECT_NE(r.log().find("no validator key"), std::string::npos);
}

TEST(AppHashSigner, AnUnreadableKeyFailsOpenUnlessOptional) {
  TempDir dir;
  std::ofstream(dir.path() / "bad.json") << "{}";
  ChainOptions o;
  o.validator_key_file = (dir.path() / "bad.json").string();
  auto refused = ChainApp::Open(dir.path() / "a", o);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("priv_key"), std::string::npos);
  o.validator_key_optional = true;
  auto app = ChainApp::Open(dir.path() / "b", o);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  EXPECT_EQ(Query(**app, "/app_hash_sig/1").code(), static_cast<uint32_t>(QueryCode::kNotFound));
}

TEST(AppHashSigner, WrongHashHookOnlyOnDevnetChains) {
  AppHashSigner s(KeyFromByte(4), 8);
  s.set_sign_wrong_hash(true);
  Bytes hash(32, 0x11);
  s.Record("prod-chain", 1, hash);
  s.Record("vinet-devnet", 2, hash);
  auto prod = nlohmann::json::parse(s.Answer("1").value());
  auto dev = nlohmann::json::parse(s.Answer("2").value());
  EXPECT_EQ(prod["app_hash"], ToHex(hash));
  EXPECT_NE(dev["app_hash"], ToHex(hash));
}

TEST(AppHashSigner, RejectsAMismatchedOrMalformedKeyFile) {
  TempDir dir;
  auto other = KeyFromByte(9);
  auto path = WriteCometKey(dir.path(), KeyFromByte(8), Base64Encode(other.public_key()));
  auto s = AppHashSigner::FromCometKeyFile(path);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("pub_key.value is not the key"), std::string::npos);
  std::ofstream(path) << R"({"pub_key": {"type": "x", "value": ""}})";
  s = AppHashSigner::FromCometKeyFile(path);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kParse);
  EXPECT_NE(s.status().message().find("priv_key"), std::string::npos);
  EXPECT_EQ(AppHashSigner::FromCometKeyFile(dir.path() / "missing.json").status().code(),
            Code::kIo);
}

}  // namespace
}  // namespace vinet::chain
