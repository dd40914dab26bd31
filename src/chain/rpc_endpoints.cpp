#include "vinet/chain/rpc_endpoints.h"

#include <algorithm>
#include <chrono>

namespace vinet::chain {

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

RpcEndpoints::RpcEndpoints(std::vector<std::string> urls, Options options) : options_(options) {
  for (auto& u : urls) {
    while (!u.empty() && u.back() == '/') u.pop_back();
    if (!u.empty() && std::find(urls_.begin(), urls_.end(), u) == urls_.end()) {
      urls_.push_back(std::move(u));
    }
  }
  if (urls_.empty()) urls_.push_back("http://127.0.0.1:26657");
  state_.resize(urls_.size());
}

std::string RpcEndpoints::Current() const {
  std::lock_guard lock(mu_);
  return urls_[current_];
}

void RpcEndpoints::FailLocked(size_t i, int64_t now_ms) {
  State& s = state_[i];
  int shift = std::min(s.failures, 20);
  s.retry_at_ms = now_ms + std::min(options_.max_backoff_ms, options_.backoff_ms << shift);
  ++s.failures;
  if (i != current_ || urls_.size() == 1) return;
  // The next endpoint after the failed one that is not backing off, else the
  // one that is ready soonest.
  size_t best = current_;
  for (size_t k = 1; k < urls_.size(); ++k) {
    size_t j = (current_ + k) % urls_.size();
    if (state_[j].retry_at_ms <= now_ms) {
      best = j;
      break;
    }
    if (best == current_ || state_[j].retry_at_ms < state_[best].retry_at_ms) best = j;
  }
  current_ = best;
  last_height_ = -1;
  height_seen_ms_ = now_ms;
  ++switches_;
}

void RpcEndpoints::Failed(const std::string& url, std::string_view /*why*/, int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = std::find(urls_.begin(), urls_.end(), url);
  if (it != urls_.end()) FailLocked(static_cast<size_t>(it - urls_.begin()), now_ms);
}

void RpcEndpoints::Succeeded(const std::string& url) {
  std::lock_guard lock(mu_);
  auto it = std::find(urls_.begin(), urls_.end(), url);
  if (it != urls_.end()) state_[static_cast<size_t>(it - urls_.begin())].failures = 0;
}

bool RpcEndpoints::ObserveHeight(const std::string& url, int64_t height, int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (urls_[current_] != url) return false;
  if (height > last_height_) {
    last_height_ = height;
    height_seen_ms_ = now_ms;
    return false;
  }
  if (now_ms - height_seen_ms_ < options_.stall_ms) return false;
  FailLocked(current_, now_ms);
  height_seen_ms_ = now_ms;  // a single endpoint: count the next stall afresh
  return true;
}

uint64_t RpcEndpoints::switches() const {
  std::lock_guard lock(mu_);
  return switches_;
}

}  // namespace vinet::chain
