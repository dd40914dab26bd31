// The node's HTTP request bodies (http_body.h) as POST /v1/infer reads them:
// limits before work, and a maximal legal body parsed in linear time.
#include "vinet/node/http_body.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "unit/common/growth.h"
#include "vinet/protocol/request.h"
#include "vinet/protocol/tensor_map_json.h"

namespace vinet::node {
namespace {

using json = nlohmann::json;

std::string RequestJson() {
  protocol::InferenceRequest r;
  r.chain_id = "c";
  r.nonce = 1;
  r.timestamp_ms = 1;
  r.expires_ms = 2;
  r.model_id = "m";
  r.input_hash = Bytes(32, 7);
  return protocol::SignedRequestToJson(protocol::SignRequest(r, crypto::SecretKey::Generate()));
}

// {"request": ..., "inputs": {"x": {"shape": [n], "data": [n numbers]}}} of
// about `bytes` bytes; `n` is set.
std::string InferBody(size_t bytes, size_t& n) {
  std::string head = R"({"request": )" + RequestJson() + R"(, "inputs": {"x": {"shape": [)";
  const std::string number = "-1.2345678e-05,";  // f32-sized text: fewer, costlier numbers
  n = (bytes - head.size() - 64) / number.size();
  std::string body = head + std::to_string(n) + R"(], "data": [)";
  body.reserve(bytes);
  for (size_t i = 0; i < n; ++i) body += number;
  body.back() = ']';
  body += R"(, "dtype": "f32"}}})";
  return body;
}

// What Node::Infer does with a body before looking at the request's content.
void ParseAll(const std::string& text, size_t expect_values) {
  auto body = ParseBody(text);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_TRUE(protocol::SignedRequestFromJson((*body)["request"].dump()).ok());
  auto inputs = protocol::TensorMapFromJson((*body)["inputs"]);
  ASSERT_TRUE(inputs.ok()) << inputs.status().ToString();
  EXPECT_EQ((*inputs)[0].data.size(), expect_values * 4);
}

TEST(HttpBody, MaximalInferBodyParsesInLinearTime) {
  size_t n_full = 0, n_half = 0;
  std::string full = InferBody(kMaxBodyBytes, n_full), half = InferBody(kMaxBodyBytes / 2, n_half);
  ASSERT_LE(full.size(), kMaxBodyBytes);
  ASSERT_GT(full.size(), kMaxBodyBytes - 100);
  double ratio = vinet::testing::GrowthRatio([&] { ParseAll(half, n_half); },
                                             [&] { ParseAll(full, n_full); }, 2);
  std::printf("infer body: %zu -> %zu bytes, ratio %.2f\n", half.size(), full.size(), ratio);
  EXPECT_LE(ratio, 2.5) << "doubling the body took " << ratio << "x as long";
}

TEST(HttpBody, RefusesALongerBody) {
  auto r = ParseBody(std::string(kMaxBodyBytes + 1, ' '));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kParse);
  EXPECT_EQ(r.status().message(), "body: " + std::to_string(kMaxBodyBytes + 1) +
                                      " bytes exceed the limit of " +
                                      std::to_string(kMaxBodyBytes));
}

// A few MB of nesting used to reach the tensor parser (one stack frame per
// level) and nlohmann's dump of "request": refused before parsing.
TEST(HttpBody, RefusesDeepNestingBeforeParsing) {
  std::string prefix = R"({"request": {}, "inputs": {"x": )";  // depth 2 here
  auto r = ParseBody(prefix + std::string(4u << 20, '['));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "body: nested deeper than 64 levels at byte " + std::to_string(prefix.size() + 62));
}

TEST(HttpBody, TensorArraysDeeperThanRank32AreRefused) {
  std::string x = std::string(40, '[') + "1" + std::string(40, ']');
  auto body = ParseBody(R"({"inputs": {"x": )" + x + "}}");
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  auto t = protocol::TensorMapFromJson((*body)["inputs"]);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "tensor x: arrays nested deeper than 32");
}

}  // namespace
}  // namespace vinet::node
