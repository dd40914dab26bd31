// Typed accessors over the chain state's prefixed keys.
//
// Key layout (all state keys enter the app hash):
//   "a/<address>"  vinet.state.v1.Account   (address: 40 lowercase hex chars)
//   "n/<address>"  vinet.state.v1.Node      (address of the operator account)
//   "p/params"     vinet.state.v1.Params
// Later issues add "e/" enclaves, "m/" models, "c/" claims. An absent account
// reads as balance 0, nonce 0. Values are deterministic protobuf bytes.
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

  // Errors: kNotFound before genesis wrote params.
  Result<statepb::Params> GetParams() const;
  void PutParams(const statepb::Params& params);

 private:
  Overlay& kv_;
};

// Deterministic serialization used for every stored record.
std::string SerializeDeterministic(const google::protobuf::MessageLite& msg);

}  // namespace vinet::chain
