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
//   "d/<deadline, %020d>"    vinet.state.v1.DeadlineIndex (PENDING ZKML claims by deadline)
//   "x/<client>/<node>"      vinet.state.v1.Deposit (a client's deposit for one node)
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
std::string DepositKey(std::string_view client, std::string_view node);
inline constexpr std::string_view kParamsKey = "p/params";

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
  Result<std::optional<statepb::Claim>> GetClaim(std::string_view id_hex) const;
  void PutClaim(const statepb::Claim& claim);
  Result<statepb::NodeRisk> GetRisk(std::string_view address) const;
  void PutRisk(std::string_view address, const statepb::NodeRisk& risk);
  // ZKML verifying key bytes of a model (nullopt: none stored).
  Result<std::optional<std::string>> GetZkmlKey(std::string_view model_id) const;
  void PutZkmlKey(std::string_view model_id, std::string key_bytes);
  // Claims PENDING with this deadline (absent: empty).
  Result<statepb::DeadlineIndex> GetDeadlineIndex(int64_t deadline) const;
  void PutDeadlineIndex(int64_t deadline, const statepb::DeadlineIndex& index);
  void DeleteDeadlineIndex(int64_t deadline);
  // A client's deposit for a node (absent: amount 0, locked); an all-zero one is deleted.
  Result<statepb::Deposit> GetDeposit(std::string_view client, std::string_view node) const;
  void PutDeposit(std::string_view client, std::string_view node, const statepb::Deposit& d);

  // Errors: kNotFound before genesis wrote params.
  Result<statepb::Params> GetParams() const;
  void PutParams(const statepb::Params& params);

 private:
  Overlay& kv_;
};

// Deterministic serialization used for every stored record.
std::string SerializeDeterministic(const google::protobuf::MessageLite& msg);

}  // namespace vinet::chain
