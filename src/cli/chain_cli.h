// Internal registration helpers of the chain's CLI commands (see commands.h).
#pragma once

#include <CLI/CLI.hpp>

namespace vinet::cli {

void RegisterTxCommands(CLI::App& app);      // chain_tx.cpp
void RegisterDevnetCommands(CLI::App& app);  // chain_devnet.cpp

}  // namespace vinet::cli
