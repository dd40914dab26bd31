// Sign one TxBody (chain id, nonce and the least fee filled from the chain),
// broadcast it and wait until it is in a block; for commands that build a tx
// as one step of a larger workflow (`vinet model publish`).
#pragma once

#include <nlohmann/json.hpp>

#include "vinet/chain/rpc_client.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/tx/v1/tx.pb.h"

namespace vinet::cli {

// {"hash", "height"}; throws StatusError naming the code and log when
// CheckTx or the block refuses it, kTimeout after `seconds`.
nlohmann::json SendTxAndWait(chain::RpcClient& rpc, const crypto::SecretKey& key,
                             ::vinet::tx::v1::TxBody body, double seconds);

}  // namespace vinet::cli
