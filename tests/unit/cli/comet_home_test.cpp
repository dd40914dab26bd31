#include "cli/comet_home.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vinet::cli {
namespace {

TEST(CometOverride, SplitsSectionKeyAndQuotesBareWords) {
  auto o = ParseCometOverride("tx_index.indexer=null");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->section, "tx_index");
  EXPECT_EQ(o->key, "indexer");
  EXPECT_EQ(o->value, "\"null\"");
}

TEST(CometOverride, KeepsTomlLiteralsAndTopLevelKeys) {
  EXPECT_EQ(ParseCometOverride("mempool.recheck=false")->value, "false");
  EXPECT_EQ(ParseCometOverride("mempool.size=10000")->value, "10000");
  EXPECT_EQ(ParseCometOverride("p2p.seeds=\"a@b:1\"")->value, "\"a@b:1\"");
  auto top = ParseCometOverride("log_level=debug");
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(top->section, "");
  EXPECT_EQ(top->value, "\"debug\"");
}

TEST(CometOverride, RejectsMalformedTextNamingIt) {
  for (std::string bad :
       {"", "=x", "indexer", "tx_index.=null", "Tx.indexer=1", "a.b.c=1", "tx_index.indexer="}) {
    auto o = ParseCometOverride(bad);
    ASSERT_FALSE(o.ok()) << bad;
    EXPECT_EQ(o.status().code(), Code::kInvalidArgument);
    EXPECT_NE(o.status().message().find("--comet-config"), std::string::npos);
  }
}

TEST(CometOverride, SetsTheKeyInItsSectionOnly) {
  std::vector<std::string> lines = {"log_level = \"info\"", "[tx_index]", "indexer = \"kv\"",
                                    "[mempool]", "indexer = \"other\""};
  auto o = ParseCometOverride("tx_index.indexer=null");
  ASSERT_TRUE(o.ok());
  SetTomlKey(lines, o->section, o->key, o->value);
  EXPECT_EQ(lines[2], "indexer = \"null\"");
  EXPECT_EQ(lines[4], "indexer = \"other\"");
  EXPECT_THROW(SetTomlKey(lines, "tx_index", "nope", "1"), StatusError);
}

}  // namespace
}  // namespace vinet::cli
