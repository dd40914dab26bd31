// abci_query paths of the chain. Answers are JSON (UTF-8) in
// ResponseQuery.value; errors carry a QueryCode and a log.
//   /account/<addr>  {"address": "...", "balance": N, "nonce": N}  (absent → zeros)
//   /node/<addr>     {"address", "public_key", "stake", "endpoint", "status",
//                     "registered_height", "unbond_complete_height", "jailed"}
//                    (absent → code kNotFound)
//   /params          {"min_stake", "unbonding_blocks", "min_fee", "max_tx_bytes"}
// Numbers are JSON integers (uint64 range). Queries read committed state only;
// `height` in the answer is the last committed height.
#pragma once

#include "tendermint/abci/types.pb.h"
#include "vinet/chain/kv.h"

namespace vinet::chain {

::tendermint::abci::ResponseQuery HandleQuery(const KvReader& committed, int64_t height,
                                              const ::tendermint::abci::RequestQuery& req);

}  // namespace vinet::chain
