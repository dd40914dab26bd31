#include "vinet/chain/claim_status_wire.h"

#include "vinet/state/v1/state.pb.h"

namespace vinet::chain {

std::string ClaimStatusName(uint8_t status) {
  if (status == kClaimStatusAbsent || status == kClaimStatusOtherNode ||
      !vinet::state::v1::ClaimStatus_IsValid(status)) {
    return "";
  }
  std::string name =
      vinet::state::v1::ClaimStatus_Name(static_cast<vinet::state::v1::ClaimStatus>(status));
  constexpr std::string_view kPrefix = "CLAIM_STATUS_";
  return name.starts_with(kPrefix) ? name.substr(kPrefix.size()) : name;
}

Result<std::vector<ClaimStatusRecord>> DecodeClaimStatuses(std::string_view value, size_t n) {
  if (value.size() != n * kClaimStatusRecordBytes) {
    return Error(Code::kParse, "claim_status answer: " + std::to_string(value.size()) +
                                   " bytes for " + std::to_string(n) + " ids, want " +
                                   std::to_string(n * kClaimStatusRecordBytes));
  }
  std::vector<ClaimStatusRecord> out(n);
  for (size_t i = 0; i < n; ++i) {
    size_t off = i * kClaimStatusRecordBytes;
    auto status = static_cast<uint8_t>(value[off]);
    if (status != kClaimStatusAbsent && status != kClaimStatusOtherNode &&
        ClaimStatusName(status).empty()) {
      return Error(Code::kParse, "claim_status answer: unknown status " + std::to_string(status) +
                                     " at byte " + std::to_string(off));
    }
    uint64_t h = 0;
    for (size_t b = 1; b < kClaimStatusRecordBytes; ++b) {
      h = (h << 8) | static_cast<uint8_t>(value[off + b]);
    }
    if (h > static_cast<uint64_t>(INT64_MAX)) {
      return Error(Code::kParse,
                   "claim_status answer: height out of range at byte " + std::to_string(off + 1));
    }
    out[i] = {status, static_cast<int64_t>(h)};
  }
  return out;
}

}  // namespace vinet::chain
