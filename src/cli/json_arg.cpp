#include "cli/json_arg.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace vinet::cli {
namespace {

using json = nlohmann::json;

Result<json> Parse(std::string_view flag, const std::string& what, const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    return Error(Code::kParse, std::string(flag) + ": " + what + ": invalid JSON at byte " +
                                   std::to_string(e.byte));
  }
}

}  // namespace

Result<json> ReadJsonArg(std::string_view flag, const std::string& value) {
  size_t first = value.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (value[first] == '{' || value[first] == '[')) {
    return Parse(flag, "the inline text", value);
  }
  if (value == "-") {
    std::stringstream ss;
    ss << std::cin.rdbuf();
    return Parse(flag, "stdin", ss.str());
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(value, ec)) {
    return Error(Code::kNotFound, std::string(flag) + ": no file " + value +
                                      " (inline JSON starts with '{' or '['; \"-\" reads stdin)");
  }
  std::ifstream in(value, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  if (!in) return Error(Code::kIo, std::string(flag) + ": cannot read " + value);
  return Parse(flag, value, ss.str());
}

}  // namespace vinet::cli
