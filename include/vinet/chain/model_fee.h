// The fee a request pays for a model, after UpdateModel fee changes
// (docs/chain.md "Updating a model").
//
// A fee change takes effect for requests signed (request timestamp_ms) at or
// after the block time of the UpdateModel that made it: a request signed
// before pays the fee that was in force when it was signed. So a node that
// quoted a fee when it answered is paid exactly that, whenever the claim
// lands, and the client's signed max_fee covers it. The chain keeps one
// previous fee: UpdateModel allows one change per max_request_ttl_ms, and a
// request older than that can no longer be claimed.
// The chain (claim settlement) and the node (its quote) use this one rule.
#pragma once

#include <cstdint>

namespace vinet::chain {

struct ModelFee {
  uint64_t fee_per_inference = 0;           // in force since fee_changed_time_ms
  uint64_t previous_fee_per_inference = 0;  // in force before it
  int64_t fee_changed_time_ms = 0;          // 0: never changed

  uint64_t ForRequest(int64_t request_timestamp_ms) const {
    return request_timestamp_ms < fee_changed_time_ms ? previous_fee_per_inference
                                                      : fee_per_inference;
  }
};

}  // namespace vinet::chain
