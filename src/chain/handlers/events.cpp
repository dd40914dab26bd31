#include <algorithm>

#include "vinet/chain/handlers.h"

namespace vinet::chain {
namespace {

template <typename IsIndexed>
void Append(Events& events, std::string_view type,
            std::initializer_list<std::pair<std::string_view, std::string>> attributes,
            IsIndexed is_indexed) {
  auto& ev = events.emplace_back();
  ev.set_type(std::string(type));
  for (const auto& [key, value] : attributes) {
    auto* attr = ev.add_attributes();
    attr->set_key(std::string(key));
    attr->set_value(value);
    attr->set_index(is_indexed(key));
  }
}

}  // namespace

void AddEvent(Events& events, std::string_view type,
              std::initializer_list<std::pair<std::string_view, std::string>> attributes) {
  Append(events, type, attributes, [](std::string_view) { return true; });
}

void AddEvent(Events& events, std::string_view type,
              std::initializer_list<std::pair<std::string_view, std::string>> attributes,
              std::span<const std::string_view> indexed) {
  Append(events, type, attributes, [&](std::string_view key) {
    return std::find(indexed.begin(), indexed.end(), key) != indexed.end();
  });
}

}  // namespace vinet::chain
