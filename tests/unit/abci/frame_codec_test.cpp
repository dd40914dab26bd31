// The ABCI frame codec: varints, frames, and the strict RequestReader.
#include "abci/frame_codec.h"

#include <gtest/gtest.h>

#include <limits>

namespace vinet::abci {
namespace {

namespace pb = ::tendermint::abci;

std::string Varint(uint64_t v) {
  std::string out;
  AppendUvarint(v, out);
  return out;
}

pb::Request Echo(const std::string& message) {
  pb::Request r;
  r.mutable_echo()->set_message(message);
  return r;
}

std::string Frame(const pb::Request& r) {
  std::string out;
  AppendFrame(r, out);
  return out;
}

// Feeds `bytes` and returns the status of the first failing Next().
Status FirstError(const std::string& bytes, size_t max = 1 << 20) {
  RequestReader reader(max);
  reader.Append(AsBytes(bytes));
  for (;;) {
    auto next = reader.Next();
    if (!next.ok()) return next.status();
    if (!next->has_value()) return reader.Finish();
  }
}

TEST(Uvarint, RoundTripsBoundaries) {
  const uint64_t values[] = {0,
                             1,
                             127,
                             128,
                             255,
                             300,
                             16383,
                             16384,
                             (1u << 21) - 1,
                             1u << 21,
                             UINT32_MAX,
                             1ull << 35,
                             1ull << 63,
                             std::numeric_limits<uint64_t>::max()};
  for (uint64_t v : values) {
    const std::string enc = Varint(v);
    auto dec = DecodeUvarint(AsBytes(enc));
    ASSERT_TRUE(dec.ok()) << v << ": " << dec.status().ToString();
    ASSERT_TRUE(dec->has_value()) << v;
    EXPECT_EQ((*dec)->value, v);
    EXPECT_EQ((*dec)->size, enc.size());
  }
  EXPECT_EQ(Varint(0), std::string("\x00", 1));
  EXPECT_EQ(Varint(300), "\xac\x02");
  EXPECT_EQ(Varint(std::numeric_limits<uint64_t>::max()).size(), 10u);
}

TEST(Uvarint, IncompleteNeedsMoreBytes) {
  for (const std::string& enc : {std::string(""), std::string("\x80"), std::string(9, '\xff')}) {
    auto dec = DecodeUvarint(AsBytes(enc));
    ASSERT_TRUE(dec.ok()) << dec.status().ToString();
    EXPECT_FALSE(dec->has_value()) << enc.size();
  }
}

TEST(Uvarint, RejectsOverlongEncodings) {
  auto dec = DecodeUvarint(AsBytes(std::string("\x80\x00", 2)));
  ASSERT_FALSE(dec.ok());
  EXPECT_EQ(dec.status().code(), Code::kParse);
  EXPECT_NE(dec.status().message().find("not minimally encoded"), std::string::npos);
  dec = DecodeUvarint(AsBytes(std::string("\x81\x80\x80\x00", 4)));
  ASSERT_FALSE(dec.ok());
  EXPECT_NE(dec.status().message().find("4 bytes"), std::string::npos);
}

TEST(Uvarint, RejectsMoreThanTenBytes) {
  auto dec = DecodeUvarint(AsBytes(std::string(10, '\x80')));
  ASSERT_FALSE(dec.ok());
  EXPECT_EQ(dec.status().code(), Code::kParse);
  EXPECT_NE(dec.status().message().find("longer than 10 bytes"), std::string::npos);
  dec = DecodeUvarint(AsBytes(std::string(11, '\x81')));
  ASSERT_FALSE(dec.ok());
}

TEST(Uvarint, RejectsOverflowInTenthByte) {
  std::string enc(9, '\xff');
  enc.push_back('\x02');  // would be bit 64
  auto dec = DecodeUvarint(AsBytes(enc));
  ASSERT_FALSE(dec.ok());
  EXPECT_NE(dec.status().message().find("overflows 64 bits"), std::string::npos);
}

TEST(RequestReader, RoundTripsManyFramesFedByteByByte) {
  std::string stream;
  for (int i = 0; i < 50; ++i) stream += Frame(Echo("message " + std::to_string(i)));
  pb::Request big;
  big.mutable_check_tx()->set_tx(std::string(100000, 'x'));
  stream += Frame(big);
  RequestReader reader(1 << 20);
  std::vector<pb::Request> got;
  for (char c : stream) {
    reader.Append(AsBytes(std::string_view(&c, 1)));
    auto next = reader.Next();
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    if (next->has_value()) got.push_back(**next);
  }
  ASSERT_EQ(got.size(), 51u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(got[i].echo().message(), "message " + std::to_string(i));
  EXPECT_EQ(got[50].check_tx().tx().size(), 100000u);
  EXPECT_TRUE(reader.Finish().ok());
  EXPECT_EQ(reader.offset(), stream.size());
}

TEST(RequestReader, AllFramesInOneAppend) {
  std::string stream = Frame(Echo("a")) + Frame(Echo("b"));
  RequestReader reader(1024);
  reader.Append(AsBytes(stream));
  auto a = reader.Next();
  auto b = reader.Next();
  auto none = reader.Next();
  ASSERT_TRUE(a.ok() && b.ok() && none.ok());
  EXPECT_EQ((*a)->echo().message(), "a");
  EXPECT_EQ((*b)->echo().message(), "b");
  EXPECT_FALSE(none->has_value());
}

TEST(RequestReader, RejectsOverlongLengthWithOffset) {
  const std::string stream = Frame(Echo("ok")) + std::string("\x85\x00", 2);
  const Status s = FirstError(stream);
  EXPECT_EQ(s.code(), Code::kParse);
  EXPECT_NE(s.message().find("stream offset " + std::to_string(Frame(Echo("ok")).size())),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("not minimally encoded"), std::string::npos) << s.message();
}

TEST(RequestReader, RejectsElevenByteLength) {
  const Status s = FirstError(std::string(11, '\x80'));
  EXPECT_EQ(s.code(), Code::kParse);
  EXPECT_NE(s.message().find("longer than 10 bytes"), std::string::npos) << s.message();
}

TEST(RequestReader, RejectsLengthAboveMax) {
  const Status s = FirstError(Varint(1025) + "x", 1024);
  EXPECT_EQ(s.code(), Code::kOutOfRange);
  EXPECT_NE(s.message().find("length 1025 exceeds max_message_bytes 1024"), std::string::npos)
      << s.message();
  // Exactly max is fine.
  pb::Request r;
  r.mutable_check_tx()->set_tx(std::string(1000, 'y'));
  const std::string frame = Frame(r);
  EXPECT_TRUE(FirstError(frame, frame.size() - 2).ok());
  EXPECT_EQ(FirstError(frame, frame.size() - 3).code(), Code::kOutOfRange);
}

TEST(RequestReader, RejectsHugeLengthBeforeBuffering) {
  const Status s = FirstError(Varint(std::numeric_limits<uint64_t>::max()));
  EXPECT_EQ(s.code(), Code::kOutOfRange);
}

TEST(RequestReader, TruncatedPayloadAtEnd) {
  const std::string frame = Frame(Echo("hello world"));
  const Status s = FirstError(frame.substr(0, frame.size() - 3));
  EXPECT_EQ(s.code(), Code::kParse);
  EXPECT_NE(s.message().find("truncated: stream ended after 12 of 15 payload bytes"),
            std::string::npos)
      << s.message();
}

TEST(RequestReader, TruncatedInsideLength) {
  const Status s = FirstError(Frame(Echo("x")) + "\x80");
  EXPECT_EQ(s.code(), Code::kParse);
  EXPECT_NE(s.message().find("inside the length varint"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("stream offset 6"), std::string::npos) << s.message();
}

TEST(RequestReader, RejectsBadProtobuf) {
  // Field 1 (echo) as length-delimited with a length past the payload end.
  const std::string payload("\x0a\x05\x0a\x01", 4);
  const Status s = FirstError(Varint(payload.size()) + payload);
  EXPECT_EQ(s.code(), Code::kParse);
  EXPECT_NE(s.message().find("not a valid tendermint.abci.Request"), std::string::npos)
      << s.message();
}

TEST(RequestReader, RejectsEmptyRequest) {
  const Status s = FirstError(std::string("\x00", 1));
  EXPECT_EQ(s.code(), Code::kParse);
  EXPECT_NE(s.message().find("no value set"), std::string::npos) << s.message();
}

TEST(RequestReader, RejectsReservedMethodField) {
  // Field 4 (reserved, old SetOption) as an empty message: parses, but no value.
  const std::string payload("\x22\x00", 2);
  const Status s = FirstError(Varint(payload.size()) + payload);
  EXPECT_EQ(s.code(), Code::kParse);
  EXPECT_NE(s.message().find("no value set"), std::string::npos) << s.message();
}

TEST(RequestReader, StaysPoisonedAfterError) {
  RequestReader reader(1024);
  reader.Append(AsBytes(std::string("\x00", 1)));
  EXPECT_FALSE(reader.Next().ok());
  reader.Append(AsBytes(Frame(Echo("later"))));
  EXPECT_FALSE(reader.Next().ok());
  EXPECT_FALSE(reader.Finish().ok());
}

TEST(Frame, ResponseRoundTrip) {
  pb::Response resp;
  resp.mutable_check_tx()->set_code(7);
  resp.mutable_check_tx()->set_log("nope");
  std::string out;
  AppendFrame(resp, out);
  auto header = DecodeUvarint(AsBytes(out));
  ASSERT_TRUE(header.ok() && header->has_value());
  ASSERT_EQ((*header)->size + (*header)->value, out.size());
  pb::Response back;
  ASSERT_TRUE(back.ParseFromString(out.substr((*header)->size)));
  EXPECT_EQ(back.check_tx().code(), 7u);
  EXPECT_EQ(back.check_tx().log(), "nope");
}

}  // namespace
}  // namespace vinet::abci
