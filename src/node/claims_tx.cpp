#include "vinet/chain/tx.h"
#include "vinet/node/submitter.h"
#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/claim_batch.h"
#include "vinet/protocol/request.h"

namespace vinet::node {

namespace {

bool Same(const std::optional<Bytes>& key, ByteSpan want) {
  return key && std::equal(key->begin(), key->end(), want.begin(), want.end());
}

// A claim a batch by `enclave_key` covers: its leaf and, when it can travel
// compact (docs/chain.md "Compact claims"), that form.
struct Covered {
  crypto::Digest256 leaf{};
  std::optional<chain::txpb::CompactClaim> compact;
};

// The compact form of a TEE claim whose request is `c.request`.
std::optional<chain::txpb::CompactClaim> CompactOf(const ClaimRecord& c) {
  auto req = protocol::DecodeSignedRequest(c.request);
  if (!req.ok() || req->body.size() > protocol::kMaxRequestBodyBytes) return std::nullopt;
  chain::txpb::CompactClaim out;
  out.set_request_body(ToString(req->body));
  out.set_client_pubkey(ToString(req->client_pubkey));
  return out;
}

std::optional<Covered> CoveredBy(const ClaimRecord& c, ByteSpan enclave_key) {
  if (c.mode != protocol::Mode::kTee) return std::nullopt;
  auto id = FromHex(c.id_hex);
  if (!id.ok()) return std::nullopt;
  Covered out;
  if (protocol::LooksLikeChatReceipt(c.receipt)) {
    auto r = protocol::DecodeChatReceipt(c.receipt);
    if (!r.ok() || r->mode != protocol::Mode::kTee || !Same(r->enclave_key, enclave_key))
      return std::nullopt;
    out.leaf = protocol::ClaimLeaf(*id, protocol::ChatEnclaveSigningBytes(*r));
    if ((out.compact = CompactOf(c))) {
      auto* chat = out.compact->mutable_chat();
      chat->set_seed(r->seed);
      chat->set_prompt_tokens(r->prompt_tokens);
      chat->set_completion_tokens(r->completion_tokens);
      chat->set_finish_reason(r->finish_reason);
      chat->set_tokens_hash(ToString(r->tokens_hash));
      chat->set_text_hash(ToString(r->text_hash));
      chat->set_chunks(r->chunks);
    }
    return out;
  }
  auto r = protocol::DecodeReceipt(c.receipt);
  if (!r.ok() || r->mode != protocol::Mode::kTee || !Same(r->enclave_key, enclave_key))
    return std::nullopt;
  out.leaf = protocol::ClaimLeaf(*id, protocol::EnclaveSigningBytes(*r));
  if ((out.compact = CompactOf(c))) out.compact->set_output_hash(ToString(r->output_hash));
  return out;
}

}  // namespace

// The chain's order: covered full claims, then the compact ones.
std::vector<crypto::Digest256> TeeClaimLeaves(const std::vector<ClaimRecord>& claims,
                                              ByteSpan enclave_key) {
  std::vector<crypto::Digest256> full, compact;
  for (const auto& c : claims) {
    auto covered = CoveredBy(c, enclave_key);
    if (covered) (covered->compact ? compact : full).push_back(covered->leaf);
  }
  full.insert(full.end(), compact.begin(), compact.end());
  return full;
}

Bytes BuildSubmitClaimsTx(const crypto::SecretKey& key, const std::string& chain_id, uint64_t nonce,
                          uint64_t fee, const std::vector<ClaimRecord>& claims,
                          const chain::FeeSchedule& fees,
                          const std::optional<ClaimBatchAttestation>& batch) {
  chain::txpb::TxBody body;
  body.set_chain_id(chain_id);
  body.set_nonce(nonce);
  body.set_fee(fee);
  auto* msg = body.mutable_submit_claims();
  for (const auto& c : claims) {
    if (batch) {
      auto covered = CoveredBy(c, batch->enclave_key);
      if (covered && covered->compact) {
        *msg->add_compact_claims() = std::move(*covered->compact);
        continue;
      }
    }
    auto* claim = msg->add_claims();
    claim->mutable_request()->ParseFromArray(c.request.data(), static_cast<int>(c.request.size()));
    claim->set_receipt(c.receipt.data(), c.receipt.size());
  }
  if (batch) {
    msg->mutable_batch()->set_enclave_key(ToString(batch->enclave_key));
    msg->mutable_batch()->set_signature(ToString(batch->signature));
  }
  chain::PayMinimumFee(fees, body);
  return chain::BuildSignedTx(key, body);
}

Bytes BuildRegisterEnclaveTx(const crypto::SecretKey& key, const std::string& chain_id,
                             uint64_t nonce, uint64_t fee, ByteSpan document,
                             const std::vector<std::string>& model_ids, int64_t nonce_height,
                             const chain::FeeSchedule& fees) {
  chain::txpb::TxBody body;
  body.set_chain_id(chain_id);
  body.set_nonce(nonce);
  body.set_fee(fee);
  auto* msg = body.mutable_register_enclave();
  msg->set_attestation_document(document.data(), document.size());
  for (const auto& id : model_ids) msg->add_model_ids(id);
  msg->set_nonce_height(nonce_height);
  chain::PayMinimumFee(fees, body);
  return chain::BuildSignedTx(key, body);
}

}  // namespace vinet::node
