// Membership and non-membership proofs of the authenticated state tree
// (hashing in vinet/merkle/hash.h), their byte encoding and their verification.
//
// A proof opens the path of SHA-256(key) from the root down to depth d: the d
// sibling hashes met on the way (root first) and what the path ends in, either
// an empty subtree or one leaf (its key hash and value hash).
//   membership: the leaf's key hash is SHA-256(key), its value hash SHA-256(value).
//   absence:    the path ends in an empty subtree, or in a leaf of another key
//               whose key hash shares the first d bits (the slot the key would
//               take is held by that single other key).
// Encoding (version 1), all integers big-endian:
//   u8  version = 1
//   u8  terminal: 0 = empty subtree, 1 = leaf (then 32-byte key hash, 32-byte value hash)
//   u16 depth d (0..256)
//   ceil(d/8) bytes bitmap: bit i (MSB first) set = sibling i is not the empty
//       hash; bits past d must be zero
//   32 bytes per set bit: the non-empty siblings, root first
// Nothing may follow. Decoding checks the size limit before any work and runs
// in time linear in the input; errors are kParse naming the byte offset.
// Verification errors are kVerification (a well-formed proof that does not
// prove the statement against `root`). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/merkle/hash.h"

namespace vinet::merkle {

inline constexpr uint8_t kProofVersion = 1;
// 1 + 1 + 64 + 2 + 32 + 256 * 32: the largest well-formed proof.
inline constexpr size_t kMaxProofBytes = 8292;

struct ProofLeaf {
  Hash key_hash{};
  Hash value_hash{};
  friend bool operator==(const ProofLeaf&, const ProofLeaf&) = default;
};

struct Proof {
  // Siblings along the path, root first (siblings.size() = depth); empty
  // siblings are kEmptyHash.
  std::vector<Hash> siblings;
  // The leaf the path ends in; nullopt = an empty subtree.
  std::optional<ProofLeaf> leaf;
  friend bool operator==(const Proof&, const Proof&) = default;
};

Bytes EncodeProof(const Proof& proof);
Result<Proof> DecodeProof(ByteSpan bytes);

// The root a proof implies for the path `key_hash` (no statement checked).
Hash ImpliedRoot(const Hash& key_hash, const Proof& proof);

// `root` must be 32 bytes (kInvalidArgument otherwise).
Status VerifyMembership(ByteSpan root, ByteSpan key, ByteSpan value, ByteSpan proof);
Status VerifyAbsence(ByteSpan root, ByteSpan key, ByteSpan proof);
// Decoded forms of the same checks.
Status VerifyMembership(const Hash& root, ByteSpan key, ByteSpan value, const Proof& proof);
Status VerifyAbsence(const Hash& root, ByteSpan key, const Proof& proof);

}  // namespace vinet::merkle
