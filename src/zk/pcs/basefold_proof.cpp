#include <algorithm>
#include <string>

#include "vinet/zk/pcs/basefold.h"

namespace vinet::zk {
namespace {

// A u32 count <= max (== max if `exact`), then that many digests of
// `width` bytes each, zero-extended (room checked before allocating).
Result<std::vector<Digest>> ReadDigests(ByteReader& r, ByteSpan all, std::string_view field,
                                        size_t max, bool exact, size_t width) {
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
  if (n > (all.size() - r.offset()) / width) {
    return Error(Code::kParse, std::string(field) + ": " + std::to_string(n) +
                                   " digests do not fit the remaining " +
                                   std::to_string(all.size() - r.offset()) + " bytes at offset " +
                                   std::to_string(r.offset()));
  }
  std::vector<Digest> out(n);
  for (auto& d : out) {
    VINET_ASSIGN_OR_RETURN(d, r.ReadDigest(field, width));
  }
  return out;
}

void WriteDigests(ByteWriter& w, const std::vector<Digest>& digests, size_t width) {
  w.U32(static_cast<uint32_t>(digests.size()));
  for (const Digest& d : digests) w.Raw(ByteSpan(d.data(), width));
}

// Extension elements: the Fp2 part alone at degree 2 (the subfield is
// checked by the verifier), else both halves.
void WriteExt(ByteWriter& w, Fp4 x, size_t degree) {
  w.Field(x.c0());
  if (degree == 4) w.Field(x.c1());
}

void WriteExtVector(ByteWriter& w, const std::vector<Fp4>& v, size_t degree) {
  w.U32(static_cast<uint32_t>(v.size()));
  for (Fp4 x : v) WriteExt(w, x, degree);
}

// Exactly `count` extension elements of `degree` (room checked by FieldArray).
Result<std::vector<Fp4>> ReadExtArray(ByteReader& r, std::string_view field, size_t count,
                                      size_t degree) {
  VINET_ASSIGN_OR_RETURN(std::vector<Fp2> halves,
                         r.FieldArray<Fp2>(field, count * (degree == 4 ? 2 : 1)));
  std::vector<Fp4> out(count);
  for (size_t i = 0; i < count; ++i) {
    out[i] = degree == 4 ? Fp4(halves[2 * i], halves[2 * i + 1]) : Fp4(halves[i]);
  }
  return out;
}

}  // namespace

void BasefoldProof::Serialize(ByteWriter& w) const {
  WriteExtVector(w, sumcheck, ext_degree);
  WriteDigests(w, roots, digest_bytes);
  WriteExtVector(w, final_poly, ext_degree);
  w.U64(pow_nonce);
  for (const Round& rd : rounds) {
    w.U32(static_cast<uint32_t>(rd.num_leaves));
    for (Fp x : rd.base_leaves) w.Field(x);
    for (Fp4 x : rd.ext_leaves) WriteExt(w, x, ext_degree);
    WriteDigests(w, rd.merkle_nodes, digest_bytes);
  }
  if (joint) {  // its leaf count: sent for pair leaves, else the entry round's
    if (pair_leaves) w.U32(static_cast<uint32_t>(secondary.num_leaves));
    for (Fp x : secondary.base_leaves) w.Field(x);
    WriteDigests(w, secondary.merkle_nodes, digest_bytes);
  }
}

Bytes BasefoldProof::ToBytes() const {
  ByteWriter w;
  Serialize(w);
  return w.Take();
}

Result<BasefoldProof> BasefoldProof::Parse(ByteSpan bytes, const BasefoldShape& s, size_t num_polys,
                                           const BasefoldEntry* entry, size_t secondary_polys) {
  if (entry != nullptr && (entry->round >= s.Rounds() || secondary_polys == 0)) {
    return Error(Code::kParse, "basefold joint proof: no secondary shape");
  }
  ByteReader r(bytes);
  BasefoldProof p;
  p.ext_degree = s.ext_degree;
  p.digest_bytes = s.digest_bytes;
  size_t width = s.digest_bytes;
  VINET_RETURN_IF_ERROR(r.ExactCount("basefold.sumcheck", 2 * s.folded_vars));
  VINET_ASSIGN_OR_RETURN(p.sumcheck,
                         ReadExtArray(r, "basefold.sumcheck", 2 * s.folded_vars, s.ext_degree));
  size_t num_roots = s.Rounds() == 0 ? 0 : s.Rounds() - 1;
  VINET_ASSIGN_OR_RETURN(p.roots, ReadDigests(r, bytes, "basefold.roots", num_roots, true, width));
  size_t final_len = s.FinalSent();
  VINET_RETURN_IF_ERROR(r.ExactCount("basefold.final_poly", final_len));
  VINET_ASSIGN_OR_RETURN(p.final_poly,
                         ReadExtArray(r, "basefold.final_poly", final_len, s.ext_degree));
  VINET_ASSIGN_OR_RETURN(p.pow_nonce, r.U64("basefold.pow_nonce"));
  p.rounds.resize(s.Rounds());
  size_t prev_leaves = 0;
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
      VINET_ASSIGN_OR_RETURN(rd.base_leaves, r.FieldArray<Fp>("basefold.round.leaf",
                                                              n * s.FirstLeafSymbols(num_polys)));
    } else {
      // Version 4: the previous round's folded symbols are not sent.
      size_t implicit = s.implicit_symbols ? prev_leaves : 0;
      if (size_t{n} * w < implicit) {
        return Error(Code::kParse, "basefold.round.leaves: " + std::to_string(n) +
                                       " leaves cannot hold the previous round's " +
                                       std::to_string(implicit) + " folded symbols at offset " +
                                       std::to_string(at));
      }
      VINET_ASSIGN_OR_RETURN(
          rd.ext_leaves, ReadExtArray(r, "basefold.round.leaf", n * w - implicit, s.ext_degree));
    }
    prev_leaves = n;
    VINET_ASSIGN_OR_RETURN(rd.merkle_nodes,
                           ReadDigests(r, bytes, "basefold.round.merkle_nodes",
                                       MerkleTree::MultiProofMaxSize(depth, n), false, width));
  }
  if (entry != nullptr) {
    p.joint = true;
    p.pair_leaves = entry->PairLeaves();
    size_t n = p.rounds[entry->round].num_leaves;
    size_t depth = s.LeafDepth(entry->round) - (entry->leaf_log - entry->arity);
    if (entry->compact >= secondary_polys) {
      return Error(Code::kParse, "basefold joint proof: every secondary polynomial compact");
    }
    size_t per_leaf = entry->LeafSymbols(secondary_polys);
    if (p.pair_leaves) {  // the distinct leaves holding the round's n queried cosets
      size_t at = r.offset(), group = entry->leaf_log - entry->arity;
      VINET_ASSIGN_OR_RETURN(uint32_t groups, r.U32("basefold.secondary.leaves"));
      if (groups > n || (size_t{groups} << group) < n) {
        return Error(Code::kParse, "basefold.secondary.leaves: " + std::to_string(groups) +
                                       " leaves cannot hold " + std::to_string(n) +
                                       " queried cosets at offset " + std::to_string(at));
      }
      n = groups;
    }
    p.secondary.num_leaves = n;
    VINET_ASSIGN_OR_RETURN(p.secondary.base_leaves,
                           r.FieldArray<Fp>("basefold.secondary.leaf", n * per_leaf));
    VINET_ASSIGN_OR_RETURN(p.secondary.merkle_nodes,
                           ReadDigests(r, bytes, "basefold.secondary.merkle_nodes",
                                       MerkleTree::MultiProofMaxSize(depth, n), false, width));
  }
  VINET_RETURN_IF_ERROR(r.Finish("basefold proof"));
  return p;
}

}  // namespace vinet::zk
