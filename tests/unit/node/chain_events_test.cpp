// vinet::client::ChainEvents and Client::WaitSettled against a local
// websocket server (ws_test_server.py, Python `websockets`) standing in for
// CometBFT, and a local HTTP server standing in for its JSON-RPC /claim query.
#include "vinet/client/chain_events.h"
#include "fake_rpc_call.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "vinet/chain/rpc_client.h"
#include "vinet/client/client.h"

namespace vinet::client {
namespace {

using json = nlohmann::json;
const std::string kId(64, 'a');

// A child process with pipes for stdin and stdout.
class Child {
 public:
  explicit Child(const std::string& mode) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      std::string script = std::string(VINET_SOURCE_DIR) + "/tests/unit/node/ws_test_server.py";
      execlp("python3", "python3", script.c_str(), mode.c_str(), nullptr);
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    FILE* f = fdopen(out[0], "r");
    if (f && fscanf(f, "%d", &port_) != 1) port_ = 0;
    if (f) fclose(f);
  }
  ~Child() {
    if (stdin_ >= 0) close(stdin_);
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
  }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/websocket"; }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
};

std::string Query() {
  return "tm.event='Tx' AND vinet.claim.id='" + kId + "'";
}

TEST(ChainEvents, DeliversOurClaimEventAmongOthers) {
  Child server("event");
  ASSERT_GT(server.port(), 0);
  auto sub = ChainEvents::Subscribe(server.url(), Query(), 5000);
  ASSERT_TRUE(sub.ok()) << sub.status().ToString();
  auto first = (*sub)->Next(5000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(ClaimEventFor(*first, kId).has_value());  // another claim's event
  auto second = (*sub)->Next(5000);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  auto ev = ClaimEventFor(*second, kId);
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(ev->status, "SETTLED");
  EXPECT_EQ(ev->height, 7);
  std::string hash;
  for (int i = 0; i < 32; ++i) hash += "AB";
  EXPECT_EQ(ev->tx_hash, hash);
}

TEST(ChainEvents, TimesOutWhenNothingArrives) {
  Child server("silent");
  auto sub = ChainEvents::Subscribe(server.url(), Query(), 5000);
  ASSERT_TRUE(sub.ok()) << sub.status().ToString();
  auto next = (*sub)->Next(300);
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), Code::kTimeout);
}

TEST(ChainEvents, StaysUsableAfterATimeout) {
  Child server("pending");  // PENDING after ~100 ms, then SETTLED
  auto sub = ChainEvents::Subscribe(server.url(), Query(), 5000);
  ASSERT_TRUE(sub.ok()) << sub.status().ToString();
  auto early = (*sub)->Next(1);
  if (!early.ok()) {
    EXPECT_EQ(early.status().code(), Code::kTimeout);
    early = (*sub)->Next(5000);
  }
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_EQ(ClaimEventFor(*early, kId)->status, "PENDING");
  auto later = (*sub)->Next(5000);
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  EXPECT_EQ(ClaimEventFor(*later, kId)->status, "SETTLED");
}

TEST(ChainEvents, RefusedSubscriptionNamesTheError) {
  Child server("error");
  auto sub = ChainEvents::Subscribe(server.url(), Query(), 5000);
  ASSERT_FALSE(sub.ok());
  EXPECT_EQ(sub.status().code(), Code::kUnavailable);
  EXPECT_NE(sub.status().message().find("too many subscriptions"), std::string::npos);
}

TEST(ChainEvents, RejectsNonWebsocketUrl) {
  auto sub = ChainEvents::Subscribe("http://127.0.0.1:1/websocket", Query(), 1000);
  ASSERT_FALSE(sub.ok());
  EXPECT_EQ(sub.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(WebsocketUrl("http://127.0.0.1:26657/"), "ws://127.0.0.1:26657/websocket");
}

TEST(ChainEvents, MalformedEventsAreNotOurs) {
  for (const char* text : {R"({})", R"({"data": 1})", R"({"data": {"value": {"TxResult": {"result":
           {"events": [{"type": 7}, {"type": "vinet.claim", "attributes": [{"key": 1, "value": 2}]},
           {"type": "vinet.claim", "attributes": "x"}]}}}}})"}) {
    EXPECT_FALSE(ClaimEventFor(json::parse(text), kId).has_value()) << text;
  }
}

ClientOptions Options(const std::string& ws, int rpc_port) {
  ClientOptions o;
  o.node_url = "http://127.0.0.1:1";
  o.chain_rpc = "http://127.0.0.1:" + std::to_string(rpc_port);
  o.chain_ws = ws;
  // This fake chain signs no headers: proven settlement is tested on a devnet
  // (tests/integration/test_light_client.py) and in UnprovenSettlementIsAnError.
  o.verify_settlement = false;
  return o;
}

Client MakeClient(const std::string& ws, int rpc_port) {
  return Client(Options(ws, rpc_port), crypto::SecretKey::Generate());
}

TEST(WaitSettled, WaitsForTheEventSkippingPending) {
  Child server("pending");
  auto c = MakeClient(server.url(), 1);  // no JSON-RPC: the catch-up query fails quietly
  auto s = c.WaitSettled(kId, NowMs(), 5000);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->status, "SETTLED");
  EXPECT_EQ(s->height, 7);
}

TEST(WaitSettled, ReconnectsAfterADroppedSocket) {
  Child server("drop-then-event");
  auto c = MakeClient(server.url(), 1);
  auto s = c.WaitSettled(kId, NowMs(), 8000);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->status, "SETTLED");
}

TEST(WaitSettled, UnprovenSettlementIsAnError) {
  Child server("pending");
  ClientOptions o = Options(server.url(), 1);
  o.verify_settlement = true;  // the default: the fake RPC at port 1 cannot prove anything
  Client c(o, crypto::SecretKey::Generate());
  auto s = c.WaitSettled(kId, NowMs(), 5000);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().code(), Code::kTimeout) << s.status().ToString();
  EXPECT_NE(s.status().message().find("light client"), std::string::npos) << s.status().ToString();
}

TEST(WaitSettled, TimesOutWithoutAnEvent) {
  Child server("silent");
  auto c = MakeClient(server.url(), 1);
  auto s = c.WaitSettled(kId, NowMs(), 400);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kTimeout);
}

TEST(WaitSettled, CatchUpQueryFindsAnEarlierSettlement) {
  httplib::Server rpc;
  ::vinet::testing::ServeRpc(rpc, [](const httplib::Request&, httplib::Response& res) {
    json claim = {{"status", "SETTLED"}, {"height", 3}};
    std::string v = claim.dump();
    json answer = {
        {"jsonrpc", "2.0"},
        {"id", 1},
        {"result",
         {{"response",
           {{"code", 0}, {"value", chain::Base64Encode(AsBytes(v))}, {"height", "3"}}}}}};
    res.set_content(answer.dump(), "application/json");
  });
  int port = rpc.bind_to_any_port("127.0.0.1");
  std::thread t([&] { rpc.listen_after_bind(); });
  Child server("silent");  // the event fired before we listened: only the query knows
  auto c = MakeClient(server.url(), port);
  auto s = c.WaitSettled(kId, NowMs(), 3000);
  rpc.stop();
  t.join();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->status, "SETTLED");
  EXPECT_EQ(s->height, 3);
}

}  // namespace
}  // namespace vinet::client
