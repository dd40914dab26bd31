// Client::ProveSettlement and the light client behind it, and
// Client::AwaitHeader, the wait for the header the proof needs (client.h).
#include <algorithm>
#include <charconv>
#include <chrono>

#include "vinet/chain/rpc_client.h"
#include "vinet/client/chain_events.h"
#include "vinet/client/client.h"
#include "vinet/light/connect.h"
#include "vinet/light/verified_state.h"

namespace vinet::client {
namespace {

// data.value.header.height of a NewBlockHeader event (0 when absent or malformed).
int64_t HeaderHeight(const nlohmann::json& msg) {
  const nlohmann::json* at = &msg;
  for (const char* key : {"data", "value", "header", "height"}) {
    if (!at->is_object()) return 0;
    auto it = at->find(key);
    if (it == at->end()) return 0;
    at = &*it;
  }
  if (!at->is_string()) return 0;
  const auto& text = at->get_ref<const std::string&>();
  int64_t height = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), height);
  return ec == std::errc() && end == text.data() + text.size() ? height : 0;
}

}  // namespace

Result<std::unique_ptr<light::LightClient>> MakeLightClient(const ClientOptions& o) {
  light::ChainTrust t;
  t.primary = o.chain_rpc;
  t.witnesses = o.chain_witnesses;
  t.genesis_file = o.trust_genesis_file;
  t.checkpoint_height = o.trust_height;
  t.checkpoint_hash = o.trust_hash;
  t.chain_id = o.chain_id;
  t.trusting_period_s = o.trusting_period_s;
  return light::ConnectLightClient(t);
}

Result<light::LightClient*> Client::Light() {
  if (!light_) {
    auto lc = MakeLightClient(options_);
    if (!lc.ok()) return lc.status().WithContext("light client");
    light_ = std::move(lc).value();
  }
  return light_.get();
}

void Client::AwaitHeader(int64_t height, int64_t timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now())
        .count();
  };
  std::string url =
      options_.chain_ws.empty() ? WebsocketUrl(options_.chain_rpc) : options_.chain_ws;
  auto sub = ChainEvents::Subscribe(url, "tm.event='NewBlockHeader'", timeout_ms);
  if (!sub.ok()) return;
  // Subscribed first, then read: a header committed in between is not missed.
  chain::RpcClient rpc(options_.chain_rpc, 5);
  if (auto latest = rpc.LatestHeight(); latest.ok() && *latest >= height) return;
  while (left() > 0) {
    auto msg = (*sub)->Next(left());
    if (!msg.ok()) return;
    if (HeaderHeight(*msg) >= height) return;
  }
}

Status Client::ProveSettlement(const std::string& inference_id, Settlement& s, int64_t wait_ms) {
  VINET_ASSIGN_OR_RETURN(light::LightClient * lc, Light());
  // The state at the settlement's height must hold the final status; a
  // record reported at its inclusion height (ZKML: PENDING then) is proven
  // at the latest height instead.
  int64_t height = s.height > 0 ? s.height : 0;
  std::vector<std::string> signers;
  if (options_.app_hash_certificates) {
    signers.push_back(options_.chain_rpc);
    for (const auto* list : {&options_.chain_witnesses, &options_.signer_rpcs}) {
      for (const auto& u : *list) {
        if (std::find(signers.begin(), signers.end(), u) == signers.end()) signers.push_back(u);
      }
    }
  }
  auto verify = [&](int64_t h) {
    return signers.empty()
               ? light::VerifyClaim(*lc, options_.chain_rpc, inference_id, h, wait_ms)
               : light::VerifyClaimCertified(*lc, options_.chain_rpc, signers, inference_id, h,
                                             wait_ms, options_.certificate_wait_ms);
  };
  VINET_ASSIGN_OR_RETURN(light::VerifiedClaim v, verify(height));
  if (v.claim && v.claim->status != s.status && height != 0) {
    VINET_ASSIGN_OR_RETURN(v, verify(0));
  }
  if (!v.claim) {
    return Error(Code::kVerification, "inference " + inference_id + ": the chain RPC reported " +
                                          s.status + " at height " + std::to_string(s.height) +
                                          ", but the proven state at height " +
                                          std::to_string(v.height) + " has no claim");
  }
  if (v.claim->status != s.status) {
    return Error(Code::kVerification, "inference " + inference_id + ": the chain RPC reported " +
                                          s.status + ", but the proven claim at height " +
                                          std::to_string(v.height) + " is " + v.claim->status);
  }
  s.proof_verified = true;
  s.proven_height = v.height;
  s.app_hash = ToHex(v.app_hash);
  s.certified = v.certified;
  if (v.claim->settled_height > 0) s.height = v.claim->settled_height;
  return {};
}

}  // namespace vinet::client
