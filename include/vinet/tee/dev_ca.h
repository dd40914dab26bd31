// The development CA behind the enclave emulator: root → intermediate → leaf,
// all P-384 ECDSA with SHA-384, shaped like AWS's chain (root pathlen 1,
// intermediate pathlen 0, leaf CA:FALSE with digitalSignature and no AKID,
// valid 3 hours).
//
// FOR DEVNETS ONLY. The root is written to a directory (`root.pem`, plus the
// keys `root.key.pem` and `intermediate.key.pem`, mode 0600) so that a devnet's
// genesis can trust it; nothing outside a devnet ever should. `DevCa` owns its
// private keys; it is movable, not copyable, and not thread-safe.
#pragma once

#include <filesystem>
#include <memory>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/tee/trust_root.h"

namespace vinet::tee {

// A leaf certificate with its private key, able to make ES384 signatures.
class SigningLeaf {
 public:
  SigningLeaf(SigningLeaf&&) noexcept;
  SigningLeaf& operator=(SigningLeaf&&) noexcept;
  ~SigningLeaf();

  const Bytes& certificate_der() const;
  int64_t not_before_s() const;
  int64_t not_after_s() const;
  // ES384 signature of `message` as raw r||s (96 bytes).
  Result<Bytes> SignEs384(ByteSpan message) const;

 private:
  friend class DevCa;
  struct Impl;
  explicit SigningLeaf(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class DevCa {
 public:
  // Loads the CA from `dir`, or creates and saves a new one when `dir` holds
  // none. Errors: kIo, kParse (corrupt files).
  static Result<DevCa> LoadOrCreate(const std::filesystem::path& dir);
  // A fresh CA kept in memory only (tests, one-off documents).
  static Result<DevCa> CreateEphemeral();

  DevCa(DevCa&&) noexcept;
  DevCa& operator=(DevCa&&) noexcept;
  ~DevCa();

  const TrustRoot& root() const;
  const Bytes& intermediate_der() const;
  // A new leaf valid [not_before_s, not_before_s + validity_s].
  Result<SigningLeaf> IssueLeaf(int64_t not_before_s, int64_t validity_s = 3 * 3600) const;

 private:
  struct Impl;
  explicit DevCa(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vinet::tee
