#include <string>

#include "vinet/zk/pcs/pcs.h"

namespace vinet::zk {

void PcsCommitment::Serialize(ByteWriter& w) const {
  w.DigestValue(root);
  w.U32(num_vars);
  w.U32(num_polys);
}

Result<PcsCommitment> PcsCommitment::Parse(ByteReader& r) {
  PcsCommitment c;
  VINET_ASSIGN_OR_RETURN(c.root, r.ReadDigest("commitment.root"));
  size_t at = r.offset();
  VINET_ASSIGN_OR_RETURN(c.num_vars, r.U32("commitment.num_vars"));
  if (c.num_vars < 1 || c.num_vars > 40) {
    return Error(Code::kParse, "commitment.num_vars: " + std::to_string(c.num_vars) +
                                   " outside [1, 40] at offset " + std::to_string(at));
  }
  at = r.offset();
  VINET_ASSIGN_OR_RETURN(c.num_polys, r.U32("commitment.num_polys"));
  if (c.num_polys < 1 || c.num_polys > (1u << 16)) {
    return Error(Code::kParse, "commitment.num_polys: " + std::to_string(c.num_polys) +
                                   " outside [1, 65536] at offset " + std::to_string(at));
  }
  return c;
}

void PcsCommitment::AbsorbInto(Transcript& t) const {
  ByteWriter w;
  Serialize(w);
  t.Absorb("pcs.commitment", w.bytes());
}

Result<PcsCommitted> MultilinearPcs::CommitWithMaskSeed(std::vector<std::vector<Fp>> /*polys*/,
                                                        const Digest& /*mask_seed*/) const {
  return Error(Code::kUnsupported, std::string(name()) + ": no hiding mode to seed");
}

}  // namespace vinet::zk
