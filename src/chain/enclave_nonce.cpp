#include "vinet/chain/enclave_nonce.h"

namespace vinet::chain {

crypto::Digest256 EnclaveNonce(std::string_view chain_id, const crypto::PublicKey& node,
                               uint64_t height) {
  Bytes msg;
  msg.reserve(kEnclaveNonceDomain.size() + chain_id.size() + node.size() + 8);
  msg.insert(msg.end(), kEnclaveNonceDomain.begin(), kEnclaveNonceDomain.end());
  msg.insert(msg.end(), chain_id.begin(), chain_id.end());
  msg.insert(msg.end(), node.begin(), node.end());
  for (int shift = 56; shift >= 0; shift -= 8) {
    msg.push_back(static_cast<uint8_t>(height >> shift));
  }
  return crypto::Sha256(msg);
}

}  // namespace vinet::chain
