// The vinet `app_state` of a generated network's genesis, shared by
// `vinet devnet up` and `vinet testnet init`: funded accounts, the dev CA
// roots the chain trusts for enclave attestations, an optional enclave TTL
// and `--param KEY=VALUE` overrides (VALUE parsed as JSON, else a string).
// The result is checked with chain::ParseGenesis, so a bad override is
// refused here (kInvalidArgument / kParse naming the field), not at start-up.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "vinet/chain/genesis.h"

namespace vinet::cli {

struct AppStateSpec {
  std::vector<chain::GenesisAccount> accounts;
  std::vector<std::string> tee_root_pems;  // PEM texts
  int64_t enclave_ttl_ms = 0;              // 0: the chain's default
  std::vector<std::string> params;         // "key=value" overrides
};

// Throws StatusError on a malformed override or an app state the chain refuses.
nlohmann::json BuildAppState(const AppStateSpec& spec);

// Sets genesis.consensus_params.evidence so evidence does not outlive the
// stake it would slash (the app refuses max_age_num_blocks outside
// 1..unbonding_blocks; docs/chain.md "Validators"): CometBFT keeps evidence
// while it is younger than either bound, so the duration is kept short and
// the block count (= the app_state's unbonding_blocks) decides.
void SetEvidenceAge(nlohmann::json& genesis);

}  // namespace vinet::cli
