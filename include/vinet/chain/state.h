// Typed accessors over the chain state's prefixed keys.
//
// Key layout (all state keys enter the app hash):
//   "a/<address>"  vinet.state.v1.Account   (address: 40 lowercase hex chars)
//   "n/<address>"  vinet.state.v1.Node      (address of the operator account)
//   "p/params"     vinet.state.v1.Params
//   "m/<model id>"           vinet.state.v1.Model
//   "e/<enclave key hex>"    vinet.state.v1.Enclave
//   "c/<inference id hex>"   vinet.state.v1.Claim
//   "r/<address>"            vinet.state.v1.NodeRisk (absent: nothing at risk)
//   "k/<model id>"           zkml::VerifyingKey encoding (ZKML models, raw bytes)
//   "d/<deadline, %020d>"    vinet.state.v1.DeadlineIndex (count of PENDING ZKML claims by
//   deadline) "d/<deadline, %020d>/<i, %010d>"  raw inference id, entry i of that bucket
//   "x/<client>/<node>"      vinet.state.v1.Deposit (a client's deposit for one node)
//   "g/<height, %020d>"      vinet.state.v1.DeadlineIndex (count of claims to prune then)
//   "g/<height, %020d>/<i, %010d>"  vinet.state.v1.RetentionEntry, entry i of that bucket
//   "v/<operator address>"   vinet.state.v1.Validator (consensus validators, docs/chain.md)
//   "w/<consensus address>"  the operator address (raw): CometBFT address -> validator
//   "s/candidates"           vinet.state.v1.ValidatorIndex (every validator's operator, sorted)
//   "s/active"               vinet.state.v1.ValidatorSet (the set CometBFT was last given)
//   "u/<height, %020d>"      vinet.state.v1.ValidatorIndex (unbondings completing then)
//   "b/<evidence hash hex>"  vinet.state.v1.EvidenceRecord
//   "h/<height, %020d>"      vinet.state.v1.EvidenceList (evidence of that infraction height)
//   "s/evidence"             vinet.state.v1.EvidenceList (the latest evidence hashes)
// An absent account reads as balance 0, nonce 0. Values are deterministic protobuf bytes.
// A stored value that does not parse is reported as kInternal (corruption).
// State reads through and writes into an Overlay it does not own.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vinet/chain/kv.h"
#include "vinet/state/v1/state.pb.h"

namespace vinet::chain {

namespace statepb = ::vinet::state::v1;

std::string AccountKey(std::string_view address);
std::string NodeKey(std::string_view address);
std::string ModelKey(std::string_view model_id);
std::string EnclaveKey(std::string_view key_hex);
std::string ClaimKey(std::string_view id_hex);
std::string RiskKey(std::string_view address);
std::string ZkmlKeyKey(std::string_view model_id);
std::string DeadlineKey(int64_t deadline);  // deadline >= 0
std::string DeadlineEntryKey(int64_t deadline, uint64_t i);
std::string DepositKey(std::string_view client, std::string_view node);
std::string RetentionKey(int64_t height);  // height >= 0
std::string RetentionEntryKey(int64_t height, uint64_t i);
inline constexpr std::string_view kParamsKey = "p/params";
std::string ValidatorKey(std::string_view operator_address);
std::string ValidatorAddressKey(std::string_view consensus_address);
std::string UnbondingQueueKey(int64_t height);  // height >= 0
std::string EvidenceKey(std::string_view hash_hex);
std::string EvidenceHeightKey(int64_t height);  // height >= 0
inline constexpr std::string_view kCandidatesKey = "s/candidates";
inline constexpr std::string_view kActiveSetKey = "s/active";
inline constexpr std::string_view kRecentEvidenceKey = "s/evidence";

// True iff `address` is 40 lowercase hex characters.
bool IsValidAddress(std::string_view address);

class State {
 public:
  explicit State(Overlay& kv) : kv_(kv) {}

  Result<statepb::Account> GetAccount(std::string_view address) const;
  void PutAccount(std::string_view address, const statepb::Account& account);

