// RpcProvider against a local HTTP server serving answers recorded from a real
// CometBFT network (fixtures/cometbft_4val.json): paged /validators, the byte
// cap, and JSON-RPC errors mapped to codes.
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "vinet/light/hashing.h"
#include "vinet/light/provider.h"

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

json Rpc(json result) {
  return {{"jsonrpc", "2.0"}, {"id", -1}, {"result", std::move(result)}};
}

// Serves /commit and /validators of the fixture, two validators per page.
class FakeRpc {
 public:
  FakeRpc() {
    server_.Get("/commit", [this](const httplib::Request& req, httplib::Response& res) {
      int64_t h = std::stoll(req.get_param_value("height"));
      if (h > 6) {
        json err = {{"jsonrpc", "2.0"},
                    {"id", -1},
                    {"error",
                     {{"code", -32603},
                      {"message", "Internal error"},
                      {"data", "height " + std::to_string(h) +
                                   " must be less than or equal to the current blockchain "
                                   "height 6"}}}};
        res.set_content(err.dump(), "application/json");
        return;
      }
      std::string body = Rpc(Fixture()["heights"][h - 1]["commit"]).dump();
      if (pad_bytes > 0) body += std::string(pad_bytes, ' ');
      res.set_content(body, "application/json");
    });
    server_.Get("/validators", [this](const httplib::Request& req, httplib::Response& res) {
      int64_t h = std::stoll(req.get_param_value("height"));
      int page = std::stoi(req.get_param_value("page"));
      json all = Fixture()["heights"][h - 1]["validators"];
      json page_vals = json::array();
      for (int i = (page - 1) * 2; i < page * 2 && i < static_cast<int>(all["validators"].size());
           ++i) {
        page_vals.push_back(all["validators"][i]);
      }
      ++pages_served;
      all["validators"] = page_vals;
      all["count"] = std::to_string(page_vals.size());
      if (lie_total) all["total"] = "9";
      res.set_content(Rpc(all).dump(), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~FakeRpc() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  size_t pad_bytes = 0;
  bool lie_total = false;
  int pages_served = 0;

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST(RpcProvider, FetchesPagedValidatorsAndHeaders) {
  FakeRpc rpc;
  RpcProvider p(rpc.url());
  auto b = p.Fetch(4);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(rpc.pages_served, 2);
  EXPECT_EQ(b->validators.validators.size(), 4u);
  EXPECT_EQ(ToHex(ValidatorSetHash(b->validators)), ToHex(b->signed_header.header.validators_hash));
  EXPECT_EQ(ToHex(HeaderHash(b->signed_header.header)),
            ToHex(b->signed_header.commit.block_id.hash));
}

TEST(RpcProvider, MissingHeightIsNotFound) {
  FakeRpc rpc;
  RpcProvider p(rpc.url());
  auto b = p.Fetch(7);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), Code::kNotFound) << b.status().ToString();
}

TEST(RpcProvider, AnswerOverTheCapIsRefusedWhileReading) {
  FakeRpc rpc;
  rpc.pad_bytes = 64 * 1024;
  RpcProvider p(rpc.url(), 5000, 32 * 1024);
  auto b = p.Fetch(2);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), Code::kOutOfRange) << b.status().ToString();
}

TEST(RpcProvider, PagesThatNeverReachTheTotalAreRefused) {
  FakeRpc rpc;
  rpc.lie_total = true;  // claims 9 validators, serves 4
  RpcProvider p(rpc.url());
  auto b = p.Fetch(3);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), Code::kParse) << b.status().ToString();
  EXPECT_LE(rpc.pages_served, 4);
}

TEST(RpcProvider, UnreachableIsUnavailable) {
  RpcProvider p("http://127.0.0.1:1", 500);
  auto b = p.Fetch(1);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), Code::kUnavailable) << b.status().ToString();
}

}  // namespace
}  // namespace vinet::light
