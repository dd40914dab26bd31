// Private: answers the compact claim-status query an inference node polls to
// learn its submitted claims' fate without fetching whole txs; the wire form
// is in vinet/chain/claim_status_wire.h. A bad address answers kBadAddress
// (checked by the caller), data that is empty, not a multiple of 32 bytes or
// above kMaxClaimStatusIds ids kBadId, checked before any state read.
#pragma once

#include <string>

#include "tendermint/abci/types.pb.h"
#include "vinet/chain/claim_status_wire.h"
#include "vinet/chain/state.h"

namespace vinet::chain {

::tendermint::abci::ResponseQuery QueryClaimStatus(const State& state, const std::string& address,
                                                   const std::string& ids);

}  // namespace vinet::chain
