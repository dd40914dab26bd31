#include "vinet/light/app_cert.h"
#include "vinet/light/hashing.h"
#include "vinet/light/verified_state.h"

namespace vinet::light {

Result<VerifiedClaim> VerifyClaimCertified(LightClient& light, const std::string& rpc_url,
                                           const std::vector<std::string>& signer_urls,
                                           const std::string& id, int64_t height, int64_t wait_ms,
                                           int64_t cert_wait_ms) {
  VINET_ASSIGN_OR_RETURN(auto answer, QueryWithProof(rpc_url, "/claim/" + id, height));
  const int64_t h = answer.height;
  auto block = light.VerifyHeight(h);
  if (!block.ok() && block.status().code() == Code::kNotFound) {
    // No header H (yet): the header H+1 path waits for it and says so.
    auto v = VerifyClaimAnswer(light, id, answer, wait_ms);
    if (v.ok()) v->fallback = "header " + std::to_string(h) + ": " + block.status().message();
    return v;
  }
  if (!block.ok()) {
    return block.status().WithContext("inference " + id + ": header " + std::to_string(h));
  }
  auto cert = CollectAppHashCertificate(block->signed_header.header.chain_id, h, block->validators,
                                        signer_urls, cert_wait_ms);
  if (cert.ok()) {
    auto hh = HeaderHash(block->signed_header.header);
    auto v = CheckClaimProof(id, answer, cert->app_hash, hh,
                             "the app hash certificate for height " + std::to_string(h) + " (" +
                                 std::to_string(cert->signed_power) + " of " +
                                 std::to_string(cert->total_power) + " voting power)");
    if (!v.ok()) return v;
    v->certified = true;
    v->signed_power = cert->signed_power;
    v->total_power = cert->total_power;
    return v;
  }
  if (cert.status().code() != Code::kUnavailable) {
    return cert.status().WithContext("inference " + id);
  }
  auto v = VerifyClaimAnswer(light, id, answer, wait_ms);
  if (v.ok()) v->fallback = cert.status().message();
  return v;
}

}  // namespace vinet::light
