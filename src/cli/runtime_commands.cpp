#include "cli/commands.h"

namespace vinet::cli {

void RegisterRuntimeCommands(CLI::App& /*app*/) {}

}  // namespace vinet::cli
