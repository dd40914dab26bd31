#include "vinet/crypto/app_hash_message.h"

namespace vinet::crypto {
namespace {

void PutBigEndian(Bytes& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace

Bytes AppHashSignBytes(std::string_view chain_id, int64_t height, ByteSpan app_hash) {
  Bytes out(kAppHashDomain.begin(), kAppHashDomain.end());
  PutBigEndian(out, chain_id.size(), 4);
  out.insert(out.end(), chain_id.begin(), chain_id.end());
  PutBigEndian(out, static_cast<uint64_t>(height), 8);
  PutBigEndian(out, app_hash.size(), 4);
  out.insert(out.end(), app_hash.begin(), app_hash.end());
  return out;
}

}  // namespace vinet::crypto
