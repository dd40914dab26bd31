#include "cli/network_flags.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace vinet::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// A temporary working directory, entered for the test's lifetime (the
// default devnet .vinet/devnet is relative to it).
class NetworkFlagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("vinet_cli_test_" + std::to_string(rd()));
    fs::create_directories(dir_);
    old_cwd_ = fs::current_path();
    fs::current_path(dir_);
  }
  void TearDown() override {
    fs::current_path(old_cwd_);
    fs::remove_all(dir_);
  }

  // A devnet.json as `vinet devnet up` writes it (the fields read here).
  static void WriteDevnet(const fs::path& dir, bool with_node = true) {
    fs::create_directories(dir);
    json state = {{"dir", fs::absolute(dir).string()},
                  {"chain_id", "vinet-devnet"},
                  {"dev_key", (dir / "keys" / "dev.key").string()},
                  {"tee_root", (dir / "dev-ca" / "root.pem").string()},
                  {"validators", json::array({{{"index", 0}, {"rpc", "http://127.0.0.1:41001"}},
                                              {{"index", 1}, {"rpc", "http://127.0.0.1:41011"}}})}};
    if (with_node) state["node"] = {{"url", "http://127.0.0.1:42000"}};
    std::ofstream(dir / "devnet.json") << state.dump(2);
  }

  // Parses `args` as `vinet <path…> args…` for a command using `uses`.
  static NetworkFlags Parse(const std::vector<std::string>& path, unsigned uses,
                            std::vector<std::string> args) {
    CLI::App app{"test", "vinet"};
    CLI::App* cmd = &app;
    for (const auto& p : path) cmd = cmd->add_subcommand(p, p);
    NetworkFlags f;
    AddNetworkFlags(cmd, f, uses);
    std::vector<std::string> argv = {"vinet"};
    argv.insert(argv.end(), path.begin(), path.end());
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<const char*> c;
    for (const auto& a : argv) c.push_back(a.c_str());
    app.parse(static_cast<int>(c.size()), c.data());
    return f;
  }

  fs::path dir_, old_cwd_;
};

constexpr unsigned kTx = kChainFlag | kKeyFlag;
constexpr unsigned kClient = kChainFlag | kNodeFlag | kKeyFlag | kRootFlag;

TEST_F(NetworkFlagsTest, NodeInAChainCommandIsRefusedNamingChain) {
  auto f = Parse({"tx", "transfer"}, kTx, {"--node", "http://127.0.0.1:26657", "--key", "k"});
  auto n = ResolveNetwork(f, kTx);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), Code::kInvalidArgument);
  EXPECT_NE(n.status().message().find("`vinet tx transfer`"), std::string::npos)
      << n.status().message();
  EXPECT_NE(n.status().message().find("--chain URL"), std::string::npos) << n.status().message();
}

TEST_F(NetworkFlagsTest, ExplicitFlagsNeedNoDevnet) {
  auto f = Parse({"tx", "transfer"}, kTx, {"--chain", "http://127.0.0.1:1", "--key", "k.key"});
  auto n = ResolveNetwork(f, kTx);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->chain_rpc, "http://127.0.0.1:1");
  EXPECT_EQ(n->key_file, "k.key");
  EXPECT_EQ(n->devnet_dir, "");
  EXPECT_TRUE(n->devnet_state.is_null());
}

TEST_F(NetworkFlagsTest, DevnetFillsWhatFlagsLeaveUnset) {
  WriteDevnet("net");
  auto f = Parse({"infer"}, kClient, {"--devnet", "net", "--node", "http://127.0.0.1:9"});
  auto n = ResolveNetwork(f, kNodeFlag | kKeyFlag);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->node_url, "http://127.0.0.1:9");       // the flag wins
  EXPECT_EQ(n->chain_rpc, "http://127.0.0.1:41001");  // validator 0's RPC
  EXPECT_EQ(n->key_file, "net/keys/dev.key");         // the dev key
  EXPECT_EQ(n->root_pem, "net/dev-ca/root.pem");      // the emulator's root
  EXPECT_EQ(n->devnet_dir, fs::absolute("net").string());
  EXPECT_EQ(n->devnet_state["chain_id"], "vinet-devnet");
}

TEST_F(NetworkFlagsTest, DevnetFillsOnlyTheFlagsACommandUses) {
  WriteDevnet("net");
  auto f = Parse({"query", "account"}, kChainFlag, {"--devnet", "net"});
  auto n = ResolveNetwork(f, kChainFlag);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->chain_rpc, "http://127.0.0.1:41001");
  EXPECT_EQ(n->node_url, "");
  EXPECT_EQ(n->key_file, "");
}

TEST_F(NetworkFlagsTest, NothingGivenAndNoDefaultDevnetNamesTheFlags) {
  auto f = Parse({"tx", "transfer"}, kTx, {});
  auto n = ResolveNetwork(f, kTx);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), Code::kInvalidArgument);
  std::string m = n.status().message();
  EXPECT_NE(m.find("--chain URL (the CometBFT RPC)"), std::string::npos) << m;
  EXPECT_NE(m.find("--key FILE"), std::string::npos) << m;
  EXPECT_NE(m.find("--devnet DIR"), std::string::npos) << m;
}

