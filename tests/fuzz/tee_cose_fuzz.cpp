// Fuzzes the whole attestation path: CBOR, COSE_Sign1, payload rules, and
// (for inputs that parse) certificate parsing, chain and signature checks
// at the document's own timestamp under the AWS root.
#include <cstddef>
#include <cstdint>

#include "vinet/cbor/cbor.h"
#include "vinet/tee/cose.h"
#include "vinet/tee/verifier.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vinet::ByteSpan in(data, size);
  (void)vinet::cbor::Decode(in);
  auto cose = vinet::tee::ParseCoseSign1(in);
  if (!cose.ok()) return 0;
  (void)vinet::tee::Sig1Structure(cose->protected_header, cose->payload);
  auto doc = vinet::tee::ParseAttestationPayload(cose->payload);
  if (!doc.ok()) return 0;
  (void)vinet::tee::VerifyAttestation(in, vinet::tee::TrustRoot::AwsNitro(), doc->timestamp_ms);
  return 0;
}
