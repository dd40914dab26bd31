// Internal registration helpers of the chain's CLI commands (see commands.h).
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace vinet::cli {

inline constexpr const char* kDefaultNode = "http://127.0.0.1:26657";

void RegisterTxCommands(CLI::App& app);      // chain_tx.cpp
void RegisterDevnetCommands(CLI::App& app);  // chain_devnet.cpp
// `query claim --prove` and its trust options (chain_prove.cpp); reads *rpc,
// *id, *as_json at run time; without --prove the command runs `plain`.
void AddClaimProveOptions(CLI::App* claim, const std::string* rpc, const std::string* id,
                          const bool* as_json, std::function<void()> plain);

}  // namespace vinet::cli
