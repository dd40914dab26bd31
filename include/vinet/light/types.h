// CometBFT v0.38 block headers, commits and validator sets as the light
// client sees them (plain values, no I/O).
//
// Field names and meanings follow CometBFT's `types` package: a `Header` is
// the 14 fields whose Merkle root is the block hash; a `Commit` holds one
// `CommitSig` per validator of the height's set, in the set's order; a
// `ValidatorSet` lists validators in CometBFT's order (voting power
// descending, then address ascending), which is the order its hash covers.
// A `LightBlock` is what the light client verifies: the signed header of a
// height and the validator set that signed it. Only Ed25519 keys exist here.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "vinet/common/bytes.h"

namespace vinet::light {

// google.protobuf.Timestamp: seconds since the Unix epoch and 0..999'999'999 ns.
// The zero value stands for "no time" (Go's zero time.Time, which CometBFT
// writes as "0001-01-01T00:00:00Z" for absent votes; the decoder maps it here).
struct Time {
  int64_t seconds = 0;
  int32_t nanos = 0;

  bool IsZero() const { return seconds == 0 && nanos == 0; }
  friend auto operator<=>(const Time&, const Time&) = default;
};

struct PartSetHeader {
  uint32_t total = 0;
  Bytes hash;
  friend bool operator==(const PartSetHeader&, const PartSetHeader&) = default;
};

struct BlockId {
  Bytes hash;
  PartSetHeader parts;
  bool IsZero() const { return hash.empty() && parts.total == 0 && parts.hash.empty(); }
  friend bool operator==(const BlockId&, const BlockId&) = default;
};

struct Header {
  uint64_t version_block = 0;
  uint64_t version_app = 0;
  std::string chain_id;
  int64_t height = 0;
  Time time;
  BlockId last_block_id;
  Bytes last_commit_hash;
  Bytes data_hash;
  Bytes validators_hash;
  Bytes next_validators_hash;
  Bytes consensus_hash;
  Bytes app_hash;
  Bytes last_results_hash;
  Bytes evidence_hash;
  Bytes proposer_address;
};

enum class BlockIdFlag : int32_t { kUnknown = 0, kAbsent = 1, kCommit = 2, kNil = 3 };

struct CommitSig {
  BlockIdFlag flag = BlockIdFlag::kUnknown;
  Bytes validator_address;  // 20 bytes unless absent
  Time timestamp;
  Bytes signature;  // 64 bytes unless absent
};

struct Commit {
  int64_t height = 0;
  int32_t round = 0;
  BlockId block_id;
  std::vector<CommitSig> signatures;
};

struct SignedHeader {
  Header header;
  Commit commit;
};

struct Validator {
  Bytes address;                      // SHA-256(pub_key)[0..20]
  std::array<uint8_t, 32> pub_key{};  // Ed25519
  int64_t voting_power = 0;
};

struct ValidatorSet {
  std::vector<Validator> validators;
  // Sum of voting powers; -1 when a power is negative or the sum passes
  // kMaxTotalVotingPower (ValidateValidatorSet refuses such sets).
  int64_t TotalVotingPower() const;
  // Index of the validator with this address, or -1.
  int FindByAddress(ByteSpan address) const;
};

struct LightBlock {
  SignedHeader signed_header;
  ValidatorSet validators;
  int64_t height() const { return signed_header.header.height; }
};

// Upper bound of a set's total power (CometBFT's MaxTotalVotingPower = 2^63/8).
inline constexpr int64_t kMaxTotalVotingPower = INT64_MAX / 8;
// The block protocol version of CometBFT v0.38 headers.
inline constexpr uint64_t kBlockProtocol = 11;

}  // namespace vinet::light
