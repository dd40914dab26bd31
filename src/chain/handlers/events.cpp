#include "vinet/chain/handlers.h"

namespace vinet::chain {

void AddEvent(Events& events, std::string_view type,
              std::initializer_list<std::pair<std::string_view, std::string>> attributes) {
  auto& ev = events.emplace_back();
  ev.set_type(std::string(type));
  for (const auto& [key, value] : attributes) {
    auto* attr = ev.add_attributes();
    attr->set_key(std::string(key));
    attr->set_value(value);
    attr->set_index(true);
  }
}

}  // namespace vinet::chain
