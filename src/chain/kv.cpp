#include "vinet/chain/kv.h"

namespace vinet::chain {

Result<std::optional<std::string>> Overlay::Get(std::string_view key) const {
  auto it = changes_.find(key);
  if (it != changes_.end()) return it->second;
  if (!cache_base_reads_) return base_->Get(key);
  if (auto cached = base_reads_.find(key); cached != base_reads_.end()) return cached->second;
  VINET_ASSIGN_OR_RETURN(auto value, base_->Get(key));
  base_reads_.emplace(std::string(key), value);
  return value;
}

void Overlay::MergeInto(Overlay& parent) const {
  for (const auto& [key, value] : changes_) parent.changes_[key] = value;
}

}  // namespace vinet::chain
