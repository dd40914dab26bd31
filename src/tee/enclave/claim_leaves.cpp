#include "vinet/tee/claim_leaves.h"

#include <cstring>
#include <unordered_set>

namespace vinet::tee {

size_t ClaimLeafSet::DigestHash::operator()(const crypto::Digest256& d) const {
  size_t h;
  std::memcpy(&h, d.data(), sizeof(h));  // SHA-256 output: any 8 bytes are uniform
  return h;
}

void ClaimLeafSet::Record(const crypto::Digest256& leaf, const crypto::PublicKey& node_id) {
  if (cap_ == 0) return;
  std::lock_guard lock(mu_);
  if (leaves_.count(leaf) != 0) return;  // the same receipt twice: one leaf
  while (leaves_.size() >= cap_) {
    leaves_.erase(order_.front());
    order_.pop_front();
    ++stats_.dropped;
  }
  order_.push_back(leaf);
  leaves_.emplace(leaf, Entry{node_id, std::prev(order_.end())});
  ++stats_.recorded;
}

Status ClaimLeafSet::Take(std::span<const crypto::Digest256> leaves,
                          const crypto::PublicKey& node_id) {
  std::lock_guard lock(mu_);
  std::unordered_set<crypto::Digest256, DigestHash> seen;
  seen.reserve(leaves.size());
  for (size_t i = 0; i < leaves.size(); ++i) {
    auto it = leaves_.find(leaves[i]);
    Status refusal;
    if (it == leaves_.end()) {
      refusal = Error(Code::kNotFound, "leaves[" + std::to_string(i) + "]: " + ToHex(leaves[i]) +
                                           " is not a leaf this enclave holds");
    } else if (it->second.node != node_id) {
      refusal = Error(Code::kInvalidArgument,
                      "leaves[" + std::to_string(i) + "]: answered for another node");
    } else if (!seen.insert(leaves[i]).second) {
      refusal = Error(Code::kInvalidArgument,
                      "leaves[" + std::to_string(i) + "]: repeats an earlier leaf");
    }
    if (!refusal.ok()) {
      ++stats_.refused;
      return refusal;
    }
  }
  for (const auto& leaf : leaves) {
    auto it = leaves_.find(leaf);
    order_.erase(it->second.order);
    leaves_.erase(it);
  }
  stats_.attested += leaves.size();
  return Status::Ok();
}

ClaimLeafSet::Stats ClaimLeafSet::stats() const {
  std::lock_guard lock(mu_);
  Stats s = stats_;
  s.held = leaves_.size();
  return s;
}

}  // namespace vinet::tee
