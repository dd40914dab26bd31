// End to end: a real single-validator CometBFT v0.38 node driving our server
// and KvTestApp over all four ABCI connections (InitChain, PrepareProposal,
// ProcessProposal, FinalizeBlock, Commit, CheckTx, Info, Query), then a
// restart against a fresh, empty app: CometBFT's handshake must replay every
// block through our server and accept each app hash. The `cometbft` binary is
// required; the test fails without it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "unit/abci/kv_test_app.h"
#include "unit/abci/subprocess.h"
#include "unit/abci/test_client.h"
#include "vinet/abci/server.h"

namespace vinet::abci {
namespace {

using namespace std::chrono_literals;
using testing::BackgroundProcess;
using testing::KvTestApp;

// A port that was free a moment ago (bind to 0, read it, close).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Rewrites config.toml: app address, RPC/P2P ports, fast blocks.
void Configure(const std::string& home, const std::string& proxy_app, int rpc_port, int p2p_port) {
  const std::string path = home + "/config/config.toml";
  std::istringstream in(ReadFile(path));
  std::ostringstream out;
  std::string section;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("[")) section = line;
    if (line.starts_with("proxy_app =")) line = "proxy_app = \"" + proxy_app + "\"";
    if (line.starts_with("timeout_commit =")) line = "timeout_commit = \"100ms\"";
    if (line.starts_with("laddr =") && section == "[rpc]") {
      line = "laddr = \"tcp://127.0.0.1:" + std::to_string(rpc_port) + "\"";
    }
    if (line.starts_with("laddr =") && section == "[p2p]") {
      line = "laddr = \"tcp://127.0.0.1:" + std::to_string(p2p_port) + "\"";
    }
    out << line << "\n";
  }
  std::ofstream(path) << out.str();
}

// Minimal HTTP/1.0 GET against the node's RPC; returns the body or "".
std::string HttpGet(int port, const std::string& target) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string req = "GET " + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
      char buf[4096];
      for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) response.append(buf, n);
    }
  }
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

// Polls until app's committed height reaches `height`; false on timeout or node exit.
bool WaitForHeight(KvTestApp& app, BackgroundProcess& node, int64_t height,
                   std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (app.Info({}).last_block_height() >= height) return true;
    if (!node.Running()) return false;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

class CometBftTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cometbft_ = testing::FindExecutable("cometbft");
    ASSERT_FALSE(cometbft_.empty()) << "cometbft not found in PATH or ~/go/bin: run `make setup`";
    char tmpl[] = "/tmp/vinet_abci_cmt_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    home_ = tmpl;
    auto init = testing::RunProcess({cometbft_, "init", "--home", home_}, "", 30s);
    ASSERT_EQ(init.exit_code, 0) << init.output;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(home_, ec);
  }

  std::unique_ptr<BackgroundProcess> StartNode() {
    return std::make_unique<BackgroundProcess>(
        std::vector<std::string>{cometbft_, "start", "--home", home_, "--log_level", "error"},
        home_ + "/node.log");
  }
  std::string NodeLog() { return ReadFile(home_ + "/node.log"); }

  std::string cometbft_;
  std::string home_;
};

TEST_F(CometBftTest, SingleValidatorProducesBlocksThenReplaysIntoAFreshApp) {
  const int rpc = FreePort();
  const int p2p = FreePort();
  KvTestApp app;
  auto server = std::make_unique<Server>(app, ServerOptions{"unix://" + home_ + "/app.sock"});
  ASSERT_TRUE(server->Start().ok());
  Configure(home_, server->address(), rpc, p2p);
  auto node = StartNode();
  ASSERT_TRUE(node->started());
  ASSERT_TRUE(WaitForHeight(app, *node, 2, 30s)) << NodeLog();

  // A tx through the RPC: CheckTx on the mempool connection, then a block.
  const std::string commit = HttpGet(rpc, "/broadcast_tx_commit?tx=%22name=satoshi%22");
  EXPECT_NE(commit.find("\"tx_result\":{\"code\":0"), std::string::npos) << commit;
  const std::string bad = HttpGet(rpc, "/broadcast_tx_sync?tx=%22junk%22");
  EXPECT_NE(bad.find("\"code\":1"), std::string::npos) << bad;
  const std::string query = HttpGet(rpc, "/abci_query?data=%22name%22");
  EXPECT_NE(query.find("\"value\":\"c2F0b3NoaQ==\""), std::string::npos) << query;  // satoshi

  // Stop node and server; the app's in-memory state is lost with it.
  node->Kill();
  server.reset();
  const int64_t height = app.Info({}).last_block_height();
  ASSERT_GE(height, 3);

  // A fresh app reports height 0: CometBFT replays every block through our
  // server and checks each app hash against its headers (it halts on a mismatch).
  KvTestApp fresh;
  server = std::make_unique<Server>(fresh, ServerOptions{"unix://" + home_ + "/app.sock"});
  ASSERT_TRUE(server->Start().ok());
  node = StartNode();
  ASSERT_TRUE(WaitForHeight(fresh, *node, height + 1, 30s)) << NodeLog();
  pb::RequestQuery q;
  q.set_data("name");
  EXPECT_EQ(fresh.Query(q).value(), "satoshi");
  EXPECT_EQ(NodeLog().find("panic"), std::string::npos) << NodeLog();
  node->Kill();
}

// The control for the test above: an app whose hashes differ from the chain's
// must be refused during replay, so the replay check there is real.
class SaltedApp : public KvTestApp {
 public:
  pb::ResponseFinalizeBlock FinalizeBlock(const pb::RequestFinalizeBlock& req) override {
    auto resp = KvTestApp::FinalizeBlock(req);
    resp.set_app_hash(resp.app_hash() + "salt");
    return resp;
  }
};

TEST_F(CometBftTest, ReplayIntoAnAppWithDifferentHashesIsRefused) {
  const int rpc = FreePort();
  const int p2p = FreePort();
  KvTestApp app;
  auto server = std::make_unique<Server>(app, ServerOptions{"unix://" + home_ + "/app.sock"});
  ASSERT_TRUE(server->Start().ok());
  Configure(home_, server->address(), rpc, p2p);
  auto node = StartNode();
  ASSERT_TRUE(WaitForHeight(app, *node, 3, 30s)) << NodeLog();
  node->Kill();
  server.reset();

  SaltedApp salted;
  server = std::make_unique<Server>(salted, ServerOptions{"unix://" + home_ + "/app.sock"});
  ASSERT_TRUE(server->Start().ok());
  node = StartNode();
  EXPECT_FALSE(WaitForHeight(salted, *node, 4, 20s)) << "node accepted wrong app hashes";
  EXPECT_NE(NodeLog().find("AppHash"), std::string::npos) << NodeLog();
  node->Kill();
}

}  // namespace
}  // namespace vinet::abci
