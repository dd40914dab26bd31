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
// State sync (docs/chain.md): with `snapshot_interval` N > 0, Commit of every
// height divisible by N pins the committed version and a background thread
// writes it as a snapshot under DATA/snapshots (the commit path never waits);
// the `snapshot_keep` newest are kept and served by ListSnapshots and
// LoadSnapshotChunk. OfferSnapshot/ApplySnapshotChunk restore one into an
// empty store (snapshot_restore.h). Commit answers retain_height so CometBFT
// prunes its block store: with `retain_blocks` R > 0, min(H − R + 1, oldest
// retained state version, oldest snapshot kept or being written); 0 (R = 0)
// keeps every block.
//
// Test hook: VINET_TEST_CORRUPT_SNAPSHOT_CHUNKS=1 at start-up makes this
// validator flip a byte of every snapshot chunk it serves, only on a chain
// whose id contains "devnet" (a hostile snapshot peer for tests).
//
// App-hash certificate (app_hash_signer.h): with `validator_key_file`, Commit
// of H signs (chain_id, H, app_hash) with the validator's consensus key and
// Query serves it at /app_hash_sig/<H> without taking the app's lock, so a
// client can verify state after H as soon as H commits instead of waiting
// for header H+1. Test hook: VINET_TEST_WRONG_APP_HASH_SIG=1 at start-up
// makes this validator sign a wrong app hash, only on a chain whose id
// contains "devnet" (a hostile signer for tests).
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
#include "vinet/chain/snapshot_format.h"
#include "vinet/chain/store.h"

namespace vinet::chain {

class AppHashSigner;
class SnapshotStore;
class Snapshotter;
class SnapshotRestorer;

struct ChainOptions {
  int64_t snapshot_interval = 0;  // 0: no snapshots
  size_t snapshot_keep = 2;
  size_t snapshot_chunk_bytes = kDefaultChunkBytes;
  int64_t retain_blocks = 0;  // 0: CometBFT keeps every block
  std::string chain_id;       // this node's (genesis.json); "" accepts a snapshot's
  StoreOptions store;         // state versions kept (queries at a height)
  // CometBFT's priv_validator_key.json: sign every committed app hash with it
  // and serve the signatures at /app_hash_sig/<height> (app_hash_signer.h).
  // "": no signatures. With `validator_key_optional`, a key that cannot be
  // read is logged and the app runs without signing; otherwise Open fails.
  std::string validator_key_file;
  bool validator_key_optional = false;
};

class ChainApp final : public abci::Application {
 public:
  // Opens the store in `data_dir` and checks the stored app hash against the
  // tree root. `options.store` sets the versions kept for queries. Errors: kIo, kInternal.
  static Result<std::unique_ptr<ChainApp>> Open(const std::filesystem::path& data_dir,
                                                const ChainOptions& options = {});
  static Result<std::unique_ptr<ChainApp>> Open(const std::filesystem::path& data_dir,
                                                StoreOptions store);
  ~ChainApp() override;

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
  abci::pb::ResponseListSnapshots ListSnapshots(const abci::pb::RequestListSnapshots& req) override;
  abci::pb::ResponseOfferSnapshot OfferSnapshot(const abci::pb::RequestOfferSnapshot& req) override;
  abci::pb::ResponseLoadSnapshotChunk LoadSnapshotChunk(
      const abci::pb::RequestLoadSnapshotChunk& req) override;
  abci::pb::ResponseApplySnapshotChunk ApplySnapshotChunk(
      const abci::pb::RequestApplySnapshotChunk& req) override;

  // Waits until no snapshot is being written (tests).
  void WaitForSnapshots();
  // Snapshot chunks refused for a bad hash and refetched (tests).
  uint64_t snapshot_chunks_refetched() const;

  // Rechecks that skipped the claims' signature checks (for tests).
  uint64_t cheap_rechecks() const;

  // Last committed height and app hash (for tests and logs).
  CommitMeta committed() const;

 private:
  class Restore;
  ChainApp(std::unique_ptr<Store> store, ChainOptions options);
  void ResetMempool();
  void EndBlock(Overlay& changes, int64_t height, int64_t block_time_ms,
                abci::pb::ResponseFinalizeBlock& resp);
  int64_t RetainHeight(int64_t height) const;

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
  ChainOptions options_;
  bool corrupt_chunks_ = false;
  std::unique_ptr<SnapshotStore> snapshots_;
  std::unique_ptr<Snapshotter> snapshotter_;  // after snapshots_: stops first
  std::unique_ptr<Restore> restore_target_;
  std::unique_ptr<SnapshotRestorer> restorer_;
  std::unique_ptr<AppHashSigner> signer_;  // null: no validator key configured
};

}  // namespace vinet::chain
