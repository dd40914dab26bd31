#include "abci/dispatch.h"

#include <stdexcept>

namespace vinet::abci {

pb::Response Dispatch(Application& app, const pb::Request& req) {
  pb::Response resp;
  switch (req.value_case()) {
    case pb::Request::kEcho:
      resp.mutable_echo()->set_message(req.echo().message());
      break;
    case pb::Request::kFlush:
      resp.mutable_flush();
      break;
    case pb::Request::kInfo:
      *resp.mutable_info() = app.Info(req.info());
      break;
    case pb::Request::kInitChain:
      *resp.mutable_init_chain() = app.InitChain(req.init_chain());
      break;
    case pb::Request::kQuery:
      *resp.mutable_query() = app.Query(req.query());
      break;
    case pb::Request::kCheckTx:
      *resp.mutable_check_tx() = app.CheckTx(req.check_tx());
      break;
    case pb::Request::kCommit:
      *resp.mutable_commit() = app.Commit();
      break;
    case pb::Request::kListSnapshots:
      *resp.mutable_list_snapshots() = app.ListSnapshots(req.list_snapshots());
      break;
    case pb::Request::kOfferSnapshot:
      *resp.mutable_offer_snapshot() = app.OfferSnapshot(req.offer_snapshot());
      break;
    case pb::Request::kLoadSnapshotChunk:
      *resp.mutable_load_snapshot_chunk() = app.LoadSnapshotChunk(req.load_snapshot_chunk());
      break;
    case pb::Request::kApplySnapshotChunk:
      *resp.mutable_apply_snapshot_chunk() = app.ApplySnapshotChunk(req.apply_snapshot_chunk());
      break;
    case pb::Request::kPrepareProposal:
      *resp.mutable_prepare_proposal() = app.PrepareProposal(req.prepare_proposal());
      break;
    case pb::Request::kProcessProposal:
      *resp.mutable_process_proposal() = app.ProcessProposal(req.process_proposal());
      break;
    case pb::Request::kExtendVote:
      *resp.mutable_extend_vote() = app.ExtendVote(req.extend_vote());
      break;
    case pb::Request::kVerifyVoteExtension:
      *resp.mutable_verify_vote_extension() = app.VerifyVoteExtension(req.verify_vote_extension());
      break;
    case pb::Request::kFinalizeBlock:
      *resp.mutable_finalize_block() = app.FinalizeBlock(req.finalize_block());
      break;
    case pb::Request::VALUE_NOT_SET:
      throw std::logic_error("Dispatch called with a Request that has no value");
  }
  return resp;
}

const char* RequestName(const pb::Request& req) {
  switch (req.value_case()) {
    case pb::Request::kEcho:
      return "echo";
    case pb::Request::kFlush:
      return "flush";
    case pb::Request::kInfo:
      return "info";
    case pb::Request::kInitChain:
      return "init_chain";
    case pb::Request::kQuery:
      return "query";
    case pb::Request::kCheckTx:
      return "check_tx";
    case pb::Request::kCommit:
      return "commit";
    case pb::Request::kListSnapshots:
      return "list_snapshots";
    case pb::Request::kOfferSnapshot:
      return "offer_snapshot";
    case pb::Request::kLoadSnapshotChunk:
      return "load_snapshot_chunk";
    case pb::Request::kApplySnapshotChunk:
      return "apply_snapshot_chunk";
    case pb::Request::kPrepareProposal:
      return "prepare_proposal";
    case pb::Request::kProcessProposal:
      return "process_proposal";
    case pb::Request::kExtendVote:
      return "extend_vote";
    case pb::Request::kVerifyVoteExtension:
      return "verify_vote_extension";
    case pb::Request::kFinalizeBlock:
      return "finalize_block";
    case pb::Request::VALUE_NOT_SET:
      return "none";
  }
  return "unknown";
}

}  // namespace vinet::abci
