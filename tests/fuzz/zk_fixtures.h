// Fixed small statements shared by the zk fuzz targets and their seed
// generator: each builds one honest proof deterministically, so a fuzz
// target can check that nothing but the honest encoding is ever accepted.
#pragma once

#include <cstdlib>
#include <random>

#include "vinet/zk/lookup/logup_gkr.h"
#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/pcs/ligero.h"
#include "vinet/zk/sumcheck/sumcheck.h"

namespace vinet::zk::fuzz {

struct SumcheckFixture {
  static constexpr size_t kVars = 3;
  std::vector<ProductTerm> terms = {{Fp2(Fp(3)), {0, 1, 2}}, {Fp2::One(), {1}}};
  Fp2 claimed_sum;
  Bytes honest;

  SumcheckFixture() {
    std::mt19937_64 rng(1);
    std::vector<std::vector<Fp2>> polys(3, std::vector<Fp2>(1u << kVars));
    for (auto& p : polys)
      for (auto& x : p) x = Fp2(Fp(rng()), Fp(rng()));
    Transcript t("fuzz");
    auto out = ProveSumcheck(polys, terms, t).value();
    claimed_sum = out.claimed_sum;
    ByteWriter w;
    out.proof.Serialize(w);
    honest = w.Take();
  }
};

struct LogUpFixture {
  RangeTable table{3};
  LogUpStatement statement = StatementFor(table, 2);
  Bytes honest;

  LogUpFixture() {
    std::vector<std::vector<Fp>> w = {{Fp(1), Fp(7), Fp(7), Fp(0)}};
    auto m = ComputeMultiplicities(table, w).value();
    Transcript t("fuzz");
    honest = ProveLogUp(table, w, m, t).value().ToBytes();
  }
};

// A batch of two lookups of different depths: 2^2 values in RangeTable(3)
// (a closed table) and 2^3 pairs in a committed two-column table of 2^2 rows.
struct LogUpBatchFixture {
  RangeTable range{3};
  CommittedTable committed{{{Fp(5), Fp(6), Fp(7), Fp(8)}, {Fp(50), Fp(60), Fp(70), Fp(80)}}};
  std::vector<LogUpStatement> statements = {StatementFor(range, 2), StatementFor(committed, 3)};
  Bytes honest;

  LogUpBatchFixture() {
    std::vector<std::vector<Fp>> a = {{Fp(1), Fp(7), Fp(7), Fp(0)}};
    std::vector<std::vector<Fp>> b = {
        {Fp(5), Fp(8), Fp(8), Fp(6), Fp(5), Fp(7), Fp(5), Fp(8)},
        {Fp(50), Fp(80), Fp(80), Fp(60), Fp(50), Fp(70), Fp(50), Fp(80)}};
    auto ma = ComputeMultiplicities(range, a).value();
    auto mb = ComputeMultiplicities(committed, b).value();
    std::vector<LogUpInstance> in = {{&range, a, ma}, {&committed, b, mb}};
    Transcript t("fuzz");
    honest = ProveLogUpBatch(in, t).value().ToBytes();
  }
};

// n = 7: 2 rows of 64 columns, 256 encoded columns of which 148 are queried,
// so the opening carries a non-empty Merkle multi-proof.
struct LigeroFixture {
  static constexpr size_t kVars = 7;
  LigeroPcs pcs;
  PcsCommitted committed;
  std::vector<Fp2> point;
  std::vector<Fp2> evals;
  Bytes honest;

  LigeroFixture() {
    std::vector<Fp> poly(size_t{1} << kVars);
    for (size_t i = 0; i < poly.size(); ++i) poly[i] = Fp(i * i + 1);
    for (size_t i = 0; i < kVars; ++i) point.emplace_back(Fp(5 + 2 * i), Fp(6 + 2 * i));
    committed = pcs.Commit({poly}).value();
    Transcript t("fuzz");
    auto opening = pcs.Open(*committed.data, point, t).value();
    evals = opening.evals;
    honest = opening.proof;
  }
};

// n = 10 in rounds of 3, 3 and 2 folded variables (final polynomial of 2
// variables), Johnson regime over Fp4 at rate 1/4, version 4 (first round
// first_fold_log = 3, later leaves without the folded symbols): 512
// first-round leaves of which 85 are queried, so every round carries leaves
// and a non-empty multi-proof. A batch of two polynomials.
struct BasefoldFixture {
  static constexpr size_t kVars = 10;
  BasefoldPcs pcs{BasefoldParams{100, 2, 3, 2, 16, 1, BasefoldRegime::kJohnsonFp4, 3}};
  PcsCommitted committed;
  std::vector<Fp2> point;
  std::vector<Fp2> evals;
  Bytes honest;

