// LogUp-GKR prover vs a plain reference: the reference builds the whole
// fraction tree (padding leaves included) and proves every layer with the
// generic sumcheck over [eq, p_even, p_odd, q_even, q_odd]; the fast prover,
// which skips padding fractions and proves the layers with its own split-eq
// sumcheck, must produce the same proof bytes for witnesses smaller than,
// equal to and larger than the table, with one and two threads.
#include <gtest/gtest.h>

#include <bit>
#include <random>

#include "vinet/zk/lookup/logup_gkr.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/sumcheck/sumcheck.h"

namespace vinet::zk {
namespace {

LogUpProof ReferenceProve(const LookupTable& table, const std::vector<std::vector<Fp>>& w,
                          const std::vector<Fp>& m, Transcript& tr) {
  size_t nw_vars = std::countr_zero(w[0].size()), nt_vars = table.num_vars();
  size_t tree = 1 + std::max(nw_vars, nt_vars), half = size_t{1} << (tree - 1);
  ByteWriter shape;
  for (size_t v : {nw_vars, nt_vars, table.num_columns(), size_t{1}}) {
    shape.U32(static_cast<uint32_t>(v));
  }
  tr.Absorb("logup.statement", shape.bytes());
  Fp2 beta = tr.ChallengeFp2("logup.beta"), alpha = tr.ChallengeFp2("logup.alpha");
  // Layer `tree` (leaves) down to layer 0 (the root), all entries computed.
  std::vector<std::vector<Fp2>> p(tree + 1), q(tree + 1);
  p[tree].assign(2 * half, Fp2());
  q[tree].assign(2 * half, Fp2::One());
  for (size_t i = 0; i < w[0].size(); ++i) {
    Fp2 f = w[0][i];
    if (w.size() > 1) f += beta * w[1][i];
    p[tree][i] = Fp2::One();
    q[tree][i] = alpha - f;
  }
  for (size_t j = 0; j < m.size(); ++j) {
    Fp2 t = table.Value(0, j);
    if (table.num_columns() > 1) t += beta * table.Value(1, j);
    p[tree][half + j] = -Fp2(m[j]);
    q[tree][half + j] = alpha - t;
  }
  for (size_t k = tree; k-- > 1;) {
    for (size_t y = 0; y < p[k + 1].size() / 2; ++y) {
      p[k].push_back(p[k + 1][2 * y] * q[k + 1][2 * y + 1] + p[k + 1][2 * y + 1] * q[k + 1][2 * y]);
      q[k].push_back(q[k + 1][2 * y] * q[k + 1][2 * y + 1]);
    }
  }
  LogUpProof proof;
  proof.layer1 = {p[1][0], p[1][1], q[1][0], q[1][1]};
  tr.AbsorbFp2s("logup.layer1", proof.layer1);
  std::vector<Fp2> point{tr.ChallengeFp2("logup.mu")};
  for (size_t k = 1; k < tree; ++k) {
    Fp2 lambda = tr.ChallengeFp2("logup.lambda");
    std::vector<std::vector<Fp2>> polys(5);
    polys[0] = EqTable(point);
    for (size_t y = 0; y < p[k + 1].size() / 2; ++y) {
      polys[1].push_back(p[k + 1][2 * y]);
      polys[2].push_back(p[k + 1][2 * y + 1]);
      polys[3].push_back(q[k + 1][2 * y]);
      polys[4].push_back(q[k + 1][2 * y + 1]);
    }
    std::vector<ProductTerm> terms = {
        {Fp2::One(), {0, 1, 4}}, {Fp2::One(), {0, 2, 3}}, {lambda, {0, 3, 4}}};
    SumcheckProverOutput sc = ProveSumcheck(std::move(polys), terms, tr).value();
    Fp2 mu = tr.ChallengeFp2("logup.mu");
    point.assign(1, mu);
    point.insert(point.end(), sc.point.begin(), sc.point.end());
    proof.layers.push_back(std::move(sc.proof));
  }
  std::span<const Fp2> r(point);
  for (const auto& c : w) {
    proof.witness_evals.push_back(EvaluateMle(std::span<const Fp>(c), r.first(nw_vars)));
  }
  proof.multiplicity_eval = EvaluateMle(std::span<const Fp>(m), r.first(nt_vars));
  tr.AbsorbFp2s("logup.witness_evals", proof.witness_evals);
  tr.AbsorbFp2("logup.multiplicity_eval", proof.multiplicity_eval);
  tr.AbsorbFp2s("logup.table_evals", proof.table_evals);
  return proof;
}

void CheckSameAsReference(const LookupTable& table, size_t witness_vars, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<Fp>> w(table.num_columns(), std::vector<Fp>(size_t{1} << witness_vars));
  // Rows from the lower quarter of the table: most multiplicities are 0.
  size_t rows = std::max<size_t>(1, (size_t{1} << table.num_vars()) / 4);
  for (size_t i = 0; i < w[0].size(); ++i) {
    size_t row = rng() % rows;
    for (size_t c = 0; c < w.size(); ++c) w[c][i] = table.Value(c, row);
  }
  std::vector<Fp> m = ComputeMultiplicities(table, w).value();
  for (unsigned threads : {1u, 2u}) {
    Transcript ref_tr("logup-reference"), tr("logup-reference");
    Bytes want = ReferenceProve(table, w, m, ref_tr).ToBytes();
    LogUpProof got = ProveLogUp(table, w, m, tr, threads).value();
    EXPECT_EQ(got.ToBytes(), want) << "witness 2^" << witness_vars << ", table 2^"
                                   << table.num_vars() << ", threads " << threads;
    EXPECT_EQ(tr.ChallengeFp2("after"), ref_tr.ChallengeFp2("after"));
  }
}

TEST(LogUpReference, FastProverEqualsThePlainTreeProver) {
  CheckSameAsReference(RangeTable(3), 11, 1);         // table side almost all padding
  CheckSameAsReference(ReluClampTable(12, 7), 2, 2);  // witness side almost all padding
  CheckSameAsReference(ClampTable(9, 8), 5, 3);
  CheckSameAsReference(RangeTable(6), 6, 4);  // no padding
  CheckSameAsReference(RangeTable(1), 0, 5);  // the smallest tree
  CheckSameAsReference(RangeTable(14), 13, 6);
}

}  // namespace
}  // namespace vinet::zk
