// A minimal CometBFT JSON-RPC client (CLI, tools) (HTTP POST, JSON-RPC 2.0).
//
// `Call` returns the "result" object or an error: kUnavailable when the node
// cannot be reached, kInvalidArgument for a JSON-RPC error (its message and
// data are in the status message), kParse for a reply that is not JSON-RPC.
// Not thread-safe; cheap to construct.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"

namespace vinet::chain {

class RpcClient {
 public:
  // `url`: "http://host:port" (a trailing slash is ignored).
  explicit RpcClient(std::string url, int timeout_seconds = 10);

  Result<nlohmann::json> Call(const std::string& method, const nlohmann::json& params);

  // Helpers over Call.
  Result<int64_t> LatestHeight();
  Result<std::string> ChainId();
  // abci_query at the latest height: {"code", "log", "value" (decoded bytes), "height"}.
  Result<nlohmann::json> AbciQuery(const std::string& path);
  // broadcast_tx_sync: {"code", "log", "hash"}.
  Result<nlohmann::json> BroadcastTxSync(ByteSpan tx);
  // Looks a tx up by hash (hex); nullopt-like empty json when not yet indexed.
  Result<nlohmann::json> FindTx(const std::string& hash_hex);

  const std::string& url() const { return url_; }

 private:
  std::string url_;
  int timeout_seconds_;
};

std::string Base64Encode(ByteSpan data);
Result<Bytes> Base64Decode(std::string_view text);

}  // namespace vinet::chain
