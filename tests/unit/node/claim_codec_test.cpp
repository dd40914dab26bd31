#include "vinet/node/claim_codec.h"

#include <gtest/gtest.h>

namespace vinet::node {
namespace {

ClaimRecord Full() {
  ClaimRecord c;
  c.id_hex = std::string(64, 'a');
  c.request = {1, 2, 3, 0, 255};
  c.receipt = {4, 5};
  c.outputs = {6};
  c.chat = R"({"text":"hi"})";
  c.status = "SUBMITTED";
  c.client = "c1";
  c.model_id = "m";
  c.mode = protocol::Mode::kTee;
  c.fee = 0xfedcba9876543210ull;
  c.tx_hash = "AB";
  c.height = 12;
  c.accepted_ms = -3;
  c.submitted_ms = 1'700'000'000'000;
  c.settled_ms = 7;
  return c;
}

void ExpectSame(const ClaimRecord& a, const ClaimRecord& b) {
  EXPECT_EQ(a.id_hex, b.id_hex);
  EXPECT_EQ(a.request, b.request);
  EXPECT_EQ(a.receipt, b.receipt);
  EXPECT_EQ(a.outputs, b.outputs);
  EXPECT_EQ(a.chat, b.chat);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.client, b.client);
  EXPECT_EQ(a.model_id, b.model_id);
  EXPECT_EQ(a.mode, b.mode);
  EXPECT_EQ(a.fee, b.fee);
  EXPECT_EQ(a.tx_hash, b.tx_hash);
  EXPECT_EQ(a.height, b.height);
  EXPECT_EQ(a.accepted_ms, b.accepted_ms);
  EXPECT_EQ(a.submitted_ms, b.submitted_ms);
  EXPECT_EQ(a.settled_ms, b.settled_ms);
}

TEST(ClaimCodec, RoundTripsEveryField) {
  ClaimRecord c = Full();
  auto back = DecodeClaimRecord(EncodeClaimRecord(c));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(c, *back);
  auto empty = DecodeClaimRecord(EncodeClaimRecord(ClaimRecord{}));
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  ExpectSame(ClaimRecord{}, *empty);
}

TEST(ClaimCodec, ReadsTheJsonRecordsOfEarlierNodes) {
  ClaimRecord c = Full();
  auto back = DecodeClaimRecord(ClaimToJson(c));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(c, *back);
}

TEST(ClaimCodec, BinaryIsSmallerThanJson) {
  ClaimRecord c = Full();
  c.request.assign(300, 7);
  c.receipt.assign(400, 8);
  EXPECT_LT(EncodeClaimRecord(c).size() * 2, ClaimToJson(c).size() + 100);
}

TEST(ClaimCodec, EveryTruncationIsRefusedWithAnOffset) {
  std::string rec = EncodeClaimRecord(Full());
  for (size_t n = 0; n < rec.size(); ++n) {
    auto r = DecodeClaimRecord(std::string_view(rec).substr(0, n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), Code::kParse);
    EXPECT_NE(r.status().message().find("claim record"), std::string::npos);
    if (n >= 2) {
      EXPECT_NE(r.status().message().find("byte"), std::string::npos) << n;
    }
  }
}

TEST(ClaimCodec, RefusesBadHeaderModeLengthAndTrailingBytes) {
  std::string rec = EncodeClaimRecord(Full());
  std::string bad = rec;
  bad[0] = 'x';
  EXPECT_NE(DecodeClaimRecord(bad).status().message().find("magic"), std::string::npos);
  bad = rec;
  bad[1] = 9;
  EXPECT_NE(DecodeClaimRecord(bad).status().message().find("version 9"), std::string::npos);
  bad = rec + "z";
  EXPECT_NE(DecodeClaimRecord(bad).status().message().find("1 trailing bytes"), std::string::npos);
  // The id's length claims 4 GiB: refused before any copy.
  bad = rec;
  bad[2] = static_cast<char>(0xff);
  auto r = DecodeClaimRecord(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("id: length"), std::string::npos) << r.status().message();
  // The mode byte sits 41 bytes before the end (five 8-byte integers after it).
  bad = rec;
  bad[bad.size() - 41] = 3;
  r = DecodeClaimRecord(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("mode: unknown value 3"), std::string::npos)
      << r.status().message();
}

TEST(ClaimCodec, StatusRecordCarriesOnlyTheStatusFields) {
  ClaimRecord c = Full();
  std::string rec = EncodeClaimStatus(c);
  EXPECT_LT(rec.size(), 64u);
  ClaimRecord into;
  into.request = {9};
  ASSERT_TRUE(DecodeClaimStatus(rec, &into).ok());
  EXPECT_EQ(into.status, "SUBMITTED");
  EXPECT_EQ(into.tx_hash, "AB");
  EXPECT_EQ(into.height, 12);
  EXPECT_EQ(into.submitted_ms, 1'700'000'000'000);
  EXPECT_EQ(into.settled_ms, 7);
  EXPECT_EQ(into.request, Bytes{9});  // the rest of the claim is left as it was
  EXPECT_EQ(into.accepted_ms, 0);
}

TEST(ClaimCodec, StatusRecordRefusesTruncationHeaderAndTrailingBytes) {
  std::string rec = EncodeClaimStatus(Full());
  for (size_t n = 0; n < rec.size(); ++n) {
    ClaimRecord into;
    Status s = DecodeClaimStatus(std::string_view(rec).substr(0, n), &into);
    ASSERT_FALSE(s.ok()) << n;
    EXPECT_EQ(s.code(), Code::kParse);
    EXPECT_NE(s.message().find("claim status"), std::string::npos) << s.message();
    if (n >= 2) {
      EXPECT_NE(s.message().find("byte"), std::string::npos) << n;
    }
    EXPECT_EQ(into.status, "ACCEPTED");  // nothing written on failure
  }
  ClaimRecord into;
  EXPECT_NE(DecodeClaimStatus(rec + "z", &into).message().find("1 trailing bytes"),
            std::string::npos);
  // A whole claim record is not a status record, and the other way round.
  EXPECT_NE(DecodeClaimStatus(EncodeClaimRecord(Full()), &into).message().find("magic"),
            std::string::npos);
  EXPECT_FALSE(DecodeClaimRecord(rec).ok());
  std::string bad = rec;
  bad[1] = 5;
  EXPECT_NE(DecodeClaimStatus(bad, &into).message().find("version 5"), std::string::npos);
  // The status length claims 4 GiB: refused before any copy.
  bad = rec;
  bad[2] = static_cast<char>(0xff);
  Status s = DecodeClaimStatus(bad, &into);
  EXPECT_NE(s.message().find("status: length"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace vinet::node
