// ServeGuard (issue 12, finding 10) against a fake CometBFT JSON-RPC that
// answers abci_query from a map: unregistered models, foreign ZKML keys and
// PCR0 allowlists, enclave registrations (absent, another node's, without the
// model, expiring); plus ChainView's deposit reads and the claim record's
// stored answer.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "fake_rpc_call.h"
#include "node_test_util.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/node/claim_store.h"
#include "vinet/node/config.h"
#include "vinet/node/serve_guard.h"
#include "vinet/protocol/tensor.h"

namespace vinet::node {
namespace {

using json = nlohmann::json;
using protocol::Mode;

class FakeRpc {
 public:
  FakeRpc() {
    ::vinet::testing::ServeRpc(
        server_, [this](const httplib::Request& req, httplib::Response& res) {
          json call = ::vinet::testing::RpcCall(req);
          std::string path = call["params"]["path"];
          std::lock_guard lock(mu_);
          json response = {{"code", 3}, {"log", "not found"}};
          if (auto it = answers_.find(path); it != answers_.end()) {
            std::string v = it->second.dump();
            response = {{"code", 0}, {"value", chain::Base64Encode(AsBytes(v))}, {"height", "5"}};
          }
          res.set_content(
              json{{"jsonrpc", "2.0"}, {"id", 1}, {"result", {{"response", response}}}}.dump(),
              "application/json");
        });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeRpc() {
    server_.stop();
    thread_.join();
  }
  void Set(const std::string& path, json value) {
    std::lock_guard lock(mu_);
    answers_[path] = std::move(value);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::map<std::string, json> answers_;
};

constexpr int64_t kNow = 1'000'000;

struct GuardFixture : ::testing::Test {
  FakeRpc rpc;
  ChainView chain{{rpc.url()}, 10, /*ttl_ms=*/0};
  Bytes pcr0 = Bytes(48, 0x11), enclave_key = Bytes(32, 0x22), zk = Bytes(32, 0x33);
  std::string me = std::string(40, 'a');
  ServeGuard guard{chain, LocalSetup{me, enclave_key, pcr0}, 5000};

  void SetUp() override {
    rpc.Set("/model/m", {{"model_id", "m"},
                         {"fee_per_inference", 7},
                         {"modes", {"VANILLA", "TEE", "ZKML"}},
                         {"allowed_pcr0", {ToHex(pcr0)}},
                         {"owner", "owner"},
                         {"zkml_model_id", ToHex(zk)}});
    rpc.Set("/enclave/" + ToHex(enclave_key), {{"node", me},
                                               {"pcr0", ToHex(pcr0)},
                                               {"model_ids", {"m"}},
                                               {"expires_time_ms", kNow + 60'000}});
  }
};

TEST_F(GuardFixture, ServesWhatAgreesWithTheChain) {
  for (Mode m : {Mode::kVanilla, Mode::kTee, Mode::kZkml}) {
    auto r = guard.Check("m", m, zk, kNow);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->fee, 7u);
  }
  EXPECT_TRUE(guard.Refusals().empty());
}

// Chat (gguf) models: the record's format and token prices reach the node;
// chat requests need a gguf model.
TEST_F(GuardFixture, ChatNeedsAGgufModelAndSeesItsPrices) {
  std::string chat(64, 'c');
  rpc.Set("/model/" + chat, {{"model_id", chat},
                             {"format", "gguf"},
                             {"fee_per_inference", 0},
                             {"price_per_input_token", 1},
                             {"price_per_output_token", 2},
                             {"modes", {"VANILLA", "TEE"}},
                             {"allowed_pcr0", {ToHex(pcr0)}},
                             {"owner", "owner"}});
  rpc.Set("/enclave/" + ToHex(enclave_key), {{"node", me},
                                             {"pcr0", ToHex(pcr0)},
                                             {"model_ids", {"m", chat}},
                                             {"expires_time_ms", kNow + 60'000}});
  for (Mode m : {Mode::kVanilla, Mode::kTee}) {
    auto r = guard.CheckChat(chat, m, kNow);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->format, "gguf");
    EXPECT_EQ(r->fee, 0u);
    EXPECT_EQ(r->price_per_input_token, 1u);
    EXPECT_EQ(r->price_per_output_token, 2u);
  }
  // Check (the tensor path, which chat callers may still use) does not judge the format.
  EXPECT_TRUE(guard.Check(chat, Mode::kVanilla, {}, kNow).ok());
  auto onnx = guard.CheckChat("m", Mode::kVanilla, kNow);
  EXPECT_EQ(onnx.status().code(), Code::kUnsupported);
  EXPECT_NE(onnx.status().message().find("not a chat (gguf) model"), std::string::npos);
  EXPECT_EQ(guard.CheckChat("other", Mode::kVanilla, kNow).status().code(), Code::kNotFound);
  auto m = chain.Model("m");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->format, "");  // this record predates formats: read as not gguf
  EXPECT_EQ(m->price_per_input_token, 0u);
}

TEST_F(GuardFixture, UnregisteredModelIsNotFound) {
  auto r = guard.Check("other", Mode::kVanilla, {}, kNow);
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_NE(r.status().message().find("not registered on chain"), std::string::npos);
  auto refused = guard.Refusals();
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused.begin()->first, (std::pair<std::string, std::string>{"other", "VANILLA"}));
}

TEST_F(GuardFixture, ForeignZkmlKeyOrAllowlistIsAConflict) {
  EXPECT_EQ(guard.Check("m", Mode::kZkml, Bytes(32, 0x44), kNow).status().code(),
            Code::kAlreadyExists);
  rpc.Set("/model/m", {{"fee_per_inference", 7},
                       {"modes", {"VANILLA", "TEE"}},
                       {"allowed_pcr0", {std::string(96, 'f')}}});
  auto tee = guard.Check("m", Mode::kTee, {}, kNow);
  EXPECT_EQ(tee.status().code(), Code::kAlreadyExists);
  EXPECT_NE(tee.status().message().find("allowlist"), std::string::npos);
  EXPECT_EQ(guard.Check("m", Mode::kZkml, zk, kNow).status().code(), Code::kUnsupported);
  EXPECT_TRUE(guard.Check("m", Mode::kVanilla, {}, kNow).ok());  // VANILLA is not judged
}

TEST_F(GuardFixture, EnclaveMustBeRegisteredHereForTheModelAndNotExpiring) {
  std::string path = "/enclave/" + ToHex(enclave_key);
  json rec = {
      {"node", me}, {"pcr0", ToHex(pcr0)}, {"model_ids", {"m"}}, {"expires_time_ms", kNow + 4'000}};
  rpc.Set(path, rec);  // expires within the 5 s margin
  EXPECT_EQ(guard.Check("m", Mode::kTee, {}, kNow).status().code(), Code::kUnavailable);
  rec["expires_time_ms"] = kNow + 60'000;
  rec["model_ids"] = {"x"};
  rpc.Set(path, rec);
  EXPECT_EQ(guard.Check("m", Mode::kTee, {}, kNow).status().code(), Code::kUnavailable);
  rec["model_ids"] = {"m"};
  rec["node"] = std::string(40, 'b');
  rpc.Set(path, rec);
  EXPECT_EQ(guard.Check("m", Mode::kTee, {}, kNow).status().code(), Code::kAlreadyExists);
  rec["node"] = me;
  rpc.Set(path, rec);
  EXPECT_TRUE(guard.Check("m", Mode::kTee, {}, kNow).ok());
  EXPECT_TRUE(guard.Refusals().empty());  // served again: the refusal is cleared
  ServeGuard no_enclave(chain, LocalSetup{me, std::nullopt, std::nullopt}, 0);
  EXPECT_EQ(no_enclave.Check("m", Mode::kTee, {}, kNow).status().code(), Code::kUnsupported);
  ServeGuard unregistered(chain, LocalSetup{me, Bytes(32, 0x55), pcr0}, 0);
  EXPECT_EQ(unregistered.Check("m", Mode::kTee, {}, kNow).status().code(), Code::kUnavailable);
}

TEST(ChainViewDeposit, AbsentIsZeroAndForgetDropsTheCache) {
  FakeRpc rpc;
  ChainView chain({rpc.url()}, 10, /*ttl_ms=*/60'000);
  std::string client(40, 'c'), node(40, 'd');
  auto d = chain.Deposit(client, node);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->amount, 0u);
  rpc.Set("/deposit/" + client + "/" + node, {{"amount", 30}, {"unlock_time_ms", 99}});
  EXPECT_EQ(chain.Deposit(client, node)->amount, 0u);  // cached
  chain.Forget("/deposit/" + client + "/");
  d = chain.Deposit(client, node);
  EXPECT_EQ(d->amount, 30u);
  EXPECT_EQ(d->unlock_time_ms, 99);
}

TEST(ClaimRecordJson, KeepsTheAnswerAndReadsOldRecords) {
  ClaimRecord c;
  c.id_hex = std::string(64, 'e');
  c.outputs = protocol::EncodeTensors({});
  c.outputs.push_back(1);
  auto back = ClaimFromJson(ClaimToJson(c));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->outputs, c.outputs);
  json old = json::parse(ClaimToJson(c));
  old.erase("outputs");  // written before the field existed
  back = ClaimFromJson(old.dump());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->outputs.empty());
}

TEST(NodeConfigFinding10, AnswerDelayOnlyOnDevnetAndDepositsRequiredByDefault) {
  testing::TempDir dir;
  std::string base =
      "[node]\nlisten = \"127.0.0.1:1\"\ndata_dir = \"d\"\nkey_file = \"k\"\n"
      "models_dir = \"m\"\n";
  std::ofstream(dir.path / "a.toml") << base << "answer_delay_ms = 100\n";
  EXPECT_EQ(LoadNodeConfig(dir.path / "a.toml").status().code(), Code::kInvalidArgument);
  std::ofstream(dir.path / "b.toml") << base
                                     << "answer_delay_ms = 100\ndevnet = true\n"
                                        "require_deposit = false\nenclave_expiry_margin_ms = 7\n";
  auto b = LoadNodeConfig(dir.path / "b.toml");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->answer_delay_ms, 100);
  EXPECT_FALSE(b->require_deposit);
  EXPECT_EQ(b->enclave_expiry_margin_ms, 7);
  std::ofstream(dir.path / "c.toml") << base;
  EXPECT_TRUE(LoadNodeConfig(dir.path / "c.toml")->require_deposit);
  // A negative expiry margin serves TEE past the key's expiry: devnet only.
  std::ofstream(dir.path / "d.toml") << base << "enclave_expiry_margin_ms = -60000\n";
  EXPECT_EQ(LoadNodeConfig(dir.path / "d.toml").status().code(), Code::kInvalidArgument);
  std::ofstream(dir.path / "e.toml")
      << base << "enclave_expiry_margin_ms = -60000\ndevnet = true\n";
  auto e = LoadNodeConfig(dir.path / "e.toml");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->enclave_expiry_margin_ms, -60000);
}

}  // namespace
}  // namespace vinet::node
