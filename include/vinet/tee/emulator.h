// The enclave emulator's attestation provider (development only).
//
// Documents are byte-for-byte in the Nitro format: an untagged COSE_Sign1
// with protected header {1: -35}, an empty unprotected map, a payload map with
// all nine keys (absent optional fields as null, like AWS) encoded as an
// indefinite-length map (like AWS since 2026) or a definite one, 16 PCRs of 48
// bytes, cabundle [dev root, dev intermediate], and a P-384 leaf valid 3 hours
// that signs with ES384. PCR0 is the image measurement, PCR1 a fixed emulator
// "kernel" value, PCR2 the configuration measurement; in debug mode PCR0, 1
// and 2 are zero, as AWS does. Thread-safe (one internal mutex).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "vinet/crypto/hash.h"
#include "vinet/tee/dev_ca.h"
#include "vinet/tee/provider.h"

namespace vinet::tee {

struct EmulatorOptions {
  bool debug = false;
  bool indefinite_map = true;
  std::string module_id = "i-00000000000000000-enc00000000000000";
};

class EmulatorProvider : public AttestationProvider {
 public:
  EmulatorProvider(DevCa ca, const crypto::Digest384& image, const crypto::Digest384& config,
                   EmulatorOptions options = {});

  Result<Bytes> Attest(const AttestationRequest& request) override;
  // Same, with an explicit timestamp (tests).
  Result<Bytes> AttestAt(const AttestationRequest& request, uint64_t timestamp_ms);
  std::string_view name() const override { return "emulator"; }

  // The PCRs every document carries.
  const std::map<uint32_t, Bytes>& pcrs() const { return pcrs_; }
  const TrustRoot& root() const { return ca_.root(); }

 private:
  Bytes EncodePayload(const AttestationRequest& request, uint64_t timestamp_ms,
                      const Bytes& leaf_der) const;

  DevCa ca_;
  EmulatorOptions options_;
  std::map<uint32_t, Bytes> pcrs_;
  std::mutex mu_;
  std::optional<SigningLeaf> leaf_;
};

// PCR1 of the emulator: SHA-384("vinet enclave emulator kernel v1").
crypto::Digest384 EmulatorKernelMeasurement();

}  // namespace vinet::tee
