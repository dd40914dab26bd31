// The C++ client after a timeout (issue 12, finding 10): once a request is
// signed every Infer error names its inference id, and Fetch gets the stored
// answer from the node (GET /v1/inferences/<id>) so Verify applies. The node
// is a fake httplib server that serves, stores and answers late.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "vinet/client/client.h"
#include "vinet/protocol/tensor_map_json.h"

namespace vinet::client {
namespace {

using json = nlohmann::json;

class LateNode {
 public:
  explicit LateNode(int delay_ms) : delay_ms_(delay_ms) {
    server_.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(json{{"chain_id", "c"}, {"node_pubkey", ToHex(key_.public_key())}}.dump(),
                      "application/json");
    });
    server_.Post("/v1/infer", [this](const httplib::Request& req, httplib::Response& res) {
      json body = json::parse(req.body);
      auto sr = protocol::SignedRequestFromJson(body["request"].dump());
      auto inputs = protocol::TensorMapFromJson(body["inputs"]);
      if (!sr.ok() || !inputs.ok()) {
        res.status = 400;
        return;
      }
      protocol::Receipt r;
      auto id = protocol::InferenceId(*sr);
      r.inference_id = Bytes(id.begin(), id.end());
      r.model_id = sr->request.model_id;
      r.mode = sr->request.mode;
      r.input_hash = sr->request.input_hash;
      r.outputs = *inputs;  // identity model
      auto oh = protocol::TensorsHash(r.outputs);
      r.output_hash = Bytes(oh.begin(), oh.end());
      r.node_id = Bytes(key_.public_key().begin(), key_.public_key().end());
      ASSERT_TRUE(protocol::SignAsNode(r, key_).ok());
      json answer = {{"inference_id", ToHex(r.inference_id)},
                     {"outputs", protocol::TensorMapToJson(r.outputs)},
                     {"receipt", json::parse(protocol::ReceiptToJson(r))}};
      {
        std::lock_guard lock(mu_);
        stored_[ToHex(r.inference_id)] = answer;  // durable before answering
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
      res.set_content(answer.dump(), "application/json");
    });
    server_.Get(R"(/v1/inferences/([0-9a-f]{64}))", [this](const httplib::Request& req,
                                                           httplib::Response& res) {
      std::lock_guard lock(mu_);
      auto it = stored_.find(req.matches[1].str());
      if (it == stored_.end()) {
        res.status = 404;
        res.set_content(
            json{{"error", {{"code", "not_found"}, {"message", "no inference"}}}}.dump(),
            "application/json");
        return;
      }
      res.set_content(it->second.dump(), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~LateNode() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int delay_ms_;
  crypto::SecretKey key_ = crypto::SecretKey::Generate();
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::map<std::string, json> stored_;
};

std::vector<protocol::NamedTensor> Inputs() {
  protocol::NamedTensor t{"x", "f32", {1, 2}, Bytes(8)};
  float v[2] = {1.5f, -2.0f};
  std::memcpy(t.data.data(), v, sizeof(v));
  return {t};
}

TEST(ClientTimeout, ErrorNamesTheIdAndFetchReturnsTheVerifiedAnswer) {
  LateNode node(1500);
  ClientOptions o;
  o.node_url = node.url();
  o.read_timeout_ms = 300;
  Client c(o, crypto::SecretKey::Generate());
  auto r = c.Infer("m", Inputs(), protocol::Mode::kVanilla);
  ASSERT_FALSE(r.ok());
  const std::string id = c.last_inference_id();
  ASSERT_EQ(id.size(), 64u);
  EXPECT_NE(r.status().message().find("inference " + id), std::string::npos)
      << r.status().ToString();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto fetched = c.Fetch(id);
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  EXPECT_EQ(fetched->inference_id, id);
  EXPECT_EQ(fetched->outputs, Inputs());
  EXPECT_TRUE(c.Verify(*fetched).ok());  // request and inputs kept from signing
  auto unknown = c.Fetch(std::string(64, 'a'));
  EXPECT_EQ(unknown.status().code(), Code::kNotFound);
}

TEST(ClientTimeout, ErrorsBeforeSigningHaveNoId) {
  ClientOptions o;
  o.node_url = "http://127.0.0.1:1";  // nothing listens: /healthz fails before signing
  Client c(o, crypto::SecretKey::Generate());
  auto r = c.Infer("m", Inputs(), protocol::Mode::kVanilla);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(c.last_inference_id().empty());
  EXPECT_EQ(r.status().message().find("inference "), std::string::npos);
}

}  // namespace
}  // namespace vinet::client
