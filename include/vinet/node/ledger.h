// The node's view of its claims: the durable ClaimStore plus, in memory, the
// open ones (ACCEPTED / SUBMITTED / PENDING) and the fees they hold per client
// (ACCEPTED and SUBMITTED only: the chain escrows a PENDING claim's fee).
//
// `Accept` reserves the fee against the client's committed balance (the
// client's balance minus what this node already holds unsettled for it, so
// concurrent requests cannot overspend), writes the record synced through a
// group commit (group_commit.h: concurrent Accepts share one synced batch),
// and only then returns; a duplicate inference id is kAlreadyExists, an overspend
// kInsufficientFunds, and on a write failure the reservation is released.
// The submitter moves claims ACCEPTED → SUBMITTED → final through `Update`,
// which writes only their status fields (ClaimStore::PutStatuses: not synced,
// the chain being the source of truth for every status after ACCEPTED; the
// claim itself was synced by Accept); `OnAccepted` lets it hear of new
// claims at once (the listener runs on the accepting thread, after the
// write, outside the lock). Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "vinet/node/claim_store.h"
#include "vinet/node/group_commit.h"

namespace vinet::node {

class Ledger {
 public:
  static Result<std::unique_ptr<Ledger>> Open(const std::filesystem::path& dir);

  Status Accept(const ClaimRecord& claim, uint64_t client_balance);
  // Replaces the listener called after each successful Accept (empty: none).
  void OnAccepted(std::function<void()> listener);
  // Writes the status fields of `claims` (accepted before; one batch, not
  // synced: claim_store.h) and updates the open set.
  Status Update(const std::vector<ClaimRecord>& claims);

  Result<ClaimRecord> Get(const std::string& id_hex) const;
  uint64_t Held(const std::string& client) const;
  // Open claims with the given status, oldest first, at most `max`.
  std::vector<ClaimRecord> OpenClaims(const std::string& status, size_t max) const;
  // What tracking a submitted claim needs, without copying its record.
  struct OpenRef {
    std::string id_hex;
    std::string tx_hash;
    int64_t submitted_ms = 0;
  };
  std::vector<OpenRef> OpenRefs(const std::string& status) const;
  // The records of those of `refs` still open (copies), in `refs`' order.
  std::vector<ClaimRecord> Records(const std::vector<OpenRef>& refs) const;
  size_t OpenCount() const;
  // Whether any open claim has `status` (no copies, unlike OpenClaims).
  bool HasOpen(const std::string& status) const;
  // The group commit of Accept's writes (counters; tests hold its writer).
  GroupCommit& commits() { return commit_; }
  const GroupCommit& commits() const { return commit_; }

 private:
  explicit Ledger(std::unique_ptr<ClaimStore> store)
      : store_(std::move(store)),
        commit_([s = store_.get()](const std::vector<const ClaimRecord*>& batch) {
          return s->PutMany(batch);
        }) {}
  void Track(const ClaimRecord& c);  // caller holds mu_

  std::unique_ptr<ClaimStore> store_;
  GroupCommit commit_;
  mutable std::mutex mu_;
  std::map<std::string, ClaimRecord> open_;
  std::set<std::string> reserved_;  // ids being written by Accept
  std::map<std::string, uint64_t> held_;
  std::function<void()> on_accepted_;  // guarded by mu_; called outside it
};

}  // namespace vinet::node
