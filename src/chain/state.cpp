#include "vinet/chain/state.h"

#include <fmt/format.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "vinet/common/bytes.h"

namespace vinet::chain {
namespace {

template <typename T>
Result<T> ParseRecord(std::string_view key, const std::string& bytes) {
  T msg;
  if (!msg.ParseFromString(bytes)) {
    return Error(Code::kInternal, "state: corrupt record under key " + std::string(key));
  }
  return msg;
}

}  // namespace

std::string SerializeDeterministic(const google::protobuf::MessageLite& msg) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  msg.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

std::string AccountKey(std::string_view address) {
  return "a/" + std::string(address);
}
std::string NodeKey(std::string_view address) {
  return "n/" + std::string(address);
}

std::string ModelKey(std::string_view model_id) {
  return "m/" + std::string(model_id);
}
std::string EnclaveKey(std::string_view key_hex) {
  return "e/" + std::string(key_hex);
}
std::string ClaimKey(std::string_view id_hex) {
  return "c/" + std::string(id_hex);
}
std::string DepositKey(std::string_view client, std::string_view node) {
  return "x/" + std::string(client) + "/" + std::string(node);
}

std::string RiskKey(std::string_view address) {
  return "r/" + std::string(address);
}
std::string ZkmlKeyKey(std::string_view model_id) {
  return "k/" + std::string(model_id);
}
std::string DeadlineKey(int64_t deadline) {
  return fmt::format("d/{:020d}", deadline);
}
std::string DeadlineEntryKey(int64_t deadline, uint64_t i) {
  return fmt::format("d/{:020d}/{:010d}", deadline, i);
}

std::string RetentionKey(int64_t height) {
  return fmt::format("g/{:020d}", height);
}
std::string RetentionEntryKey(int64_t height, uint64_t i) {
  return fmt::format("g/{:020d}/{:010d}", height, i);
}

bool IsValidAddress(std::string_view address) {
  if (address.size() != 40) return false;
  for (char c : address) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<statepb::Account> State::GetAccount(std::string_view address) const {
  std::string key = AccountKey(address);
  VINET_ASSIGN_OR_RETURN(auto value, kv_.Get(key));
  if (!value) return statepb::Account();
  return ParseRecord<statepb::Account>(key, *value);
}

void State::PutAccount(std::string_view address, const statepb::Account& account) {
  // An account with nothing in it is not stored, so the state stays minimal.
  if (account.balance() == 0 && account.nonce() == 0) {
    kv_.Delete(AccountKey(address));
  } else {
    kv_.Put(AccountKey(address), SerializeDeterministic(account));
  }
}

Result<std::optional<statepb::Node>> State::GetNode(std::string_view address) const {
  std::string key = NodeKey(address);
  VINET_ASSIGN_OR_RETURN(auto value, kv_.Get(key));
  if (!value) return std::optional<statepb::Node>();
  VINET_ASSIGN_OR_RETURN(auto node, ParseRecord<statepb::Node>(key, *value));
  return std::optional<statepb::Node>(std::move(node));
}

void State::PutNode(std::string_view address, const statepb::Node& node) {
  kv_.Put(NodeKey(address), SerializeDeterministic(node));
}

void State::DeleteNode(std::string_view address) {
  kv_.Delete(NodeKey(address));
}

Result<statepb::Params> State::GetParams() const {
  VINET_ASSIGN_OR_RETURN(auto value, kv_.Get(kParamsKey));
  if (!value) return Error(Code::kNotFound, "state: params not set (no genesis yet)");
  return ParseRecord<statepb::Params>(kParamsKey, *value);
}

void State::PutParams(const statepb::Params& params) {
  kv_.Put(std::string(kParamsKey), SerializeDeterministic(params));
}

namespace {

template <typename T>
Result<std::optional<T>> GetOptional(const Overlay& kv, const std::string& key) {
  VINET_ASSIGN_OR_RETURN(auto value, kv.Get(key));
  if (!value) return std::optional<T>();
  VINET_ASSIGN_OR_RETURN(auto record, ParseRecord<T>(key, *value));
  return std::optional<T>(std::move(record));
}

}  // namespace

Result<std::optional<statepb::Model>> State::GetModel(std::string_view model_id) const {
  return GetOptional<statepb::Model>(kv_, ModelKey(model_id));
}
void State::PutModel(const statepb::Model& model) {
  kv_.Put(ModelKey(model.model_id()), SerializeDeterministic(model));
}
Result<std::optional<statepb::Enclave>> State::GetEnclave(std::string_view key_hex) const {
  return GetOptional<statepb::Enclave>(kv_, EnclaveKey(key_hex));
}
void State::PutEnclave(const statepb::Enclave& enclave) {
  kv_.Put(EnclaveKey(ToHex(AsBytes(enclave.public_key()))), SerializeDeterministic(enclave));
}
void State::DeleteEnclave(std::string_view key_hex) {
  kv_.Delete(EnclaveKey(key_hex));
}
Result<std::optional<statepb::Claim>> State::GetClaim(std::string_view id_hex) const {
  return GetOptional<statepb::Claim>(kv_, ClaimKey(id_hex));
}
void State::PutClaim(const statepb::Claim& claim) {
  kv_.Put(ClaimKey(ToHex(AsBytes(claim.inference_id()))), SerializeDeterministic(claim));
}
void State::DeleteClaim(std::string_view id_hex) {
  kv_.Delete(ClaimKey(id_hex));
}
Result<uint64_t> State::GetRetentionCount(int64_t height) const {
  VINET_ASSIGN_OR_RETURN(auto index,
                         GetOptional<statepb::DeadlineIndex>(kv_, RetentionKey(height)));
  return index ? index->count() : 0;
}
Status State::AddToRetention(int64_t height, const statepb::RetentionEntry& entry) {
  VINET_ASSIGN_OR_RETURN(uint64_t count, GetRetentionCount(height));
  kv_.Put(RetentionEntryKey(height, count), SerializeDeterministic(entry));
  statepb::DeadlineIndex index;
  index.set_count(count + 1);
  kv_.Put(RetentionKey(height), SerializeDeterministic(index));
  return Status::Ok();
}
Result<statepb::RetentionEntry> State::GetRetentionEntry(int64_t height, uint64_t i) const {
  VINET_ASSIGN_OR_RETURN(auto entry,
                         GetOptional<statepb::RetentionEntry>(kv_, RetentionEntryKey(height, i)));
  if (!entry) {
    return Error(Code::kInternal, "retention index entry missing: " + RetentionEntryKey(height, i));
  }
  return std::move(*entry);
}
void State::DeleteRetention(int64_t height, uint64_t count) {
  for (uint64_t i = 0; i < count; ++i) kv_.Delete(RetentionEntryKey(height, i));
  kv_.Delete(RetentionKey(height));
}
Result<statepb::Deposit> State::GetDeposit(std::string_view client, std::string_view node) const {
  VINET_ASSIGN_OR_RETURN(auto d, GetOptional<statepb::Deposit>(kv_, DepositKey(client, node)));
  return d.value_or(statepb::Deposit());
}
void State::PutDeposit(std::string_view client, std::string_view node, const statepb::Deposit& d) {
  if (d.amount() == 0 && d.unlock_time_ms() == 0) {
    kv_.Delete(DepositKey(client, node));
  } else {
    kv_.Put(DepositKey(client, node), SerializeDeterministic(d));
  }
}

Result<statepb::NodeRisk> State::GetRisk(std::string_view address) const {
  VINET_ASSIGN_OR_RETURN(auto risk, GetOptional<statepb::NodeRisk>(kv_, RiskKey(address)));
  return risk.value_or(statepb::NodeRisk());
}
void State::PutRisk(std::string_view address, const statepb::NodeRisk& risk) {
  if (risk.unsettled_value() == 0 && risk.pending_claims() == 0) {
    kv_.Delete(RiskKey(address));
  } else {
    kv_.Put(RiskKey(address), SerializeDeterministic(risk));
  }
}

Result<std::optional<std::string>> State::GetZkmlKey(std::string_view model_id) const {
  return kv_.Get(ZkmlKeyKey(model_id));
}
void State::PutZkmlKey(std::string_view model_id, std::string key_bytes) {
  kv_.Put(ZkmlKeyKey(model_id), std::move(key_bytes));
}
Result<statepb::DeadlineIndex> State::GetDeadlineIndex(int64_t deadline) const {
  VINET_ASSIGN_OR_RETURN(auto index,
                         GetOptional<statepb::DeadlineIndex>(kv_, DeadlineKey(deadline)));
  return index.value_or(statepb::DeadlineIndex());
}
Status State::AddToDeadlineIndex(int64_t deadline, std::string_view inference_id) {
  VINET_ASSIGN_OR_RETURN(auto index, GetDeadlineIndex(deadline));
  kv_.Put(DeadlineEntryKey(deadline, index.count()), std::string(inference_id));
  index.set_count(index.count() + 1);
  kv_.Put(DeadlineKey(deadline), SerializeDeterministic(index));
  return Status::Ok();
}
Result<std::string> State::GetDeadlineEntry(int64_t deadline, uint64_t i) const {
  VINET_ASSIGN_OR_RETURN(auto value, kv_.Get(DeadlineEntryKey(deadline, i)));
  if (!value)
    return Error(Code::kInternal, "deadline index entry missing: " + DeadlineEntryKey(deadline, i));
  return std::move(*value);
}
void State::DeleteDeadlineIndex(int64_t deadline, uint64_t count) {
  for (uint64_t i = 0; i < count; ++i) kv_.Delete(DeadlineEntryKey(deadline, i));
  kv_.Delete(DeadlineKey(deadline));
}

}  // namespace vinet::chain
