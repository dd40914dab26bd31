// Fuzzes the strict receipt decoder and the tensor decoder; a decoded
// receipt must re-encode to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "vinet/tee/receipt.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vinet::ByteSpan in(data, size);
  (void)vinet::tee::DecodeTensors(in);
  auto r = vinet::tee::DecodeReceipt(in);
  if (!r.ok()) return 0;
  vinet::Bytes again = vinet::tee::EncodeReceipt(*r);
  if (again != vinet::Bytes(in.begin(), in.end())) std::abort();
  (void)vinet::tee::EnclaveSigningBytes(*r);
  (void)vinet::tee::NodeSigningBytes(*r);
  (void)vinet::tee::ReceiptFromJson(vinet::tee::ReceiptToJson(*r));
  return 0;
}
