// CometBFT websocket frames as the client and node read them (event_frame.h):
// limits before work, what each kind of frame gives, and a maximal legal
// frame parsed in linear time.
#include "vinet/client/event_frame.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "unit/common/growth.h"

namespace vinet::client {
namespace {

const std::string kId(64, 'a');

std::string ClaimEventJson(const std::string& id, const std::string& status) {
  return R"({"type": "vinet.claim", "attributes": [{"key": "id", "value": ")" + id +
         R"(", "index": true}, {"key": "status", "value": ")" + status +
         R"(", "index": true}, {"key": "height", "value": "42", "index": true}]})";
}

// A tx event frame of about `bytes` bytes: vinet.claim events of other ids,
// then ours (the parser must walk all of them).
std::string TxFrame(size_t bytes) {
  std::string head =
      R"({"jsonrpc": "2.0", "id": 1, "result": {"query": "q", )"
      R"("data": {"type": "tendermint/event/Tx", )"
      R"("value": {"TxResult": {"height": "42", "tx": "AAAA", "result": {"events": [)";
  std::string tail = ClaimEventJson(kId, "SETTLED") +
                     R"(]}}}}, "events": {"tx.hash": ["ABCDEF"], "tm.event": ["Tx"]}}})";
  std::string other = ClaimEventJson(std::string(64, 'b'), "PENDING") + ", ";
  std::string frame = head;
  frame.reserve(bytes);
  while (frame.size() + other.size() + tail.size() <= bytes) frame += other;
  return frame + tail;
}

void FindOurs(const std::string& text) {
  auto event = ParseEventFrame(text);
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  ASSERT_TRUE(event->has_value());
  auto claim = ClaimEventFor(**event, kId);
  ASSERT_TRUE(claim.has_value());
  EXPECT_EQ(claim->status, "SETTLED");
  EXPECT_EQ(claim->height, 42);
  EXPECT_EQ(claim->tx_hash, "ABCDEF");
}

TEST(EventFrame, MaximalTxEventFrameParsesInLinearTime) {
  std::string full = TxFrame(kMaxFrameBytes), half = TxFrame(kMaxFrameBytes / 2);
  ASSERT_LE(full.size(), kMaxFrameBytes);
  double ratio = vinet::testing::GrowthRatio([&] { FindOurs(half); }, [&] { FindOurs(full); }, 3);
  std::printf("event frame: %zu -> %zu bytes, ratio %.2f\n", half.size(), full.size(), ratio);
  EXPECT_LE(ratio, 2.5) << "doubling the frame took " << ratio << "x as long";
}

TEST(EventFrame, AckAndOtherAnswersAreNoEvent) {
  auto ack = ParseEventFrame(R"({"jsonrpc": "2.0", "id": 1, "result": {}})");
  ASSERT_TRUE(ack.ok());
  EXPECT_FALSE(ack->has_value());
  auto array = ParseEventFrame("[1, 2]");
  ASSERT_TRUE(array.ok());
  EXPECT_FALSE(array->has_value());
}

TEST(EventFrame, ErrorAnswerIsUnavailableWithTheMessage) {
  auto r = ParseEventFrame(
      R"({"jsonrpc": "2.0", "id": 1, "error": {"code": -32603, "message": "boom"}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_NE(r.status().message().find("boom"), std::string::npos);
}

TEST(EventFrame, LimitsComeBeforeParsing) {
  auto deep = ParseEventFrame(std::string(1u << 20, '['));
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().code(), Code::kParse);
  EXPECT_EQ(deep.status().message(),
            "chain websocket frame: nested deeper than 64 levels at byte 64");
  auto big = ParseEventFrame(std::string(kMaxFrameBytes + 1, ' '));
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("exceed the limit"), std::string::npos);
  auto junk = ParseEventFrame("{\"result\": ");
  ASSERT_FALSE(junk.ok());
  EXPECT_NE(junk.status().message().find("chain websocket frame: not JSON"), std::string::npos);
}

TEST(EventFrame, UnexpectedShapesAreNotOurEvent) {
  for (const char* text :
       {R"({"result": {"data": 1}})",
        R"({"result": {"data": {"value": {"TxResult": {"result": {"events": 5}}}}}})",
        R"({"result": {"data": {"value": {"TxResult": {"result": {"events": [1, {"type": 2}]})"
        R"(}}}}})"}) {
    auto event = ParseEventFrame(text);
    ASSERT_TRUE(event.ok() && event->has_value()) << text;
    EXPECT_FALSE(ClaimEventFor(**event, kId).has_value()) << text;
  }
}

}  // namespace
}  // namespace vinet::client
