// Fuzzes the strict receipt decoder and the tensor decoder; a decoded
// receipt must re-encode to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "vinet/protocol/receipt.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vinet::ByteSpan in(data, size);
  (void)vinet::protocol::DecodeTensors(in);
  auto r = vinet::protocol::DecodeReceipt(in);
  if (!r.ok()) return 0;
  vinet::Bytes again = vinet::protocol::EncodeReceipt(*r);
  if (again != vinet::Bytes(in.begin(), in.end())) std::abort();
  (void)vinet::protocol::EnclaveSigningBytes(*r);
  (void)vinet::protocol::NodeSigningBytes(*r);
  (void)vinet::protocol::ReceiptFromJson(vinet::protocol::ReceiptToJson(*r));
  return 0;
}
