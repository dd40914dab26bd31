// The attestation nonce a RegisterEnclave document must carry (docs/network.md):
//   SHA-256("vinet.enclave.v1\0" || chain_id || node_pubkey || u64be(height))
// `height` is RegisterEnclave.nonce_height, at most params.attestation_window
// blocks before the block that includes the tx and not after it. The node
// computes the same value before asking its enclave for a document.
#pragma once

#include <cstdint>
#include <string_view>

#include "vinet/crypto/ed25519.h"
#include "vinet/crypto/hash.h"

namespace vinet::chain {

inline constexpr std::string_view kEnclaveNonceDomain{"vinet.enclave.v1\0", 17};

crypto::Digest256 EnclaveNonce(std::string_view chain_id, const crypto::PublicKey& node,
                               uint64_t height);

}  // namespace vinet::chain
