#include "cli/commands.h"

namespace vinet::cli {

void RegisterChainCommands(CLI::App& /*app*/) {}

}  // namespace vinet::cli
