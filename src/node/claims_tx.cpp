#include "vinet/chain/tx.h"
#include "vinet/node/submitter.h"
#include "vinet/protocol/request.h"

namespace vinet::node {

Bytes BuildSubmitClaimsTx(const crypto::SecretKey& key, const std::string& chain_id, uint64_t nonce,
                          uint64_t fee, const std::vector<ClaimRecord>& claims,
                          const chain::FeeSchedule& fees) {
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
