#include "vinet/common/json_limits.h"

#include <gtest/gtest.h>

#include <string>

namespace vinet {
namespace {

const JsonLimits kLimits{1000, 4};

TEST(JsonLimits, ParsesWithinTheLimits) {
  auto j = ParseUntrustedJson(R"({"a": [[[1]]], "b": "x"})", kLimits, "body");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ((*j)["a"][0][0][0], 1);
}

TEST(JsonLimits, RefusesTooLongTextBeforeReadingIt) {
  auto j = ParseUntrustedJson(std::string(1001, ' '), kLimits, "body");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().code(), Code::kParse);
  EXPECT_EQ(j.status().message(), "body: 1001 bytes exceed the limit of 1000");
}

TEST(JsonLimits, RefusesDeepNestingAtTheBracketTooDeep) {
  auto j = ParseUntrustedJson(R"({"a": [[[[1]]]]})", kLimits, "frame");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().message(), "frame: nested deeper than 4 levels at byte 9");
}

TEST(JsonLimits, BracketsInStringsDoNotCount) {
  auto j = ParseUntrustedJson(R"({"a": "[[[[[\"[[[[", "b": ["]]]]{{{{"]})", kLimits, "body");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ((*j)["a"], "[[[[[\"[[[[");
}

TEST(JsonLimits, NotJsonNamesWhatAndWhere) {
  auto j = ParseUntrustedJson(R"({"a": [1, 2,]})", kLimits, "body");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().code(), Code::kParse);
  EXPECT_NE(j.status().message().find("body: not JSON"), std::string::npos);
  EXPECT_NE(j.status().message().find("column 13"), std::string::npos) << j.status().message();
  auto overflow = ParseUntrustedJson("[1e99999]", kLimits, "body");  // out_of_range, not a throw
  ASSERT_FALSE(overflow.ok());
  EXPECT_NE(overflow.status().message().find("number overflow"), std::string::npos);
  EXPECT_FALSE(ParseUntrustedJson("", kLimits, "body").ok());
  EXPECT_FALSE(ParseUntrustedJson("]]]]]", kLimits, "body").ok());
}

// Megabytes of "[[[[": refused at the first bracket too deep, no recursion.
TEST(JsonLimits, MegabytesOfOpenBracketsAreRefusedAtOnce) {
  std::string text(8u << 20, '[');
  auto j = ParseUntrustedJson(text, JsonLimits{16u << 20, 64}, "body");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().message(), "body: nested deeper than 64 levels at byte 64");
}

}  // namespace
}  // namespace vinet
