#include "handlers/claim_transition.h"

#include <algorithm>

#include "vinet/crypto/ed25519.h"

namespace vinet::chain {
namespace {

constexpr uint64_t kBpsDenominator = 10000;

std::string StatusName(statepb::ClaimStatus status) {
  std::string name = statepb::ClaimStatus_Name(status);
  return name.substr(std::string_view("CLAIM_STATUS_").size());
}

std::string ModeName(inference::v1::Mode mode) {
  std::string name = inference::v1::Mode_Name(mode);
  return name.starts_with("MODE_") ? name.substr(5) : name;
}

Status Credit(State& state, const std::string& address, uint64_t amount) {
  if (amount == 0) return Status::Ok();
  VINET_ASSIGN_OR_RETURN(auto account, state.GetAccount(address));
  account.set_balance(account.balance() + amount);  // ≤ total supply: no overflow
  state.PutAccount(address, account);
  return Status::Ok();
}

// Slashes the node (if it still exists); returns the amount slashed. A
// missing proof (not jailing) never takes the stake below `floor`
// (min_stake): repeated expiries, even of fee-0 claims, cannot drain an
// ACTIVE node to nothing.
Result<uint64_t> Slash(State& state, const std::string& node_address, uint32_t bps, bool jail,
                       uint64_t floor) {
  VINET_ASSIGN_OR_RETURN(auto node, state.GetNode(node_address));
  if (!node) return uint64_t{0};
  uint64_t slash = SlashAmount(node->stake(), bps);
  if (!jail) slash = std::min(slash, node->stake() > floor ? node->stake() - floor : 0);
  node->set_stake(node->stake() - slash);
  if (jail) node->set_jailed(true);
  state.PutNode(node_address, *node);
  return slash;
}

Status ReleaseRisk(State& state, const std::string& node_address, uint64_t fee) {
  VINET_ASSIGN_OR_RETURN(auto risk, state.GetRisk(node_address));
  risk.set_unsettled_value(risk.unsettled_value() - std::min(fee, risk.unsettled_value()));
  if (risk.pending_claims() > 0) risk.set_pending_claims(risk.pending_claims() - 1);
  state.PutRisk(node_address, risk);
  return Status::Ok();
}

}  // namespace

uint64_t SlashAmount(uint64_t stake, uint32_t bps) {
  return stake / kBpsDenominator * bps + stake % kBpsDenominator * bps / kBpsDenominator;
}

std::string AddressOfKeyBytes(const std::string& key) {
  crypto::PublicKey pk{};
  std::copy_n(key.begin(), std::min(key.size(), pk.size()), pk.begin());
  return crypto::AddressOf(pk);
}

void EmitClaimEvent(Events& events, const statepb::Claim& claim, int64_t height) {
  AddEvent(events, "vinet.claim",
           {{"id", ToHex(AsBytes(claim.inference_id()))},
            {"status", StatusName(claim.status())},
            {"height", std::to_string(height)},
            {"mode", ModeName(claim.mode())},
            {"node", AddressOfKeyBytes(claim.node())},
            {"client", AddressOfKeyBytes(claim.client())},
            {"fee", std::to_string(claim.fee())},
            {"reason", claim.reason()}},
           kIndexedClaimAttributes);
}

Status ResolvePendingClaim(State& state, const statepb::Params& params, int64_t height,
                           statepb::Claim claim, statepb::ClaimStatus to, std::string reason,
                           Events& events) {
  std::string node = AddressOfKeyBytes(claim.node());
  std::string client = AddressOfKeyBytes(claim.client());
  VINET_RETURN_IF_ERROR(ReleaseRisk(state, node, claim.fee()));
  if (to == statepb::CLAIM_STATUS_SETTLED) {
    VINET_RETURN_IF_ERROR(Credit(state, node, claim.fee()));
  } else {
    bool rejected = to == statepb::CLAIM_STATUS_REJECTED;
    uint32_t bps = rejected ? params.slash_invalid_bps() : params.slash_missing_bps();
    VINET_ASSIGN_OR_RETURN(uint64_t slash, Slash(state, node, bps, rejected, params.min_stake()));
    uint64_t compensation = std::min(slash, params.compensation());
    VINET_RETURN_IF_ERROR(Credit(state, client, claim.fee() + compensation));
  }
  claim.set_status(to);
  claim.set_settled_height(height);
  claim.set_reason(std::move(reason));
  state.PutClaim(claim);
  VINET_RETURN_IF_ERROR(ScheduleClaimPruning(state, params, height, claim));
  EmitClaimEvent(events, claim, height);
  return Status::Ok();
}

}  // namespace vinet::chain
