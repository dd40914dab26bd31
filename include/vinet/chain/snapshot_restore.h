// Restores a state-sync snapshot offered by CometBFT (the joining side).
//
// Offer (RequestOfferSnapshot, from untrusted peers except `app_hash`, which
// CometBFT's light client verified):
//   format != 1                                 -> REJECT_FORMAT
//   metadata over limits/malformed, hash != SHA-256(metadata), height or
//   chunk count unlike the metadata's           -> REJECT_SENDER
//   metadata app hash != the verified app hash, or another chain id than
//   this node's genesis                         -> REJECT
//   the target already holds a committed state  -> ABORT
//   otherwise the target is cleared             -> ACCEPT
// Apply (chunks in index order):
//   size over the limit or SHA-256 unlike the metadata's -> RETRY with
//     refetch_chunks [index] and reject_senders [sender] (fetched again
//     from another peer)
//   a chunk that matches its hash but does not decode or breaks key order,
//   or after the last chunk an entry count or root unlike the metadata's /
//   the verified app hash                       -> REJECT_SNAPSHOT (cleared)
//   after the last chunk, all good: the target's metadata is set (height,
//   app hash, chain id) so Info reports the restored state.
// Not thread-safe (the owner serializes calls).
#pragma once

#include <optional>
#include <string>

#include "vinet/abci/application.h"
#include "vinet/chain/state_view.h"

namespace vinet::chain {

class SnapshotRestorer {
 public:
  // `chain_id`: this node's (from its genesis); empty accepts the snapshot's.
  SnapshotRestorer(RestoreTarget& target, std::string chain_id)
      : target_(target), chain_id_(std::move(chain_id)) {}

  abci::pb::ResponseOfferSnapshot Offer(const abci::pb::RequestOfferSnapshot& req);
  abci::pb::ResponseApplySnapshotChunk Apply(const abci::pb::RequestApplySnapshotChunk& req);

  // Chunks refused for a bad hash so far (each was refetched).
  uint64_t refetched() const { return refetched_; }
  bool restoring() const { return active_.has_value(); }

 private:
  struct Active {
    SnapshotMeta meta;
    Bytes trusted_app_hash;
    uint32_t next = 0;
    uint64_t entries = 0;
    std::string last_key;
  };
  abci::pb::ResponseApplySnapshotChunk RejectSnapshot(const std::string& why);

  RestoreTarget& target_;
  std::string chain_id_;
  std::optional<Active> active_;
  uint64_t refetched_ = 0;
};

}  // namespace vinet::chain
