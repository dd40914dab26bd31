// `vinet node reload [--admin FILE | --devnet DIR] [--json]`: asks a running
// node (and its enclave) to load the models added to its models dir since it
// started, and to pick up a new enclave process on its socket
// (docs/models.md "The reload path"). Prints what the node and the enclave
// serve; --json: the node's answer.
#include <iostream>

#include "cli/commands.h"
#include "cli/model_admin.h"

namespace vinet::cli {

void RegisterNodeReloadCommand(CLI::App& app) {
  CLI::App* node = app.get_subcommand("node");  // created by RegisterNodeCommands
  static std::string admin_file, devnet_dir;
  static bool as_json = false;
  auto* cmd = node->add_subcommand(
      "reload", "load models added since start into the running node and its enclave");
  cmd->add_option("--admin", admin_file, "the node's DATA_DIR/admin.json");
  cmd->add_option("--devnet", devnet_dir, "a devnet's directory (its node's admin.json)");
  cmd->add_flag("--json", as_json, "print JSON");
  cmd->callback([] {
    AdminEndpoint admin = ValueOrThrow(FindAdmin(admin_file, devnet_dir));
    nlohmann::json r = ValueOrThrow(ReloadNode(admin));
    if (as_json) {
      std::cout << r.dump() << "\n";
      return;
    }
    std::cout << "node: " << r["models"].size() << " models (" << r["added"].size() << " new), "
              << r["zkml_models"].size() << " with ZKML (" << r["zkml_added"].size() << " new)\n";
    if (r["enclave"].is_object()) {
      std::cout << "enclave " << r["enclave"].value("key", "") << " pcr0 "
                << r["enclave"].value("pcr0", "") << ": " << r["enclave"]["models"].size()
                << " models\n";
    }
  });
}

}  // namespace vinet::cli
