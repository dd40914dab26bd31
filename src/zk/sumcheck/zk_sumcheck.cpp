#include "vinet/zk/sumcheck/zk_sumcheck.h"

#include <string>

#include "vinet/zk/random.h"

namespace vinet::zk {
namespace {

const Fp2 kX(Fp(0), Fp(1));

// Column weights whose inner product with row 0 = [c0 halves || c1 halves] is g(r).
std::vector<Fp2> MaskWeights(std::span<const Fp2> point, size_t degree, size_t cols) {
  size_t k = point.size() * (degree + 1);
  std::vector<Fp2> w(cols);
  for (size_t i = 0; i < point.size(); ++i) {
    Fp2 power = Fp2::One();
    for (size_t j = 0; j <= degree; ++j) {
      w[i * (degree + 1) + j] = power;
      w[k + i * (degree + 1) + j] = kX * power;
      power *= point[i];
    }
  }
  return w;
}

void AbsorbMask(Transcript& t, const PcsCommitment& c, Fp2 mask_sum) {
  c.AbsorbInto(t);
  t.AbsorbFp2("zksumcheck.mask_sum", mask_sum);
}

}  // namespace

size_t ZkSumcheckMaskVars(size_t num_vars, size_t degree) {
  size_t need = 2 * num_vars * (degree + 1);
  for (size_t m = 1;; ++m) {
    if ((size_t{1} << LigeroPcs::ShapeFor(m).cols_log) >= need) return m;
  }
}

void ZkSumcheckProof::Serialize(ByteWriter& w) const {
  mask_commitment.Serialize(w);
  w.Field(mask_sum);
  inner.Serialize(w);
  w.Field(mask_eval);
  w.U32(static_cast<uint32_t>(mask_opening.size()));
  w.Raw(mask_opening);
}

Bytes ZkSumcheckProof::ToBytes() const {
  ByteWriter w;
  Serialize(w);
  return w.Take();
}

Result<ZkSumcheckProof> ZkSumcheckProof::Parse(ByteSpan bytes, size_t num_vars, size_t degree,
                                               size_t num_polys) {
  ByteReader r(bytes);
  ZkSumcheckProof p;
  size_t at = r.offset();
  VINET_ASSIGN_OR_RETURN(p.mask_commitment, PcsCommitment::Parse(r));
  if (p.mask_commitment.num_vars != ZkSumcheckMaskVars(num_vars, degree) ||
      p.mask_commitment.num_polys != 1) {
    return Error(Code::kParse,
                 "zksumcheck.mask_commitment: wrong shape at offset " + std::to_string(at));
  }
  VINET_ASSIGN_OR_RETURN(p.mask_sum, r.ReadFp2("zksumcheck.mask_sum"));
  VINET_ASSIGN_OR_RETURN(p.inner, SumcheckProof::Parse(r, num_vars, degree, num_polys));
  VINET_ASSIGN_OR_RETURN(p.mask_eval, r.ReadFp2("zksumcheck.mask_eval"));
  at = r.offset();
  VINET_ASSIGN_OR_RETURN(uint32_t len, r.U32("zksumcheck.mask_opening"));
  if (len != bytes.size() - r.offset()) {
    return Error(Code::kParse, "zksumcheck.mask_opening: length " + std::to_string(len) +
                                   " does not end the proof at offset " + std::to_string(at));
  }
  ByteSpan rest = bytes.subspan(r.offset());
  p.mask_opening.assign(rest.begin(), rest.end());
  return p;
}

Result<ZkSumcheckProverOutput> ProveZkSumcheck(std::vector<std::vector<Fp2>> polys,
                                               std::span<const ProductTerm> terms,
                                               Transcript& transcript, const LigeroPcs& pcs,
                                               unsigned threads) {
  if (!pcs.hiding()) return Error(Code::kInvalidArgument, "zksumcheck: the PCS must be hiding");
  if (polys.empty() || polys[0].size() < 2) {
    return Error(Code::kInvalidArgument, "zksumcheck: need at least one variable");
  }
  size_t n = std::countr_zero(polys[0].size());
  size_t degree = SumcheckDegree(terms);
  if (degree == 0) return Error(Code::kInvalidArgument, "zksumcheck: no terms");
  // S = sum_x f(x), before any message (the rounds then start at S + rho G).
  Fp2 sum;
  std::vector<Fp2> values(polys.size());
  for (size_t x = 0; x < polys[0].size(); ++x) {
    for (size_t k = 0; k < polys.size(); ++k) {
      if (polys[k].size() != polys[0].size()) {
        return Error(Code::kInvalidArgument, "zksumcheck: tables differ in size");
      }
      values[k] = polys[k][x];
    }
    sum += EvaluateTerms(terms, values);
  }
  // The mask: n (d + 1) coefficients in F_p^2 from the CSPRNG.
  size_t k = n * (degree + 1);
  std::vector<Fp> coords = RandomFps(2 * k);
  SumcheckMask mask;
  mask.coeffs.assign(n, std::vector<Fp2>(degree + 1));
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j <= degree; ++j) {
      size_t idx = i * (degree + 1) + j;
      mask.coeffs[i][j] = Fp2(coords[idx], coords[k + idx]);
    }
  }
  size_t m = ZkSumcheckMaskVars(n, degree);
  std::vector<Fp> table(size_t{1} << m);
  std::copy(coords.begin(), coords.end(), table.begin());  // row 0: c0 halves, then c1 halves
  VINET_ASSIGN_OR_RETURN(PcsCommitted committed, pcs.Commit({std::move(table)}));

  ZkSumcheckProverOutput out;
  out.claimed_sum = sum;
  out.proof.mask_commitment = committed.commitment;
  out.proof.mask_sum = MaskSum(mask.coeffs);
  transcript.AbsorbFp2("zksumcheck.claim", sum);
  AbsorbMask(transcript, committed.commitment, out.proof.mask_sum);
  mask.rho = transcript.ChallengeFp2("zksumcheck.rho");
  VINET_ASSIGN_OR_RETURN(SumcheckProverOutput inner,
                         ProveSumcheck(std::move(polys), terms, transcript, threads, &mask));
  out.proof.inner = std::move(inner.proof);
  out.point = std::move(inner.point);
  out.proof.mask_eval = MaskEval(mask.coeffs, out.point);
  transcript.AbsorbFp2("zksumcheck.mask_eval", out.proof.mask_eval);
  LigeroGeometry g = pcs.Geometry(m, 1);
  std::vector<Fp2> row_point(LigeroPcs::ShapeFor(m).rows_log, Fp2::Zero());
  VINET_ASSIGN_OR_RETURN(PcsOpening opening,
                         pcs.OpenTensor(*committed.data, row_point,
                                        MaskWeights(out.point, degree, g.cols), transcript));
  out.proof.mask_opening = std::move(opening.proof);
  return out;
}

