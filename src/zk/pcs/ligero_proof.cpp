#include <string>

#include "vinet/zk/pcs/ligero.h"

namespace vinet::zk {

void LigeroProof::Serialize(ByteWriter& w) const {
  w.FieldVector<Fp2>(u_prox);
  w.FieldVector<Fp2>(u_eval);
  if (blind_eval.has_value()) w.Field(*blind_eval);
  w.U32(static_cast<uint32_t>(columns.size()));
  for (const auto& c : columns) {
    for (Fp x : c) w.Field(x);
  }
  w.U32(static_cast<uint32_t>(merkle_nodes.size()));
  for (const auto& d : merkle_nodes) w.DigestValue(d);
}

Bytes LigeroProof::ToBytes() const {
  ByteWriter w;
  Serialize(w);
  return w.Take();
}

Result<LigeroProof> LigeroProof::Parse(ByteSpan bytes, size_t cols, size_t column_height,
                                       size_t num_queries, size_t depth) {
  LigeroGeometry g;
  g.cols = g.msg_len = cols;
  g.column_height = column_height;
  g.queries = num_queries;
  g.depth = depth;
  return Parse(bytes, g);
}

Result<LigeroProof> LigeroProof::Parse(ByteSpan bytes, const LigeroGeometry& g) {
  size_t cols = g.msg_len, column_height = g.column_height, num_queries = g.queries,
         depth = g.depth;
  ByteReader r(bytes);
  LigeroProof p;
  size_t at = r.offset();
  VINET_ASSIGN_OR_RETURN(p.u_prox, r.Fp2Vector("ligero.u_prox", 1u << 30));
  if (p.u_prox.size() != cols) {
    return Error(Code::kParse, "ligero.u_prox: expected " + std::to_string(cols) +
                                   " entries at offset " + std::to_string(at));
  }
  at = r.offset();
  VINET_ASSIGN_OR_RETURN(p.u_eval, r.Fp2Vector("ligero.u_eval", 1u << 30));
  if (p.u_eval.size() != cols) {
    return Error(Code::kParse, "ligero.u_eval: expected " + std::to_string(cols) +
                                   " entries at offset " + std::to_string(at));
  }
  if (g.hiding) {
    VINET_ASSIGN_OR_RETURN(Fp2 blind, r.ReadFp2("ligero.blind_eval"));
    p.blind_eval = blind;
  }
  VINET_RETURN_IF_ERROR(r.ExactCount("ligero.columns", num_queries));
  p.columns.resize(num_queries);
  for (auto& c : p.columns) {
    VINET_ASSIGN_OR_RETURN(c, r.FieldArray<Fp>("ligero.column", column_height));
  }
  at = r.offset();
  size_t max_nodes = MerkleTree::MultiProofMaxSize(depth, num_queries);
  VINET_ASSIGN_OR_RETURN(uint32_t nodes, r.U32("ligero.merkle_nodes"));
  if (nodes > max_nodes) {
    return Error(Code::kParse, "ligero.merkle_nodes: " + std::to_string(nodes) + " exceeds " +
                                   std::to_string(max_nodes) + " at offset " + std::to_string(at));
  }
  p.merkle_nodes.resize(nodes);
  for (auto& d : p.merkle_nodes) {
    VINET_ASSIGN_OR_RETURN(d, r.ReadDigest("ligero.merkle_node"));
  }
  VINET_RETURN_IF_ERROR(r.Finish("ligero proof"));
  return p;
}

}  // namespace vinet::zk
