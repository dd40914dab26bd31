// Compact TEE claims (txpb::CompactClaim, docs/chain.md "Compact claims"):
// a claim that carries only what its batch leaf needs. Expansion rebuilds
// the request (its exact body bytes and the client key, no signature) and
// the TEE receipt the enclave signed: inference_id = InferenceId(client key,
// body), model_id / mode / input_hash (request_hash) from the body,
// output_hash (tensor) or the CompactChat fields (chat), node_id = the tx
// signer, enclave_key = the batch's key; no signatures. Its leaf is then
// ClaimLeaf(inference_id, [Chat]EnclaveSigningBytes(receipt)), exactly the
// leaf the enclave recorded for the full claim.
//
// Errors (kept in PreparedClaim, the claim becomes INVALID): a body that does
// not decode (request_error, as DecodeRequestBody says), a request whose mode
// is not TEE, an output_hash that is not 32 bytes on an inference request or
// present on a chat one, chat fields missing on a chat request or present on
// an inference one, or chat fields out of their receipt's limits
// (receipt_error naming the field). Pure; sizes checked before any hashing.
#pragma once

#include "handlers/claim_prepare.h"

namespace vinet::chain {

// `node_id`: the tx signer; `enclave_key`: the tx's batch key (32 bytes or
// the claim is refused: receipt_error).
PreparedClaim PrepareCompactClaim(const txpb::CompactClaim& claim, ByteSpan node_id,
                                  ByteSpan enclave_key);

}  // namespace vinet::chain
