// What the node reads from the chain while answering: client balances and
// model records, through CometBFT's abci_query, with a short cache (a
// balance is at most `ttl_ms` old; the node's own unsettled holds are
// subtracted separately by the Ledger). Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinet/chain/fee.h"
#include "vinet/common/result.h"
#include "vinet/protocol/receipt.h"

namespace vinet::node {

struct ChainModel {
  uint64_t fee = 0;
  std::vector<protocol::Mode> modes;
  bool registered = false;        // false: the chain has no record (fee = the node's default)
  uint64_t zkml_verify_cost = 0;  // metered units to verify one proof (ZKML models)
};

class ChainView {
 public:
  ChainView(std::string rpc_url, uint64_t default_fee, int64_t ttl_ms = 300);

  // kUnavailable when the chain cannot be reached.
  Result<uint64_t> Balance(const std::string& address);
  Result<ChainModel> Model(const std::string& model_id);
  // The chain's fee schedule (/params; fields it lacks are 0).
  Result<chain::FeeSchedule> Fees();
  // abci_query `path`; nullopt when the chain answers "not found".
  Result<std::optional<nlohmann::json>> Query(const std::string& path) const;
  const std::string& rpc_url() const { return rpc_url_; }

 private:
  struct Cached {
    nlohmann::json value;
    std::chrono::steady_clock::time_point at;
  };
  Result<std::optional<nlohmann::json>> CachedQuery(const std::string& path);

  std::string rpc_url_;
  uint64_t default_fee_;
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::map<std::string, Cached> cache_;
};

}  // namespace vinet::node
