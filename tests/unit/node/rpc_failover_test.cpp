// Chain RPC failover (chain/rpc_endpoints.h) with fake CometBFT endpoints on
// loopback: the endpoint rules, RpcClient moving on from an endpoint that
// went away, and the node's ChainView reading through the next one.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "fake_rpc_call.h"
#include "unit/node/node_test_util.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/chain/rpc_endpoints.h"
#include "vinet/node/chain_view.h"
#include "vinet/node/config.h"

namespace vinet::node {
namespace {
using json = nlohmann::json;
using chain::RpcEndpoints;

// A fake CometBFT RPC: "status" reports `height`; abci_query of /account/*
// answers a balance naming which endpoint served it.
class FakeEndpoint {
 public:
  explicit FakeEndpoint(uint64_t balance) : balance_(balance) {
    ::vinet::testing::ServeRpc(
        server_, [this](const httplib::Request& req, httplib::Response& res) {
          ++calls_;
          if (int ms = delay_ms_.load(); ms > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(ms));
          json call = ::vinet::testing::RpcCall(req);
          json result;
          if (call["method"] == "status") {
            result = {{"sync_info", {{"latest_block_height", std::to_string(height_.load())}}}};
          } else {
            std::string v = json{{"balance", balance_}, {"nonce", 0}}.dump();
            result = {{"response", {{"code", 0}, {"value", chain::Base64Encode(AsBytes(v))}}}};
          }
          res.set_content(json{{"jsonrpc", "2.0"}, {"id", 1}, {"result", result}}.dump(),
                          "application/json");
        });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeEndpoint() { Stop(); }
  // The endpoint goes away: its port refuses connections from now on.
  void Stop() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int calls() const { return calls_; }
  std::atomic<int64_t> height_{5};
  std::atomic<int> delay_ms_{0};  // each answer waits this long

 private:
  uint64_t balance_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> calls_{0};
};

TEST(RpcEndpoints, AFailureOfTheCurrentEndpointMovesToTheNextNotBackingOff) {
  RpcEndpoints e({"http://a/", "http://b", "http://c", "http://b"}, {15'000, 1'000, 8'000});
  EXPECT_EQ(e.urls(), (std::vector<std::string>{"http://a", "http://b", "http://c"}));
  EXPECT_EQ(e.Current(), "http://a");
  e.Failed("http://a", "refused", 0);
  EXPECT_EQ(e.Current(), "http://b");
  e.Failed("http://a", "late report from another thread", 10);  // not current: stays on b
  EXPECT_EQ(e.Current(), "http://b");
  e.Failed("http://b", "timeout", 20);
  EXPECT_EQ(e.Current(), "http://c");  // a is still backing off
  e.Failed("http://c", "timeout", 30);
  // All backing off: b's backoff (1 s from t=20) ends before a's (2 s from t=10).
  EXPECT_EQ(e.Current(), "http://b");
  EXPECT_EQ(e.switches(), 3u);
  e.Succeeded("http://b");
  e.Failed("http://b", "refused", 5'000);  // a's backoff is over by then
  EXPECT_EQ(e.Current(), "http://c");      // list order after b: c (ready again) first
}

TEST(RpcEndpoints, AStalledChainCountsAsAFailureButASingleEndpointStays) {
  RpcEndpoints e({"http://a", "http://b"}, {/*stall_ms=*/1'000, 100, 1'000});
  EXPECT_FALSE(e.ObserveHeight("http://a", 7, 0));
  EXPECT_FALSE(e.ObserveHeight("http://a", 8, 900));
  EXPECT_FALSE(e.ObserveHeight("http://a", 8, 1'800));  // 900 ms since 8 appeared
  EXPECT_FALSE(e.ObserveHeight("http://b", 1, 5'000));  // not current: ignored
  EXPECT_TRUE(e.ObserveHeight("http://a", 8, 1'900));
  EXPECT_EQ(e.Current(), "http://b");
  RpcEndpoints one({"http://only"}, {1'000, 100, 1'000});
  EXPECT_FALSE(one.ObserveHeight("http://only", 3, 0));
  EXPECT_TRUE(one.ObserveHeight("http://only", 3, 1'000));
  EXPECT_EQ(one.Current(), "http://only");
  EXPECT_EQ(one.switches(), 0u);
}

TEST(RpcFailover, ClientMovesOnFromAnEndpointThatWentAway) {
  FakeEndpoint a(1), b(2);
  auto endpoints = std::make_shared<RpcEndpoints>(std::vector<std::string>{a.url(), b.url()});
  chain::RpcClient rpc(endpoints, 2);
  auto h = rpc.LatestHeight();
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(rpc.url(), a.url());
  a.Stop();
  b.height_ = 9;
  h = rpc.LatestHeight();
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(*h, 9);
  EXPECT_EQ(endpoints->Current(), b.url());
  EXPECT_EQ(endpoints->switches(), 1u);
  // Both gone: kUnavailable naming an endpoint, after one try of each.
  b.Stop();
  auto down = rpc.LatestHeight();
  EXPECT_EQ(down.status().code(), Code::kUnavailable);
  EXPECT_NE(down.status().message().find("rpc http://127.0.0.1:"), std::string::npos);
}

TEST(RpcFailover, NodeChainViewReadsThroughTheNextEndpoint) {
  FakeEndpoint a(111), b(222);
  ChainView view({a.url(), b.url()}, 10, /*ttl_ms=*/0);
  auto first = view.Balance("alice");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, 111u);
  a.Stop();
  auto second = view.Balance("alice");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, 222u);
  EXPECT_EQ(view.rpc_url(), b.url());
}

TEST(RpcFailover, ConfigTakesOneUrlOrAListAndNamesABadEntry) {
  testing::TempDir dir;
  auto write = [&](const std::string& name, const std::string& rpc) {
    std::ofstream(dir.path / name) << "[node]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"d\"\n"
                                      "key_file = \"k\"\nmodels_dir = \"m\"\n[chain]\nrpc = "
                                   << rpc << "\n";
    return LoadNodeConfig(dir.path / name);
  };
  auto one = write("one.toml", "\"http://a:1\"");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->chain_rpc, (std::vector<std::string>{"http://a:1"}));
  auto list = write("list.toml", "[\"http://a:1\", \"http://b:2\"]");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->chain_rpc, (std::vector<std::string>{"http://a:1", "http://b:2"}));
  auto empty = write("empty.toml", "[]");
  EXPECT_EQ(empty.status().code(), Code::kInvalidArgument);
  auto bad = write("bad.toml", "[\"http://a:1\", 7]");
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("chain.rpc[1]"), std::string::npos)
      << bad.status().message();
}

// The answering threads all miss when an entry expires: one query serves them
// all; a Forget while it is in flight makes later callers ask again.
TEST(ChainView, ConcurrentMissesShareOneQuery) {
  FakeEndpoint a(77);
  a.delay_ms_ = 100;
  ChainView view({a.url()}, 1, 60'000);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto b = view.Balance("alice");
      if (b.ok() && *b == 77u) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(a.calls(), 1);
  ASSERT_TRUE(view.Balance("alice").ok());  // cached
  EXPECT_EQ(a.calls(), 1);
  // Forgotten while in flight: the answer is not cached.
  view.Forget("/account/alice");
  std::thread asker([&] { EXPECT_TRUE(view.Balance("alice").ok()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  view.Forget("/account/alice");
  asker.join();
  EXPECT_EQ(a.calls(), 2);
  ASSERT_TRUE(view.Balance("alice").ok());
  EXPECT_EQ(a.calls(), 3);
}

}  // namespace
}  // namespace vinet::node
