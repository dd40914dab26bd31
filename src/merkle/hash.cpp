#include "vinet/merkle/hash.h"

namespace vinet::merkle {
namespace {

Hash Tagged(uint8_t tag, const Hash& a, const Hash& b) {
  uint8_t buf[65];
  buf[0] = tag;
  std::copy(a.begin(), a.end(), buf + 1);
  std::copy(b.begin(), b.end(), buf + 33);
  return crypto::Sha256(ByteSpan(buf, sizeof(buf)));
}

}  // namespace

Hash KeyHash(ByteSpan key) {
  return crypto::Sha256(key);
}

Hash ValueHash(ByteSpan value) {
  return crypto::Sha256(value);
}

Hash LeafHash(const Hash& key_hash, const Hash& value_hash) {
  return Tagged(0x00, key_hash, value_hash);
}

Hash InternalHash(const Hash& left, const Hash& right) {
  return Tagged(0x01, left, right);
}

}  // namespace vinet::merkle
