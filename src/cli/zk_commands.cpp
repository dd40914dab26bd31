#include "cli/commands.h"

namespace vinet::cli {

void RegisterZkCommands(CLI::App& /*app*/) {}

}  // namespace vinet::cli
