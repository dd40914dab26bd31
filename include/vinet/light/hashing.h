// The hashes and signed bytes CometBFT v0.38 defines over light-client types.
//
//   MerkleRoot       RFC 6962 tree over byte strings: leaf = SHA-256(0x00 ‖ x),
//                    inner = SHA-256(0x01 ‖ left ‖ right), split at the
//                    largest power of two below n; the empty tree is SHA-256("").
//   HeaderHash       MerkleRoot of the 14 header fields, each proto-encoded as
//                    CometBFT does (gogoproto wrappers for scalars and byte
//                    strings, Timestamp, BlockID with its part-set header).
//   ValidatorSetHash MerkleRoot of each validator's SimpleValidator proto
//                    {pub_key: PublicKey{ed25519}, voting_power}, in set order.
//   VoteSignBytes    the length-delimited CanonicalVote proto of a precommit
//                    (type, height, round, block id, timestamp, chain id) that
//                    a CommitSig's signature covers.
// All functions are pure and total: any value hashes (validation is the
// verifier's job).
#pragma once

#include <string_view>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/crypto/hash.h"
#include "vinet/light/types.h"

namespace vinet::light {

crypto::Digest256 MerkleRoot(const std::vector<Bytes>& leaves);

crypto::Digest256 HeaderHash(const Header& header);

crypto::Digest256 ValidatorSetHash(const ValidatorSet& validators);

// Sign bytes of the precommit behind commit.signatures[index] (its own
// timestamp; the commit's block id when its flag is kCommit, none for kNil).
Bytes VoteSignBytes(std::string_view chain_id, const Commit& commit, size_t index);

// The 20-byte address CometBFT derives from an Ed25519 key.
Bytes AddressOfKey(ByteSpan pub_key);

}  // namespace vinet::light
