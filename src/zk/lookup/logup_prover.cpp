// The LogUp-GKR prover (ProveLogUp, ProveLogUpBatch): the fraction trees,
// stored per side as real prefixes, and the split-eq layer sumcheck over I
// instances.
#include <bit>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "vinet/zk/lookup/logup_gkr.h"
#include "vinet/zk/parallel.h"
#include "vinet/zk/poly/multilinear.h"
#include "zk/field/lazy_sum.h"
#include "zk/lookup/logup_common.h"

namespace vinet::zk {
namespace {

using logup_detail::AbsorbShape;
using logup_detail::kMaxVars;

// One layer of the fraction tree: 2^k entries, the top index bit selects the
// witness side (0) or the table side (1), each side a half of 2^(k-1)
// entries. Only each side's real prefix is stored, rounded up to an even
// length with one padding fraction 0/1 (unless the half has one entry); the
// rest of the half is padding, which the prover never computes with or
// allocates: the parent of two paddings is a padding and the parent of (real,
// padding) is the real fraction itself. So an instance padded to a batch's
// deeper tree costs what its own tree does.
struct Layer {
  std::array<std::vector<Fp2>, 2> p, q;
  size_t half = 0;  // 2^(k-1)
};

// Rounds a side up to an even length with `pad`, unless it fills its half.
void PadEven(std::vector<Fp2>& v, size_t half, Fp2 pad) {
  if (v.size() % 2 == 1 && v.size() < half) v.push_back(pad);
}

// Runs fn(s, begin, end) over [0, n[0]) of side 0 and [0, n[1]) of side 1,
// in parallel chunks.
void ForSides(std::array<size_t, 2> n, unsigned threads,
              const std::function<void(size_t, size_t, size_t)>& fn, size_t min_per_thread = 4096) {
  ParallelFor(
      n[0] + n[1], threads,
      [&](size_t b, size_t e) {
        if (b < n[0]) fn(0, b, std::min(e, n[0]));
        if (e > n[0]) fn(1, std::max(b, n[0]) - n[0], e - n[0]);
      },
      min_per_thread);
}

Layer BuildLeaves(const LookupTable& table, std::span<const std::vector<Fp>> witness,
                  std::span<const Fp> m, size_t witness_vars, Fp2 alpha, Fp2 beta, size_t tree_vars,
                  unsigned threads) {
  Layer leaves;
  leaves.half = size_t{1} << (tree_vars - 1);
  size_t nw = size_t{1} << witness_vars, nt = size_t{1} << table.num_vars();
  leaves.p[0].assign(nw, Fp2::One());
  leaves.q[0].resize(nw);
  leaves.p[1].resize(nt);
  leaves.q[1].resize(nt);
  ForSides({nw, nt}, threads, [&](size_t s, size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      if (s == 0) {
        Fp2 f = witness[0][i];
        if (witness.size() > 1) f += beta * witness[1][i];
        leaves.q[0][i] = alpha - f;
      } else {
        Fp2 t = table.Value(0, i);
        if (table.num_columns() > 1) t += beta * table.Value(1, i);
        leaves.p[1][i] = -Fp2(m[i]);
        leaves.q[1][i] = alpha - t;
      }
    }
  });
  for (size_t s = 0; s < 2; ++s) {
    PadEven(leaves.p[s], leaves.half, Fp2());
    PadEven(leaves.q[s], leaves.half, Fp2::One());
  }
  return leaves;
}

// The layer above `child` (child.half >= 2); only its real entries are computed.
Layer Parent(const Layer& child, unsigned threads) {
  Layer out;
  out.half = child.half / 2;
  std::array<size_t, 2> n = {child.p[0].size() / 2, child.p[1].size() / 2};
  for (size_t s = 0; s < 2; ++s) {
    out.p[s].resize(n[s]);
    out.q[s].resize(n[s]);
  }
  ForSides(n, threads, [&](size_t s, size_t b, size_t e) {
    const std::vector<Fp2>&p = child.p[s], &q = child.q[s];
    for (size_t y = b; y < e; ++y) {
      Fp2 p0 = p[2 * y], p1 = p[2 * y + 1], q0 = q[2 * y], q1 = q[2 * y + 1];
      out.p[s][y] = p0 * q1 + p1 * q0;
      out.q[s][y] = q0 * q1;
    }
  });
  for (size_t s = 0; s < 2; ++s) {
    PadEven(out.p[s], out.half, Fp2());
    PadEven(out.q[s], out.half, Fp2::One());
  }
  return out;
}

struct LayerProof {
  SumcheckProof proof;
  std::vector<Fp2> point;
};

// The four tables of a layer reduction over y: s = pe + lambda qe, po, qe, qo
// (folding is linear, so s stays pe + lambda qe at every point, and
// pe qo + po qe + lambda qe qo = s qo + po qe: two products instead of
// three and a scaling), stored per side as a Layer is (t[c][side]); elsewhere
// the padding values pad = (lambda, 0, 1, 1). `half` is 2^(n-1) for tables of
// 2^n entries, 0 once every variable is bound (one entry, in side 0).
struct LayerTables {
  std::array<std::array<std::vector<Fp2>, 2>, 4> t;
  std::array<Fp2, 4> pad;
  size_t half = 0;
};

// Folds the first variable of every table at r, computing only the real pairs.
void FoldTables(LayerTables& lt, Fp2 r, unsigned threads) {
  if (lt.half == 1) {  // the last pair mixes both sides
    for (auto& t : lt.t) {
      Fp2 lo = t[0][0], hi = t[1][0];
      t[0].assign(1, lo + r * (hi - lo));
      t[1].clear();
    }
    lt.half = 0;
    return;
  }
  std::array<size_t, 2> n = {lt.t[0][0].size() / 2, lt.t[0][1].size() / 2};
  std::array<std::array<std::vector<Fp2>, 2>, 4> out;
  for (auto& o : out)
    for (size_t s = 0; s < 2; ++s) o[s].resize(n[s]);
  ForSides(n, threads, [&](size_t s, size_t b, size_t e) {  // one pass, all four
    for (size_t c = 0; c < 4; ++c) {
      const std::vector<Fp2>& in = lt.t[c][s];
      std::vector<Fp2>& o = out[c][s];
      for (size_t i = b; i < e; ++i) {
        Fp2 lo = in[2 * i];
        o[i] = lo + r * (in[2 * i + 1] - lo);
      }
    }
  });
  lt.half /= 2;
  for (size_t c = 0; c < 4; ++c)
    for (size_t s = 0; s < 2; ++s) PadEven(out[c][s], lt.half, lt.pad[c]);
  lt.t = std::move(out);
}

// Adds pair (v0, v1) (the four tables at 2i and 2i + 1) with eq weight w to
// the sums of h(0), h(1) (unless derived) and h(2); exact integer sums
// (lazy_sum.h): one reduction per bracket.
void AddPair(detail::Fp2Sum (&loc)[3], Fp2 w, const std::array<Fp2, 4>& v0,
             const std::array<Fp2, 4>& v1, bool derive_one) {
  auto bracket = [](Fp2 a, Fp2 b, Fp2 c, Fp2 d) {  // a b + c d
    detail::Fp2Sum s;
    s.Add(a, b);
    s.Add(c, d);
    return s.Value();
  };
  auto [pe0, po0, qe0, qo0] = v0;
  auto [pe1, po1, qe1, qo1] = v1;
  loc[0].Add(w, bracket(pe0, qo0, po0, qe0));
  if (!derive_one) loc[1].Add(w, bracket(pe1, qo1, po1, qe1));
  Fp2 pe2 = pe1 + pe1 - pe0, po2 = po1 + po1 - po0;
  Fp2 qe2 = qe1 + qe1 - qe0, qo2 = qo1 + qo1 - qo0;
  loc[2].Add(w, bracket(pe2, qo2, po2, qe2));
}

// One layer reduction over I instances: the sumcheck of
// eq(rho, y) * sum_i c_i [pe qo + po qe + lambda qe qo]_i, c_i = lambda^{2i},
// in exactly the generic sumcheck's format and transcript order (so
// VerifySumcheck with LayerTerms checks a single instance), but proved faster:
// eq is split as scale * eq(rho_j, X) * eq(rho_{>j}, y), so the prover only
// sums the degree-2 part h(X) over a half-size eq table, derives h(1) from the
// claim, and multiplies by the linear eq factor itself (each bracket summed as
// s qo + po qe, see LayerTables). Padding pairs (pe = po = 0, qe = qo = 1 at
// both ends) contribute lambda * eq(rho_{>j}, i) at every X, so the prover adds
// lambda times their eq weight, 1 minus the real pairs' (an eq table sums to
// 1), instead of visiting them.
// With `mask` the claim and the rounds sent are those of f + rho g (as
// ProveSumcheck with a SumcheckMask); `claim` stays f's own running claim.
// The final values are (pe, po, qe, qo) per instance, preceded by eq(rho, r)
// when `send_eq` (the single-lookup format of LogUpProof).
LayerProof ProveLayer(std::span<const Fp2> rho, Fp2 lambda, Fp2 claim, std::vector<LayerTables> lts,
                      Transcript& tr, unsigned threads, const SumcheckMask* mask, bool send_eq) {
  const Fp2 one = Fp2::One();
  LayerProof out;
  std::optional<MaskRounds> masked;
  if (mask != nullptr) masked.emplace(*mask);
  tr.AbsorbFp2("sumcheck.claim",
               mask == nullptr ? claim : claim + mask->rho * MaskSum(mask->coeffs));
  std::vector<Fp2> eq_rest = EqTable(rho.subspan(1), threads);
  std::vector<Fp2> coeff(lts.size());  // lambda^{2i}
  for (size_t i = 0; i < lts.size(); ++i) coeff[i] = i == 0 ? one : coeff[i - 1] * lambda * lambda;
  Fp2 scale = one;
  for (size_t j = 0; j < rho.size(); ++j) {
    Fp2 rj = rho[j];
    bool derive_one = !rj.IsZero() && !scale.IsZero();
    size_t pairs = eq_rest.size();
    std::array<Fp2, 3> h{};  // h(0), h(1), h(2) of the whole combination
    for (size_t inst = 0; inst < lts.size(); ++inst) {
      const auto& t = lts[inst].t;
      std::array<Fp2, 4> hi{};    // h(0), h(1), h(2), sum of the real pairs' eq weights
      if (lts[inst].half == 1) {  // the one pair: side 0's entry and side 1's
        detail::Fp2Sum loc[3];
        AddPair(loc, eq_rest[0], {t[0][0][0], t[1][0][0], t[2][0][0], t[3][0][0]},
                {t[0][1][0], t[1][1][0], t[2][1][0], t[3][1][0]}, derive_one);
        for (size_t x = 0; x < 3; ++x) hi[x] = loc[x].Value();
        hi[3] = eq_rest[0];
      } else {
        std::mutex mu;
        ForSides(
            {t[0][0].size() / 2, t[0][1].size() / 2}, threads,
            [&](size_t s, size_t b, size_t e) {
              detail::Fp2Sum loc[3];  // one reduction per chunk
              Fp2 weights;
              size_t eq_at = s * (pairs / 2);  // side 1's pairs start halfway
              for (size_t i = b; i < e; ++i) {
                Fp2 w = eq_rest[eq_at + i];
                AddPair(loc, w, {t[0][s][2 * i], t[1][s][2 * i], t[2][s][2 * i], t[3][s][2 * i]},
                        {t[0][s][2 * i + 1], t[1][s][2 * i + 1], t[2][s][2 * i + 1],
                         t[3][s][2 * i + 1]},
                        derive_one);
                weights += w;
              }
              std::lock_guard<std::mutex> lock(mu);
              for (size_t x = 0; x < 3; ++x) hi[x] += loc[x].Value();
              hi[3] += weights;
            },
            1024);
      }
      Fp2 padding = lambda * (one - hi[3]);
      h[0] += coeff[inst] * (hi[0] + padding);
      h[1] += coeff[inst] * (hi[1] + padding);  // unused when derived
      h[2] += coeff[inst] * (hi[2] + padding);
    }
    if (derive_one) {  // claim = scale * ((1 - rho_j) h(0) + rho_j h(1))
      h[1] = (claim * scale.Inverse() - (one - rj) * h[0]) * rj.Inverse();
    }
    UnivariatePoly hp = UnivariatePoly::Interpolate(std::span<const Fp2>(h.data(), 3));
    Fp2 a = scale * (one - rj), bl = scale * (rj + rj - one);  // scale * eq(rho_j, X)
    UnivariatePoly g{{a * hp.coeffs[0], a * hp.coeffs[1] + bl * hp.coeffs[0],
                      a * hp.coeffs[2] + bl * hp.coeffs[1], bl * hp.coeffs[2]}};
    UnivariatePoly sent = g;
    if (masked) {
      UnivariatePoly m = masked->Round(j);
      for (size_t c = 0; c < m.coeffs.size(); ++c) sent.coeffs[c] += m.coeffs[c];
    }
    tr.AbsorbFp2s("sumcheck.round", sent.coeffs);
    Fp2 r = tr.ChallengeFp2("sumcheck.challenge");
    claim = g.Evaluate(r);
    scale *= (one - rj) * (one - r) + rj * r;
    out.point.push_back(r);
    out.proof.rounds.push_back(std::move(sent));
    if (masked) masked->Bind(j, r);
    for (LayerTables& lt : lts) FoldTables(lt, r, threads);
    if (eq_rest.size() > 1) {  // sum out the next variable: eq over rho_{>j+1}
      for (size_t i = 0; i < eq_rest.size() / 2; ++i)
        eq_rest[i] = eq_rest[2 * i] + eq_rest[2 * i + 1];
      eq_rest.resize(eq_rest.size() / 2);
    }
  }
  if (send_eq) out.proof.final_evals.push_back(scale);
  for (const LayerTables& lt : lts) {
    const auto& t = lt.t;
    for (Fp2 v : {t[0][0][0] - lambda * t[2][0][0], t[1][0][0], t[2][0][0], t[3][0][0]}) {
      out.proof.final_evals.push_back(v);
    }
  }
  tr.AbsorbFp2s("sumcheck.final_evals", out.proof.final_evals);
  return out;
}

// What the prover core computes for I instances (one tree depth).
struct CoreProof {
  std::vector<std::array<Fp2, 4>> layer1;
  std::vector<SumcheckProof> layers;
  std::vector<LogUpLeafEvals> leaves;
  std::vector<LogUpClaims> claims;
};

Status CheckInstance(const LogUpInstance& in, size_t index) {
  auto bad = [&](const std::string& what) {
    return Error(Code::kInvalidArgument, "logup: instance " + std::to_string(index) + ": " + what);
  };
  if (in.table == nullptr) return bad("no table");
  const LookupTable& table = *in.table;
  std::span<const std::vector<Fp>> witness = in.witness;
  if (witness.size() != table.num_columns() || witness.empty() || witness.size() > 2) {
    return bad("need 1 or 2 witness columns matching the table");
  }
  size_t nw = witness[0].size();
  if (nw == 0 || !std::has_single_bit(nw) || std::countr_zero(nw) > int{kMaxVars}) {
    return bad("witness size must be 2^n, n <= 30");
  }
  for (const auto& c : witness) {
    if (c.size() != nw) return bad("witness columns differ");
  }
  if (in.multiplicities.size() != (size_t{1} << table.num_vars()) || table.num_vars() > kMaxVars) {
    return bad("multiplicities must have one entry per row");
  }
  return Status();
}

// The shared prover of ProveLogUp (send_eq: the LogUpProof format) and
// ProveLogUpBatch; the transcript of a batch of one differs from a single
// lookup's only in eq's final value.
Result<CoreProof> ProveCore(std::span<const LogUpInstance> instances, Transcript& transcript,
                            unsigned threads, MaskBankProver* bank, bool send_eq) {
  if (instances.empty()) return Error(Code::kInvalidArgument, "logup: empty batch");
  std::vector<LogUpStatement> sts;
  for (size_t i = 0; i < instances.size(); ++i) {
    VINET_RETURN_IF_ERROR(CheckInstance(instances[i], i));
    sts.push_back(
        StatementFor(*instances[i].table, std::countr_zero(instances[i].witness[0].size())));
  }
  for (const LogUpStatement& st : sts) AbsorbShape(transcript, st);
  Fp2 beta = transcript.ChallengeFp2("logup.beta");
  Fp2 alpha = transcript.ChallengeFp2("logup.alpha");
  size_t tree_vars = BatchTreeVars(sts);
  size_t count = instances.size();
  // trees[i][k]: instance i's layer k, all padded to the shared depth.
  std::vector<std::vector<Layer>> trees(count);
  CoreProof proof;
  for (size_t i = 0; i < count; ++i) {
    const LogUpInstance& in = instances[i];
    std::vector<Layer>& layers = trees[i];
    layers.resize(tree_vars + 1);
    layers[tree_vars] = BuildLeaves(*in.table, in.witness, in.multiplicities, sts[i].witness_vars,
                                    alpha, beta, tree_vars, threads);
    for (size_t k = tree_vars; k-- > 1;) layers[k] = Parent(layers[k + 1], threads);
    const Layer& leaves = layers[tree_vars];  // padding denominators are 1
    for (const auto& side : leaves.q) {
      for (Fp2 q : side) {
        if (q.IsZero()) return Error(Code::kInvalidArgument, "logup: zero denominator");
      }
    }
    const Layer& l1 = layers[1];
    proof.layer1.push_back({l1.p[0][0], l1.p[1][0], l1.q[0][0], l1.q[1][0]});
  }
  std::vector<Fp2> flat;
  for (const auto& l : proof.layer1) flat.insert(flat.end(), l.begin(), l.end());
  transcript.AbsorbFp2s("logup.layer1", flat);
  Fp2 mu = transcript.ChallengeFp2("logup.mu");
  std::vector<Fp2> point{mu};
  std::vector<Fp2> claim_p, claim_q;
  logup_detail::LayerOneClaims(proof.layer1, mu, claim_p, claim_q);
  for (size_t k = 1; k < tree_vars; ++k) {
    Fp2 lambda = transcript.ChallengeFp2("logup.lambda");
    std::vector<LayerTables> lts(count);
    Fp2 claim, c = Fp2::One();
    for (size_t i = 0; i < count; ++i) {
      claim += c * (claim_p[i] + lambda * claim_q[i]);
      c *= lambda * lambda;
      Layer child = std::move(trees[i][k + 1]);  // freed after this layer
      LayerTables& halves = lts[i];
      halves.half = child.half / 2;
      halves.pad = {lambda, Fp2(), Fp2::One(), Fp2::One()};
      std::array<size_t, 2> n = {child.p[0].size() / 2, child.p[1].size() / 2};
      for (auto& col : halves.t)
        for (size_t s = 0; s < 2; ++s) col[s].resize(n[s]);
      ForSides(n, threads, [&](size_t s, size_t b, size_t e) {
        const std::vector<Fp2>&p = child.p[s], &q = child.q[s];
        for (size_t y = b; y < e; ++y) {
          halves.t[0][s][y] = p[2 * y] + lambda * q[2 * y];
          halves.t[1][s][y] = p[2 * y + 1];
          halves.t[2][s][y] = q[2 * y];
          halves.t[3][s][y] = q[2 * y + 1];
        }
      });
      for (size_t c = 0; c < 4; ++c)
        for (size_t s = 0; s < 2; ++s) PadEven(halves.t[c][s], halves.half, halves.pad[c]);
    }
    std::optional<SumcheckMask> mask;
    if (bank != nullptr) {
      auto m = bank->Begin(point.size(), 3, transcript);
      if (!m.ok()) return m.status();
      mask = std::move(*m);
    }
    LayerProof lp = ProveLayer(point, lambda, claim, std::move(lts), transcript, threads,
                               mask ? &*mask : nullptr, send_eq);
    if (bank != nullptr) bank->End(lp.point, transcript);
    std::span<const Fp2> f(lp.proof.final_evals);
    if (send_eq) f = f.subspan(1);
    mu = transcript.ChallengeFp2("logup.mu");
    for (size_t i = 0; i < count; ++i) {
      claim_p[i] = f[4 * i] + mu * (f[4 * i + 1] - f[4 * i]);
      claim_q[i] = f[4 * i + 2] + mu * (f[4 * i + 3] - f[4 * i + 2]);
    }
    point.assign(1, mu);
    point.insert(point.end(), lp.point.begin(), lp.point.end());
    proof.layers.push_back(std::move(lp.proof));
  }
  std::span<const Fp2> r(point);
  for (size_t i = 0; i < count; ++i) {
    const LogUpInstance& in = instances[i];
    const LogUpStatement& st = sts[i];
    LogUpLeafEvals le;
    for (const auto& c : in.witness) {
      le.witness_evals.push_back(EvaluateMle(std::span<const Fp>(c), r.first(st.witness_vars)));
    }
    le.multiplicity_eval = EvaluateMle(in.multiplicities, r.first(st.table_vars));
    if (!in.table->closed_form()) {
      for (size_t c = 0; c < in.table->num_columns(); ++c) {
        le.table_evals.push_back(in.table->EvaluateColumn(c, r.first(st.table_vars)));
      }
    }
    transcript.AbsorbFp2s("logup.witness_evals", le.witness_evals);
    transcript.AbsorbFp2("logup.multiplicity_eval", le.multiplicity_eval);
    transcript.AbsorbFp2s("logup.table_evals", le.table_evals);
    LogUpClaims cl;
    cl.witness_point.assign(r.begin(), r.begin() + st.witness_vars);
    cl.table_point.assign(r.begin(), r.begin() + st.table_vars);
    cl.witness_evals = le.witness_evals;
    cl.multiplicity_eval = le.multiplicity_eval;
    cl.table_evals = le.table_evals;
    proof.claims.push_back(std::move(cl));
    proof.leaves.push_back(std::move(le));
  }
  return proof;
}

}  // namespace

