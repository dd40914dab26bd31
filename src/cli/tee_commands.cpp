#include "cli/commands.h"

namespace vinet::cli {

void RegisterTeeCommands(CLI::App& /*app*/) {}

}  // namespace vinet::cli
