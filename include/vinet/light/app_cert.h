// App-hash certificates: the state after block H verified as soon as H
// commits, without waiting for header H+1 (docs/light_client.md "App-hash
// certificates").
//
// CometBFT commits to the app hash of the state after block H only in header
// H+1. vinet's validator applications also sign (chain_id, H, app_hash) with
// their consensus keys after committing H (vinet/chain/app_hash_signer.h,
// bytes of vinet/crypto/app_hash_message.h) and serve it at
// /app_hash_sig/<H>. `CheckAppHashCertificate` accepts an app hash for H when
// validators of H's set (taken from a light-client-verified block H, so the
// same trust assumption as the light client: less than 1/3 of H's voting power
// is faulty) holding more than 2/3 of its voting power signed it.
//
// Signatures that do not count (each validator counts once; the rest are
// tallied by reason in the error message): a key not in H's set, another
// height or chain id, a signature that does not verify, a second signature of
// the same validator. Errors: kUnavailable when no app hash reaches > 2/3 (the
// caller falls back to header H+1); kVerification when two different app
// hashes are each signed by more than 1/3 (the trust assumption is broken:
// trust neither). Linear in the number of signatures times the set size.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/light/types.h"

namespace vinet::light {

// One validator application's answer to /app_hash_sig/<height>.
struct AppHashSig {
  std::string source;  // where it came from (an RPC URL), for messages
  int64_t height = 0;
  std::string chain_id;
  Bytes app_hash;
  std::array<uint8_t, 32> pub_key{};
  Bytes signature;
};

// Decodes the JSON answer ({"height", "chain_id", "app_hash", "pub_key",
// "signature"}, hex strings; more fields ignored). kParse naming the field.
Result<AppHashSig> DecodeAppHashSig(std::string_view json_text, std::string source);

// abci_query "/app_hash_sig/<height>" at `rpc_url`. kNotFound when the app has
// not committed that height yet (ask again), kUnavailable when the RPC does not
// answer or the app signs nothing for it (no key, height no longer kept),
// kParse for a malformed answer.
Result<AppHashSig> FetchAppHashSig(const std::string& rpc_url, int64_t height, int timeout_ms);

struct AppHashCertificate {
  Bytes app_hash;
  int64_t signed_power = 0;  // of H's set, on app_hash
  int64_t total_power = 0;   // of H's set
  size_t signers = 0;
};

Result<AppHashCertificate> CheckAppHashCertificate(const std::string& chain_id, int64_t height,
                                                   const ValidatorSet& validators,
                                                   const std::vector<AppHashSig>& sigs);

// Asks every URL (the first 64) concurrently (each retried every 50 ms while it has not signed
// H yet, each request bounded by the time left) until the signatures collected
// form a certificate or prove a conflict, or `wait_ms` passes; then the result
// of CheckAppHashCertificate over what arrived (kUnavailable also names the
// endpoints that failed or did not answer). Returns as soon as that is
// decided: requests still open (an endpoint that hangs) finish in the
// background within their own timeout (at most 1 s each), on their own threads.
Result<AppHashCertificate> CollectAppHashCertificate(const std::string& chain_id, int64_t height,
                                                     const ValidatorSet& validators,
                                                     const std::vector<std::string>& urls,
                                                     int64_t wait_ms);

}  // namespace vinet::light
