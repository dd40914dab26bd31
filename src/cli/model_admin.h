// The node's admin endpoint as the CLI sees it (node/admin_server.h):
// DATA_DIR/admin.json gives its URL, the token and the node's models dir.
// `FindAdmin` reads --admin FILE or, for a devnet, the devnet node's file
// (DIR/inference-node/data/admin.json); `ReloadNode` calls
// POST /admin/v1/reload and returns the node's answer (Node::Reload).
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "vinet/common/result.h"

namespace vinet::cli {

struct AdminEndpoint {
  std::string url, token;
  std::filesystem::path models_dir, file;
};

// kInvalidArgument when neither names a file; kNotFound / kParse for a
// missing or malformed file.
Result<AdminEndpoint> FindAdmin(const std::string& admin_file, const std::string& devnet_dir);
Result<nlohmann::json> ReloadNode(const AdminEndpoint& admin);

}  // namespace vinet::cli
