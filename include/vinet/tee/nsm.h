// The Nitro Secure Module (NSM) interface: its CBOR messages and the
// provider that exchanges them over /dev/nsm.
//
// Requests: an attestation request is the map
//   {"Attestation": {"user_data": bstr|null, "nonce": bstr|null, "public_key": bstr|null}}
// and "describe" is the text "DescribeNSM". Responses are a one-entry map:
//   {"Attestation": {"document": bstr}}, {"DescribeNSM": {...}} or
//   {"Error": "<ErrorCode>"}. Decoders are strict (cbor.h) and return kParse
// for malformed replies and kUnavailable for an NSM error reply.
// `NitroProvider` owns the device descriptor; one ioctl at a time (mutex).
// It only runs inside a Nitro Enclave; elsewhere `Open` fails with kIo.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "vinet/tee/provider.h"

namespace vinet::tee {

inline constexpr size_t kNsmResponseMaxBytes = 0x3000;

Bytes EncodeNsmAttestationRequest(const AttestationRequest& request);
Bytes EncodeNsmDescribeRequest();
// The document bytes from an attestation response.
Result<Bytes> DecodeNsmAttestationResponse(ByteSpan response);

struct NsmDescription {
  uint16_t version_major = 0, version_minor = 0, version_patch = 0;
  std::string module_id;
  uint16_t max_pcrs = 0;
  std::string digest;
};
Result<NsmDescription> DecodeNsmDescribeResponse(ByteSpan response);

class NitroProvider : public AttestationProvider {
 public:
  static Result<std::unique_ptr<NitroProvider>> Open(
      const std::filesystem::path& device = "/dev/nsm");
  ~NitroProvider() override;
  NitroProvider(const NitroProvider&) = delete;
  NitroProvider& operator=(const NitroProvider&) = delete;

  Result<Bytes> Attest(const AttestationRequest& request) override;
  Result<NsmDescription> Describe();
  std::string_view name() const override { return "nitro"; }

 private:
  explicit NitroProvider(int fd) : fd_(fd) {}
  // One request/response exchange through the NSM ioctl.
  Result<Bytes> Exchange(ByteSpan request);
  int fd_;
  std::mutex mu_;
};

}  // namespace vinet::tee
