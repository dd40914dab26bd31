// Ed25519 signatures (libsodium) and vinet's key files and addresses.
//
// A `SecretKey` holds the 32-byte seed and the 64-byte libsodium secret key;
// its memory is wiped on destruction. Verification is strict (libsodium
// rejects non-canonical encodings and small-order keys). An account's
// address is the lowercase hex of the first 20 bytes of SHA-256(public key).
//
// Key file (JSON, mode 0600):
//   {"type": "ed25519", "public_key": "<64 hex>", "seed": "<64 hex>"}
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"

namespace vinet::crypto {

using PublicKey = std::array<uint8_t, 32>;
using Signature = std::array<uint8_t, 64>;

class SecretKey {
 public:
  // A fresh key from the OS's CSPRNG.
  static SecretKey Generate();
  // Deterministic key from a 32-byte seed. Errors: wrong seed length.
  static Result<SecretKey> FromSeed(ByteSpan seed);

  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  ~SecretKey();

  const PublicKey& public_key() const { return public_key_; }
  const std::array<uint8_t, 32>& seed() const { return seed_; }
  Signature Sign(ByteSpan message) const;

 private:
  SecretKey() = default;
  std::array<uint8_t, 32> seed_{};
  std::array<uint8_t, 64> secret_{};
  PublicKey public_key_{};
};

// True iff `signature` is a valid Ed25519 signature of `message` by `key`.
bool Verify(const PublicKey& key, ByteSpan message, ByteSpan signature);

// Parses a 32-byte public key. Errors: wrong length (kParse).
Result<PublicKey> PublicKeyFromBytes(ByteSpan bytes);

// Account address: hex(SHA-256(public_key)[0..20]), 40 lowercase hex chars.
std::string AddressOf(const PublicKey& key);

// Key files. Save refuses to overwrite an existing file (kAlreadyExists).
Status SaveKeyFile(const SecretKey& key, const std::filesystem::path& path);
Result<SecretKey> LoadKeyFile(const std::filesystem::path& path);

}  // namespace vinet::crypto
