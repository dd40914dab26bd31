// Fees reserved by chat answers while they are generated.
//
// A chat answer's fee is known only when generation ends, and a stream may
// run for seconds; meanwhile other requests of the same client must not
// spend what the answer may cost. `Reserve` takes the answer's worst-case
// fee (prompt + the capped completion) against what the client has left at
// this node (its funds minus the fees the Ledger holds), refusing
// kInsufficientFunds when the client's other running answers already hold
// too much, and kAlreadyExists when the same inference id is running. The
// returned `ChatHold` releases its reservation when destroyed (after the claim
// is in the Ledger, which then holds the real fee). Thread-safe; the
// ChatHolds must outlive its holds.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "vinet/common/result.h"

namespace vinet::node {

class ChatHolds;

class ChatHold {
 public:
  ChatHold() = default;
  ChatHold(ChatHold&& other) noexcept { *this = std::move(other); }
  ChatHold& operator=(ChatHold&& other) noexcept;
  ChatHold(const ChatHold&) = delete;
  ChatHold& operator=(const ChatHold&) = delete;
  ~ChatHold() { Release(); }
  void Release();
  uint64_t amount() const { return amount_; }

 private:
  friend class ChatHolds;
  ChatHolds* holds_ = nullptr;
  std::string id_, client_;
  uint64_t amount_ = 0;
};

class ChatHolds {
 public:
  // `available`: the client's funds here minus the Ledger's held fees.
  Result<ChatHold> Reserve(const std::string& id_hex, const std::string& client, uint64_t amount,
                           uint64_t available);
  uint64_t Held(const std::string& client) const;
  size_t Running() const;

 private:
  friend class ChatHold;
  void Release(const std::string& id_hex, const std::string& client, uint64_t amount);

  mutable std::mutex mu_;
  std::map<std::string, uint64_t> held_;
  std::set<std::string> ids_;
};

}  // namespace vinet::node
