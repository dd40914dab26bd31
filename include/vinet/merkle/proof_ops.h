// CometBFT's proof container for abci_query answers (tendermint.crypto.ProofOps
// in proto/tendermint/crypto/proof.proto):
//   message ProofOp  { string type = 1; bytes key = 2; bytes data = 3; }
//   message ProofOps { repeated ProofOp ops = 1; }
// vinet answers with exactly one op: type kProofOpType, key = the state key
// queried, data = an encoded merkle::Proof (vinet/merkle/proof.h). Following
// CometBFT's convention, a proof for a query at height H verifies against the
// app hash in the header of block H+1.
//
// The codec is our own protobuf wire reader/writer for these two messages, so
// light clients and SDKs need no protobuf runtime. Decoding checks
// kMaxProofOpsBytes before any work, runs in linear time, accepts fields in
// any order and skips unknown fields (protobuf rules); errors are kParse with
// the byte offset. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/merkle/proof.h"

namespace vinet::merkle {

inline constexpr std::string_view kProofOpType = "vinet:smt:v1";
inline constexpr size_t kMaxProofOpsBytes = 64 * 1024;

struct ProofOp {
  std::string type;
  Bytes key;
  Bytes data;
  friend bool operator==(const ProofOp&, const ProofOp&) = default;
};

Bytes EncodeProofOps(const std::vector<ProofOp>& ops);
Result<std::vector<ProofOp>> DecodeProofOps(ByteSpan bytes);

// The op vinet answers with for `key`.
ProofOp MakeProofOp(ByteSpan key, const Proof& proof);

// Checks `ops` is exactly one op of type kProofOpType for `key`, then verifies
// membership of `value` (or, when value is nullopt, absence of the key)
// against `app_hash` (32 bytes). Errors: kParse, kVerification, kInvalidArgument.
Status VerifyProofOps(ByteSpan app_hash, ByteSpan key, std::optional<ByteSpan> value,
                      const std::vector<ProofOp>& ops);

}  // namespace vinet::merkle
