// Internal registration helpers of the chain's CLI commands (see commands.h).
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace vinet::cli {

void RegisterTxCommands(CLI::App& app);       // chain_tx.cpp
void RegisterDevnetCommands(CLI::App& app);   // chain_devnet.cpp
void RegisterTestnetCommands(CLI::App& app);  // testnet_init.cpp
// `validator …` and `query evidence` (validator_commands.cpp).
void RegisterValidatorCommands(CLI::App& app);
void RegisterEvidenceQuery(CLI::App* query);
// `query claim --prove` and its trust options (chain_prove.cpp); calls rpc() and reads
// *id, *as_json at run time; without --prove the command runs `plain`.
void AddClaimProveOptions(CLI::App* claim, std::function<std::string()> rpc, const std::string* id,
                          const bool* as_json, std::function<void()> plain);

}  // namespace vinet::cli
