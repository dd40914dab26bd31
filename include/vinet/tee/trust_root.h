// A pinned root certificate that attestation chains must end at.
//
// A `TrustRoot` holds one DER certificate and its SHA-256 fingerprint; it is
// an immutable value, cheap to copy and safe to share between threads. The
// AWS Nitro Enclaves root (G1) is built in; `AwsNitro()` re-checks its
// fingerprint (641a0321…) every time it is built, so a corrupted constant can
// never become an anchor. Roots from files are parsed strictly: exactly one
// certificate, self-signed, a CA.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"

namespace vinet::tee {

inline constexpr std::string_view kAwsNitroRootSha256 =
    "641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b";

class TrustRoot {
 public:
  // The AWS Nitro Enclaves root G1 (built in).
  static const TrustRoot& AwsNitro();
  // One PEM certificate. Errors: kParse (not PEM, not a certificate, more
  // than one), kVerification (not a self-signed CA).
  static Result<TrustRoot> FromPem(std::string_view pem);
  static Result<TrustRoot> FromDer(ByteSpan der);
  static Result<TrustRoot> FromPemFile(const std::filesystem::path& path);

  const Bytes& der() const { return der_; }
  // Lowercase hex SHA-256 of the DER.
  const std::string& fingerprint() const { return fingerprint_; }
  std::string ToPem() const;

 private:
  TrustRoot() = default;
  Bytes der_;
  std::string fingerprint_;
};

}  // namespace vinet::tee
