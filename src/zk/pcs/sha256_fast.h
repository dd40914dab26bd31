// SHA-256 for the hot Merkle loops: OpenSSL EVP with the algorithm fetched
// once and one reusable context per thread (avoids a fetch per call).
// Same digests as vinet::crypto::Sha256; aborts only if OpenSSL fails.
#pragma once

#include <initializer_list>

#include "vinet/common/bytes.h"
#include "vinet/zk/codec.h"

namespace vinet::zk::detail {

// SHA-256 of the concatenation of `parts`.
Digest Sha256Parts(std::initializer_list<ByteSpan> parts);

}  // namespace vinet::zk::detail
