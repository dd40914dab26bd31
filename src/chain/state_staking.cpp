// State accessors of the validator records (keys in state.h).
#include <fmt/format.h>

#include "vinet/chain/state.h"

namespace vinet::chain {
namespace {

template <typename T>
Result<std::optional<T>> Read(const Overlay& kv, const std::string& key) {
  VINET_ASSIGN_OR_RETURN(auto value, kv.Get(key));
  if (!value) return std::optional<T>();
  T msg;
  if (!msg.ParseFromString(*value)) {
    return Error(Code::kInternal, "state: corrupt record under key " + key);
  }
  return std::optional<T>(std::move(msg));
}

template <typename T>
Result<T> ReadOrEmpty(const Overlay& kv, const std::string& key) {
  VINET_ASSIGN_OR_RETURN(auto v, Read<T>(kv, key));
  return v.value_or(T());
}

}  // namespace

std::string ValidatorKey(std::string_view operator_address) {
  return "v/" + std::string(operator_address);
}
std::string ValidatorAddressKey(std::string_view consensus_address) {
  return "w/" + std::string(consensus_address);
}
std::string UnbondingQueueKey(int64_t height) {
  return fmt::format("u/{:020d}", height);
}
std::string EvidenceKey(std::string_view hash_hex) {
  return "b/" + std::string(hash_hex);
}
std::string EvidenceHeightKey(int64_t height) {
  return fmt::format("h/{:020d}", height);
}

Result<std::optional<statepb::Validator>> State::GetValidator(
    std::string_view operator_address) const {
  return Read<statepb::Validator>(kv_, ValidatorKey(operator_address));
}
void State::PutValidator(const statepb::Validator& v) {
  kv_.Put(ValidatorKey(v.operator_()), SerializeDeterministic(v));
}

Result<std::string> State::GetValidatorOperator(std::string_view consensus_address) const {
  VINET_ASSIGN_OR_RETURN(auto v, kv_.Get(ValidatorAddressKey(consensus_address)));
  return v.value_or(std::string());
}
void State::PutValidatorOperator(std::string_view consensus_address,
                                 std::string_view operator_address) {
  kv_.Put(ValidatorAddressKey(consensus_address), std::string(operator_address));
}

Result<statepb::ValidatorIndex> State::GetCandidates() const {
  return ReadOrEmpty<statepb::ValidatorIndex>(kv_, std::string(kCandidatesKey));
}
void State::PutCandidates(const statepb::ValidatorIndex& index) {
  kv_.Put(std::string(kCandidatesKey), SerializeDeterministic(index));
}

Result<statepb::ValidatorSet> State::GetActiveSet() const {
  return ReadOrEmpty<statepb::ValidatorSet>(kv_, std::string(kActiveSetKey));
}
void State::PutActiveSet(const statepb::ValidatorSet& set) {
  kv_.Put(std::string(kActiveSetKey), SerializeDeterministic(set));
}

Result<statepb::ValidatorIndex> State::GetUnbondingQueue(int64_t height) const {
  return ReadOrEmpty<statepb::ValidatorIndex>(kv_, UnbondingQueueKey(height));
}
void State::PutUnbondingQueue(int64_t height, const statepb::ValidatorIndex& q) {
  if (q.operators().empty()) {
    kv_.Delete(UnbondingQueueKey(height));
  } else {
    kv_.Put(UnbondingQueueKey(height), SerializeDeterministic(q));
  }
}

Result<std::optional<statepb::EvidenceRecord>> State::GetEvidence(std::string_view hash_hex) const {
  return Read<statepb::EvidenceRecord>(kv_, EvidenceKey(hash_hex));
}
void State::PutEvidence(const statepb::EvidenceRecord& e) {
  kv_.Put(EvidenceKey(e.hash()), SerializeDeterministic(e));
}

Result<statepb::EvidenceList> State::GetEvidenceAtHeight(int64_t height) const {
  return ReadOrEmpty<statepb::EvidenceList>(kv_, EvidenceHeightKey(height));
}
void State::PutEvidenceAtHeight(int64_t height, const statepb::EvidenceList& list) {
  kv_.Put(EvidenceHeightKey(height), SerializeDeterministic(list));
}

Result<statepb::EvidenceList> State::GetRecentEvidence() const {
  return ReadOrEmpty<statepb::EvidenceList>(kv_, std::string(kRecentEvidenceKey));
}
void State::PutRecentEvidence(const statepb::EvidenceList& list) {
  kv_.Put(std::string(kRecentEvidenceKey), SerializeDeterministic(list));
}

}  // namespace vinet::chain