Result<LogUpProof> ProveLogUp(const LookupTable& table, std::span<const std::vector<Fp>> witness,
                              std::span<const Fp> m, Transcript& transcript, unsigned threads,
                              LogUpClaims* claims, MaskBankProver* bank) {
  LogUpInstance in{&table, witness, m};
  auto core = ProveCore({&in, 1}, transcript, threads, bank, /*send_eq=*/true);
  if (!core.ok()) {  // a single lookup's errors name no instance
    std::string msg = core.status().message();
    std::string prefix = "logup: instance 0: ";
    if (msg.starts_with(prefix)) msg = "logup: " + msg.substr(prefix.size());
    return Error(core.status().code(), msg);
  }
  LogUpProof proof;
  proof.layer1 = core->layer1[0];
  proof.layers = std::move(core->layers);
  proof.witness_evals = core->leaves[0].witness_evals;
  proof.multiplicity_eval = core->leaves[0].multiplicity_eval;
  proof.table_evals = core->leaves[0].table_evals;
  if (claims != nullptr) *claims = std::move(core->claims[0]);
  return proof;
}

Result<LogUpBatchProof> ProveLogUpBatch(std::span<const LogUpInstance> instances,
                                        Transcript& transcript, unsigned threads,
                                        std::vector<LogUpClaims>* claims, MaskBankProver* bank) {
  VINET_ASSIGN_OR_RETURN(CoreProof core,
                         ProveCore(instances, transcript, threads, bank, /*send_eq=*/false));
  if (claims != nullptr) *claims = std::move(core.claims);
  return LogUpBatchProof{std::move(core.layer1), std::move(core.layers), std::move(core.leaves)};
}

}  // namespace vinet::zk
