// What the node reads from the chain while answering: client balances and
// model records, through CometBFT's abci_query, with a short cache (a
// balance is at most `ttl_ms` old; the node's own unsettled holds are
// subtracted separately by the Ledger). Queries go to the chain's RPC
// endpoints with failover (chain/rpc_endpoints.h), shared with the submitter
// through `endpoints()`. Thread-safe; concurrent misses of one path share a
// single query (the answering threads all miss at once when an entry expires
// or is forgotten), and an answer forgotten while in flight is not cached.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinet/chain/fee.h"
#include "vinet/chain/model_fee.h"
#include "vinet/chain/rpc_endpoints.h"
#include "vinet/common/result.h"
#include "vinet/protocol/receipt.h"

namespace vinet::node {

struct ChainModel {
  std::string format;  // "onnx" | "gguf" (LLM chat); "" when not registered
  uint64_t fee = 0;
  std::vector<protocol::Mode> modes;
  bool registered = false;              // false: the chain has no record (fee = the node's default)
  uint64_t zkml_verify_cost = 0;        // metered units to verify one proof (ZKML models)
  std::vector<Bytes> allowed_pcr0;      // TEE allowlist
  Bytes zkml_model_id;                  // hash of the registered verifying key (empty: no ZKML)
  uint64_t price_per_input_token = 0;   // gguf (chat) models: per prompt token
  uint64_t price_per_output_token = 0;  // and per completion token
  std::string owner;
  std::string name;      // the name registered (the publisher's --name)
  bool retired = false;  // UpdateModel retired it: no new claims
  // The fee before the last UpdateModel fee change and when it changed.
  uint64_t previous_fee = 0;
  int64_t fee_changed_time_ms = 0;

  // The fee a request signed at `timestamp_ms` pays (chain/model_fee.h): the
  // node quotes exactly what the chain will charge.
  uint64_t FeeFor(int64_t timestamp_ms) const {
    return chain::ModelFee{fee, previous_fee, fee_changed_time_ms}.ForRequest(timestamp_ms);
  }
};

struct ChainDeposit {
  uint64_t amount = 0;
  int64_t unlock_time_ms = 0;  // 0: locked; else the client may withdraw from then
};

struct ChainEnclave {
  std::string node;  // address of the node it is registered to
  Bytes pcr0;
  std::vector<std::string> model_ids;
  int64_t expires_time_ms = 0;
};

class ChainView {
 public:
  ChainView(std::vector<std::string> rpc_urls, uint64_t default_fee, int64_t ttl_ms = 300);

  // kUnavailable when the chain cannot be reached.
  Result<uint64_t> Balance(const std::string& address);
  Result<ChainModel> Model(const std::string& model_id);
  // The chain's fee schedule (/params; fields it lacks are 0).
  Result<chain::FeeSchedule> Fees();
  // The enclave key's registration (cached like the others); nullopt when none.
  Result<std::optional<ChainEnclave>> Enclave(const std::string& key_hex);
  // A client's deposit for a node (/deposit/<client>/<node>).
  Result<ChainDeposit> Deposit(const std::string& client, const std::string& node);
  // Drops cached answers whose path starts with `prefix` (after a settlement
  // changed them).
  void Forget(const std::string& prefix);
  // abci_query `path`; nullopt when the chain answers "not found".
  Result<std::optional<nlohmann::json>> Query(const std::string& path) const;
  std::string rpc_url() const { return endpoints_->Current(); }
  const std::shared_ptr<chain::RpcEndpoints>& endpoints() const { return endpoints_; }

 private:
  struct Cached {
    nlohmann::json value;
    std::chrono::steady_clock::time_point at;
  };
  // One query in flight for a path; the threads that missed meanwhile wait
  // for its answer.
  struct Flight {
    bool done = false;
    bool forgotten = false;  // Forget ran meanwhile: answer the waiters, cache nothing
    Result<std::optional<nlohmann::json>> result = std::optional<nlohmann::json>();
  };
  Result<std::optional<nlohmann::json>> CachedQuery(const std::string& path);

  std::shared_ptr<chain::RpcEndpoints> endpoints_;
  uint64_t default_fee_;
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::map<std::string, Cached> cache_;
  std::map<std::string, std::shared_ptr<Flight>> flights_;
  std::condition_variable landed_;
};

}  // namespace vinet::node
