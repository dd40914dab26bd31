// `LightClient`: CometBFT v0.38 headers verified from a trusted root, fetched
// from a primary provider and cross-checked with witnesses.
//
// Roots of trust:
//   FromGenesis     the genesis validator set (CometBFT's genesis.json
//                   "validators" and "chain_id"): the header of height 1 must
//                   carry that set's hash and > 2/3 of it must sign it;
//   FromCheckpoint  a height and header hash the user pins: the header served
//                   at that height must hash to it, and its validators to the
//                   header's validators_hash.
// `VerifyHeight(h)` returns the light block of height h once verified from the
// nearest verified height below it: adjacent verification for h+1, otherwise
// skipping verification with bisection (the pivot halves the gap when the
// trusted set signed ≤ trust level of the new commit), as CometBFT's light
// client does. Each newly verified target header is then fetched from every
// witness: a witness serving a header with another hash is reported as an
// attack (kVerification, "conflicting headers at height h: primary <url>
// <hash>, witness <url> <hash>"); a witness that cannot serve it within
// `witness_wait_ms` is an error too (kUnavailable), so a check never passes
// unchecked. Verified blocks are kept (up to `max_stored` heights; the root
// stays). `now` comes from the `clock` (system clock by default).
// Not thread-safe: one LightClient per thread, or a lock around it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinet/common/result.h"
#include "vinet/light/provider.h"
#include "vinet/light/verifier.h"

namespace vinet::light {

struct LightClientOptions {
  VerifyOptions verify;
  int64_t witness_wait_ms = 5'000;  // a witness behind the primary gets this long to catch up
  size_t max_stored = 4096;
  std::function<Time()> clock;  // empty: the system clock
};

struct LightClientStats {
  int64_t blocks_fetched = 0;  // from the primary
  int64_t verifications = 0;   // Verify calls (adjacent + skipping)
  int64_t bisections = 0;      // pivots fetched because trust was not enough
  int64_t witness_checks = 0;
};

class LightClient {
 public:
  static Result<LightClient> FromGenesis(std::unique_ptr<Provider> primary,
                                         std::vector<std::unique_ptr<Provider>> witnesses,
                                         const nlohmann::json& genesis,
                                         LightClientOptions options = {});
  static Result<LightClient> FromCheckpoint(std::unique_ptr<Provider> primary,
                                            std::vector<std::unique_ptr<Provider>> witnesses,
                                            std::string chain_id, int64_t height,
                                            ByteSpan header_hash, LightClientOptions options = {});

  LightClient(LightClient&&) = default;
  LightClient& operator=(LightClient&&) = default;

  // The verified light block of `height` (0 = the primary's latest).
  // Errors: kInvalidArgument for a height below the root; the verifier's and
  // the providers' errors, with the heights involved as context.
  Result<LightBlock> VerifyHeight(int64_t height);

  const LightBlock& root() const { return store_.begin()->second; }
  const LightBlock& latest() const { return store_.rbegin()->second; }
  const std::string& chain_id() const { return chain_id_; }
  const LightClientStats& stats() const { return stats_; }

 private:
  LightClient(std::unique_ptr<Provider> primary, std::vector<std::unique_ptr<Provider>> witnesses,
              std::string chain_id, LightClientOptions options);
  Time Now() const;
  Status Skip(const LightBlock& trusted, LightBlock target);  // stores what it verifies
  Status CrossCheck(const LightBlock& verified);
  void Store(LightBlock block);

  std::unique_ptr<Provider> primary_;
  std::vector<std::unique_ptr<Provider>> witnesses_;
  std::string chain_id_;
  LightClientOptions options_;
  std::map<int64_t, LightBlock> store_;  // verified, by height; never empty
  LightClientStats stats_;
};

}  // namespace vinet::light
