#include "cli/light_trust.h"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

namespace vinet::cli {

void AddDevnetLightTrust(client::ClientOptions& o, const std::string& devnet_dir) {
  namespace fs = std::filesystem;
  fs::path state = fs::path(devnet_dir) / "devnet.json";
  if (devnet_dir.empty() || !fs::exists(state)) return;
  auto s = nlohmann::json::parse(std::ifstream(state), nullptr, false);
  if (s.is_discarded() || !s.contains("validators") || !s["validators"].is_array()) return;
  const auto& vals = s["validators"];
  for (size_t i = 0; i < vals.size(); ++i) {
    std::string rpc = vals[i].value("rpc", "");
    if (i == 0 && o.trust_genesis_file.empty()) {
      fs::path g = fs::path(vals[i].value("home", "")) / "config" / "genesis.json";
      if (fs::exists(g)) o.trust_genesis_file = g.string();
    }
    if (!rpc.empty() && rpc != o.chain_rpc) o.chain_witnesses.push_back(rpc);
  }
}

}  // namespace vinet::cli
