#include "vinet/node/chat_holds.h"

namespace vinet::node {

ChatHold& ChatHold::operator=(ChatHold&& other) noexcept {
  if (this != &other) {
    Release();
    holds_ = std::exchange(other.holds_, nullptr);
    id_ = std::move(other.id_);
    client_ = std::move(other.client_);
    amount_ = std::exchange(other.amount_, 0);
  }
  return *this;
}

void ChatHold::Release() {
  if (holds_) std::exchange(holds_, nullptr)->Release(id_, client_, amount_);
}

Result<ChatHold> ChatHolds::Reserve(const std::string& id_hex, const std::string& client,
                                    uint64_t amount, uint64_t available) {
  std::lock_guard lock(mu_);
  if (ids_.contains(id_hex)) {
    return Error(Code::kAlreadyExists, "inference " + id_hex + " is being answered already");
  }
  uint64_t held = held_.contains(client) ? held_[client] : 0;
  if (held > available || available - held < amount) {
    return Error(Code::kInsufficientFunds,
                 "client " + client + " has " + std::to_string(available) +
                     " left here, of which running chat answers hold " + std::to_string(held) +
                     "; this answer may cost " + std::to_string(amount));
  }
  held_[client] = held + amount;
  ids_.insert(id_hex);
  ChatHold h;
  h.holds_ = this;
  h.id_ = id_hex;
  h.client_ = client;
  h.amount_ = amount;
  return h;
}

void ChatHolds::Release(const std::string& id_hex, const std::string& client, uint64_t amount) {
  std::lock_guard lock(mu_);
  ids_.erase(id_hex);
  auto it = held_.find(client);
  if (it == held_.end()) return;
  it->second -= std::min(it->second, amount);
  if (it->second == 0) held_.erase(it);
}

uint64_t ChatHolds::Held(const std::string& client) const {
  std::lock_guard lock(mu_);
  auto it = held_.find(client);
  return it == held_.end() ? 0 : it->second;
}

size_t ChatHolds::Running() const {
  std::lock_guard lock(mu_);
  return ids_.size();
}

}  // namespace vinet::node
