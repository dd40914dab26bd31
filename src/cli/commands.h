// Registration of the `vinet` command's subcommands, one function per
// component. Each function adds its subcommands to `app`; their callbacks
// report failure by throwing vinet::StatusError (or CLI::Error for usage),
// which main() turns into a message on stderr and a non-zero exit code.
#pragma once

#include <CLI/CLI.hpp>

namespace vinet::cli {

void RegisterChainCommands(CLI::App& app);        // keys, chain, devnet, tx, query
void RegisterRuntimeCommands(CLI::App& app);      // run, model
void RegisterZkCommands(CLI::App& app);           // zk
void RegisterTeeCommands(CLI::App& app);          // tee, enclave
void RegisterNodeCommands(CLI::App& app);         // node, model add (after runtime)
void RegisterClientCommands(CLI::App& app);       // infer, verify, status
void RegisterLlmCommands(CLI::App& app);          // llm inspect, llm run
void RegisterModelPublishCommand(CLI::App& app);  // model publish (after runtime)
void RegisterModelsCommand(CLI::App& app);        // models
void RegisterNodeReloadCommand(CLI::App& app);    // node reload (after node)

}  // namespace vinet::cli
