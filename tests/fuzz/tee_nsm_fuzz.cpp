// Fuzzes the NSM response decoders (bytes from /dev/nsm).
#include <cstddef>
#include <cstdint>

#include "vinet/tee/nsm.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vinet::ByteSpan in(data, size);
  (void)vinet::tee::DecodeNsmAttestationResponse(in);
  (void)vinet::tee::DecodeNsmDescribeResponse(in);
  return 0;
}
