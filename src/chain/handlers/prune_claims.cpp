// State retention: settled claims leave the state (handlers.h).
#include <algorithm>

#include "vinet/chain/handlers.h"

namespace vinet::chain {
namespace {

constexpr uint32_t kMaxDeferralShift = 20;

// Deletes the group's claims whose request has expired; leaves the others
// (and the latest of their expiries) in `entry`.
Status SweepGroup(State& state, statepb::RetentionEntry& entry, int64_t block_time_ms) {
  if (entry.group_expires_ms_size() != entry.group_ids_size()) {
    return Error(Code::kInternal, "retention entry: group_ids and group_expires_ms differ in size");
  }
  statepb::RetentionEntry left;
  int64_t latest = 0;
  for (int i = 0; i < entry.group_ids_size(); ++i) {
    const int64_t expires = entry.group_expires_ms(i);
    if (block_time_ms >= expires) {
      state.DeleteClaim(ToHex(AsBytes(entry.group_ids(i))));
      continue;
    }
    left.add_group_ids(entry.group_ids(i));
    left.add_group_expires_ms(expires);
    latest = std::max(latest, expires);
  }
  left.set_request_expires_ms(latest);
  left.set_deferrals(entry.deferrals());
  entry = std::move(left);
  return Status::Ok();
}

}  // namespace

Status ScheduleClaimPruning(State& state, const statepb::Params& params, int64_t height,
                            const statepb::Claim& claim) {
  const int64_t keep = params.claim_retention_blocks();
  if (keep <= 0) return Status::Ok();
  statepb::RetentionEntry entry;
  entry.set_inference_id(claim.inference_id());
  entry.set_request_expires_ms(claim.request_expires_ms());
  return state.AddToRetention(height + keep, entry);
}

Status ScheduleClaimGroupPruning(State& state, const statepb::Params& params, int64_t height,
                                 const std::vector<RetainedClaim>& claims) {
  const int64_t keep = params.claim_retention_blocks();
  if (keep <= 0 || claims.empty()) return Status::Ok();
  statepb::RetentionEntry entry;
  int64_t latest = 0;
  for (const auto& c : claims) {
    entry.add_group_ids(c.inference_id);
    entry.add_group_expires_ms(c.request_expires_ms);
    latest = std::max(latest, c.request_expires_ms);
  }
  entry.set_request_expires_ms(latest);
  return state.AddToRetention(height + keep, entry);
}

Status PruneClaims(State& state, const statepb::Params& params, int64_t height,
                   int64_t block_time_ms) {
  VINET_ASSIGN_OR_RETURN(uint64_t count, state.GetRetentionCount(height));
  if (count == 0) return Status::Ok();
  const int64_t keep = std::max<int64_t>(params.claim_retention_blocks(), 1);
  for (uint64_t i = 0; i < count; ++i) {
    VINET_ASSIGN_OR_RETURN(auto entry, state.GetRetentionEntry(height, i));
    if (entry.group_ids_size() > 0) {
      VINET_RETURN_IF_ERROR(SweepGroup(state, entry, block_time_ms));
      if (entry.group_ids_size() == 0) continue;
    } else if (block_time_ms >= entry.request_expires_ms()) {
      state.DeleteClaim(ToHex(AsBytes(entry.inference_id())));
      continue;
    }
    // The request could still be claimed: keep the record (the duplicate
    // check) and look again later, twice as late each time.
    uint32_t shift = std::min(entry.deferrals() + 1, kMaxDeferralShift);
    entry.set_deferrals(shift);
    VINET_RETURN_IF_ERROR(state.AddToRetention(height + (keep << shift), entry));
  }
  state.DeleteRetention(height, count);
  return Status::Ok();
}

}  // namespace vinet::chain
