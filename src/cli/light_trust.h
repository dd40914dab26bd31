// The light client's chain URLs and trust root for CLI commands that wait for
// a settlement: with a devnet directory, its validator 0's genesis.json is the
// root and validators 1.. are witnesses (chain_rpc stays the primary).
#pragma once

#include <string>

#include "vinet/client/client.h"

namespace vinet::cli {

void AddDevnetLightTrust(client::ClientOptions& options, const std::string& devnet_dir);

}  // namespace vinet::cli
