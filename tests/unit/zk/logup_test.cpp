// LogUp-GKR: closed-form table MLEs, completeness for closed-form and
// committed tables, rejection of out-of-table values and wrong
// multiplicities, and of every single-element / single-byte proof change.
#include <gtest/gtest.h>

#include <random>

#include "unit/zk/byte_flips.h"
#include "vinet/zk/lookup/logup_gkr.h"
#include "vinet/zk/poly/multilinear.h"

namespace vinet::zk {
namespace {

Fp2 RandomFp2(std::mt19937_64& rng) {
  return Fp2(Fp(rng()), Fp(rng()));
}

std::vector<Fp> Column(const LookupTable& t, size_t c) {
  std::vector<Fp> out(size_t{1} << t.num_vars());
  for (size_t j = 0; j < out.size(); ++j) out[j] = t.Value(c, j);
  return out;
}

// Witness rows drawn from the table.
std::vector<std::vector<Fp>> SampleWitness(const LookupTable& t, size_t n, std::mt19937_64& rng) {
  std::vector<std::vector<Fp>> w(t.num_columns(), std::vector<Fp>(size_t{1} << n));
  for (size_t i = 0; i < w[0].size(); ++i) {
    size_t row = rng() % (size_t{1} << t.num_vars());
    for (size_t c = 0; c < t.num_columns(); ++c) w[c][i] = t.Value(c, row);
  }
  return w;
}

TEST(LookupTables, ClosedFormsMatchTheirTables) {
  std::mt19937_64 rng(30);
  RangeTable range(6);
  ReluClampTable relu(9, 4);
  ClampTable clamp(9, 4);
  ClampTable clamp_narrow(6, 1);
  for (const LookupTable* t :
       {static_cast<const LookupTable*>(&range), static_cast<const LookupTable*>(&relu),
        static_cast<const LookupTable*>(&clamp), static_cast<const LookupTable*>(&clamp_narrow)}) {
    for (int trial = 0; trial < 3; ++trial) {
      std::vector<Fp2> r(t->num_vars());
      for (auto& x : r) x = RandomFp2(rng);
      for (size_t c = 0; c < t->num_columns(); ++c) {
        std::vector<Fp> col = Column(*t, c);
        EXPECT_EQ(t->EvaluateColumn(c, r), EvaluateMle(std::span<const Fp>(col), r));
      }
    }
  }
  EXPECT_EQ(relu.Value(0, 0), Fp::FromSigned(-256));
  EXPECT_EQ(relu.Value(1, 0), Fp::Zero());
  EXPECT_EQ(relu.Value(1, 256 + 5), Fp(5));
  EXPECT_EQ(relu.Value(1, 511), Fp(15));
  EXPECT_EQ(clamp.Value(1, 0), Fp::FromSigned(-8));
  EXPECT_EQ(clamp.Value(1, 256 - 3), Fp::FromSigned(-3));
  EXPECT_EQ(clamp.Value(1, 256 + 7), Fp(7));
  EXPECT_EQ(clamp.Value(1, 256 + 9), Fp(7));
}

struct LookupRun {
  LogUpProof proof;
  LogUpStatement st;
};

LookupRun Prove(const LookupTable& table, const std::vector<std::vector<Fp>>& w,
                const std::vector<Fp>& m, unsigned threads = 1) {
  Transcript t("logup-test");
  LookupRun run{ProveLogUp(table, w, m, t, threads).value(),
                StatementFor(table, std::countr_zero(w[0].size()))};
  return run;
}

Result<LogUpClaims> Verify(const LookupRun& run, const LogUpProof& proof) {
  Transcript t("logup-test");
  return VerifyLogUp(run.st, proof, t);
}

void CheckComplete(const LookupTable& table, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto w = SampleWitness(table, n, rng);
  auto m = ComputeMultiplicities(table, w).value();
  LookupRun run = Prove(table, w, m, 2);
  EXPECT_EQ(run.proof.ToBytes(), Prove(table, w, m, 1).proof.ToBytes());  // thread-independent
  auto claims = Verify(run, run.proof);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  // The returned claims are true statements about the inputs.
  for (size_t c = 0; c < w.size(); ++c) {
    EXPECT_EQ(claims->witness_evals[c],
              EvaluateMle(std::span<const Fp>(w[c]), claims->witness_point));
  }
  EXPECT_EQ(claims->multiplicity_eval, EvaluateMle(std::span<const Fp>(m), claims->table_point));
  if (!table.closed_form()) {
    for (size_t c = 0; c < table.num_columns(); ++c) {
      EXPECT_EQ(claims->table_evals[c], table.EvaluateColumn(c, claims->table_point));
    }
  }
}

TEST(LogUp, CompleteForRangeReluAndCommittedTables) {
  CheckComplete(RangeTable(8), 12, 1);  // witness larger than table
  CheckComplete(RangeTable(8), 3, 2);   // table larger than witness
  CheckComplete(RangeTable(4), 4, 3);   // equal sizes
  CheckComplete(RangeTable(3), 0, 4);   // a single witness row
  CheckComplete(ReluClampTable(10, 7), 11, 5);
  CheckComplete(ClampTable(10, 8), 9, 8);
  std::mt19937_64 rng(6);
  std::vector<std::vector<Fp>> cols(2, std::vector<Fp>(32));
  for (auto& c : cols)
    for (auto& x : c) x = Fp(rng());
  CheckComplete(CommittedTable(cols), 9, 7);
}

// Range and clamp tables count multiplicities in a flat array (RowOfFirst);
// a committed copy of the same columns uses the hash index: both must agree,
// row for row, and name the same first row outside the table.
TEST(LogUp, FlatMultiplicitiesMatchTheHashIndex) {
  std::mt19937_64 rng(44);
  RangeTable range(8);
  ReluClampTable relu(10, 7);
  ClampTable clamp(9, 8);
  for (const LookupTable* t : std::initializer_list<const LookupTable*>{&range, &relu, &clamp}) {
    ASSERT_TRUE(t->has_row_index());
    std::vector<std::vector<Fp>> cols;
    for (size_t c = 0; c < t->num_columns(); ++c) cols.push_back(Column(*t, c));
    for (size_t j = 0; j < cols[0].size(); ++j) EXPECT_EQ(t->RowOfFirst(cols[0][j]), j);
    CommittedTable copy(cols);
    ASSERT_FALSE(copy.has_row_index());
    auto w = SampleWitness(*t, 9, rng);
    EXPECT_EQ(ComputeMultiplicities(*t, w).value(), ComputeMultiplicities(copy, w).value());
    // A first column just outside the table, then (two columns) a wrong second column.
    auto w_out = w;
    w_out[0][100] = t->num_columns() == 1 ? Fp(256) : Fp(uint64_t{1} << (t->num_vars() - 1));
    EXPECT_EQ(t->RowOfFirst(w_out[0][100]), LookupTable::kNoRow);
    std::string want = "logup: witness row 100 is not in the table";
    EXPECT_EQ(ComputeMultiplicities(*t, w_out).status().message(), want);
    EXPECT_EQ(ComputeMultiplicities(copy, w_out).status().message(), want);
    if (t->num_columns() > 1) {
      auto w_y = w;
      w_y[1][100] += Fp::One();
      w_y[1][100] += t->Value(1, t->RowOfFirst(w[0][100])) == w_y[1][100] ? Fp::One() : Fp();
      EXPECT_EQ(ComputeMultiplicities(*t, w_y).status().message(), want);
      EXPECT_EQ(ComputeMultiplicities(copy, w_y).status().message(), want);
    }
  }
}

TEST(LogUp, ValueOutsideTheTableIsRejected) {
  std::mt19937_64 rng(40);
  RangeTable table(8);
  auto w = SampleWitness(table, 6, rng);
  auto m = ComputeMultiplicities(table, w).value();
  for (uint64_t bad : {uint64_t{256}, uint64_t{1000}, Fp::kModulus - 1}) {
    auto w_bad = w;
    w_bad[0][17] = Fp(bad);
    EXPECT_EQ(ComputeMultiplicities(table, w_bad).status().code(), Code::kInvalidArgument);
    // Keep the multiplicities of the honest witness: the sum no longer cancels.
    LookupRun run = Prove(table, w_bad, m);
    EXPECT_FALSE(Verify(run, run.proof).ok()) << bad;
    // Or count the bad row as the nearest table value: also rejected.
    auto m2 = m;
    m2[table.Value(0, 255).value()] += Fp::One();
    m2[w[0][17].value()] -= Fp::One();
    LookupRun run2 = Prove(table, w_bad, m2);
    EXPECT_FALSE(Verify(run2, run2.proof).ok()) << bad;
  }
  // A ReLU pair with the wrong output.
  ReluClampTable relu(8, 5);
  auto wr = SampleWitness(relu, 5, rng);
  auto mr = ComputeMultiplicities(relu, wr).value();
  wr[1][3] += Fp::One();
  LookupRun run = Prove(relu, wr, mr);
  EXPECT_FALSE(Verify(run, run.proof).ok());
}

TEST(LogUp, EveryMultiplicityChangeIsRejected) {
  std::mt19937_64 rng(41);
  RangeTable table(4);
  auto w = SampleWitness(table, 5, rng);
  auto m = ComputeMultiplicities(table, w).value();
  for (size_t j = 0; j < m.size(); ++j) {
    auto bad = m;
    bad[j] += Fp::One();
    LookupRun run = Prove(table, w, bad);
    EXPECT_FALSE(Verify(run, run.proof).ok()) << j;
  }
}

TEST(LogUp, EveryElementChangeIsRejected) {
  std::mt19937_64 rng(42);
  std::vector<std::vector<Fp>> cols(2, std::vector<Fp>(8));
  for (auto& c : cols)
    for (auto& x : c) x = Fp(rng());
  CommittedTable table(cols);
  auto w = SampleWitness(table, 4, rng);
  LookupRun run = Prove(table, w, ComputeMultiplicities(table, w).value());
  ASSERT_TRUE(Verify(run, run.proof).ok());
  size_t count = 0;
  auto reject = [&](const LogUpProof& p, const std::string& what) {
    EXPECT_FALSE(Verify(run, p).ok()) << what;
    ++count;
  };
  for (size_t i = 0; i < 4; ++i) {
    LogUpProof p = run.proof;
    p.layer1[i] += Fp2::One();
    reject(p, "layer1 " + std::to_string(i));
  }
  for (size_t l = 0; l < run.proof.layers.size(); ++l) {
    for (size_t r = 0; r < run.proof.layers[l].rounds.size(); ++r) {
      for (size_t c = 0; c < run.proof.layers[l].rounds[r].coeffs.size(); ++c) {
        if (c == 1) continue;  // not sent: the verifier derives it from the claim
        LogUpProof p = run.proof;
        p.layers[l].rounds[r].coeffs[c] += Fp2::One();
        reject(p, "layer " + std::to_string(l) + " round " + std::to_string(r));
      }
    }
    for (size_t k = 0; k < 5; ++k) {
      LogUpProof p = run.proof;
      p.layers[l].final_evals[k] += Fp2(Fp(0), Fp(3));
      reject(p, "layer " + std::to_string(l) + " final " + std::to_string(k));
    }
  }
  for (size_t c = 0; c < 2; ++c) {
    LogUpProof p = run.proof;
    p.witness_evals[c] += Fp2::One();
    reject(p, "witness eval");
    p = run.proof;
    p.table_evals[c] += Fp2::One();
    reject(p, "table eval");
  }
  LogUpProof p = run.proof;
  p.multiplicity_eval += Fp2::One();
  reject(p, "multiplicity eval");
  EXPECT_GT(count, 50u);
}

TEST(LogUp, EveryByteChangeIsRejected) {
  std::mt19937_64 rng(43);
  RangeTable table(2);
  auto w = SampleWitness(table, 2, rng);
  LookupRun run = Prove(table, w, ComputeMultiplicities(table, w).value());
  Bytes bytes = run.proof.ToBytes();
  auto accept = [&](const Bytes& b) {
    auto p = LogUpProof::Parse(b, run.st);
    return p.ok() && Verify(run, *p).ok();
  };
  ASSERT_TRUE(accept(bytes));
  testing::ExpectEveryByteFlipRejected(bytes, accept);
  Bytes longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(accept(longer));
  EXPECT_FALSE(accept(Bytes(bytes.begin(), bytes.end() - 1)));
}

}  // namespace
}  // namespace vinet::zk
