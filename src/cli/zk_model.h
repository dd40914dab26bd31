// `vinet zk commit|export-vk|prove|verify`: ZKML model proofs (CLI-private).
#pragma once

#include <CLI/CLI.hpp>

namespace vinet::cli {

void RegisterZkModelCommands(CLI::App& zk);

}  // namespace vinet::cli