Result<SumcheckClaim> VerifyZkSumcheck(size_t num_vars, size_t num_polys,
                                       std::span<const ProductTerm> terms, Fp2 claimed_sum,
                                       const ZkSumcheckProof& proof, Transcript& transcript,
                                       const LigeroPcs& pcs) {
  if (!pcs.hiding()) return Error(Code::kInvalidArgument, "zksumcheck: the PCS must be hiding");
  size_t degree = SumcheckDegree(terms);
  if (num_vars == 0 || degree == 0) {
    return Error(Code::kInvalidArgument, "zksumcheck: need a variable and a term");
  }
  size_t m = ZkSumcheckMaskVars(num_vars, degree);
  if (proof.mask_commitment.num_vars != m || proof.mask_commitment.num_polys != 1) {
    return Error(Code::kVerification, "zksumcheck: the mask commitment has the wrong shape");
  }
  transcript.AbsorbFp2("zksumcheck.claim", claimed_sum);
  AbsorbMask(transcript, proof.mask_commitment, proof.mask_sum);
  Fp2 rho = transcript.ChallengeFp2("zksumcheck.rho");
  Fp2 last;
  VINET_ASSIGN_OR_RETURN(
      SumcheckClaim claim,
      VerifySumcheckRounds(num_vars, num_polys, terms, claimed_sum + rho * proof.mask_sum,
                           proof.inner, transcript, &last));
  if (EvaluateTerms(terms, claim.final_evals) + rho * proof.mask_eval != last) {
    return Error(Code::kVerification,
                 "zksumcheck: final evaluations and the mask do not match the last round");
  }
  transcript.AbsorbFp2("zksumcheck.mask_eval", proof.mask_eval);
  LigeroGeometry g = pcs.Geometry(m, 1);
  std::vector<Fp2> row_point(LigeroPcs::ShapeFor(m).rows_log, Fp2::Zero());
  Fp2 evals[1] = {proof.mask_eval};
  Status st =
      pcs.VerifyTensor(proof.mask_commitment, row_point, MaskWeights(claim.point, degree, g.cols),
                       evals, proof.mask_opening, transcript);
  if (!st.ok()) return st.WithContext("zksumcheck mask opening");
  return claim;
}

}  // namespace vinet::zk