  Result<std::optional<statepb::Node>> GetNode(std::string_view address) const;
  void PutNode(std::string_view address, const statepb::Node& node);
  void DeleteNode(std::string_view address);

  Result<std::optional<statepb::Model>> GetModel(std::string_view model_id) const;
  void PutModel(const statepb::Model& model);
  Result<std::optional<statepb::Enclave>> GetEnclave(std::string_view key_hex) const;
  void PutEnclave(const statepb::Enclave& enclave);
  void DeleteEnclave(std::string_view key_hex);
  Result<std::optional<statepb::Claim>> GetClaim(std::string_view id_hex) const;
  void PutClaim(const statepb::Claim& claim);
  void DeleteClaim(std::string_view id_hex);
  // The retention bucket of `height` (claims to prune at the end of that
  // block): count, append (O(1)), entry i, delete with its entries.
  Result<uint64_t> GetRetentionCount(int64_t height) const;
  Status AddToRetention(int64_t height, const statepb::RetentionEntry& entry);
  Result<statepb::RetentionEntry> GetRetentionEntry(int64_t height, uint64_t i) const;
  void DeleteRetention(int64_t height, uint64_t count);
  Result<statepb::NodeRisk> GetRisk(std::string_view address) const;
  void PutRisk(std::string_view address, const statepb::NodeRisk& risk);
  // ZKML verifying key bytes of a model (nullopt: none stored).
  Result<std::optional<std::string>> GetZkmlKey(std::string_view model_id) const;
  void PutZkmlKey(std::string_view model_id, std::string key_bytes);
  // The deadline bucket's header (absent: count 0).
  Result<statepb::DeadlineIndex> GetDeadlineIndex(int64_t deadline) const;
  // Appends one inference id to the bucket: two small writes, O(1).
  Status AddToDeadlineIndex(int64_t deadline, std::string_view inference_id);
  // Entry i of the bucket (i < count).
  Result<std::string> GetDeadlineEntry(int64_t deadline, uint64_t i) const;
  // Deletes the header and its `count` entries.
  void DeleteDeadlineIndex(int64_t deadline, uint64_t count);
  // A client's deposit for a node (absent: amount 0, locked); an all-zero one is deleted.
  Result<statepb::Deposit> GetDeposit(std::string_view client, std::string_view node) const;
  void PutDeposit(std::string_view client, std::string_view node, const statepb::Deposit& d);

  // Validators (state_staking.cpp). Absent index records read as empty.
  Result<std::optional<statepb::Validator>> GetValidator(std::string_view operator_address) const;
  void PutValidator(const statepb::Validator& v);
  // The operator of the validator with this CometBFT address ("" if none).
  Result<std::string> GetValidatorOperator(std::string_view consensus_address) const;
  void PutValidatorOperator(std::string_view consensus_address, std::string_view operator_address);
  Result<statepb::ValidatorIndex> GetCandidates() const;
  void PutCandidates(const statepb::ValidatorIndex& index);
  Result<statepb::ValidatorSet> GetActiveSet() const;
  void PutActiveSet(const statepb::ValidatorSet& set);
  Result<statepb::ValidatorIndex> GetUnbondingQueue(int64_t height) const;
  void PutUnbondingQueue(int64_t height, const statepb::ValidatorIndex& q);  // empty: deleted
  Result<std::optional<statepb::EvidenceRecord>> GetEvidence(std::string_view hash_hex) const;
  void PutEvidence(const statepb::EvidenceRecord& e);
  Result<statepb::EvidenceList> GetEvidenceAtHeight(int64_t height) const;
  void PutEvidenceAtHeight(int64_t height, const statepb::EvidenceList& list);
  Result<statepb::EvidenceList> GetRecentEvidence() const;
  void PutRecentEvidence(const statepb::EvidenceList& list);

  // Errors: kNotFound before genesis wrote params.
  Result<statepb::Params> GetParams() const;
  void PutParams(const statepb::Params& params);

 private:
  Overlay& kv_;
};

// Deterministic serialization used for every stored record.
std::string SerializeDeterministic(const google::protobuf::MessageLite& msg);

}  // namespace vinet::chain
