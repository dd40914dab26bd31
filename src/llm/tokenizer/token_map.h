// Token text -> id lookup shared by the tokenizer algorithms (lookups by
// string_view, no copies).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vinet::llm {

struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

using TokenMap = std::unordered_map<std::string, int32_t, TextHash, std::equal_to<>>;

inline int32_t FindToken(const TokenMap& map, std::string_view text) {
  const auto it = map.find(text);
  return it == map.end() ? -1 : it->second;
}

}  // namespace vinet::llm
