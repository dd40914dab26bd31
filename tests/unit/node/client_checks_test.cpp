// The C++ client's checks before signing (client/model_checks.h) and its
// mapping of node answers: 4xx keep their code, 5xx are kUnavailable, and
// known fixes are hinted. The node is a fake httplib server.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cmath>
#include <cstring>
#include <thread>

#include <nlohmann/json.hpp>

#include "vinet/client/client.h"

namespace vinet::client {
namespace {

using json = nlohmann::json;
using protocol::Mode;
using protocol::NamedTensor;

ModelInfo Model() {
  ModelInfo m;
  m.model_id = std::string(64, 'a');
  m.inputs["x"] = {-1, 2};
  m.input_dtypes["x"] = "f32";
  m.modes = {Mode::kVanilla, Mode::kTee};
  m.fee = 10;
  return m;
}

template <typename T>
NamedTensor Tensor(const std::string& dtype, std::vector<int64_t> shape, std::vector<T> values) {
  NamedTensor t{"x", dtype, std::move(shape), Bytes(values.size() * sizeof(T))};
  std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

TEST(ClientChecks, ModelModeAndFee) {
  EXPECT_TRUE(CheckModel(Model(), Mode::kTee, 10).ok());
  auto zk = CheckModel(Model(), Mode::kZkml, 10);
  EXPECT_EQ(zk.code(), Code::kUnsupported);
  EXPECT_NE(zk.message().find("served in: VANILLA, TEE"), std::string::npos) << zk.message();
  auto fee = CheckModel(Model(), Mode::kVanilla, 9);
  EXPECT_EQ(fee.code(), Code::kInvalidArgument);
  EXPECT_NE(fee.message().find("model's fee 10 (hint: set ClientOptions::max_fee >= 10)"),
            std::string::npos)
      << fee.message();
  ModelInfo unregistered = Model();
  unregistered.fee.reset();
  EXPECT_EQ(CheckModel(unregistered, Mode::kVanilla, 100).code(), Code::kNotFound);
}

TEST(ClientChecks, InputsAreCastAndChecked) {
  auto cast = PrepareInputs(Model(), {Tensor<double>("f64", {1, 2}, {0.1, -2.5})});
  ASSERT_TRUE(cast.ok()) << cast.status().ToString();
  EXPECT_EQ(cast->front(), protocol::F32Tensor("x", {1, 2}, {0.1f, -2.5f}));
  auto ints = PrepareInputs(Model(), {Tensor<int64_t>("i64", {3, 2}, {1, 2, 3, 4, 5, 6})});
  ASSERT_TRUE(ints.ok());
  EXPECT_EQ(ints->front().dtype, "f32");

  auto shape = PrepareInputs(Model(), {Tensor<float>("f32", {1, 3}, {1, 2, 3})});
  EXPECT_EQ(shape.status().code(), Code::kOutOfRange);
  EXPECT_NE(shape.status().message().find("shape [1, 3] does not match the model's [N, 2]"),
            std::string::npos)
      << shape.status().ToString();
  auto nan = PrepareInputs(Model(), {Tensor<float>("f32", {1, 2}, {1, NAN})});
  EXPECT_EQ(nan.status().code(), Code::kInvalidArgument);
  EXPECT_NE(nan.status().message().find("flat index 1 is not finite"), std::string::npos);
  auto inf = PrepareInputs(Model(), {Tensor<double>("f64", {1, 2}, {1e300, 1})});
  EXPECT_NE(inf.status().message().find("beyond f32's range"), std::string::npos);
  NamedTensor y = Tensor<float>("f32", {1, 2}, {1, 2});
  y.name = "y";
  auto names = PrepareInputs(Model(), {y});
  EXPECT_NE(names.status().message().find("takes exactly [x]"), std::string::npos);
}

TEST(ClientChecks, SizeIsRefusedFromTheCountBeforeAnyPass) {
  // 40 M floats (160 MB): the declared data is all zeros; refused by count.
  NamedTensor big{"x", "f32", {20'000'000, 2}, Bytes(size_t{160'000'000})};
  auto r = PrepareInputs(Model(), {big});
  EXPECT_EQ(r.status().code(), Code::kOutOfRange);
  EXPECT_NE(r.status().message().find("request limit of 64.0 MiB (67108864 bytes"),
            std::string::npos)
      << r.status().ToString();
  // 2 M doubles under a 16 MiB limit: the count fits (2 bytes each), their
  // JSON (~19 bytes each) does not; refused from a sample, stated as an estimate.
  std::vector<double> values(2'000'000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = 0.1 + static_cast<double>(i) * 1e-7;
  auto many =
      PrepareInputs(Model(), {Tensor<double>("f64", {1'000'000, 2}, values)}, size_t{16} << 20);
  EXPECT_EQ(many.status().code(), Code::kOutOfRange);
  EXPECT_NE(many.status().message().find("inputs: about "), std::string::npos)
      << many.status().ToString();
  // A body the estimate cannot decide is measured once encoded, before sending.
  EXPECT_TRUE(CheckBodySize(kMaxBodyBytes).ok());
  auto over = CheckBodySize(kMaxBodyBytes + 1);
  EXPECT_EQ(over.code(), Code::kOutOfRange);
  EXPECT_NE(over.message().find("not sent"), std::string::npos);
}

TEST(ClientChecks, ParseModels) {
  auto models = ParseModels(json::parse(R"({"object":"list","data":[
      {"id":"m","kind":"onnx","inputs":{"x":[1,4]},"input_dtypes":{"x":"f32"},
       "modes":["VANILLA","ZKML"],"fee":3},
      {"id":"chat","kind":"llm","modes":["TEE"],"fee":null}]})"));
  ASSERT_TRUE(models.ok()) << models.status().ToString();
  ASSERT_EQ(models->size(), 2u);
  EXPECT_EQ((*models)[0].inputs.at("x"), (std::vector<int64_t>{1, 4}));
  EXPECT_EQ((*models)[0].modes, (std::vector<Mode>{Mode::kVanilla, Mode::kZkml}));
  EXPECT_EQ((*models)[0].fee, 3u);
  EXPECT_FALSE((*models)[1].fee.has_value());
  EXPECT_EQ(ParseModels(json::parse(R"([{"inputs":{}}])")).status().code(), Code::kParse);
  EXPECT_EQ(ParseModels(json::parse(R"([{"id":"m","inputs":{"x":"no"}}])")).status().code(),
            Code::kParse);
}

// A node whose /v1/infer answers with a fixed status and body.
class RefusingNode {
 public:
  RefusingNode(int status, std::string body) : status_(status), body_(std::move(body)) {
    server_.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(json{{"chain_id", "c"}, {"node_pubkey", ToHex(key_.public_key())}}.dump(),
                      "application/json");
    });
    server_.Get("/v1/models", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(
          json::array(
              {{{"id", "m"}, {"inputs", {{"x", {1, 2}}}}, {"modes", {"VANILLA"}}, {"fee", 1}}})
              .dump(),
          "application/json");
    });
    server_.Post("/v1/infer", [this](const httplib::Request&, httplib::Response& res) {
      ++posts;
      res.status = status_;
      res.set_content(body_, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~RefusingNode() {
    server_.stop();
    thread_.join();
  }
  Client MakeClient() {
    ClientOptions o;
    o.node_url = "http://127.0.0.1:" + std::to_string(port_);
    return Client(o, crypto::SecretKey::Generate());
  }
  int posts = 0;

 private:
  int status_;
  std::string body_;
  crypto::SecretKey key_ = crypto::SecretKey::Generate();
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

std::vector<NamedTensor> Good() {
  return {protocol::F32Tensor("x", {1, 2}, {1, 2})};
}

TEST(ClientChecks, NodeAnswersMapByStatus) {
  struct Case {
    int status;
    std::string body;
    Code code;
    std::string words;
  };
  std::vector<Case> cases = {
      {402, R"({"error":{"code":"insufficient_funds","message":"client a has 0"}})",
       Code::kInsufficientFunds, "vinet tx transfer"},
      {400, R"({"error":{"code":"invalid_argument","message":"enclave: input 'x': shape"}})",
       Code::kInvalidArgument, "enclave: input 'x'"},
      {500, R"({"error":{"code":"internal","message":"boom"}})", Code::kUnavailable, "boom"},
      {503, "<html>busy</html>", Code::kUnavailable, "HTTP 503"},
      {413, "", Code::kOutOfRange, "request limit"},
  };
  for (const auto& c : cases) {
    RefusingNode node(c.status, c.body);
    Client client = node.MakeClient();
    auto r = client.Infer("m", Good(), Mode::kVanilla);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), c.code) << c.status << " " << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.words), std::string::npos) << r.status().ToString();
    EXPECT_NE(r.status().message().find("inference " + client.last_inference_id()),
              std::string::npos);
  }
}

TEST(ClientChecks, LocalRefusalsSendNothingAndHaveNoId) {
  RefusingNode node(200, "{}");
  Client client = node.MakeClient();
  auto unknown = client.Infer("other", Good(), Mode::kVanilla);
  EXPECT_EQ(unknown.status().code(), Code::kNotFound);
  EXPECT_NE(unknown.status().message().find("hint"), std::string::npos);
  EXPECT_EQ(client.Infer("m", Good(), Mode::kTee).status().code(), Code::kUnsupported);
  EXPECT_EQ(client.Infer("m", {protocol::F32Tensor("x", {2, 2}, {1, 2, 3, 4})}, Mode::kVanilla)
                .status()
                .code(),
            Code::kOutOfRange);
  EXPECT_EQ(node.posts, 0);
  EXPECT_TRUE(client.last_inference_id().empty());
}

}  // namespace
}  // namespace vinet::client
