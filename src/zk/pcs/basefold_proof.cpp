#include <algorithm>
#include <string>

#include "vinet/zk/pcs/basefold.h"

namespace vinet::zk {
namespace {

// A u32 count <= max (== max if `exact`), then that many digests (room
// checked before allocating).
Result<std::vector<Digest>> ReadDigests(ByteReader& r, ByteSpan all, std::string_view field,
                                        size_t max, bool exact) {
  size_t at = r.offset();
  VINET_ASSIGN_OR_RETURN(uint32_t n, r.U32(field));
  if (exact && n != max) {
    return Error(Code::kParse, std::string(field) + ": expected " + std::to_string(max) + ", got " +
                                   std::to_string(n) + " at offset " + std::to_string(at));
  }
  if (n > max) {
    return Error(Code::kParse, std::string(field) + ": " + std::to_string(n) + " exceeds " +
                                   std::to_string(max) + " at offset " + std::to_string(at));
  }
  if (n > (all.size() - r.offset()) / sizeof(Digest)) {
    return Error(Code::kParse, std::string(field) + ": " + std::to_string(n) +
                                   " digests do not fit the remaining " +
                                   std::to_string(all.size() - r.offset()) + " bytes at offset " +
                                   std::to_string(r.offset()));
  }
  std::vector<Digest> out(n);
  for (auto& d : out) {
    VINET_ASSIGN_OR_RETURN(d, r.ReadDigest(field));
  }
  return out;
}

}  // namespace

void BasefoldProof::Serialize(ByteWriter& w) const {
  w.FieldVector<Fp2>(sumcheck);
  w.U32(static_cast<uint32_t>(roots.size()));
  for (const auto& d : roots) w.DigestValue(d);
  w.FieldVector<Fp2>(final_poly);
  w.U64(pow_nonce);
  for (const Round& rd : rounds) {
    w.U32(static_cast<uint32_t>(rd.num_leaves));
    for (Fp x : rd.base_leaves) w.Field(x);
    for (Fp2 x : rd.ext_leaves) w.Field(x);
    w.U32(static_cast<uint32_t>(rd.merkle_nodes.size()));
    for (const auto& d : rd.merkle_nodes) w.DigestValue(d);
  }
}

Bytes BasefoldProof::ToBytes() const {
  ByteWriter w;
  Serialize(w);
  return w.Take();
}

Result<BasefoldProof> BasefoldProof::Parse(ByteSpan bytes, const BasefoldShape& s,
                                           size_t num_polys) {
  ByteReader r(bytes);
  BasefoldProof p;
  VINET_RETURN_IF_ERROR(r.ExactCount("basefold.sumcheck", 2 * s.folded_vars));
  VINET_ASSIGN_OR_RETURN(p.sumcheck, r.FieldArray<Fp2>("basefold.sumcheck", 2 * s.folded_vars));
  size_t num_roots = s.Rounds() == 0 ? 0 : s.Rounds() - 1;
  VINET_ASSIGN_OR_RETURN(p.roots, ReadDigests(r, bytes, "basefold.roots", num_roots, true));
  size_t final_len = size_t{1} << s.final_vars;
  VINET_RETURN_IF_ERROR(r.ExactCount("basefold.final_poly", final_len));
  VINET_ASSIGN_OR_RETURN(p.final_poly, r.FieldArray<Fp2>("basefold.final_poly", final_len));
  VINET_ASSIGN_OR_RETURN(p.pow_nonce, r.U64("basefold.pow_nonce"));
  p.rounds.resize(s.Rounds());
  for (size_t i = 0; i < s.Rounds(); ++i) {
    Round& rd = p.rounds[i];
    size_t depth = s.LeafDepth(i), w = size_t{1} << s.arity[i];
    size_t max_leaves = std::min(s.num_queries, size_t{1} << depth);
    size_t at = r.offset();
    VINET_ASSIGN_OR_RETURN(uint32_t n, r.U32("basefold.round.leaves"));
    if (n > max_leaves) {
      return Error(Code::kParse, "basefold.round.leaves: " + std::to_string(n) + " exceeds " +
                                     std::to_string(max_leaves) + " at offset " +
                                     std::to_string(at));
    }
    rd.num_leaves = n;
    if (i == 0) {
      VINET_ASSIGN_OR_RETURN(rd.base_leaves,
                             r.FieldArray<Fp>("basefold.round.leaf", n * num_polys * w));
    } else {
      VINET_ASSIGN_OR_RETURN(rd.ext_leaves, r.FieldArray<Fp2>("basefold.round.leaf", n * w));
    }
    VINET_ASSIGN_OR_RETURN(rd.merkle_nodes,
                           ReadDigests(r, bytes, "basefold.round.merkle_nodes",
                                       MerkleTree::MultiProofMaxSize(depth, n), false));
  }
  VINET_RETURN_IF_ERROR(r.Finish("basefold proof"));
  return p;
}

}  // namespace vinet::zk
