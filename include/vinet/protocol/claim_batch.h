// Enclave-attested claim batches (docs/receipts.md "Claim batches"): one
// enclave signature standing for the per-claim client and enclave signature
// checks of every TEE claim it answered in a SubmitClaims tx.
//
// Leaf of one TEE claim (the enclave records it after verifying the client's
// signature and signing the receipt; the chain recomputes it from the claim):
//   leaf = SHA-256("vinet.claim-leaf.v1" || inference_id || SHA-256(S))
// where inference_id (32 bytes) is protocol::InferenceId of the signed
// request (SHA-256 over the client key and the whole signed body) and S the
// receipt's enclave-signing bytes (EnclaveSigningBytes, or
// ChatEnclaveSigningBytes for a chat receipt).
// Root over n ≥ 1 leaves, in the order given (a plain binary tree; a lone
// node at the end of a level moves up unchanged):
//   level 0: SHA-256(0x00 || leaf) per leaf
//   parent:  SHA-256(0x01 || left || right)
// The enclave signs, with its attested Ed25519 key:
//   "vinet-claim-batch-v1" || node_id (32) || u32 count (big-endian) || root
// count fixes the tree's shape, the tags keep a leaf from posing as a node.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "vinet/common/bytes.h"
#include "vinet/crypto/hash.h"

namespace vinet::protocol {

inline constexpr std::string_view kClaimLeafDomain{"vinet.claim-leaf.v1"};
inline constexpr std::string_view kClaimBatchDomain{"vinet-claim-batch-v1"};
// The most leaves one attestation covers (a SubmitClaims tx holds far fewer).
inline constexpr size_t kMaxBatchLeaves = 65536;

crypto::Digest256 ClaimLeaf(ByteSpan inference_id, ByteSpan enclave_signing_bytes);
// An empty span gives 32 zero bytes (callers never sign an empty batch).
crypto::Digest256 ClaimBatchRoot(std::span<const crypto::Digest256> leaves);
Bytes ClaimBatchSigningBytes(ByteSpan node_id, uint32_t count, const crypto::Digest256& root);

}  // namespace vinet::protocol
