// RegisterEnclave: verify a Nitro-format attestation document at the block
// time under the genesis trust roots, check its nonce binding, debug rule and
// the PCR0 allowlist of every served model, then record the Ed25519 enclave
// key as bound to the signer node until block time + enclave_ttl_ms.
// Re-registration by the same node refreshes the record.
#include <fmt/format.h>

#include <algorithm>

#include "vinet/chain/enclave_nonce.h"
#include "vinet/chain/handlers.h"
#include "vinet/tee/policy.h"

namespace vinet::chain {
namespace {

constexpr int kMaxModels = 64;
constexpr int kMaxEnclavesPerNode = 16;  // distinct keys, listed in the node record
constexpr uint64_t kMaxDocumentAgeMs = 10 * 60 * 1000;

TxStatus Fail(TxCode code, std::string log) {
  return TxStatus::Fail(code, std::move(log));
}

TxStatus CheckNodeActive(const State& state, const TxContext& ctx, const DecodedTx& tx) {
  auto node = state.GetNode(tx.signer_address);
  if (!node.ok()) return Fail(TxCode::kInternal, node.status().ToString());
  if (!node->has_value()) {
    return Fail(TxCode::kNodeNotFound, "node " + tx.signer_address + " is not registered");
  }
  if ((*node)->status() != statepb::NODE_STATUS_ACTIVE) {
    return Fail(TxCode::kNodeNotActive, "node " + tx.signer_address + " is not active");
  }
  if ((*node)->jailed())
    return Fail(TxCode::kNodeJailed, "node " + tx.signer_address + " is jailed");
  if ((*node)->stake() < ctx.params.min_stake()) {
    return Fail(TxCode::kStakeTooLow,
                fmt::format("node {} stake {} below min_stake {}", tx.signer_address,
                            (*node)->stake(), ctx.params.min_stake()));
  }
  return {};
}

TxStatus CheckNonceHeight(const TxContext& ctx, int64_t h) {
  if (h > ctx.height || h < ctx.height - ctx.params.attestation_window()) {
    return Fail(TxCode::kAttestationInvalid,
                fmt::format("register_enclave.nonce_height: {} not within {} blocks before {}", h,
                            ctx.params.attestation_window(), ctx.height));
  }
  return {};
}

Result<tee::VerifiedAttestation> VerifyDocument(const TxContext& ctx, const DecodedTx& tx,
                                                const txpb::RegisterEnclave& msg) {
  std::vector<tee::TrustRoot> roots;
  for (const auto& pem : ctx.params.tee_roots()) {
    VINET_ASSIGN_OR_RETURN(auto root, tee::TrustRoot::FromPem(pem));
    roots.push_back(std::move(root));
  }
  auto nonce = EnclaveNonce(ctx.chain_id, tx.signer, static_cast<uint64_t>(msg.nonce_height()));
  tee::AttestationPolicy policy;
  policy.max_age_ms = kMaxDocumentAgeMs;
  policy.expected_nonce = Bytes(nonce.begin(), nonce.end());
  policy.allow_debug = ctx.params.allow_debug_enclaves();
  policy.require_enclave_key = true;
  uint64_t at_ms = ctx.block_time_ms > 0 ? static_cast<uint64_t>(ctx.block_time_ms) : 0;
  return tee::VerifyWithPolicy(AsBytes(msg.attestation_document()), roots, at_ms, policy);
}

TxStatus CheckModels(const State& state, const txpb::RegisterEnclave& msg, const Bytes& pcr0) {
  if (msg.model_ids().empty() || msg.model_ids_size() > kMaxModels) {
    return Fail(TxCode::kInvalidMessage,
                fmt::format("register_enclave.model_ids: {} entries not in 1..{}",
                            msg.model_ids_size(), kMaxModels));
  }
  for (const auto& id : msg.model_ids()) {
    auto model = state.GetModel(id);
    if (!model.ok()) return Fail(TxCode::kInternal, model.status().ToString());
    if (!model->has_value()) return Fail(TxCode::kModelNotFound, "model " + id + " not registered");
    const std::string pcr0_bytes = ToString(pcr0);
    const auto& allowlist = (*model)->allowed_pcr0();
    bool allowed = std::find(allowlist.begin(), allowlist.end(), pcr0_bytes) != allowlist.end();
    if (!allowed) {
      return Fail(
          TxCode::kPcrNotAllowed,
          fmt::format("register_enclave: PCR0 {} not allowed by model {}", ToHex(pcr0), id));
    }
  }
  return {};
}

// A node at its key limit (e.g. after many enclave restarts) frees the slots
// of keys expired for a whole enclave_ttl_ms (a key that lapsed only briefly
// may still be re-attested to settle its refused claims): their records go.
TxStatus DropExpiredEnclaves(State& state, const TxContext& ctx, statepb::Node& node) {
  google::protobuf::RepeatedPtrField<std::string> live;
  for (const auto& key : node.enclave_keys()) {
    std::string key_hex = ToHex(AsBytes(key));
    auto enclave = state.GetEnclave(key_hex);
    if (!enclave.ok()) return Fail(TxCode::kInternal, enclave.status().ToString());
    if (enclave->has_value() &&
        ctx.block_time_ms - ctx.params.enclave_ttl_ms() >= (*enclave)->expires_time_ms()) {
      state.DeleteEnclave(key_hex);
    } else if (enclave->has_value()) {
      *live.Add() = key;
    }
  }
  *node.mutable_enclave_keys() = std::move(live);
  return {};
}

}  // namespace

TxStatus HandleRegisterEnclave(State& state, const TxContext& ctx, const DecodedTx& tx,
                               const txpb::RegisterEnclave& msg, Events& events) {
  if (auto s = CheckNodeActive(state, ctx, tx); !s.ok()) return s;
  if (auto s = CheckNonceHeight(ctx, msg.nonce_height()); !s.ok()) return s;
  auto verified = VerifyDocument(ctx, tx, msg);
  if (!verified.ok()) {
    return Fail(TxCode::kAttestationInvalid,
                "register_enclave.attestation_document: " + verified.status().message());
  }
  const auto& doc = verified->document;
  auto pcr0 = doc.pcrs.find(0);
  if (pcr0 == doc.pcrs.end()) {
    return Fail(TxCode::kAttestationInvalid, "register_enclave.attestation_document: no PCR0");
  }
  if (auto s = CheckModels(state, msg, pcr0->second); !s.ok()) return s;
  const Bytes& key = *doc.public_key;  // require_enclave_key: present, 32 bytes
  std::string key_hex = ToHex(key);
  auto existing = state.GetEnclave(key_hex);
  if (!existing.ok()) return Fail(TxCode::kInternal, existing.status().ToString());
  std::string node(tx.signer.begin(), tx.signer.end());
  if (existing->has_value() && (*existing)->node() != node) {
    return Fail(TxCode::kInvalidMessage,
                "register_enclave: enclave key " + key_hex + " is bound to another node");
  }
  if (!existing->has_value()) {  // a new key: list it in the node record
    auto record = state.GetNode(tx.signer_address);
    if (!record.ok() || !record->has_value())
      return Fail(TxCode::kInternal, "register_enclave: node record vanished");
    if ((*record)->enclave_keys_size() >= kMaxEnclavesPerNode) {
      if (auto s = DropExpiredEnclaves(state, ctx, **record); !s.ok()) return s;
    }
    if ((*record)->enclave_keys_size() >= kMaxEnclavesPerNode) {
      return Fail(TxCode::kInvalidMessage,
                  fmt::format("register_enclave: node already has {} enclave keys (max {})",
                              (*record)->enclave_keys_size(), kMaxEnclavesPerNode));
    }
    (*record)->add_enclave_keys(ToString(key));
    state.PutNode(tx.signer_address, **record);
  }
  statepb::Enclave enclave;
  enclave.set_public_key(ToString(key));
  enclave.set_node(node);
  enclave.set_pcr0(ToString(pcr0->second));
  *enclave.mutable_model_ids() = msg.model_ids();
  enclave.set_expires_time_ms(ctx.block_time_ms + ctx.params.enclave_ttl_ms());
  enclave.set_registered_height(ctx.height);
  state.PutEnclave(enclave);
  AddEvent(events, "vinet.enclave",
           {{"key", key_hex},
            {"node", tx.signer_address},
            {"expires_ms", std::to_string(enclave.expires_time_ms())}});
  return {};
}

}  // namespace vinet::chain
