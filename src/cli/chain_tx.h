// Shared pieces of the `vinet tx …` commands (chain_tx*.cpp): the common
// options, and building/signing/broadcasting one tx with its report.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/chain_cli.h"
#include "cli/network_flags.h"
#include "vinet/chain/fee.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/tx/v1/tx.pb.h"

namespace vinet::cli {

struct TxOptions {
  NetworkFlags flags;  // --chain, --key, --devnet
  Network net;         // resolved by ResolveTxNetwork
  std::string chain_id;
  int64_t nonce = -1;
  int64_t fee = -1;  // -1: the least the chain's fee schedule asks of this tx
  bool no_wait = false, as_json = false;
  double wait_seconds = 30;
};

// The network flags of a tx (--chain URL, --key FILE, --devnet DIR) and the
// tx options (--chain-id, --nonce, --fee, --no-wait, --wait-seconds, --json).
void AddCommonOptions(CLI::App* cmd, TxOptions& o);

// Resolves o.net (the chain and the key must be known); throws StatusError
// naming the missing flags.
void ResolveTxNetwork(TxOptions& o);

// The chain's fee schedule from /params (fields it lacks are 0); throws
// StatusError when the node cannot answer.
chain::FeeSchedule ChainFees(chain::RpcClient& rpc);

// Fills chain id and nonce, signs the body built by `fill`, broadcasts, waits
// unless --no-wait, prints the report; throws StatusError when rejected.
// `verify_units`: the ZKML verify units the tx's proofs will cost (their
// verification fee is added when the fee is computed).
void SendAndReport(TxOptions& o, const std::function<void(::vinet::tx::v1::TxBody&)>& fill,
                   uint64_t verify_units = 0);

// `tx register-model`, `tx register-enclave` (chain_tx_inference.cpp).
void RegisterInferenceTxCommands(CLI::App* tx);
// `tx update-model` (chain_tx_model.cpp).
void RegisterUpdateModelCommand(CLI::App* tx);
// `tx deposit`, `tx release-deposit`, `tx withdraw-deposit` (chain_tx_deposit.cpp).
void RegisterDepositTxCommands(CLI::App* tx);

}  // namespace vinet::cli
