// Fuzz target: a claim store record as the node reads it back from RocksDB at
// start-up and on lookups (DecodeClaimRecord: the binary form, or the JSON
// form of earlier nodes; DecodeClaimStatus: the status record of a later
// status change). Neither may crash, every refusal carries a message, and a
// record that decodes re-encodes to one that decodes to the same fields.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vinet/node/claim_codec.h"

using namespace vinet;

namespace {

void CheckStatusRecord(std::string_view in) {
  node::ClaimRecord c;
  Status s = node::DecodeClaimStatus(in, &c);
  if (!s.ok()) {
    if (s.message().empty()) std::abort();
    return;
  }
  std::string again = node::EncodeClaimStatus(c);
  node::ClaimRecord back;
  if (!node::DecodeClaimStatus(again, &back).ok() || node::EncodeClaimStatus(back) != again)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckStatusRecord(std::string_view(reinterpret_cast<const char*>(data), size));
  auto rec = node::DecodeClaimRecord(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!rec.ok()) {
    if (rec.status().message().empty()) std::abort();
    return 0;
  }
  std::string again = node::EncodeClaimRecord(*rec);
  auto back = node::DecodeClaimRecord(again);
  if (!back.ok() || node::EncodeClaimRecord(*back) != again) std::abort();
  return 0;
}
