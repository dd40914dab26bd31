#include "vinet/zk/lookup/logup_gkr.h"

#include <functional>
#include <string>
#include <unordered_map>

#include "vinet/zk/poly/multilinear.h"
#include "zk/lookup/logup_common.h"

namespace vinet::zk {
namespace logup_detail {

void AbsorbShape(Transcript& t, const LogUpStatement& s) {
  ByteWriter w;
  w.U32(static_cast<uint32_t>(s.witness_vars));
  w.U32(static_cast<uint32_t>(s.table_vars));
  w.U32(static_cast<uint32_t>(s.num_columns));
  w.U32(s.closed_table != nullptr ? 1 : 0);
  t.Absorb("logup.statement", w.bytes());
}

Status Fail(const std::string& what) {
  return Error(Code::kVerification, "logup: " + what);
}

Fp2 Selector(std::span<const Fp2> r, size_t from, size_t to) {
  Fp2 acc = Fp2::One();
  for (size_t k = from; k < to; ++k) acc *= Fp2::One() - r[k];
  return acc;
}

bool LeavesMatch(const LogUpStatement& st, std::span<const Fp2> r, Fp2 alpha, Fp2 beta,
                 const std::vector<Fp2>& witness_evals, Fp2 m_eval,
                 const std::vector<Fp2>& table_evals, Fp2 claim_p, Fp2 claim_q) {
  size_t tree_vars = r.size();
  Fp2 f = witness_evals[0], t = table_evals[0];
  if (st.num_columns > 1) {
    f += beta * witness_evals[1];
    t += beta * table_evals[1];
  }
  Fp2 top = r[tree_vars - 1];
  Fp2 sel_w = Selector(r, st.witness_vars, tree_vars - 1);
  Fp2 sel_t = Selector(r, st.table_vars, tree_vars - 1);
  Fp2 one = Fp2::One();
  Fp2 expect_p = (one - top) * sel_w - top * sel_t * m_eval;
  Fp2 expect_q =
      (one - top) * (sel_w * (alpha - f) + one - sel_w) + top * (sel_t * (alpha - t) + one - sel_t);
  return expect_p == claim_p && expect_q == claim_q;
}

std::optional<LogUpClaims> LeafClaims(const LogUpStatement& st, std::span<const Fp2> r, Fp2 alpha,
                                      Fp2 beta, const LogUpLeafEvals& leaves, Fp2 claim_p,
                                      Fp2 claim_q) {
  LogUpClaims out;
  out.witness_point.assign(r.begin(), r.begin() + st.witness_vars);
  out.table_point.assign(r.begin(), r.begin() + st.table_vars);
  out.witness_evals = leaves.witness_evals;
  out.multiplicity_eval = leaves.multiplicity_eval;
  std::vector<Fp2> t_evals = leaves.table_evals;
  if (st.closed_table != nullptr) {
    for (size_t c = 0; c < st.num_columns; ++c) {
      t_evals.push_back(st.closed_table->EvaluateColumn(c, out.table_point));
    }
  } else {
    out.table_evals = leaves.table_evals;
  }
  if (!LeavesMatch(st, r, alpha, beta, leaves.witness_evals, leaves.multiplicity_eval, t_evals,
                   claim_p, claim_q)) {
    return std::nullopt;
  }
  return out;
}

void LayerOneClaims(std::span<const std::array<Fp2, 4>> layer1, Fp2 mu, std::vector<Fp2>& claim_p,
                    std::vector<Fp2>& claim_q) {
  claim_p.resize(layer1.size());
  claim_q.resize(layer1.size());
  for (size_t i = 0; i < layer1.size(); ++i) {
    const auto& l = layer1[i];
    claim_p[i] = l[0] + mu * (l[1] - l[0]);
    claim_q[i] = l[2] + mu * (l[3] - l[2]);
  }
}

Status CheckStatement(const LogUpStatement& st) {
  if (st.num_columns < 1 || st.num_columns > 2 || st.witness_vars > kMaxVars ||
      st.table_vars > kMaxVars) {
    return Error(Code::kInvalidArgument, "logup: unsupported statement shape");
  }
  if (st.closed_table != nullptr && (st.closed_table->num_vars() != st.table_vars ||
                                     st.closed_table->num_columns() != st.num_columns)) {
    return Error(Code::kInvalidArgument, "logup: table does not match the statement");
  }
  return Status();
}

}  // namespace logup_detail

namespace {

using logup_detail::Fail;

// Layer reduction terms over [eq, p_even, p_odd, q_even, q_odd]:
// eq * (p_e q_o + p_o q_e) + lambda * eq * q_e q_o.
std::vector<ProductTerm> LayerTerms(Fp2 lambda) {
  return {{Fp2::One(), {0, 1, 4}}, {Fp2::One(), {0, 2, 3}}, {lambda, {0, 3, 4}}};
}

}  // namespace

LogUpStatement StatementFor(const LookupTable& table, size_t witness_vars) {
  return {witness_vars, table.num_vars(), table.num_columns(),
          table.closed_form() ? &table : nullptr};
}

Result<std::vector<Fp>> ComputeMultiplicities(const LookupTable& table,
                                              std::span<const std::vector<Fp>> witness) {
  if (witness.size() != table.num_columns()) {
    return Error(Code::kInvalidArgument, "logup: witness and table column counts differ");
  }
  size_t rows = size_t{1} << table.num_vars();
  std::vector<uint64_t> counts(rows);
  auto not_in_table = [](size_t i) {
    return Error(Code::kInvalidArgument,
                 "logup: witness row " + std::to_string(i) + " is not in the table");
  };
  if (table.has_row_index()) {  // flat counting: the row is a function of the value
    for (size_t i = 0; i < witness[0].size(); ++i) {
      size_t j = table.RowOfFirst(witness[0][i]);
      if (j >= rows || (witness.size() > 1 && table.Value(1, j) != witness[1][i])) {
        return not_in_table(i);
      }
      ++counts[j];
    }
  } else {
    struct PairHash {
      size_t operator()(const std::pair<uint64_t, uint64_t>& p) const {
        return std::hash<uint64_t>()(p.first * 0x9E3779B97F4A7C15ULL ^ p.second);
      }
    };
    std::unordered_map<std::pair<uint64_t, uint64_t>, size_t, PairHash> index;
    index.reserve(rows);
    for (size_t j = 0; j < rows; ++j) {
      uint64_t b = table.num_columns() > 1 ? table.Value(1, j).value() : 0;
      index.emplace(std::make_pair(table.Value(0, j).value(), b), j);
    }
    for (size_t i = 0; i < witness[0].size(); ++i) {
      uint64_t b = witness.size() > 1 ? witness[1][i].value() : 0;
      auto it = index.find({witness[0][i].value(), b});
      if (it == index.end()) return not_in_table(i);
      ++counts[it->second];
    }
  }
  std::vector<Fp> m(rows);
  for (size_t j = 0; j < rows; ++j) m[j] = Fp(counts[j]);
  return m;
}

Result<LogUpClaims> VerifyLogUp(const LogUpStatement& st, const LogUpProof& proof,
                                Transcript& transcript, MaskBankVerifier* bank) {
  VINET_RETURN_IF_ERROR(logup_detail::CheckStatement(st));
  size_t tree_vars = st.tree_vars();
  size_t table_evals = st.closed_table != nullptr ? 0 : st.num_columns;
  if (proof.layers.size() != tree_vars - 1 || proof.witness_evals.size() != st.num_columns ||
      proof.table_evals.size() != table_evals) {
    return Fail("proof has the wrong shape");
  }
  logup_detail::AbsorbShape(transcript, st);
  Fp2 beta = transcript.ChallengeFp2("logup.beta");
  Fp2 alpha = transcript.ChallengeFp2("logup.alpha");
  auto [p0, p1, q0, q1] = proof.layer1;
  if ((q0 * q1).IsZero()) return Fail("root denominator is zero");
  if (!(p0 * q1 + p1 * q0).IsZero()) return Fail("fractional sums do not cancel");
  transcript.AbsorbFp2s("logup.layer1", proof.layer1);
  Fp2 mu = transcript.ChallengeFp2("logup.mu");
  std::vector<Fp2> point{mu};
  Fp2 claim_p = p0 + mu * (p1 - p0), claim_q = q0 + mu * (q1 - q0);
  for (size_t k = 1; k < tree_vars; ++k) {
    Fp2 lambda = transcript.ChallengeFp2("logup.lambda");
    auto terms = LayerTerms(lambda);
    auto sc = VerifyMaybeMasked(bank, k, 5, terms, claim_p + lambda * claim_q, proof.layers[k - 1],
                                transcript);
    if (!sc.ok()) return sc.status().WithContext("logup: layer " + std::to_string(k));
    const auto& f = sc->final_evals;
    if (f[0] != EqEval(point, sc->point)) {
      return Fail("layer " + std::to_string(k) + ": wrong eq evaluation");
    }
    mu = transcript.ChallengeFp2("logup.mu");
    claim_p = f[1] + mu * (f[2] - f[1]);
    claim_q = f[3] + mu * (f[4] - f[3]);
    point.assign(1, mu);
    point.insert(point.end(), sc->point.begin(), sc->point.end());
  }
  LogUpLeafEvals leaves{proof.witness_evals, proof.multiplicity_eval, proof.table_evals};
  std::optional<LogUpClaims> out =
      logup_detail::LeafClaims(st, point, alpha, beta, leaves, claim_p, claim_q);
  if (!out) return Fail("leaf claims do not match the witness, multiplicity and table evaluations");
  transcript.AbsorbFp2s("logup.witness_evals", proof.witness_evals);
  transcript.AbsorbFp2("logup.multiplicity_eval", proof.multiplicity_eval);
  transcript.AbsorbFp2s("logup.table_evals", proof.table_evals);
  return *out;
}

void LogUpProof::Serialize(ByteWriter& w) const {
  for (Fp2 v : layer1) w.Field(v);
  w.U32(static_cast<uint32_t>(layers.size()));
  for (const auto& l : layers) l.Serialize(w);
  w.FieldVector<Fp2>(witness_evals);
  w.Field(multiplicity_eval);
  w.FieldVector<Fp2>(table_evals);
}

Bytes LogUpProof::ToBytes() const {
  ByteWriter w;
  Serialize(w);
  return w.Take();
}

Result<LogUpProof> LogUpProof::Parse(ByteSpan bytes, const LogUpStatement& st) {
  ByteReader r(bytes);
  LogUpProof p;
  for (auto& v : p.layer1) {
    VINET_ASSIGN_OR_RETURN(v, r.ReadFp2("logup.layer1"));
  }
  size_t at = r.offset();
  VINET_ASSIGN_OR_RETURN(uint32_t n, r.U32("logup.layers"));
  if (n + 1 != st.tree_vars()) {
    return Error(Code::kParse, "logup.layers: expected " + std::to_string(st.tree_vars() - 1) +
                                   " at offset " + std::to_string(at));
  }
  for (size_t k = 1; k <= n; ++k) {
    VINET_ASSIGN_OR_RETURN(SumcheckProof sc, SumcheckProof::Parse(r, k, 3, 5));
    p.layers.push_back(std::move(sc));
  }
  at = r.offset();
  VINET_ASSIGN_OR_RETURN(p.witness_evals, r.Fp2Vector("logup.witness_evals", 2));
  if (p.witness_evals.size() != st.num_columns) {
    return Error(Code::kParse, "logup.witness_evals: expected " + std::to_string(st.num_columns) +
                                   " at offset " + std::to_string(at));
  }
  VINET_ASSIGN_OR_RETURN(p.multiplicity_eval, r.ReadFp2("logup.multiplicity_eval"));
  at = r.offset();
  VINET_ASSIGN_OR_RETURN(p.table_evals, r.Fp2Vector("logup.table_evals", 2));
  size_t expect = st.closed_table != nullptr ? 0 : st.num_columns;
  if (p.table_evals.size() != expect) {
    return Error(Code::kParse, "logup.table_evals: expected " + std::to_string(expect) +
                                   " at offset " + std::to_string(at));
  }
  VINET_RETURN_IF_ERROR(r.Finish("logup proof"));
  return p;
}

}  // namespace vinet::zk
