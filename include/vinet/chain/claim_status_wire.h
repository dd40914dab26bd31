// The wire form of the compact claim-status query (docs/chain.md), shared by
// the app that answers it and the inference node that polls it:
//   abci_query path "/claim_status/<node address>", data = N raw 32-byte
//   inference ids, 1 <= N <= kMaxClaimStatusIds. The value is N records of
//   kClaimStatusRecordBytes, in the order asked: status (1 byte: 0 = no record,
//   0xff = a record claimed by another node, else the record's
//   statepb::ClaimStatus) then the record's height (8 bytes, big-endian; 0
//   unless the record is this node's).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vinet/common/result.h"

namespace vinet::chain {

inline constexpr size_t kMaxClaimStatusIds = 4096;
inline constexpr uint8_t kClaimStatusAbsent = 0;
inline constexpr uint8_t kClaimStatusOtherNode = 0xff;
inline constexpr size_t kClaimStatusRecordBytes = 9;

struct ClaimStatusRecord {
  uint8_t status = kClaimStatusAbsent;
  int64_t height = 0;
};

// Parses an answer to a query for `n` ids: exactly n records, each status 0,
// 0xff or a known statepb::ClaimStatus; errors name the byte offset.
Result<std::vector<ClaimStatusRecord>> DecodeClaimStatuses(std::string_view value, size_t n);

// "SETTLED", "REJECTED", ... for a record's status (the names of the
// vinet.claim events); "" for 0, 0xff or an unknown value.
std::string ClaimStatusName(uint8_t status);

}  // namespace vinet::chain
