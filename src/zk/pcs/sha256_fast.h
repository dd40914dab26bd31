// SHA-256 for the hot Merkle loops (short messages, many calls): the x86 SHA
// extensions when present, else a portable compression function; no
// per-call setup. Same digests as vinet::crypto::Sha256 (FIPS 180-4).
#pragma once

#include <cstdint>
#include <initializer_list>

#include "vinet/common/bytes.h"
#include "vinet/zk/codec.h"

namespace vinet::zk::detail {

// SHA-256 of the concatenation of `parts`.
Digest Sha256Parts(std::initializer_list<ByteSpan> parts);

// One compression of left || right (64 bytes, no padding) from the IV
// "state after the block 'vinet.zk.merkle.node.v1' zero-padded to 64 bytes";
// output as SHA-256 would (big-endian state words).
Digest Sha256CompressNode(const Digest& left, const Digest& right);

// Two Sha256CompressNode at once (interleaved on one core): out[l] for
// left[l] || right[l], l = 0, 1.
void Sha256CompressNodePair(const Digest* left, const Digest* right, Digest* out);

// SHA-256 of prefix || a and of prefix || b (a and b of equal length),
// hashed interleaved: out[0], out[1].
void Sha256PrefixedPair(ByteSpan prefix, ByteSpan a, ByteSpan b, Digest* out);

// SHA-256 of prefix || u64le(nonce) for many nonces, the message fitting one
// block (prefix <= 47 bytes): the padded block is built once.
class Sha256OneBlockSearch {
 public:
  explicit Sha256OneBlockSearch(ByteSpan prefix);
  // out[0] for `nonce`, out[1] for nonce + 1.
  void HashPair(uint64_t nonce, Digest* out) const;

 private:
  size_t prefix_len_;
  uint8_t block_[64];
};

// The node IV above (for tests).
void Sha256NodeIvForTest(uint32_t iv[8]);

// One block through the portable compression function (the SHA-extension
// path is what runs on most x86 machines; tests check both against OpenSSL).
void Sha256CompressPortableForTest(uint32_t state[8], const uint8_t* block);

}  // namespace vinet::zk::detail
