// CometBFT v0.38 light-client verification rules as pure functions (no I/O,
// no clock: the caller passes `now`).
//
// Each returns OK or an error whose message names the height, the check and
// the values that differ:
//   kVerification       a hash, signature, power or time check failed;
//   kParse              a header/commit/validator set is malformed
//                       (ValidateBasic: sizes, flags, chain id, heights);
//   kOutOfRange         the trusted header's trusting period has ended;
//   kUnauthenticated    a commit signature does not verify.
// One kVerification error is special, `IsNotEnoughTrust(status)`: the trusted
// set signed ≤ trust level of its power, so the caller should bisect
// (CometBFT's ErrNewValSetCantBeTrusted); its message ends in "(bisect)".
//
// VerifyAdjacent (h+1 from h): the new header's validators hash equals the
// trusted header's next-validators hash, and its own set signed > 2/3.
// VerifyNonAdjacent (h+k, k > 1): validators of the trusted block that signed
// the new commit hold > trust level of the trusted set's power, and the new
// set signed > 2/3 of its own power. Both first check the new header (basic
// validity, chain id, commit for this header's hash, height and time after
// the trusted one's, time before now + max clock drift, validators hash) and
// that the trusted header is younger than the trusting period.
#pragma once

#include <cstdint>

#include "vinet/common/result.h"
#include "vinet/light/time.h"
#include "vinet/light/types.h"

namespace vinet::light {

struct TrustLevel {
  int64_t numerator = 1;
  int64_t denominator = 3;
};

struct VerifyOptions {
  int64_t trusting_period_ns = int64_t{14} * 24 * 3600 * 1'000'000'000;  // two weeks
  int64_t max_clock_drift_ns = int64_t{10} * 1'000'000'000;              // 10 s
  TrustLevel trust_level;
};

// Basic validity of one signed header for `chain_id` (CometBFT's
// SignedHeader.ValidateBasic) and of a validator set (non-empty, Ed25519
// keys whose addresses match, powers > 0 with a total ≤ kMaxTotalVotingPower).
Status ValidateSignedHeader(const SignedHeader& sh, std::string_view chain_id);
Status ValidateValidatorSet(const ValidatorSet& set, std::string_view what);

// `validators` (the set of this height) signed `commit` for `block_id` with
// > 2/3 of their power; signatures matched to validators by index.
Status VerifyCommitLight(std::string_view chain_id, const ValidatorSet& validators,
                         const BlockId& block_id, int64_t height, const Commit& commit);

// Validators of `trusted` (matched by address) signed `commit` with
// > trust_level of trusted's total power. Not enough: IsNotEnoughTrust.
Status VerifyCommitLightTrusting(std::string_view chain_id, const ValidatorSet& trusted,
                                 const Commit& commit, TrustLevel trust_level);

Status VerifyAdjacent(const SignedHeader& trusted, const SignedHeader& untrusted,
                      const ValidatorSet& untrusted_vals, Time now, const VerifyOptions& options);

Status VerifyNonAdjacent(const SignedHeader& trusted, const ValidatorSet& trusted_vals,
                         const SignedHeader& untrusted, const ValidatorSet& untrusted_vals,
                         Time now, const VerifyOptions& options);

// Adjacent or not, by heights.
Status Verify(const LightBlock& trusted, const LightBlock& untrusted, Time now,
              const VerifyOptions& options);

// True for the status VerifyCommitLightTrusting / VerifyNonAdjacent return
// when the trusted set did not sign enough of the new commit (bisect).
bool IsNotEnoughTrust(const Status& status);

// The trusted header's time + trusting period is not after `now`.
bool HeaderExpired(const Header& header, int64_t trusting_period_ns, Time now);

}  // namespace vinet::light
