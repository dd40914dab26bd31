#include "vinet/chain/kv.h"

namespace vinet::chain {

Result<std::optional<std::string>> Overlay::Get(std::string_view key) const {
  auto it = changes_.find(key);
  if (it != changes_.end()) return it->second;
  return base_->Get(key);
}

void Overlay::MergeInto(Overlay& parent) const {
  for (const auto& [key, value] : changes_) parent.changes_[key] = value;
}

}  // namespace vinet::chain
