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

// The node IV above (for tests).
void Sha256NodeIvForTest(uint32_t iv[8]);

// One block through the portable compression function (the SHA-extension
// path is what runs on most x86 machines; tests check both against OpenSSL).
void Sha256CompressPortableForTest(uint32_t state[8], const uint8_t* block);

}  // namespace vinet::zk::detail
