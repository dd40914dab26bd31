// JSON answers for the validator queries (docs/chain.md "Validators"):
//   /validator/<operator addr>   one validator (absent: kNotFound)
//   /validators                  every validator record and the active set
//   /evidence                    the latest evidence records (at most kRecentEvidence)
//   /evidence/<hash hex>         one evidence record (absent: kNotFound)
//   /evidence/<height>           the evidence of that infraction height (decimal)
#pragma once

#include <optional>
#include <string>

#include "tendermint/abci/types.pb.h"
#include "vinet/chain/state.h"

namespace vinet::chain {

::tendermint::abci::ResponseQuery QueryValidator(const State& state, const std::string& address);
::tendermint::abci::ResponseQuery QueryValidators(const State& state);
// `rest`: what follows "/evidence" ("", "/<hash>" or "/<height>").
::tendermint::abci::ResponseQuery QueryEvidence(const State& state, const std::string& rest);
// The state key of a validator query path (nullopt: not one key).
std::optional<std::string> StakingStateKeyOfPath(const std::string& path);

}  // namespace vinet::chain