TEST_F(NetworkFlagsTest, DefaultDevnetIsUsedOnlyWhenNoEndpointIsNamed) {
  WriteDevnet(kDefaultDevnetDir);
  auto implicit = ResolveNetwork(Parse({"tx", "transfer"}, kTx, {}), kTx);
  ASSERT_TRUE(implicit.ok()) << implicit.status().ToString();
  EXPECT_EQ(implicit->chain_rpc, "http://127.0.0.1:41001");
  EXPECT_EQ(implicit->key_file, ".vinet/devnet/keys/dev.key");
  // A named chain is some other network: the devnet's key is not taken.
  auto named = ResolveNetwork(Parse({"tx", "transfer"}, kTx, {"--chain", "http://h:1"}), kTx);
  ASSERT_FALSE(named.ok());
  EXPECT_NE(named.status().message().find("--key FILE"), std::string::npos)
      << named.status().message();
}

TEST_F(NetworkFlagsTest, AnUnusableDefaultDevnetIsNoDevnet) {
  fs::create_directories(kDefaultDevnetDir);
  std::ofstream(fs::path(kDefaultDevnetDir) / "devnet.json") << "{";
  // Only the key is needed (e.g. `tx transfer --dry-run`): the broken default does not matter.
  auto dry = ResolveNetwork(Parse({"tx", "transfer"}, kTx, {"--key", "k.key"}), kKeyFlag);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->key_file, "k.key");
  auto n = ResolveNetwork(Parse({"tx", "transfer"}, kTx, {"--key", "k.key"}), kTx);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("the default devnet is unusable"), std::string::npos)
      << n.status().message();
}

TEST_F(NetworkFlagsTest, DevnetWithoutItsStateFileSaysHowToStartOne) {
  auto n = ResolveNetwork(Parse({"infer"}, kClient, {"--devnet", "missing"}), kNodeFlag);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), Code::kNotFound);
  EXPECT_NE(n.status().message().find("vinet devnet up --devnet missing"), std::string::npos)
      << n.status().message();
}

TEST_F(NetworkFlagsTest, DevnetWithoutANodeSaysSo) {
  WriteDevnet("net", /*with_node=*/false);
  auto n = ResolveNetwork(Parse({"infer"}, kClient, {"--devnet", "net"}), kNodeFlag | kKeyFlag);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("--node URL (the inference node)"), std::string::npos)
      << n.status().message();
  EXPECT_NE(n.status().message().find("has none"), std::string::npos) << n.status().message();
}

TEST_F(NetworkFlagsTest, MalformedDevnetStateIsAParseErrorNamingTheField) {
  fs::create_directories("bad");
  std::ofstream("bad/devnet.json") << R"({"validators": {}})";
  auto n = ResolveNetwork(Parse({"infer"}, kClient, {"--devnet", "bad"}), kNodeFlag);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), Code::kParse);
  EXPECT_NE(n.status().message().find("\"validators\""), std::string::npos) << n.status().message();
  std::ofstream("bad/devnet.json", std::ios::trunc) << "[1, 2";
  n = ResolveNetwork(Parse({"infer"}, kClient, {"--devnet", "bad"}), kNodeFlag);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), Code::kParse);
}

TEST_F(NetworkFlagsTest, HelpShowsOnlyTheFlagsUsedWithTheirOneMeaning) {
  CLI::App app{"test", "vinet"};
  auto* query = app.add_subcommand("query", "q");
  NetworkFlags qf, cf;
  AddNetworkFlags(query, qf, kChainFlag);
  auto* infer = app.add_subcommand("infer", "i");
  AddNetworkFlags(infer, cf, kClient);
  std::string qhelp = query->help(), ihelp = infer->help();
  EXPECT_NE(qhelp.find("--chain"), std::string::npos);
  EXPECT_NE(qhelp.find("CometBFT RPC"), std::string::npos);
  EXPECT_EQ(qhelp.find("--node"), std::string::npos) << qhelp;
  EXPECT_EQ(qhelp.find("--key"), std::string::npos) << qhelp;
  EXPECT_NE(ihelp.find("--node"), std::string::npos);
  EXPECT_NE(ihelp.find("inference node"), std::string::npos);
  EXPECT_NE(ihelp.find("--devnet"), std::string::npos);
}

TEST_F(NetworkFlagsTest, DevnetCommandsTakeDevnetAndStillReadDir) {
  CLI::App app{"test", "vinet"};
  auto* up = app.add_subcommand("up", "u");
  std::string dir = kDefaultDevnetDir;
  AddDevnetDirFlag(up, dir);
  const char* a1[] = {"vinet", "up", "--devnet", "/tmp/x"};
  app.parse(4, a1);
  EXPECT_EQ(dir, "/tmp/x");
  const char* a2[] = {"vinet", "up", "--dir", "/tmp/y"};
  app.parse(4, a2);
  EXPECT_EQ(dir, "/tmp/y");
  EXPECT_EQ(up->help().find("--dir"), std::string::npos);
}

}  // namespace
}  // namespace vinet::cli
