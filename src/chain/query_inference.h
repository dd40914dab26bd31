// JSON answers for the inference-network queries (docs/chain.md):
//   /model/<id>, /enclave/<key hex>, /claim/<inference id hex>,
//   /zkml_key/<model id> (the ZKML verifying key, hex).
// Bad ids answer QueryCode::kBadId, absent records kNotFound.
#pragma once

#include <string>

#include "tendermint/abci/types.pb.h"
#include "vinet/chain/state.h"

namespace vinet::chain {

::tendermint::abci::ResponseQuery QueryModel(const State& state, const std::string& model_id);
::tendermint::abci::ResponseQuery QueryEnclave(const State& state, const std::string& key_hex);
::tendermint::abci::ResponseQuery QueryClaim(const State& state, const std::string& id_hex);
::tendermint::abci::ResponseQuery QueryZkmlKey(const State& state, const std::string& model_id);

}  // namespace vinet::chain
