// Fuzzes the attestation payload parser (a CBOR map with the nine Nitro keys).
#include <cstddef>
#include <cstdint>

#include "vinet/tee/attestation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto doc = vinet::tee::ParseAttestationPayload(vinet::ByteSpan(data, size));
  if (doc.ok()) (void)doc->IsDebug();
  return 0;
}
