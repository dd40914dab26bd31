// The CometBFT RPC endpoints of one chain, with failover (the inference
// node's `[chain] rpc` list). Shared by every RpcClient built on it, so all of
// a process's chain traffic moves together. Thread-safe.
//
// `Current()` is the endpoint in use (the first at start). `Failed(url)` —
// a connect failure, timeout or stall seen on `url` — puts that endpoint in
// backoff (`backoff_ms`, doubling per consecutive failure up to
// `max_backoff_ms`) and, when it is the current one, moves to the next
// endpoint in list order that is not backing off (if all are, the one whose
// backoff ends first). A failure reported on an endpoint that is no longer
// current (a late report from another thread) changes nothing but its
// backoff. `Succeeded(url)` clears its failure count. `ObserveHeight` is the
// stall rule: when the current endpoint's latest block height has not grown
// for `stall_ms`, it counts as failed (its node may be up but cut off from
// the chain). A single endpoint never moves; its failures only count.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace vinet::chain {

class RpcEndpoints {
 public:
  struct Options {
    int64_t stall_ms = 15'000;
    int64_t backoff_ms = 1'000;
    int64_t max_backoff_ms = 30'000;
  };
  // `urls`: at least one (an empty list means the default local node);
  // trailing slashes are dropped, duplicates kept once.
  explicit RpcEndpoints(std::vector<std::string> urls, Options options);
  explicit RpcEndpoints(std::vector<std::string> urls) : RpcEndpoints(std::move(urls), Options{}) {}

  std::string Current() const;
  void Failed(const std::string& url, std::string_view why, int64_t now_ms);
  void Succeeded(const std::string& url);
  // Returns true when this observation declared `url` stalled (and moved on).
  bool ObserveHeight(const std::string& url, int64_t height, int64_t now_ms);

  const std::vector<std::string>& urls() const { return urls_; }
  uint64_t switches() const;  // times the current endpoint changed

 private:
  struct State {
    int failures = 0;
    int64_t retry_at_ms = 0;  // backing off until then
  };
  void FailLocked(size_t i, int64_t now_ms);

  std::vector<std::string> urls_;  // fixed after construction
  Options options_;
  mutable std::mutex mu_;
  size_t current_ = 0;
  std::vector<State> state_;
  int64_t last_height_ = -1, height_seen_ms_ = 0;  // of the current endpoint
  uint64_t switches_ = 0;
};

// Milliseconds on a monotonic clock (the `now_ms` the endpoints expect).
int64_t SteadyMs();

}  // namespace vinet::chain
