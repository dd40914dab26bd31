// End-of-block expiry of ZKML claims whose proof window closed (handlers.h).
#include "handlers/claim_transition.h"

namespace vinet::chain {

Status ExpireClaims(State& state, const statepb::Params& params, int64_t height, Events& events) {
  int64_t deadline = height - 1;
  if (deadline < 0) return Status::Ok();
  VINET_ASSIGN_OR_RETURN(auto index, state.GetDeadlineIndex(deadline));
  if (index.count() == 0) return Status::Ok();
  for (uint64_t i = 0; i < index.count(); ++i) {
    VINET_ASSIGN_OR_RETURN(std::string id, state.GetDeadlineEntry(deadline, i));
    VINET_ASSIGN_OR_RETURN(auto claim, state.GetClaim(ToHex(AsBytes(id))));
    if (!claim || claim->status() != statepb::CLAIM_STATUS_PENDING) continue;  // resolved
    if (claim->deadline() > deadline) continue;  // extended (DeferProofDeadlines): indexed there
    std::string reason = "no valid proof by deadline " + std::to_string(claim->deadline());
    VINET_RETURN_IF_ERROR(ResolvePendingClaim(state, params, height, std::move(*claim),
                                              statepb::CLAIM_STATUS_EXPIRED, std::move(reason),
                                              events));
  }
  state.DeleteDeadlineIndex(deadline, index.count());
  return Status::Ok();
}

}  // namespace vinet::chain
