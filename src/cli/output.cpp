#include "cli/output.h"

#include <iostream>

namespace vinet::cli {

void PrintJsonOrText(bool as_json, const nlohmann::json& value) {
  if (as_json || !value.is_object()) {
    std::cout << value.dump() << "\n";
    return;
  }
  for (const auto& [k, v] : value.items()) {
    std::cout << k << ": " << (v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
  }
}

}  // namespace vinet::cli
