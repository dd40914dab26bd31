// For the fake CometBFT RPC servers of these tests: the JSON-RPC call a
// request makes, whichever way the client sent it (chain::RpcClient POSTs
// JSON-RPC, and sends abci_query and broadcast_tx_sync as GET /method?k=v
// with the bytes as 0x-hex). A URI call comes back in the POST's shape:
// {"method", "params"} with quoted strings unquoted and 0x-hex given as hex.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

namespace vinet::testing {

inline nlohmann::json RpcCall(const httplib::Request& req) {
  if (req.method == "POST") return nlohmann::json::parse(req.body);
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [key, value] : req.params) {
    std::string v = value;
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    if (v.starts_with("0x")) v = v.substr(2);
    params[key] = v;
  }
  return {{"method", req.path.substr(1)}, {"params", params}};
}

// Serves `handler` for both forms on `server`.
template <typename Handler>
void ServeRpc(httplib::Server& server, Handler handler) {
  server.Post("/", handler);
  server.Get(R"(/[a-z_]+)", handler);
}

}  // namespace vinet::testing
