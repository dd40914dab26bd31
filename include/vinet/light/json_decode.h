// Decoding CometBFT v0.38 JSON-RPC answers into light-client types.
//
// Inputs are untrusted: every function checks sizes and types and returns a
// kParse error naming the JSON path ("commit.signatures[3].signature: ..."),
// never throws. Integers are accepted as CometBFT writes them (int64 as a
// decimal string, int32 as a number); hashes are hex; signatures and keys are
// base64; times are RFC 3339 in UTC with up to nine fractional digits. Only
// Ed25519 validator keys ("tendermint/PubKeyEd25519") are supported.
// Work is linear in the document's size.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "vinet/common/result.h"
#include "vinet/light/types.h"

namespace vinet::light {

// Limits on one answer.
inline constexpr size_t kMaxSignatures = 10'000;
inline constexpr size_t kMaxValidators = 10'000;

// The "result" of /commit: {"signed_header": {"header", "commit"}, ...}.
Result<SignedHeader> DecodeCommitResult(const nlohmann::json& result);

// One page of /validators: appends to `out`; returns the "total" it claims.
Result<int64_t> DecodeValidatorsPage(const nlohmann::json& result, ValidatorSet& out);

// Genesis validators ({"pub_key": {"type","value"}, "power", "address"?}),
// returned in CometBFT's set order (power descending, then address).
Result<ValidatorSet> DecodeGenesisValidators(const nlohmann::json& validators);

Result<Bytes> DecodeBase64(std::string_view text, std::string_view what);

}  // namespace vinet::light
