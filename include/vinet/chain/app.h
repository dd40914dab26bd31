// vinet's ABCI application: the chain state machine behind CometBFT.
//
// Owns the versioned Store. FinalizeBlock executes a block on a fresh overlay
// of the committed state (so a replay after a crash always starts from the
// last Commit) and returns the app hash of the result: the root of the state
// tree (vinet/merkle) with the block's changes applied; Commit persists the
// overlay, its tree nodes, the height and the hash in one synced batch.
// Query answers at any retained height, with proofs on request (query.h).
// CheckTx runs against a separate mempool overlay, reset after every Commit
// and InitChain. Info is read-only (RPC clients call it at any time). All methods take one mutex:
// safe for concurrent calls from the server's connection threads.
//
// Proposals (proposal.cpp): ProcessProposal rejects a block with any tx that
// is over max_tx_bytes, does not decode or is not validly signed (a byzantine
// proposer cannot make every validator execute garbage). A mempool recheck of
// bytes that passed CheckTx before skips the claims' signature checks
// (ExecMode::kRecheck), so rechecks stay cheap.
//
// Test hook: VINET_TEST_GARBAGE_PROPOSALS=1 at start-up makes this validator
// append an undecodable tx and a badly signed tx to every block it proposes,
// only on a chain whose id contains "devnet" (a hostile proposer for tests).
//
// Test hook: if the environment variable VINET_TEST_CRASH_BEFORE_COMMIT_AT_HEIGHT
// is H at start-up, the process calls _exit(70) in Commit of height H before
// writing anything (simulating a crash between FinalizeBlock and Commit).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_set>

#include "vinet/abci/application.h"
#include "vinet/chain/store.h"

namespace vinet::chain {

class ChainApp final : public abci::Application {
 public:
  // Opens the store in `data_dir` and checks the stored app hash against the
  // tree root. `options` sets the versions kept for queries. Errors: kIo, kInternal.
  static Result<std::unique_ptr<ChainApp>> Open(const std::filesystem::path& data_dir,
                                                StoreOptions options = {});

  abci::pb::ResponseInfo Info(const abci::pb::RequestInfo& req) override;
  abci::pb::ResponseQuery Query(const abci::pb::RequestQuery& req) override;
  abci::pb::ResponseCheckTx CheckTx(const abci::pb::RequestCheckTx& req) override;
  abci::pb::ResponseInitChain InitChain(const abci::pb::RequestInitChain& req) override;
  // Protocol misuse answered with an ABCI exception (the process keeps
  // running): InitChain once a block is committed (it would wipe the state),
  // FinalizeBlock of any height but the next, Commit without FinalizeBlock.
  std::optional<std::string> Refuse(const abci::pb::Request& req) override;
  abci::pb::ResponseFinalizeBlock FinalizeBlock(const abci::pb::RequestFinalizeBlock& req) override;
  abci::pb::ResponseCommit Commit() override;
  abci::pb::ResponsePrepareProposal PrepareProposal(
      const abci::pb::RequestPrepareProposal& req) override;
  abci::pb::ResponseProcessProposal ProcessProposal(
      const abci::pb::RequestProcessProposal& req) override;

  // Rechecks that skipped the claims' signature checks (for tests).
  uint64_t cheap_rechecks() const;

  // Last committed height and app hash (for tests and logs).
  CommitMeta committed() const;

 private:
  explicit ChainApp(std::unique_ptr<Store> store);
  void ResetMempool();
  void EndBlock(Overlay& changes, int64_t height, abci::pb::ResponseFinalizeBlock& resp);

  mutable std::mutex mu_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Overlay> mempool_;
  // Time of the last finalized block, for CheckTx (mempool only, never consensus).
  int64_t last_block_time_ms_ = 0;
  struct Pending {
    int64_t height = 0;
    Bytes app_hash;
    std::unique_ptr<Overlay> changes;
    merkle::TreeUpdate tree;
  };
  std::optional<Pending> pending_;
  std::optional<int64_t> crash_before_commit_at_;
  bool garbage_proposals_ = false;
  // Hashes of txs that passed CheckTx (bounded; cleared when full).
  std::unordered_set<std::string> checked_;
  uint64_t cheap_rechecks_ = 0;
};

}  // namespace vinet::chain
