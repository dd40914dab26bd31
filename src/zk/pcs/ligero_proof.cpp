#include <string>

#include "vinet/zk/pcs/ligero.h"

namespace vinet::zk {
namespace {

Status ExpectCount(ByteReader& r, std::string_view field, size_t expected) {
  size_t at = r.offset();
  VINET_ASSIGN_OR_RETURN(uint32_t n, r.U32(field));
  if (n != expected) {
    return Error(Code::kParse, std::string(field) + ": expected " + std::to_string(expected) +
                                   ", got " + std::to_string(n) + " at offset " +
                                   std::to_string(at));
  }
  return Status::Ok();
}

}  // namespace

void LigeroProof::Serialize(ByteWriter& w) const {
  w.FieldVector<Fp2>(u_prox);
  w.FieldVector<Fp2>(u_eval);
  w.U32(static_cast<uint32_t>(columns.size()));
  for (const auto& c : columns) w.FieldVector<Fp>(c);
  w.U32(static_cast<uint32_t>(paths.size()));
  for (const auto& p : paths) {
    w.U32(static_cast<uint32_t>(p.size()));
    for (const auto& d : p) w.DigestValue(d);
  }
}

Bytes LigeroProof::ToBytes() const {
  ByteWriter w;
  Serialize(w);
  return w.Take();
}

Result<LigeroProof> LigeroProof::Parse(ByteSpan bytes, size_t cols, size_t column_height,
                                       size_t num_queries, size_t depth) {
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
  VINET_RETURN_IF_ERROR(ExpectCount(r, "ligero.columns", num_queries));
  p.columns.resize(num_queries);
  for (auto& c : p.columns) {
    at = r.offset();
    VINET_ASSIGN_OR_RETURN(c, r.FpVector("ligero.column", 1u << 30));
    if (c.size() != column_height) {
      return Error(Code::kParse, "ligero.column: expected " + std::to_string(column_height) +
                                     " values at offset " + std::to_string(at));
    }
  }
  VINET_RETURN_IF_ERROR(ExpectCount(r, "ligero.paths", num_queries));
  p.paths.resize(num_queries);
  for (auto& path : p.paths) {
    VINET_RETURN_IF_ERROR(ExpectCount(r, "ligero.path", depth));
    path.resize(depth);
    for (auto& d : path) {
      VINET_ASSIGN_OR_RETURN(d, r.ReadDigest("ligero.path.node"));
    }
  }
  VINET_RETURN_IF_ERROR(r.Finish("ligero proof"));
  return p;
}

}  // namespace vinet::zk
