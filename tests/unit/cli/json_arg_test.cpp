#include "cli/json_arg.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace vinet::cli {
namespace {

namespace fs = std::filesystem;

TEST(JsonArgTest, InlineObjectsAndArraysAreParsed) {
  auto j = ReadJsonArg("--input", R"(  {"x": [[1, 2]]})");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ((*j)["x"][0][1], 2);
  auto a = ReadJsonArg("--input", "[0.5, 1]");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->size(), 2u);
}

TEST(JsonArgTest, MalformedInlineJsonNamesTheFlagAndTheByte) {
  auto j = ReadJsonArg("--input", R"({"x": [1, 2})");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().code(), Code::kParse);
  EXPECT_NE(j.status().message().find("--input: the inline text: invalid JSON at byte 12"),
            std::string::npos)
      << j.status().message();
}

TEST(JsonArgTest, FilesAreReadAndTheirErrorsNameThem) {
  std::random_device rd;
  fs::path dir = fs::temp_directory_path() / ("vinet_json_arg_" + std::to_string(rd()));
  fs::create_directories(dir);
  std::ofstream(dir / "in.json") << R"({"x": [3]})";
  std::ofstream(dir / "bad.json") << R"({"x": [3)";
  auto ok = ReadJsonArg("--input", (dir / "in.json").string());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ((*ok)["x"][0], 3);
  auto bad = ReadJsonArg("--input", (dir / "bad.json").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kParse);
  EXPECT_NE(bad.status().message().find("bad.json: invalid JSON"), std::string::npos)
      << bad.status().message();
  auto missing = ReadJsonArg("--input", (dir / "nope.json").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_NE(missing.status().message().find("inline JSON starts with"), std::string::npos)
      << missing.status().message();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vinet::cli
