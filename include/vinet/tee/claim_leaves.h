// The enclave's record of the claim leaves it produced (protocol/claim_batch.h),
// from which it attests batches: a leaf enters when the enclave has verified
// the client's request signature and signed the receipt; `Take` removes a
// whole batch at once, so each leaf is attested at most once.
//
// Bounded: at most `cap` leaves are held; recording past it drops the oldest
// (its claim then settles through per-claim checks). Each leaf remembers the
// node it was answered for, and only that node's batches may take it.
// `Take` is all-or-nothing: it refuses (taking nothing) when a leaf is
// unknown (kNotFound, naming its index and hex), repeated in the batch or
// recorded for another node (kInvalidArgument, naming the index). Thread-safe.
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <span>
#include <unordered_map>

#include "vinet/common/result.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/crypto/hash.h"

namespace vinet::tee {

inline constexpr size_t kDefaultClaimLeafCap = size_t{1} << 18;

class ClaimLeafSet {
 public:
  explicit ClaimLeafSet(size_t cap = kDefaultClaimLeafCap) : cap_(cap) {}

  void Record(const crypto::Digest256& leaf, const crypto::PublicKey& node_id);
  Status Take(std::span<const crypto::Digest256> leaves, const crypto::PublicKey& node_id);

  struct Stats {
    size_t held = 0;      // leaves recorded and not yet attested or dropped
    size_t recorded = 0;  // ever recorded
    size_t dropped = 0;   // evicted by the cap
    size_t attested = 0;  // taken by attested batches
    size_t refused = 0;   // batches refused
  };
  Stats stats() const;

 private:
  struct DigestHash {
    size_t operator()(const crypto::Digest256& d) const;
  };
  struct Entry {
    crypto::PublicKey node{};
    std::list<crypto::Digest256>::iterator order;
  };
  size_t cap_;
  mutable std::mutex mu_;
  std::list<crypto::Digest256> order_;  // oldest first
  std::unordered_map<crypto::Digest256, Entry, DigestHash> leaves_;
  Stats stats_;
};

}  // namespace vinet::tee
