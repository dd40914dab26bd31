// CometBFT websocket frames (JSON-RPC over /websocket), as the client and the
// node read them: limits before any work, then the event they carry.
//
// `ParseEventFrame(text)`: kParse when the frame is longer than
// kMaxFrameBytes, nests deeper than kMaxFrameDepth or is not JSON (the error
// names the byte offset); kUnavailable for a JSON-RPC error answer (naming
// CometBFT's message); the `result` object (holding `data` and `events`) for
// an event; nullopt for anything else (the subscribe acknowledgement, an
// answer without data). Linear time in the frame's size.
//
// `ClaimEventFor(result, id)`: the settlement an event result carries for
// inference `id` (status, height, tx hash "" if absent); nullopt when it is
// about another claim, is no tx event, or has any unexpected shape.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "vinet/common/result.h"

namespace vinet::client {

// A block's events can be large (a 1,000-claim tx is ~1.4 MB as base64 in
// its Tx event, plus its attributes): frames up to 16 MiB are read.
inline constexpr size_t kMaxFrameBytes = size_t{16} << 20;
inline constexpr size_t kMaxFrameDepth = 64;

Result<std::optional<nlohmann::json>> ParseEventFrame(std::string_view text);

struct ClaimEvent {
  std::string status;
  int64_t height = 0;
  std::string tx_hash;
};
std::optional<ClaimEvent> ClaimEventFor(const nlohmann::json& result,
                                        const std::string& inference_id);

}  // namespace vinet::client
