// LogUp-GKR batches (ProveLogUpBatch / VerifyLogUpBatch): batches of 1, 2
// and 3 lookups with different tree depths, one and two columns, closed and
// committed tables, with and without a mask bank, end with true claims (the
// MLEs at prefixes of the shared point) and the same bytes with 1 and 2
// threads; a wrong witness row or multiplicity in any one instance is
// rejected; every value changed and every byte flipped of a small batch proof
// is rejected; parse errors are kParse naming the field; a bank sized per
// lookup (not per batch layer) is refused; the soundness bound of a batch of
// one is the single lookup's.
#include <gtest/gtest.h>

#include <bit>
#include <memory>
#include <random>

#include "unit/zk/byte_flips.h"
#include "vinet/zk/lookup/logup_gkr.h"
#include "vinet/zk/pcs/ligero.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/soundness.h"
#include "vinet/zk/sumcheck/mask_bank.h"

namespace vinet::zk {
namespace {

// One lookup of a test batch: its table, witness and multiplicities.
struct Lookup {
  std::shared_ptr<const LookupTable> table;
  std::vector<std::vector<Fp>> witness;
  std::vector<Fp> m;
};

Lookup Sample(std::shared_ptr<const LookupTable> table, size_t witness_vars, std::mt19937_64& rng) {
  Lookup l{std::move(table), {}, {}};
  const LookupTable& t = *l.table;
  l.witness.assign(t.num_columns(), std::vector<Fp>(size_t{1} << witness_vars));
  for (size_t i = 0; i < l.witness[0].size(); ++i) {
    size_t row = rng() % (size_t{1} << t.num_vars());
    for (size_t c = 0; c < t.num_columns(); ++c) l.witness[c][i] = t.Value(c, row);
  }
  l.m = ComputeMultiplicities(t, l.witness).value();
  return l;
}

std::shared_ptr<const LookupTable> Committed(size_t vars, size_t columns, std::mt19937_64& rng) {
  std::vector<std::vector<Fp>> cols(columns, std::vector<Fp>(size_t{1} << vars));
  for (auto& c : cols)
    for (auto& x : c) x = Fp(rng());
  return std::make_shared<CommittedTable>(std::move(cols));
}

std::vector<LogUpStatement> Statements(const std::vector<Lookup>& ls) {
  std::vector<LogUpStatement> out;
  for (const Lookup& l : ls) {
    out.push_back(StatementFor(*l.table, std::countr_zero(l.witness[0].size())));
  }
  return out;
}

std::vector<LogUpInstance> Instances(const std::vector<Lookup>& ls) {
  std::vector<LogUpInstance> out;
  for (const Lookup& l : ls) out.push_back({l.table.get(), l.witness, l.m});
  return out;
}

LogUpBatchProof ProveBatch(const std::vector<Lookup>& ls, unsigned threads = 1,
                           std::vector<LogUpClaims>* claims = nullptr) {
  Transcript t("logup-batch-test");
  auto p = ProveLogUpBatch(Instances(ls), t, threads, claims);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return *p;
}

Result<std::vector<LogUpClaims>> VerifyBatch(const std::vector<Lookup>& ls,
                                             const LogUpBatchProof& proof) {
  Transcript t("logup-batch-test");
  return VerifyLogUpBatch(Statements(ls), proof, t);
}

// The claims are the true MLE values, at prefixes of one shared point.
void ExpectTrueClaims(const std::vector<Lookup>& ls, const std::vector<LogUpClaims>& claims) {
  ASSERT_EQ(claims.size(), ls.size());
  for (size_t i = 0; i < ls.size(); ++i) {
    const Lookup& l = ls[i];
    const LogUpClaims& c = claims[i];
    for (size_t col = 0; col < l.witness.size(); ++col) {
      EXPECT_EQ(c.witness_evals[col],
                EvaluateMle(std::span<const Fp>(l.witness[col]), c.witness_point))
          << "instance " << i;
    }
    EXPECT_EQ(c.multiplicity_eval, EvaluateMle(std::span<const Fp>(l.m), c.table_point));
    if (!l.table->closed_form()) {
      ASSERT_EQ(c.table_evals.size(), l.table->num_columns());
      for (size_t col = 0; col < l.table->num_columns(); ++col) {
        EXPECT_EQ(c.table_evals[col], l.table->EvaluateColumn(col, c.table_point));
      }
    } else {
      EXPECT_TRUE(c.table_evals.empty());
    }
    const std::vector<Fp2>& longer = claims[0].witness_point.size() >= claims[0].table_point.size()
                                         ? claims[0].witness_point
                                         : claims[0].table_point;
    for (const auto* p : {&c.witness_point, &c.table_point}) {
      for (size_t k = 0; k < p->size() && k < longer.size(); ++k) {
        EXPECT_EQ((*p)[k], longer[k]) << "instance " << i << ": not a prefix";
      }
    }
  }
}

// Batches of 1, 2 and 3 with different depths, columns and table kinds.
std::vector<std::vector<Lookup>> Batches(std::mt19937_64& rng) {
  std::vector<std::vector<Lookup>> out;
  out.push_back({Sample(std::make_shared<RangeTable>(3), 5, rng)});
  out.push_back({Sample(std::make_shared<RangeTable>(4), 7, rng),           // L = 8
                 Sample(std::make_shared<ReluClampTable>(9, 4), 3, rng)});  // L = 10
  out.push_back({Sample(std::make_shared<RangeTable>(2), 2, rng),           // L = 3
                 Sample(Committed(3, 2, rng), 6, rng),                      // L = 7
                 Sample(std::make_shared<ClampTable>(9, 4), 4, rng)});      // L = 10
  out.push_back({Sample(Committed(5, 1, rng), 1, rng), Sample(Committed(2, 2, rng), 8, rng)});
  return out;
}

TEST(LogUpBatch, BatchesOfOneTwoAndThreeVerifyWithTrueClaims) {
  std::mt19937_64 rng(1);
  for (const auto& ls : Batches(rng)) {
    std::vector<LogUpClaims> pc;
    LogUpBatchProof proof = ProveBatch(ls, 1, &pc);
    EXPECT_EQ(ProveBatch(ls, 2).ToBytes(), proof.ToBytes()) << "threads change the proof";
    auto vc = VerifyBatch(ls, proof);
    ASSERT_TRUE(vc.ok()) << vc.status().ToString();
    ExpectTrueClaims(ls, *vc);
    ASSERT_EQ(pc.size(), vc->size());
    for (size_t i = 0; i < pc.size(); ++i) {
      EXPECT_EQ(pc[i].witness_point, (*vc)[i].witness_point);
      EXPECT_EQ(pc[i].table_point, (*vc)[i].table_point);
    }
    // One layer sumcheck per GKR layer of the deepest tree.
    EXPECT_EQ(proof.layers.size() + 1, BatchTreeVars(Statements(ls)));
    auto parsed = LogUpBatchProof::Parse(proof.ToBytes(), Statements(ls));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->ToBytes(), proof.ToBytes());
  }
}

TEST(LogUpBatch, AWrongRowInAnyOneInstanceIsRejected) {
  std::mt19937_64 rng(2);
  std::vector<Lookup> ls = Batches(rng)[2];
  for (size_t i = 0; i < ls.size(); ++i) {
    std::vector<Lookup> bad = ls;  // row 1 leaves the table; m stays the honest one
    bad[i].witness[0][1] += Fp(1000003);
    EXPECT_FALSE(VerifyBatch(bad, ProveBatch(bad)).ok()) << "witness of instance " << i;
    bad = ls;
    bad[i].m[0] += Fp::One();
    EXPECT_FALSE(VerifyBatch(bad, ProveBatch(bad)).ok()) << "multiplicity of instance " << i;
  }
}

TEST(LogUpBatch, EveryValueChangeIsRejected) {
  std::mt19937_64 rng(3);
  std::vector<Lookup> ls = {Sample(std::make_shared<RangeTable>(2), 3, rng),
                            Sample(Committed(2, 2, rng), 2, rng)};
  LogUpBatchProof honest = ProveBatch(ls);
  ASSERT_TRUE(VerifyBatch(ls, honest).ok());
  size_t count = 0;
  auto reject = [&](const LogUpBatchProof& p, const std::string& what) {
    EXPECT_FALSE(VerifyBatch(ls, p).ok()) << what;
    ++count;
  };
  for (size_t i = 0; i < honest.layer1.size(); ++i) {
    for (size_t j = 0; j < 4; ++j) {
      LogUpBatchProof p = honest;
      p.layer1[i][j] += Fp2::One();
      reject(p, "layer1");
    }
  }
  for (size_t l = 0; l < honest.layers.size(); ++l) {
    for (size_t r = 0; r < honest.layers[l].rounds.size(); ++r) {
      for (size_t c = 0; c < honest.layers[l].rounds[r].coeffs.size(); ++c) {
        if (c == 1) continue;  // not sent: the verifier derives it from the claim
        LogUpBatchProof p = honest;
        p.layers[l].rounds[r].coeffs[c] += Fp2::One();
        reject(p, "layer " + std::to_string(l) + " round " + std::to_string(r));
      }
    }
    for (size_t k = 0; k < honest.layers[l].final_evals.size(); ++k) {
      LogUpBatchProof p = honest;
      p.layers[l].final_evals[k] += Fp2(Fp(0), Fp(3));
      reject(p, "layer " + std::to_string(l) + " final " + std::to_string(k));
    }
  }
  for (size_t i = 0; i < honest.leaves.size(); ++i) {
    const LogUpLeafEvals& le = honest.leaves[i];
    for (size_t c = 0; c < le.witness_evals.size(); ++c) {
      LogUpBatchProof p = honest;
      p.leaves[i].witness_evals[c] += Fp2::One();
      reject(p, "witness eval");
    }
    for (size_t c = 0; c < le.table_evals.size(); ++c) {
      LogUpBatchProof p = honest;
      p.leaves[i].table_evals[c] += Fp2::One();
      reject(p, "table eval");
    }
    LogUpBatchProof p = honest;
    p.leaves[i].multiplicity_eval += Fp2::One();
    reject(p, "multiplicity eval");
  }
  EXPECT_GT(count, 40u);
}

TEST(LogUpBatch, EveryByteFlipIsRejected) {
  std::mt19937_64 rng(4);
  std::vector<Lookup> ls = {Sample(std::make_shared<RangeTable>(1), 2, rng),
                            Sample(Committed(1, 2, rng), 1, rng)};
  std::vector<LogUpStatement> sts = Statements(ls);
  Bytes bytes = ProveBatch(ls).ToBytes();
  auto accept = [&](const Bytes& b) {
    auto p = LogUpBatchProof::Parse(b, sts);
    return p.ok() && VerifyBatch(ls, *p).ok();
  };
  ASSERT_TRUE(accept(bytes));
  testing::ExpectEveryByteFlipRejected(bytes, accept);
}

TEST(LogUpBatch, ParseErrorsAreKParseNamingTheField) {
  std::mt19937_64 rng(5);
  std::vector<Lookup> ls = {Sample(std::make_shared<RangeTable>(2), 3, rng),
                            Sample(Committed(2, 2, rng), 2, rng)};
  std::vector<LogUpStatement> sts = Statements(ls);
  Bytes bytes = ProveBatch(ls).ToBytes();
  auto code_and_message = [&](const Bytes& b) {
    auto p = LogUpBatchProof::Parse(b, sts);
    EXPECT_FALSE(p.ok());
    return std::make_pair(p.status().code(), p.status().message());
  };
  Bytes longer = bytes;
  longer.push_back(0);
  auto [c0, m0] = code_and_message(longer);
  EXPECT_EQ(c0, Code::kParse);
  EXPECT_NE(m0.find("logup batch proof"), std::string::npos) << m0;
  // Cut inside layer1, inside the layer sumchecks and inside the leaves.
  size_t layer1 = 2 * 4 * 16;
  auto [c1, m1] = code_and_message(Bytes(bytes.begin(), bytes.begin() + 20));
  EXPECT_EQ(c1, Code::kParse);
  EXPECT_NE(m1.find("logup.layer1"), std::string::npos) << m1;
  auto [c2, m2] = code_and_message(Bytes(bytes.begin(), bytes.begin() + layer1 + 8));
  EXPECT_EQ(c2, Code::kParse);
  EXPECT_NE(m2.find("logup.layers[0]"), std::string::npos) << m2;
  auto [c3, m3] = code_and_message(Bytes(bytes.begin(), bytes.end() - 8));
  EXPECT_EQ(c3, Code::kParse);
  EXPECT_NE(m3.find("logup.table_evals"), std::string::npos) << m3;
  // The counts come from the statements: one statement fewer leaves bytes over.
  auto fewer = LogUpBatchProof::Parse(bytes, std::span(sts).first(1));
  ASSERT_FALSE(fewer.ok());
  EXPECT_EQ(fewer.status().code(), Code::kParse);
}

const LigeroPcs& BankPcs() {
  static const LigeroPcs pcs(LigeroParams{100, 2, 1, true});
  return pcs;
}

// The bank's slots of a batch: one per layer k = 1..L-1 (k variables, degree 3).
std::vector<MaskShape> BatchShapes(const std::vector<Lookup>& ls) {
  std::vector<MaskShape> shapes;
  for (size_t k = 1; k < BatchTreeVars(Statements(ls)); ++k) shapes.push_back({k, 3});
  return shapes;
}

struct MaskedRun {
  LogUpBatchProof proof;
  std::vector<MaskShape> shapes;
  PcsCommitment mask;
  std::vector<Fp2> evals;  // the prover's v_s (derived by the verifier, not sent)
  Bytes opening;
};

MaskedRun ProveMasked(const std::vector<Lookup>& ls) {
  MaskedRun run;
  run.shapes = BatchShapes(ls);
  auto bank = MaskBankProver::Commit(run.shapes, BankPcs());
  EXPECT_TRUE(bank.ok());
  Transcript t("logup-batch-bank");
  bank->commitment().AbsorbInto(t);
  auto p = ProveLogUpBatch(Instances(ls), t, 1, nullptr, &*bank);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  run.proof = *p;
  run.mask = bank->commitment();
  run.evals = bank->evals();
  run.opening = bank->Open(t).value();
  return run;
}

Status VerifyMasked(const std::vector<Lookup>& ls, const MaskedRun& run) {
  Transcript t("logup-batch-bank");
  run.mask.AbsorbInto(t);
  MaskBankVerifier bank(run.shapes, run.mask, BankPcs());
  VINET_ASSIGN_OR_RETURN(auto claims, VerifyLogUpBatch(Statements(ls), run.proof, t, &bank));
  ExpectTrueClaims(ls, claims);
  return bank.Finish(run.opening, t);
}

TEST(LogUpBatch, WithAMaskBankEachLayerIsOneSlot) {
  std::mt19937_64 rng(6);
  std::vector<Lookup> ls = Batches(rng)[2];
  MaskedRun run = ProveMasked(ls);
  ASSERT_EQ(run.evals.size(), BatchTreeVars(Statements(ls)) - 1);
  Status ok = VerifyMasked(ls, run);
  ASSERT_TRUE(ok.ok()) << ok.ToString();
  EXPECT_NE(ProveMasked(ls).proof.ToBytes(), run.proof.ToBytes()) << "masks are not fresh";
  for (size_t s = 0; s < run.evals.size(); ++s) {
    // A changed final value: the layer's derived v_s misses T.
    MaskedRun bad = run;
    bad.proof.layers[s].final_evals[0] += Fp2::One();
    EXPECT_FALSE(VerifyMasked(ls, bad).ok()) << "final value of layer " << s + 1;
    bad = run;
    bad.proof.layers[s].rounds.back().coeffs[2] += Fp2::One();
    EXPECT_FALSE(VerifyMasked(ls, bad).ok()) << "masked round of layer " << s + 1;
  }
  // A bank laid out per lookup (each instance's own layers) has no slot for
  // the batch's layers beyond the first instance's depth: refused on both sides.
  std::vector<MaskShape> per_lookup;
  for (const LogUpStatement& st : Statements(ls)) {
    for (size_t k = 1; k < st.tree_vars(); ++k) per_lookup.push_back({k, 3});
  }
  auto bank = MaskBankProver::Commit(per_lookup, BankPcs());
  ASSERT_TRUE(bank.ok());
  Transcript t("logup-batch-bank");
  EXPECT_FALSE(ProveLogUpBatch(Instances(ls), t, 1, nullptr, &*bank).ok());
  MaskedRun wrong = run;
  wrong.shapes = per_lookup;
  EXPECT_FALSE(VerifyMasked(ls, wrong).ok());
}

TEST(LogUpBatch, ShapeErrors) {
  std::mt19937_64 rng(7);
  std::vector<Lookup> ls = Batches(rng)[1];
  Transcript t("logup-batch-test");
  EXPECT_EQ(ProveLogUpBatch({}, t).status().code(), Code::kInvalidArgument);
  std::vector<LogUpInstance> in = Instances(ls);
  std::vector<Fp> short_m(3);
  in[1].multiplicities = short_m;
  auto bad = ProveLogUpBatch(in, t);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("instance 1"), std::string::npos);
  // A proof for two instances is not a proof for one (wrong shape).
  LogUpBatchProof two = ProveBatch(ls);
  std::vector<Lookup> first = {ls[0]};
  EXPECT_FALSE(VerifyBatch(first, two).ok());
}

TEST(LogUpBatch, SoundnessOfABatchOfOneIsTheSingleLookups) {
  std::array<size_t, 2> one = {14, 8};
  EXPECT_DOUBLE_EQ(LogUpBatchSoundnessBits({&one, 1}), LogUpSoundnessBits(14, 8, 1));
  std::vector<std::array<size_t, 2>> three = {{14, 8}, {12, 9}, {12, 9}};
  double bits = LogUpBatchSoundnessBits(three);
  EXPECT_LT(bits, LogUpSoundnessBits(14, 8, 1));
  EXPECT_GT(bits, 100.0);
}

}  // namespace
}  // namespace vinet::zk
