// ChainApp's proposal handlers (app.h): what a proposer puts in a block and
// what every validator accepts. ProcessProposal is stateless per tx (size,
// decoding, signature), so it cannot disagree with FinalizeBlock's stateful
// rules: a tx that passes here may still fail its nonce or fee in the block
// (a normal, deterministic failure), but bytes that can never be a valid tx
// make the whole block invalid.
#include <spdlog/spdlog.h>

#include "vinet/chain/app.h"
#include "vinet/chain/state.h"
#include "vinet/chain/tx.h"

namespace vinet::chain {

abci::pb::ResponsePrepareProposal ChainApp::PrepareProposal(
    const abci::pb::RequestPrepareProposal& req) {
  abci::pb::ResponsePrepareProposal resp = abci::Application::PrepareProposal(req);
  std::lock_guard lock(mu_);
  if (!garbage_proposals_ || store_->meta().chain_id.find("devnet") == std::string::npos) {
    return resp;
  }
  // Test hook (a hostile proposer): one tx that is not a Tx at all, one whose
  // signature does not verify.
  resp.add_txs(std::string("\xff\xfe not a vinet tx", 17));
  txpb::TxBody body;
  body.set_chain_id(store_->meta().chain_id);
  body.set_fee(1);
  body.mutable_transfer()->set_to(std::string(40, 'a'));
  body.mutable_transfer()->set_amount(1);
  txpb::Tx tx;
  tx.set_body(SerializeDeterministic(body));
  tx.set_signer_pubkey(std::string(32, '\x01'));
  tx.set_signature(std::string(64, '\x02'));
  resp.add_txs(SerializeDeterministic(tx));
  spdlog::warn("chain: test hook: proposed height {} with 2 garbage txs", req.height());
  return resp;
}

abci::pb::ResponseProcessProposal ChainApp::ProcessProposal(
    const abci::pb::RequestProcessProposal& req) {
  abci::pb::ResponseProcessProposal resp;
  resp.set_status(abci::pb::ResponseProcessProposal::ACCEPT);
  uint64_t max_tx_bytes = 0;
  {
    std::lock_guard lock(mu_);
    Overlay view(*store_);
    State state(view);
    auto params = state.GetParams();
    if (!params.ok()) {
      spdlog::error("chain: process_proposal: {}", params.status().ToString());
      resp.set_status(abci::pb::ResponseProcessProposal::REJECT);
      return resp;
    }
    max_tx_bytes = params->max_tx_bytes();
  }
  int index = 0;
  for (const auto& tx : req.txs()) {
    TxStatus status;
    if (tx.size() > max_tx_bytes) {
      status = TxStatus::Fail(TxCode::kTxTooLarge, "over max_tx_bytes");
    } else {
      DecodedTx decoded;
      status = DecodeTx(AsBytes(tx), decoded);
    }
    if (!status.ok()) {
      spdlog::warn("chain: rejecting proposal of height {}: tx {}: code {}: {}", req.height(),
                   index, static_cast<int>(status.code), status.log);
      resp.set_status(abci::pb::ResponseProcessProposal::REJECT);
      return resp;
    }
    ++index;
  }
  return resp;
}

uint64_t ChainApp::cheap_rechecks() const {
  std::lock_guard lock(mu_);
  return cheap_rechecks_;
}

}  // namespace vinet::chain
