// Shared pieces of the `vinet tx …` commands (chain_tx*.cpp): the common
// options, and building/signing/broadcasting one tx with its report.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/chain_cli.h"
#include "vinet/tx/v1/tx.pb.h"

namespace vinet::cli {

struct TxOptions {
  std::string key_file, node = kDefaultNode, chain_id;
  int64_t nonce = -1;
  uint64_t fee = 1;
  bool no_wait = false, as_json = false;
  double wait_seconds = 30;
};

void AddCommonOptions(CLI::App* cmd, TxOptions& o);

// Fills chain id and nonce, signs the body built by `fill`, broadcasts, waits
// unless --no-wait, prints the report; throws StatusError when rejected.
void SendAndReport(TxOptions& o, const std::function<void(::vinet::tx::v1::TxBody&)>& fill);

// `tx register-model`, `tx register-enclave` (chain_tx_inference.cpp).
void RegisterInferenceTxCommands(CLI::App* tx);
// `tx deposit`, `tx release-deposit`, `tx withdraw-deposit` (chain_tx_deposit.cpp).
void RegisterDepositTxCommands(CLI::App* tx);

}  // namespace vinet::cli
