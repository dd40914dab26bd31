// Fuzzes the decoder of /claim_status answers (an RPC reply the node and the
// load generator read): the first two bytes pick the id count asked (mod
// 4097), the rest is the answer. Errors are kParse with a message; an accepted
// answer has exactly 9 bytes per id and only known statuses.
#include <cstdlib>

#include "vinet/chain/claim_status_wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  size_t n = ((size_t{data[0]} << 8) | data[1]) % (vinet::chain::kMaxClaimStatusIds + 1);
  std::string_view value(reinterpret_cast<const char*>(data) + 2, size - 2);
  auto r = vinet::chain::DecodeClaimStatuses(value, n);
  if (!r.ok()) {
    if (r.status().code() != vinet::Code::kParse || r.status().message().empty()) std::abort();
    return 0;
  }
  if (r->size() != n || value.size() != n * vinet::chain::kClaimStatusRecordBytes) std::abort();
  for (const auto& rec : *r) {
    bool special = rec.status == vinet::chain::kClaimStatusAbsent ||
                   rec.status == vinet::chain::kClaimStatusOtherNode;
    if (!special && vinet::chain::ClaimStatusName(rec.status).empty()) std::abort();
    if (rec.height < 0) std::abort();
  }
  return 0;
}
