// Building a LightClient for a chain from RPC URLs and a root of trust, the
// way the SDKs and the CLI do.
//
// Root, in order of preference: a pinned checkpoint (height + header hash),
// a genesis document the caller holds (e.g. the devnet's genesis.json), or —
// when neither is given — the genesis the primary serves at /genesis (trust
// on first use; every witness must serve the same document, else
// kVerification). Errors are those of LightClient::FromGenesis /
// FromCheckpoint, kInvalidArgument for bad options, kIo for an unreadable
// genesis file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinet/light/light_client.h"

namespace vinet::light {

struct ChainTrust {
  std::string primary;                 // CometBFT RPC URL
  std::vector<std::string> witnesses;  // more RPC URLs of the same chain
  std::string genesis_file;            // optional genesis.json path
  nlohmann::json genesis;              // optional genesis document (wins over the file)
  int64_t checkpoint_height = 0;       // > 0: pin this header...
  std::string checkpoint_hash;         // ...by its 64-hex-digit hash
  std::string chain_id;                // checkpoint only; empty: from /genesis
  int64_t trusting_period_s = 14 * 24 * 3600;
};

Result<std::unique_ptr<LightClient>> ConnectLightClient(const ChainTrust& trust);

}  // namespace vinet::light
