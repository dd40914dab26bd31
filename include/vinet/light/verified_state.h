// Chain state the client does not take on trust: an abci_query answered with a
// Merkle proof (vinet/merkle/proof_ops.h), checked against the app hash of a
// header the light client verified (vinet/light/light_client.h).
//
// CometBFT's convention: the state after block H (a query at height H) is
// committed to by the app hash in the header of block H+1, so `VerifyClaim`
// (VerifyClaimCertified: see there for the faster app-hash certificate) verifies header H+1
// (waiting up to `wait_ms` for it to be produced) before checking the proof. What it returns was
// proven: the claim record as stored (decoded from the proven protobuf bytes), or its absence at H.
//
// Errors: kVerification when the answer does not prove what it says (wrong
// key, forged value, truncated or foreign proof, app hash mismatch, header
// not verifiable, conflicting witness); kNotFound / kTimeout when header H+1
// does not exist (a settlement claimed at a height the chain has not
// reached); kParse for a malformed answer; kUnavailable when the RPC is down.
// Messages name the inference, the height and the check that failed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/light/light_client.h"
#include "vinet/merkle/proof_ops.h"

namespace vinet::light {

// One abci_query answer with prove=true, decoded (not yet verified).
struct ProvedAnswer {
  uint32_t code = 0;
  std::string log;
  int64_t height = 0;
  Bytes key;
  Bytes value;  // empty when the key is absent
  std::vector<merkle::ProofOp> ops;
};

// abci_query `path` at `height` (0 = latest) with prove=true over JSON-RPC GET.
Result<ProvedAnswer> QueryWithProof(const std::string& rpc_url, const std::string& path,
                                    int64_t height, int timeout_ms = 10'000);

// Decodes an abci_query "result" object (exposed for tests and fuzzing).
Result<ProvedAnswer> DecodeProvedAnswer(const nlohmann::json& result);

// The fields of the stored claim record (vinet.state.v1.Claim) the SDK uses.
struct ClaimRecord {
  Bytes inference_id;
  std::string status;  // SETTLED, REJECTED, PENDING, EXPIRED, ...
  uint64_t fee = 0;
  int64_t height = 0;          // where the claim was included
  int64_t settled_height = 0;  // where it reached a final status (0: PENDING)
};

// Protobuf wire decoding of vinet.state.v1.Claim (unknown fields skipped);
// kParse naming the byte offset on malformed input. Linear time.
Result<ClaimRecord> DecodeClaimRecord(ByteSpan bytes);

struct VerifiedClaim {
  std::optional<ClaimRecord> claim;  // nullopt: proven absent at `height`
  int64_t height = 0;                // the state height proven
  Bytes app_hash;                    // of the state after block `height`
  Bytes header_hash;                 // header height+1, or header height when certified
  // Through an app-hash certificate (VerifyClaimCertified): the voting power
  // of H's set that signed app_hash, of its total.
  bool certified = false;
  int64_t signed_power = 0, total_power = 0;
  std::string fallback;  // why a certified read fell back to header H+1 ("" if it did not)
};

// Queries /claim/<id hex> at `height` from `rpc_url` with a proof and
// verifies it as described above.
Result<VerifiedClaim> VerifyClaim(LightClient& light, const std::string& rpc_url,
                                  const std::string& inference_id, int64_t height, int64_t wait_ms);

// The checks of VerifyClaim on an answer already fetched (tests, bindings).
Result<VerifiedClaim> VerifyClaimAnswer(LightClient& light, const std::string& inference_id,
                                        const ProvedAnswer& answer, int64_t wait_ms);

// The answer's proof checked against `app_hash`, an app hash of the state
// after block answer.height that the caller verified (`source` names how, for
// messages). kVerification as above.
Result<VerifiedClaim> CheckClaimProof(const std::string& inference_id, const ProvedAnswer& answer,
                                      ByteSpan app_hash, ByteSpan header_hash,
                                      const std::string& source);

// VerifyClaim without waiting for header H+1 when it can (vinet/light/app_cert.h):
// verifies header H (its commit exists as soon as H commits) and its validator
// set, collects app-hash signatures for H from `signer_urls` for up to
// `cert_wait_ms`, and checks the proof against the app hash that more than
// 2/3 of H's voting power signed (`certified` = true). When the signatures
// fall short (kUnavailable from the certificate) it falls back to VerifyClaim's
// header H+1 path and says why in `fallback`; a conflict (two app hashes each
// signed by > 1/3) is kVerification, never a fallback.
Result<VerifiedClaim> VerifyClaimCertified(LightClient& light, const std::string& rpc_url,
                                           const std::vector<std::string>& signer_urls,
                                           const std::string& inference_id, int64_t height,
                                           int64_t wait_ms, int64_t cert_wait_ms);

}  // namespace vinet::light
