#include "vinet/common/result.h"

#include <gtest/gtest.h>

#include "vinet/common/bytes.h"

namespace vinet {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return Error(Code::kInvalidArgument, "not positive: " + std::to_string(v));
  return v;
}

Result<int> Doubled(int v) {
  VINET_ASSIGN_OR_RETURN(int x, ParsePositive(v));
  return 2 * x;
}

TEST(ResultTest, ValueAndErrorPropagate) {
  EXPECT_EQ(*Doubled(4), 8);
  Result<int> bad = Doubled(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(bad.status().ToString(), "invalid_argument: not positive: -1");
}

TEST(ResultTest, ContextPrefixesMessage) {
  Status s = Error(Code::kParse, "bad byte").WithContext("tx.body");
  EXPECT_EQ(s.message(), "tx.body: bad byte");
  EXPECT_TRUE(Status::Ok().WithContext("x").ok());
}

TEST(ResultTest, ValueOrThrowThrowsAtBoundary) {
  EXPECT_THROW(ValueOrThrow(Doubled(0)), StatusError);
  EXPECT_EQ(ValueOrThrow(Doubled(1)), 2);
}

TEST(BytesTest, HexRoundTripAndStrictness) {
  Bytes b = {0x00, 0xab, 0xff};
  EXPECT_EQ(ToHex(b), "00abff");
  EXPECT_EQ(*FromHex("00ABff"), b);
  EXPECT_EQ(*FromHex("0x00abff"), b);
  EXPECT_EQ(FromHex("abc").status().code(), Code::kParse);
  Status s = FromHex("0g").status();
  EXPECT_EQ(s.message(), "hex: invalid digit at offset 1");
}

TEST(BytesTest, ConstantTimeEqual) {
  Bytes a = {1, 2, 3}, b = {1, 2, 3}, c = {1, 2, 4};
  EXPECT_TRUE(ConstantTimeEqual(a, b));
  EXPECT_FALSE(ConstantTimeEqual(a, c));
  EXPECT_FALSE(ConstantTimeEqual(a, Bytes{1, 2}));
}

}  // namespace
}  // namespace vinet
