// The `vinet` command: one binary for every process and tool.
// Exit codes: 0 success, 1 a failed operation (message on stderr), 2 usage.
#include <cstdio>
#include <exception>
#include <iostream>

#include "cli/commands.h"
#include "vinet/common/result.h"

int main(int argc, char** argv) {
  CLI::App app{"vinet: verifiable AI inference network", "vinet"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "vinet 0.1.0");
  vinet::cli::RegisterChainCommands(app);
  vinet::cli::RegisterRuntimeCommands(app);
  vinet::cli::RegisterZkCommands(app);
  vinet::cli::RegisterTeeCommands(app);
  vinet::cli::RegisterNodeCommands(app);
  vinet::cli::RegisterClientCommands(app);
  vinet::cli::RegisterLlmCommands(app);
  vinet::cli::RegisterModelPublishCommand(app);
  vinet::cli::RegisterModelsCommand(app);
  vinet::cli::RegisterNodeReloadCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const vinet::StatusError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
