#include "vinet/protocol/claim_batch.h"

#include <vector>

namespace vinet::protocol {
namespace {

void Append(Bytes& out, ByteSpan data) {
  out.insert(out.end(), data.begin(), data.end());
}

void Append(Bytes& out, std::string_view text) {
  out.insert(out.end(), text.begin(), text.end());
}

crypto::Digest256 Tagged(uint8_t tag, ByteSpan a, ByteSpan b = {}) {
  Bytes buf;
  buf.reserve(1 + a.size() + b.size());
  buf.push_back(tag);
  Append(buf, a);
  Append(buf, b);
  return crypto::Sha256(buf);
}

}  // namespace

crypto::Digest256 ClaimLeaf(ByteSpan inference_id, ByteSpan enclave_signing_bytes) {
  crypto::Digest256 signed_hash = crypto::Sha256(enclave_signing_bytes);
  Bytes buf;
  buf.reserve(kClaimLeafDomain.size() + inference_id.size() + signed_hash.size());
  Append(buf, kClaimLeafDomain);
  Append(buf, inference_id);
  Append(buf, signed_hash);
  return crypto::Sha256(buf);
}

crypto::Digest256 ClaimBatchRoot(std::span<const crypto::Digest256> leaves) {
  if (leaves.empty()) return {};
  std::vector<crypto::Digest256> level;
  level.reserve(leaves.size());
  for (const auto& leaf : leaves) level.push_back(Tagged(0x00, leaf));
  while (level.size() > 1) {
    size_t out = 0;
    for (size_t i = 0; i < level.size(); i += 2) {
      level[out++] = i + 1 < level.size() ? Tagged(0x01, level[i], level[i + 1]) : level[i];
    }
    level.resize(out);
  }
  return level[0];
}

Bytes ClaimBatchSigningBytes(ByteSpan node_id, uint32_t count, const crypto::Digest256& root) {
  Bytes out;
  out.reserve(kClaimBatchDomain.size() + node_id.size() + 4 + root.size());
  Append(out, kClaimBatchDomain);
  Append(out, node_id);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(count >> shift));
  Append(out, root);
  return out;
}

}  // namespace vinet::protocol