  BasefoldFixture() {
    std::vector<std::vector<Fp>> polys(2, std::vector<Fp>(size_t{1} << kVars));
    for (size_t i = 0; i < polys[0].size(); ++i) {
      polys[0][i] = Fp(i * i + 1);
      polys[1][i] = Fp(3 * i + 7);
    }
    for (size_t i = 0; i < kVars; ++i) point.emplace_back(Fp(5 + 2 * i), Fp(6 + 2 * i));
    committed = pcs.Commit(polys).value();
    Transcript t("fuzz");
    auto opening = pcs.Open(*committed.data, point, t).value();
    evals = opening.evals;
    honest = opening.proof;
  }
};

// A hiding Basefold opening (BasefoldParams::hiding) with masks expanded from
// a fixed seed, so the fixture and its stored seed are deterministic.
struct HidingBasefoldFixture {
  static constexpr size_t kVars = 6;
  BasefoldPcs pcs{BasefoldParams{100, 2, 3, 2, 16, 1, BasefoldRegime::kJohnsonFp4, 3, true}};
  PcsCommitted committed;
  std::vector<Fp2> point;
  std::vector<Fp2> evals;
  Bytes honest;

  HidingBasefoldFixture() {
    std::vector<Fp> poly(size_t{1} << kVars);
    for (size_t i = 0; i < poly.size(); ++i) poly[i] = Fp(i * i + 1);
    for (size_t i = 0; i < kVars; ++i) point.emplace_back(Fp(5 + 2 * i), Fp(6 + 2 * i));
    Digest seed{};
    seed[0] = 7;
    committed = pcs.CommitWithMaskSeed({poly}, seed).value();
    Transcript t("fuzz");
    auto opening = pcs.Open(*committed.data, point, t).value();
    evals = opening.evals;
    honest = opening.proof;
  }
};

// A plain joint opening (BasefoldPcs::OpenJoint): a primary of 10 variables
// (two polynomials) and a secondary of 8 that enters mid first round, or (7,
// kBoundaryVars) after the first round's last fold, from leaves of two
// symbols.
struct JointBasefoldFixture {
  static constexpr size_t kVars = 10, kMidRoundVars = 8, kBoundaryVars = 7;
  BasefoldPcs pcs{BasefoldParams{100, 2, 3, 2, 16, 1, BasefoldRegime::kJohnsonFp4, 3}};
  size_t secondary_vars;
  PcsCommitted primary, secondary;
  std::vector<Fp2> point;
  std::vector<Fp2> evals, secondary_evals;
  Bytes honest;

  explicit JointBasefoldFixture(size_t secondary_vars_in = kMidRoundVars)
      : secondary_vars(secondary_vars_in) {
    std::vector<std::vector<Fp>> polys(2, std::vector<Fp>(size_t{1} << kVars));
    for (size_t i = 0; i < polys[0].size(); ++i) {
      polys[0][i] = Fp(i * i + 1);
      polys[1][i] = Fp(3 * i + 7);
    }
    std::vector<Fp> small(size_t{1} << secondary_vars);
    for (size_t i = 0; i < small.size(); ++i) small[i] = Fp(5 * i * i + 2);
    for (size_t i = 0; i < kVars; ++i) point.emplace_back(Fp(5 + 2 * i), Fp(6 + 2 * i));
    primary = pcs.Commit(polys).value();
    secondary = pcs.CommitSecondary({small}, kVars).value();
    Transcript t("fuzz");
    auto opening = pcs.OpenJoint(*primary.data, *secondary.data, point, t).value();
    evals = opening.primary_evals;
    secondary_evals = opening.secondary_evals;
    honest = opening.proof;
  }

  Status Verify(ByteSpan proof) const {
    Transcript t("fuzz");
    return pcs.VerifyJoint(primary.commitment, secondary.commitment, point, evals, secondary_evals,
                           proof, t);
  }
};

// One fuzz input against `Fixture`'s opening: the honest opening must verify
// (else abort: the fixture is broken), any other input must be refused with
// kParse or kVerification, never accepted.
template <typename Fixture>
int FuzzOpening(const uint8_t* data, size_t size) {
  static const Fixture fx;
  static const bool honest_ok = [] {
    Transcript t("fuzz");
    return fx.pcs.Verify(fx.committed.commitment, fx.point, fx.evals, fx.honest, t).ok();
  }();
  if (!honest_ok) std::abort();
  ByteSpan in(data, size);
  Transcript t("fuzz");
  Status s = fx.pcs.Verify(fx.committed.commitment, fx.point, fx.evals, in, t);
  if (s.ok() && Bytes(in.begin(), in.end()) != fx.honest) std::abort();
  if (!s.ok() && s.code() != Code::kParse && s.code() != Code::kVerification) std::abort();
  return 0;
}

}  // namespace vinet::zk::fuzz
