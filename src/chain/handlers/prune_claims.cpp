// State retention: settled claims leave the state (handlers.h).
#include <algorithm>

#include "vinet/chain/handlers.h"

namespace vinet::chain {
namespace {

constexpr uint32_t kMaxDeferralShift = 20;

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
                                 std::vector<std::string> inference_ids,
                                 int64_t latest_request_expires_ms) {
  const int64_t keep = params.claim_retention_blocks();
  if (keep <= 0 || inference_ids.empty()) return Status::Ok();
  statepb::RetentionEntry entry;
  for (auto& id : inference_ids) entry.add_group_ids(std::move(id));
  entry.set_request_expires_ms(latest_request_expires_ms);
  return state.AddToRetention(height + keep, entry);
}

Status PruneClaims(State& state, const statepb::Params& params, int64_t height,
                   int64_t block_time_ms) {
  VINET_ASSIGN_OR_RETURN(uint64_t count, state.GetRetentionCount(height));
  if (count == 0) return Status::Ok();
  const int64_t keep = std::max<int64_t>(params.claim_retention_blocks(), 1);
  for (uint64_t i = 0; i < count; ++i) {
    VINET_ASSIGN_OR_RETURN(auto entry, state.GetRetentionEntry(height, i));
    if (block_time_ms >= entry.request_expires_ms()) {
      if (!entry.inference_id().empty()) state.DeleteClaim(ToHex(AsBytes(entry.inference_id())));
      for (const auto& id : entry.group_ids()) state.DeleteClaim(ToHex(AsBytes(id)));
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
