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

}  // namespace

std::vector<crypto::Digest256> TeeClaimLeaves(const std::vector<ClaimRecord>& claims,
                                              ByteSpan enclave_key) {
  std::vector<crypto::Digest256> leaves;
  for (const auto& c : claims) {
    if (c.mode != protocol::Mode::kTee) continue;
    auto id = FromHex(c.id_hex);
    if (!id.ok()) continue;
    if (protocol::LooksLikeChatReceipt(c.receipt)) {
      auto r = protocol::DecodeChatReceipt(c.receipt);
      if (r.ok() && r->mode == protocol::Mode::kTee && Same(r->enclave_key, enclave_key))
        leaves.push_back(protocol::ClaimLeaf(*id, protocol::ChatEnclaveSigningBytes(*r)));
      continue;
    }
    auto r = protocol::DecodeReceipt(c.receipt);
    if (r.ok() && r->mode == protocol::Mode::kTee && Same(r->enclave_key, enclave_key))
      leaves.push_back(protocol::ClaimLeaf(*id, protocol::EnclaveSigningBytes(*r)));
  }
  return leaves;
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
