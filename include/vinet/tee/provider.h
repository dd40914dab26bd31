// Attestation providers: where an enclave gets its attestation documents.
//
// Two implementations share this interface: `NitroProvider` (nsm.h) asks the
// Nitro Secure Module through /dev/nsm; `EmulatorProvider` (emulator.h) signs
// documents in exactly the Nitro format with a dev CA. Both take the nonce,
// user_data and public_key to bind (each at most 1024 bytes, or absent) and
// return the COSE_Sign1 document bytes.
#pragma once

#include <optional>
#include <string_view>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"

namespace vinet::tee {

struct AttestationRequest {
  std::optional<Bytes> nonce;
  std::optional<Bytes> user_data;
  std::optional<Bytes> public_key;
};

class AttestationProvider {
 public:
  virtual ~AttestationProvider() = default;
  // A fresh document binding `request`. Errors: kInvalidArgument (a field
  // over 1024 bytes), kIo / kUnavailable (the device), kInternal.
  virtual Result<Bytes> Attest(const AttestationRequest& request) = 0;
  virtual std::string_view name() const = 0;
};

// kInvalidArgument when a field is longer than 1024 bytes.
Status CheckAttestationRequest(const AttestationRequest& request);

}  // namespace vinet::tee
