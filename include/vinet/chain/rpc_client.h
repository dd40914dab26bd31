// A minimal CometBFT JSON-RPC client (CLI, tools) (JSON-RPC 2.0).
//
// Calls go as HTTP POST of a JSON-RPC request, except the two that carry bulk
// bytes (abci_query's data, broadcast_tx_sync's tx), which go as a GET with
// the bytes as 0x-hex in the URI while they fit well under CometBFT's header
// limit: the server decodes hex there instead of scanning a JSON string. One
// keep-alive connection per endpoint per client; a call on a reused
// connection that fails is tried once more on a fresh one before the endpoint
// counts as unreachable.
//
// `Call` returns the "result" object or an error: kUnavailable when the node
// cannot be reached, kInvalidArgument for a JSON-RPC error (its message and
// data are in the status message), kParse for a reply that is not JSON-RPC.
// Built on shared RpcEndpoints (rpc_endpoints.h), a call that cannot reach
// the current endpoint (kUnavailable: connect failure or timeout) reports it
// and is retried on the next, at most once per endpoint; other errors are
// answers and are returned as they are.
// Not thread-safe; cheap to construct.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "vinet/chain/rpc_endpoints.h"
#include "vinet/common/bytes.h"
#include "vinet/common/result.h"

namespace vinet::chain {

class RpcClient {
 public:
  // `url`: "http://host:port" (a trailing slash is ignored).
  explicit RpcClient(std::string url, int timeout_seconds = 10);
  // Failover over `endpoints` (non-null).
  explicit RpcClient(std::shared_ptr<RpcEndpoints> endpoints, int timeout_seconds = 10);
  // A copy shares the endpoints, not the connections.
  RpcClient(const RpcClient& other);
  RpcClient& operator=(const RpcClient& other);
  RpcClient(RpcClient&&) noexcept;
  RpcClient& operator=(RpcClient&&) noexcept;
  ~RpcClient();

  Result<nlohmann::json> Call(const std::string& method, const nlohmann::json& params);

  // Helpers over Call.
  Result<int64_t> LatestHeight();
  Result<std::string> ChainId();
  // abci_query at the latest height: {"code", "log", "value" (decoded bytes), "height"};
  // data goes as the query's data bytes (hex on the wire).
  Result<nlohmann::json> AbciQuery(const std::string& path, ByteSpan data = {});
  // broadcast_tx_sync: {"code", "log", "hash"}.
  Result<nlohmann::json> BroadcastTxSync(ByteSpan tx);
  // Looks a tx up by hash (hex); nullopt-like empty json when not yet indexed.
  Result<nlohmann::json> FindTx(const std::string& hash_hex);

  // The endpoint calls go to now.
  std::string url() const { return endpoints_ ? endpoints_->Current() : url_; }

 private:
  struct Connections;
  // `uri_query`: GET /method?uri_query instead of POSTing `params`.
  Result<nlohmann::json> Call(const std::string& method, const nlohmann::json& params,
                              const std::string* uri_query);
  Result<nlohmann::json> CallUrl(const std::string& url, const std::string& method,
                                 const nlohmann::json& params, const std::string* uri_query);

  std::string url_;
  std::unique_ptr<Connections> connections_;
  std::shared_ptr<RpcEndpoints> endpoints_;
  int timeout_seconds_;
};

std::string Base64Encode(ByteSpan data);
Result<Bytes> Base64Decode(std::string_view text);

}  // namespace vinet::chain
