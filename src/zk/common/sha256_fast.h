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

// Sha256CompressNode of children[2i] || children[2i + 1] into out[i] for
// i < count, hashed in place four at a time (out must not overlap children).
void Sha256CompressNodes(const Digest* children, size_t count, Digest* out);

// out[l] = SHA-256 of prefix || bodies[l], l < 4 (bodies of equal length),
// hashed interleaved.
void Sha256PrefixedQuad(ByteSpan prefix, const ByteSpan* bodies, Digest* out);

// SHA-256 of prefix || u64le(nonce) for many nonces, the message fitting one
// block (prefix <= 47 bytes): the padded block is built once.
class Sha256OneBlockSearch {
 public:
  static constexpr size_t kLanes = 4;  // nonces per call, hashed interleaved
  explicit Sha256OneBlockSearch(ByteSpan prefix);
  // out[l] for nonce + l, l < kLanes.
  void Hash(uint64_t nonce, Digest* out) const;

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
