// The LogUp batch verifier and the batch proof's encoding.
#include <string>

#include "vinet/zk/lookup/logup_gkr.h"
#include "vinet/zk/poly/multilinear.h"
#include "zk/lookup/logup_common.h"

namespace vinet::zk {

using logup_detail::AbsorbShape;
using logup_detail::CheckStatement;
using logup_detail::Fail;

size_t BatchTreeVars(std::span<const LogUpStatement> statements) {
  size_t l = 0;
  for (const LogUpStatement& st : statements) l = std::max(l, st.tree_vars());
  return l;
}

Result<std::vector<LogUpClaims>> VerifyLogUpBatch(std::span<const LogUpStatement> statements,
                                                  const LogUpBatchProof& proof,
                                                  Transcript& transcript, MaskBankVerifier* bank) {
  if (statements.empty()) return Error(Code::kInvalidArgument, "logup: empty batch");
  for (const LogUpStatement& st : statements) VINET_RETURN_IF_ERROR(CheckStatement(st));
  size_t count = statements.size(), tree_vars = BatchTreeVars(statements);
  bool shape_ok = proof.layer1.size() == count && proof.leaves.size() == count &&
                  proof.layers.size() == tree_vars - 1;
  for (const SumcheckProof& l : proof.layers)
    shape_ok = shape_ok && l.final_evals.size() == 4 * count;
  for (size_t i = 0; shape_ok && i < count; ++i) {
    const LogUpStatement& st = statements[i];
    shape_ok =
        proof.leaves[i].witness_evals.size() == st.num_columns &&
        proof.leaves[i].table_evals.size() == (st.closed_table != nullptr ? 0 : st.num_columns);
  }
  if (!shape_ok) return Fail("batch proof has the wrong shape");
  for (const LogUpStatement& st : statements) AbsorbShape(transcript, st);
  Fp2 beta = transcript.ChallengeFp2("logup.beta");
  Fp2 alpha = transcript.ChallengeFp2("logup.alpha");
  std::vector<Fp2> flat;
  for (size_t i = 0; i < count; ++i) {
    auto [p0, p1, q0, q1] = proof.layer1[i];
    std::string who = "instance " + std::to_string(i) + ": ";
    if ((q0 * q1).IsZero()) return Fail(who + "root denominator is zero");
    if (!(p0 * q1 + p1 * q0).IsZero()) return Fail(who + "fractional sums do not cancel");
    flat.insert(flat.end(), proof.layer1[i].begin(), proof.layer1[i].end());
  }
  transcript.AbsorbFp2s("logup.layer1", flat);
  Fp2 mu = transcript.ChallengeFp2("logup.mu");
  std::vector<Fp2> point{mu};
  std::vector<Fp2> claim_p, claim_q;
  logup_detail::LayerOneClaims(proof.layer1, mu, claim_p, claim_q);
  // The round polynomials have degree 3 (eq * p * q); VerifySumcheckRounds
  // reads only the degree off this term, the final check is the one below.
  const std::vector<ProductTerm> cubic = {{Fp2::One(), {0, 1, 2}}};
  for (size_t k = 1; k < tree_vars; ++k) {
    Fp2 lambda = transcript.ChallengeFp2("logup.lambda");
    Fp2 claim, c = Fp2::One();
    std::vector<Fp2> coeff(count);
    for (size_t i = 0; i < count; ++i) {
      coeff[i] = c;
      claim += c * (claim_p[i] + lambda * claim_q[i]);
      c *= lambda * lambda;
    }
    // What the layer's terms take at the point: eq(point, r) times the
    // combined children (the verifier computes eq itself).
    auto layer_value = [&](const SumcheckClaim& c) {
      const auto& f = c.final_evals;
      Fp2 sum;
      for (size_t i = 0; i < count; ++i) {
        Fp2 pe = f[4 * i], po = f[4 * i + 1], qe = f[4 * i + 2], qo = f[4 * i + 3];
        sum += coeff[i] * (pe * qo + po * qe + lambda * qe * qo);
      }
      return EqEval(point, c.point) * sum;
    };
    auto sc = VerifyRoundsMaybeMasked(bank, k, 4 * count, cubic, claim, proof.layers[k - 1],
                                      transcript, layer_value);
    if (!sc.ok()) return sc.status().WithContext("logup: layer " + std::to_string(k));
    const auto& f = sc->final_evals;
    mu = transcript.ChallengeFp2("logup.mu");
    for (size_t i = 0; i < count; ++i) {
      claim_p[i] = f[4 * i] + mu * (f[4 * i + 1] - f[4 * i]);
      claim_q[i] = f[4 * i + 2] + mu * (f[4 * i + 3] - f[4 * i + 2]);
    }
    point.assign(1, mu);
    point.insert(point.end(), sc->point.begin(), sc->point.end());
  }
  std::vector<LogUpClaims> out(count);
  for (size_t i = 0; i < count; ++i) {
    const LogUpLeafEvals& le = proof.leaves[i];
    std::optional<LogUpClaims> cl =
        logup_detail::LeafClaims(statements[i], point, alpha, beta, le, claim_p[i], claim_q[i]);
    if (!cl) {
      return Fail("instance " + std::to_string(i) +
                  ": leaf claims do not match the witness, multiplicity and table evaluations");
    }
    out[i] = std::move(*cl);
    transcript.AbsorbFp2s("logup.witness_evals", le.witness_evals);
    transcript.AbsorbFp2("logup.multiplicity_eval", le.multiplicity_eval);
    transcript.AbsorbFp2s("logup.table_evals", le.table_evals);
  }
  return out;
}

void LogUpBatchProof::Serialize(ByteWriter& w) const {
  for (const auto& l : layer1)
    for (Fp2 v : l) w.Field(v);
  for (const auto& l : layers) l.Serialize(w);
  for (const LogUpLeafEvals& le : leaves) {
    for (Fp2 v : le.witness_evals) w.Field(v);
    w.Field(le.multiplicity_eval);
    for (Fp2 v : le.table_evals) w.Field(v);
  }
}

Bytes LogUpBatchProof::ToBytes() const {
  ByteWriter w;
  Serialize(w);
  return w.Take();
}

Result<LogUpBatchProof> LogUpBatchProof::Parse(ByteReader& r,
                                               std::span<const LogUpStatement> statements) {
  if (statements.empty()) return Error(Code::kInvalidArgument, "logup batch: no statement");
  for (const LogUpStatement& st : statements) VINET_RETURN_IF_ERROR(CheckStatement(st));
  LogUpBatchProof p;
  size_t count = statements.size();
  p.layer1.resize(count);
  for (auto& l : p.layer1) {
    for (Fp2& v : l) {
      VINET_ASSIGN_OR_RETURN(v, r.ReadFp2("logup.layer1"));
    }
  }
  size_t tree_vars = BatchTreeVars(statements);
  for (size_t k = 1; k < tree_vars; ++k) {
    auto sc = SumcheckProof::Parse(r, k, 3, 4 * count);
    if (!sc.ok()) return sc.status().WithContext("logup.layers[" + std::to_string(k - 1) + "]");
    p.layers.push_back(std::move(*sc));
  }
  p.leaves.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const LogUpStatement& st = statements[i];
    LogUpLeafEvals& le = p.leaves[i];
    le.witness_evals.resize(st.num_columns);
    for (Fp2& v : le.witness_evals) {
      VINET_ASSIGN_OR_RETURN(v, r.ReadFp2("logup.witness_evals"));
    }
    VINET_ASSIGN_OR_RETURN(le.multiplicity_eval, r.ReadFp2("logup.multiplicity_eval"));
    le.table_evals.resize(st.closed_table != nullptr ? 0 : st.num_columns);
    for (Fp2& v : le.table_evals) {
      VINET_ASSIGN_OR_RETURN(v, r.ReadFp2("logup.table_evals"));
    }
  }
  return p;
}

Result<LogUpBatchProof> LogUpBatchProof::Parse(ByteSpan bytes,
                                               std::span<const LogUpStatement> statements) {
  ByteReader r(bytes);
  VINET_ASSIGN_OR_RETURN(LogUpBatchProof p, Parse(r, statements));
  VINET_RETURN_IF_ERROR(r.Finish("logup batch proof"));
  return p;
}

}  // namespace vinet::zk
