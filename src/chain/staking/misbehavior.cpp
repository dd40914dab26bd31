// CometBFT misbehavior -> slash, jail, evidence record (staking.h).
#include <fmt/format.h>

#include "vinet/chain/staking.h"
#include "vinet/common/bytes.h"
#include "vinet/crypto/hash.h"

namespace vinet::chain {
namespace {

namespace abcipb = ::tendermint::abci;

std::string_view TypeName(abcipb::MisbehaviorType t) {
  switch (t) {
    case abcipb::DUPLICATE_VOTE:
      return "duplicate_vote";
    case abcipb::LIGHT_CLIENT_ATTACK:
      return "light_client_attack";
    default:
      return "unknown";
  }
}

uint64_t Share(uint64_t amount, uint32_t bps) {
  return static_cast<uint64_t>(static_cast<unsigned __int128>(amount) * bps / 10000);
}

// Slashes and jails the validator of `record` (operator known); returns the amount.
Result<uint64_t> Slash(State& state, const statepb::Params& params, statepb::Validator& v,
                       int64_t infraction_height, int64_t height) {
  uint64_t slashed = Share(v.bond(), params.slash_double_sign_bps());
  v.set_bond(v.bond() - slashed);
  for (auto& e : *v.mutable_unbonding()) {
    // Its stake still carried voting power at the infraction height.
    if (e.creation_height() < infraction_height - 1) continue;
    uint64_t cut = Share(e.amount(), params.slash_double_sign_bps());
    e.set_amount(e.amount() - cut);
    slashed += cut;
  }
  v.set_slashed_total(v.slashed_total() + slashed);
  v.set_jailed(true);
  v.set_jailed_until_height(height + params.jail_blocks());
  state.PutValidator(v);
  return slashed;
}

}  // namespace

std::string EvidenceHash(std::string_view type, std::string_view consensus_address, int64_t height,
                         int64_t time_ms) {
  std::string text =
      fmt::format("vinet.evidence.v1|{}|{}|{}|{}", type, consensus_address, height, time_ms);
  auto digest = crypto::Sha256(AsBytes(text));
  return ToHex(digest);
}

Status ApplyMisbehavior(State& state, const statepb::Params& params,
                        const google::protobuf::RepeatedPtrField<abcipb::Misbehavior>& misbehavior,
                        int64_t height, Events& events) {
  for (const auto& m : misbehavior) {
    const std::string address = ToHex(AsBytes(m.validator().address()));
    const std::string_view type = TypeName(m.type());
    const int64_t time_ms = m.time().seconds() * 1000 + m.time().nanos() / 1'000'000;
    statepb::EvidenceRecord record;
    record.set_hash(EvidenceHash(type, address, m.height(), time_ms));
    VINET_ASSIGN_OR_RETURN(auto seen, state.GetEvidence(record.hash()));
    if (seen || m.height() < 0) continue;  // already applied (CometBFT commits evidence once)
    record.set_type(std::string(type));
    record.set_height(m.height());
    record.set_time_ms(time_ms);
    record.set_consensus_address(address);
    record.set_committed_height(height);
    VINET_ASSIGN_OR_RETURN(auto list, state.GetEvidenceAtHeight(m.height()));
    // One slash per validator and infraction height, whatever the evidence types.
    bool punished = false;
    for (const auto& h : list.hashes()) {
      VINET_ASSIGN_OR_RETURN(auto other, state.GetEvidence(h));
      if (other && other->consensus_address() == address) punished = true;
    }
    VINET_ASSIGN_OR_RETURN(std::string op, state.GetValidatorOperator(address));
    if (!op.empty() && m.type() != abcipb::UNKNOWN) {
      VINET_ASSIGN_OR_RETURN(auto v, state.GetValidator(op));
      if (!v) return Error(Code::kInternal, "staking: address index names unknown " + op);
      record.set_operator_(op);
      // One slash per jailing: a validator still jailed for an earlier piece of
      // evidence (a double signer caught at several heights before it was
      // stopped) is not slashed again; once unjailed, a new infraction is.
      if (!punished && !v->jailed()) {
        VINET_ASSIGN_OR_RETURN(uint64_t slashed, Slash(state, params, *v, m.height(), height));
        record.set_slashed(slashed);
        record.set_jailed(true);
      }
    }
    state.PutEvidence(record);
    list.add_hashes(record.hash());
    state.PutEvidenceAtHeight(m.height(), list);
    VINET_ASSIGN_OR_RETURN(auto recent, state.GetRecentEvidence());
    recent.add_hashes(record.hash());
    if (recent.hashes_size() > kRecentEvidence) recent.mutable_hashes()->DeleteSubrange(0, 1);
    state.PutRecentEvidence(recent);
    AddEvent(events, "vinet.evidence",
             {{"hash", record.hash()},
              {"type", record.type()},
              {"height", std::to_string(record.height())},
              {"validator", address},
              {"operator", record.operator_()},
              {"slashed", std::to_string(record.slashed())}});
  }
  return Status::Ok();
}

}  // namespace vinet::chain
