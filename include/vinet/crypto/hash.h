// Cryptographic hashes (OpenSSL EVP): SHA-256 and SHA-384.
//
// One-shot functions take any byte span and return fixed-size arrays.
// `Sha256Hasher` is an incremental hasher for data that arrives in pieces; it
// owns its OpenSSL context, is movable and not copyable, and is not
// thread-safe. These functions cannot fail for valid inputs; an OpenSSL
// failure (out of memory) aborts, since no caller could recover from it.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "vinet/common/bytes.h"

namespace vinet::crypto {

using Digest256 = std::array<uint8_t, 32>;
using Digest384 = std::array<uint8_t, 48>;

Digest256 Sha256(ByteSpan data);
Digest384 Sha384(ByteSpan data);

class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(Sha256Hasher&&) noexcept;
  Sha256Hasher& operator=(Sha256Hasher&&) noexcept;
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  Sha256Hasher& Update(ByteSpan data);
  // Returns the digest and resets the hasher for reuse.
  Digest256 Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vinet::crypto
