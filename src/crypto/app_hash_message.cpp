#include "vinet/crypto/app_hash_message.h"

namespace vinet::crypto {

Bytes AppHashSignBytes(std::string_view chain_id, int64_t height, ByteSpan app_hash) {
  Bytes out(kAppHashDomain.begin(), kAppHashDomain.end());
  AppendU32BE(out, static_cast<uint32_t>(chain_id.size()));
  out.insert(out.end(), chain_id.begin(), chain_id.end());
  AppendU64BE(out, static_cast<uint64_t>(height));
  AppendU32BE(out, static_cast<uint32_t>(app_hash.size()));
  out.insert(out.end(), app_hash.begin(), app_hash.end());
  return out;
}

}  // namespace vinet::crypto
