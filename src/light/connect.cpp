#include "vinet/light/connect.h"

#include <fstream>

#include "vinet/common/json_limits.h"
#include "vinet/light/provider.h"

namespace vinet::light {
namespace {

using nlohmann::json;

constexpr size_t kMaxGenesisBytes = 16 << 20;

Result<json> GenesisFromRpc(const std::string& url) {
  VINET_ASSIGN_OR_RETURN(json r, RpcGet(url, "/genesis", 10'000, kMaxGenesisBytes));
  if (!r.contains("genesis") || !r["genesis"].is_object()) {
    return Error(Code::kParse, url + "/genesis: result.genesis missing");
  }
  return r["genesis"];
}

}  // namespace

Result<std::unique_ptr<LightClient>> ConnectLightClient(const ChainTrust& t) {
  if (t.primary.empty()) return Error(Code::kInvalidArgument, "light client: no chain RPC URL");
  if (t.trusting_period_s <= 0) {
    return Error(Code::kInvalidArgument, "light client: trusting period must be > 0");
  }
  LightClientOptions lo;
  lo.verify.trusting_period_ns = t.trusting_period_s * 1'000'000'000;
  auto primary = std::make_unique<RpcProvider>(t.primary);
  std::vector<std::unique_ptr<Provider>> witnesses;
  for (const auto& w : t.witnesses) witnesses.push_back(std::make_unique<RpcProvider>(w));
  if (t.checkpoint_height > 0) {
    auto hash = FromHex(t.checkpoint_hash);
    if (!hash.ok() || hash->size() != 32) {
      return Error(Code::kInvalidArgument,
                   "checkpoint hash: want the 64-hex-digit header hash of height " +
                       std::to_string(t.checkpoint_height));
    }
    std::string chain_id = t.chain_id;
    if (chain_id.empty()) {
      VINET_ASSIGN_OR_RETURN(json g, GenesisFromRpc(t.primary));
      if (!g.contains("chain_id") || !g["chain_id"].is_string()) {
        return Error(Code::kParse, t.primary + "/genesis: chain_id missing");
      }
      chain_id = g["chain_id"].get<std::string>();
    }
    VINET_ASSIGN_OR_RETURN(
        auto lc, LightClient::FromCheckpoint(std::move(primary), std::move(witnesses), chain_id,
                                             t.checkpoint_height, *hash, lo));
    return std::make_unique<LightClient>(std::move(lc));
  }
  json genesis = t.genesis;
  if (genesis.is_null() && !t.genesis_file.empty()) {
    std::ifstream in(t.genesis_file, std::ios::binary);
    if (!in) return Error(Code::kIo, "genesis file " + t.genesis_file + ": cannot read");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    VINET_ASSIGN_OR_RETURN(genesis,
                           ParseUntrustedJson(text, {kMaxGenesisBytes, 64}, t.genesis_file));
  }
  if (genesis.is_null()) {
    VINET_ASSIGN_OR_RETURN(genesis, GenesisFromRpc(t.primary));
    for (const auto& w : t.witnesses) {
      VINET_ASSIGN_OR_RETURN(json other, GenesisFromRpc(w));
      if (other != genesis) {
        return Error(Code::kVerification,
                     "light client: witness " + w + " serves another genesis than " + t.primary);
      }
    }
  }
  VINET_ASSIGN_OR_RETURN(
      auto lc, LightClient::FromGenesis(std::move(primary), std::move(witnesses), genesis, lo));
  return std::make_unique<LightClient>(std::move(lc));
}

}  // namespace vinet::light
