// The interface between the ABCI socket server and a state machine.
//
// The server (src/abci/) frames, decodes, routes and orders messages; it
// knows nothing of vinet's state. An Application implements the state
// machine; it knows nothing of sockets. CometBFT opens four connections
// (consensus, mempool, query, snapshot); the server calls the methods for
// one connection from one thread, in request order, but calls for different
// connections may run concurrently, so an Application must be safe for
// concurrent calls across connections (e.g. Query during FinalizeBlock).
//
// Contract for implementations (shared/specs/abci.md):
//   - ProcessProposal, FinalizeBlock, app hashes and tx result codes/data are
//     deterministic functions of the request and the last committed state.
//   - FinalizeBlock stages changes; Commit persists them atomically before it
//     returns. After a crash, Info reports the last committed height/hash.
//   - Methods must not throw; an exception reaching the server is reported
//     to CometBFT as ResponseException, which stops the node.
//   - Refuse is asked before every request: a reason makes the server answer
//     ResponseException and close that connection instead of calling the
//     method (protocol misuse such as Commit without FinalizeBlock must not
//     take the process down).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tendermint/abci/types.pb.h"

namespace vinet::abci {

namespace pb = ::tendermint::abci;

class Application {
 public:
  virtual ~Application() = default;

  // A reason to refuse `req` on this connection, or nullopt (default).
  virtual std::optional<std::string> Refuse(const pb::Request& /*req*/) { return std::nullopt; }

  // Query connection.
  virtual pb::ResponseInfo Info(const pb::RequestInfo& req) = 0;
  virtual pb::ResponseQuery Query(const pb::RequestQuery& req) = 0;

  // Mempool connection.
  virtual pb::ResponseCheckTx CheckTx(const pb::RequestCheckTx& req) = 0;

  // Consensus connection.
  virtual pb::ResponseInitChain InitChain(const pb::RequestInitChain& req) = 0;
  virtual pb::ResponseFinalizeBlock FinalizeBlock(const pb::RequestFinalizeBlock& req) = 0;
  virtual pb::ResponseCommit Commit() = 0;

  // Default: the proposer's txs in order, trimmed so their total size does not
  // exceed max_tx_bytes (CometBFT panics otherwise).
  virtual pb::ResponsePrepareProposal PrepareProposal(const pb::RequestPrepareProposal& req) {
    pb::ResponsePrepareProposal resp;
    int64_t total = 0;
    for (const auto& tx : req.txs()) {
      total += static_cast<int64_t>(tx.size());
      if (total > req.max_tx_bytes()) break;
      resp.add_txs(tx);
    }
    return resp;
  }
  // Default: accept.
  virtual pb::ResponseProcessProposal ProcessProposal(const pb::RequestProcessProposal&) {
    pb::ResponseProcessProposal resp;
    resp.set_status(pb::ResponseProcessProposal::ACCEPT);
    return resp;
  }
  // Vote extensions are off in vinet; defaults keep CometBFT satisfied.
  virtual pb::ResponseExtendVote ExtendVote(const pb::RequestExtendVote&) { return {}; }
  virtual pb::ResponseVerifyVoteExtension VerifyVoteExtension(
      const pb::RequestVerifyVoteExtension&) {
    pb::ResponseVerifyVoteExtension resp;
    resp.set_status(pb::ResponseVerifyVoteExtension::ACCEPT);
    return resp;
  }

  // Snapshot connection: no state sync yet.
  virtual pb::ResponseListSnapshots ListSnapshots(const pb::RequestListSnapshots&) { return {}; }
  virtual pb::ResponseOfferSnapshot OfferSnapshot(const pb::RequestOfferSnapshot&) {
    pb::ResponseOfferSnapshot resp;
    resp.set_result(pb::ResponseOfferSnapshot::ABORT);
    return resp;
  }
  virtual pb::ResponseLoadSnapshotChunk LoadSnapshotChunk(const pb::RequestLoadSnapshotChunk&) {
    return {};
  }
  virtual pb::ResponseApplySnapshotChunk ApplySnapshotChunk(const pb::RequestApplySnapshotChunk&) {
    pb::ResponseApplySnapshotChunk resp;
    resp.set_result(pb::ResponseApplySnapshotChunk::ABORT);
    return resp;
  }
};

}  // namespace vinet::abci
