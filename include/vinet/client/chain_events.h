// `ChainEvents`: one websocket subscription to CometBFT's `/websocket`
// endpoint (JSON-RPC `subscribe` with a query), built on Boost.Beast.
//
// Subscribe connects (ws:// only), sends the subscribe call and waits for its
// acknowledgement; an error answer is kUnavailable naming CometBFT's message.
// Next returns the next event message (the JSON-RPC `result` object holding
// `data` and `events`), kTimeout when none arrives in time (the subscription
// stays usable: call Next again), kUnavailable when
// the socket drops (the caller reconnects by subscribing again), kParse for a
// frame that is not JSON or breaks the frame limits (event_frame.h). Every wait is bounded by its
// timeout. Not thread-safe; owns its socket, closed on destruction.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "vinet/client/event_frame.h"
#include "vinet/common/result.h"

namespace vinet::client {

class ChainEvents {
 public:
  // `ws_url` like ws://127.0.0.1:26657/websocket.
  static Result<std::unique_ptr<ChainEvents>> Subscribe(const std::string& ws_url,
                                                        const std::string& query,
                                                        int64_t timeout_ms);
  ~ChainEvents();
  ChainEvents(const ChainEvents&) = delete;
  ChainEvents& operator=(const ChainEvents&) = delete;

  Result<nlohmann::json> Next(int64_t timeout_ms);

 private:
  struct Impl;
  explicit ChainEvents(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// ws://host:port/websocket for a CometBFT RPC URL http://host:port.
std::string WebsocketUrl(const std::string& rpc_url);

}  // namespace vinet::client
