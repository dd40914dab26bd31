#include "cli/model_admin.h"

#include <httplib.h>

#include <fstream>
#include <sstream>

#include "vinet/common/json_limits.h"

namespace vinet::cli {
namespace {
using json = nlohmann::json;
namespace fs = std::filesystem;
}  // namespace

Result<AdminEndpoint> FindAdmin(const std::string& admin_file, const std::string& devnet_dir) {
  fs::path file = admin_file;
  if (file.empty()) {
    if (devnet_dir.empty()) {
      return Error(Code::kInvalidArgument,
                   "give --admin FILE: the node's DATA_DIR/admin.json (publishing runs on the "
                   "node's host), or --devnet DIR");
    }
    file = fs::path(devnet_dir) / "inference-node" / "data" / "admin.json";
  }
  std::ifstream in(file);
  if (!in) {
    return Error(Code::kNotFound, "cannot read " + file.string() +
                                      " (the node writes it at start when [admin] is enabled)");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = json::parse(ss.str(), nullptr, false);
  if (!j.is_object() || !j.contains("url") || !j["url"].is_string() || !j.contains("token") ||
      !j["token"].is_string() || !j.contains("models_dir") || !j["models_dir"].is_string()) {
    return Error(Code::kParse, file.string() + ": expected {\"url\", \"token\", \"models_dir\"}");
  }
  return AdminEndpoint{j["url"].get<std::string>(), j["token"].get<std::string>(),
                       j["models_dir"].get<std::string>(), file};
}

Result<json> ReloadNode(const AdminEndpoint& admin) {
  httplib::Client http(admin.url);
  http.set_read_timeout(300);  // loading large ZKML packages recommits their weights
  auto res = http.Post("/admin/v1/reload", {{"Authorization", "Bearer " + admin.token}}, "",
                       "application/json");
  if (!res) {
    return Error(Code::kUnavailable, "node admin endpoint " + admin.url +
                                         " unreachable (is the node running? " +
                                         admin.file.string() + " may be stale)");
  }
  auto j = json::parse(res->body, nullptr, false);
  if (res->status != 200 || !j.is_object()) {
    return Error(Code::kUnavailable, "node reload: HTTP " + std::to_string(res->status) + ": " +
                                         res->body.substr(0, 500));
  }
  return j;
}

}  // namespace vinet::cli
