// Client::ProveSettlement and the light client behind it (client.h).
#include "vinet/client/client.h"
#include "vinet/light/connect.h"
#include "vinet/light/verified_state.h"

namespace vinet::client {
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

Status Client::ProveSettlement(const std::string& inference_id, Settlement& s, int64_t wait_ms) {
  VINET_ASSIGN_OR_RETURN(light::LightClient * lc, Light());
  // The state at the settlement's height must hold the final status; a
  // record reported at its inclusion height (ZKML: PENDING then) is proven
  // at the latest height instead.
  int64_t height = s.height > 0 ? s.height : 0;
  VINET_ASSIGN_OR_RETURN(light::VerifiedClaim v, light::VerifyClaim(*lc, options_.chain_rpc,
                                                                    inference_id, height, wait_ms));
  if (v.claim && v.claim->status != s.status && height != 0) {
    VINET_ASSIGN_OR_RETURN(v,
                           light::VerifyClaim(*lc, options_.chain_rpc, inference_id, 0, wait_ms));
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
  if (v.claim->settled_height > 0) s.height = v.claim->settled_height;
  return {};
}

}  // namespace vinet::client
