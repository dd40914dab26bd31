// The PCS conformance suite: one parametrized suite that every
// MultilinearPcs implementation (LigeroPcs, BasefoldPcs, and their parameter
// sets) must pass. Honest openings for many sizes and batch widths; wrong
// evaluations, points, commitments and transcripts rejected; every byte of a
// small opening flipped is rejected; every truncation and an extension are
// kParse; hostile counts are refused without allocating.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <random>
#include <string>

#include "unit/zk/random_values.h"
#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/pcs/ligero.h"
#include "vinet/zk/poly/multilinear.h"

namespace vinet::zk {
namespace {

struct PcsCase {
  std::string name;
  std::function<std::unique_ptr<MultilinearPcs>()> make;
};

std::ostream& operator<<(std::ostream& os, const PcsCase& c) {
  return os << c.name;
}

std::vector<std::vector<Fp>> RandomPolys(std::mt19937_64& rng, size_t count, size_t n) {
  std::vector<std::vector<Fp>> out(count, std::vector<Fp>(size_t{1} << n));
  for (auto& p : out)
    for (auto& x : p) x = Fp(rng() % Fp::kModulus);
  return out;
}

std::vector<Fp2> RandomPoint(std::mt19937_64& rng, size_t vars) {
  return testing::RandomFp2s(rng, vars);
}

class Conformance : public ::testing::TestWithParam<PcsCase> {
 protected:
  void SetUp() override { pcs_ = GetParam().make(); }

  struct Opened {
    PcsCommitted committed;
    std::vector<Fp2> point;
    PcsOpening opening;
  };
  Opened OpenRandom(size_t n, size_t count, uint64_t seed) const {
    std::mt19937_64 rng(seed);
    Opened o;
    o.committed = pcs_->Commit(RandomPolys(rng, count, n)).value();
    o.point = RandomPoint(rng, n);
    Transcript t("conformance");
    o.opening = pcs_->Open(*o.committed.data, o.point, t).value();
    return o;
  }
  Status Check(const Opened& o, ByteSpan proof) const {
    Transcript t("conformance");
    return pcs_->Verify(o.committed.commitment, o.point, o.opening.evals, proof, t);
  }

  std::unique_ptr<MultilinearPcs> pcs_;
};

TEST_P(Conformance, OpensWhatWasCommittedAndRejectsWrongStatements) {
  struct Size {
    size_t n, count;
  };
  for (Size sz :
       {Size{1, 1}, Size{2, 1}, Size{3, 2}, Size{5, 1}, Size{8, 4}, Size{11, 1}, Size{13, 3}}) {
    SCOPED_TRACE("n=" + std::to_string(sz.n) + " count=" + std::to_string(sz.count));
    std::mt19937_64 rng(sz.n * 7 + sz.count);
    auto polys = RandomPolys(rng, sz.count, sz.n);
    auto committed = pcs_->Commit(polys);
    ASSERT_TRUE(committed.ok()) << committed.status().ToString();
    EXPECT_EQ(committed->commitment.num_vars, sz.n);
    EXPECT_EQ(committed->commitment.num_polys, sz.count);
    for (int opening = 0; opening < 2; ++opening) {  // commit once, open many
      auto point = RandomPoint(rng, sz.n);
      Transcript tp("conformance");
      auto open = pcs_->Open(*committed->data, point, tp);
      ASSERT_TRUE(open.ok()) << open.status().ToString();
      ASSERT_EQ(open->evals.size(), sz.count);
      for (size_t k = 0; k < sz.count; ++k) {
        EXPECT_EQ(open->evals[k], EvaluateMle(std::span<const Fp>(polys[k]), point));
      }
      const PcsCommitment& c = committed->commitment;
      Transcript tv("conformance");
      Status ok = pcs_->Verify(c, point, open->evals, open->proof, tv);
      ASSERT_TRUE(ok.ok()) << ok.ToString();
      EXPECT_EQ(tp.state(), tv.state());  // both sides end in the same transcript state
      for (size_t k = 0; k < sz.count; ++k) {
        auto wrong = open->evals;
        wrong[k] += Fp2(Fp(0), Fp(1));
        Transcript t("conformance");
        EXPECT_EQ(pcs_->Verify(c, point, wrong, open->proof, t).code(), Code::kVerification);
      }
      for (size_t v = 0; v < sz.n; ++v) {
        auto other = point;
        other[v] += Fp2::One();
        Transcript t("conformance");
        EXPECT_EQ(pcs_->Verify(c, other, open->evals, open->proof, t).code(), Code::kVerification)
            << "variable " << v;
      }
      Transcript other_protocol("conformance-2");
      EXPECT_FALSE(pcs_->Verify(c, point, open->evals, open->proof, other_protocol).ok());
      Transcript extra("conformance");
      extra.AbsorbU64("prior", 1);  // the caller absorbed something the prover did not
      EXPECT_FALSE(pcs_->Verify(c, point, open->evals, open->proof, extra).ok());
    }
  }
}

TEST_P(Conformance, WrongCommitmentIsRejected) {
  Opened a = OpenRandom(9, 2, 1), b = OpenRandom(9, 2, 2);
  ASSERT_TRUE(Check(a, a.opening.proof).ok());
  Transcript t("conformance");
  EXPECT_FALSE(
      pcs_->Verify(b.committed.commitment, a.point, a.opening.evals, a.opening.proof, t).ok());
  for (size_t byte = 0; byte < 32; ++byte) {
    PcsCommitment c = a.committed.commitment;
    c.root[byte] ^= 0x10;
    Transcript tc("conformance");
    EXPECT_FALSE(pcs_->Verify(c, a.point, a.opening.evals, a.opening.proof, tc).ok()) << byte;
  }
  // The same polynomials under a commitment claiming a different batch width.
  PcsCommitment wider = a.committed.commitment;
  wider.num_polys = 3;
  std::vector<Fp2> evals3 = a.opening.evals;
  evals3.push_back(Fp2::One());
  Transcript tw("conformance");
  EXPECT_FALSE(pcs_->Verify(wider, a.point, evals3, a.opening.proof, tw).ok());
}

TEST_P(Conformance, EveryFlippedByteOfASmallOpeningIsRejected) {
  for (size_t n : {2u, 5u}) {
    Opened o = OpenRandom(n, 2, 40 + n);
    const Bytes& proof = o.opening.proof;
    ASSERT_TRUE(Check(o, proof).ok());
    for (size_t i = 0; i < proof.size(); ++i) {
      Bytes bad = proof;
      bad[i] ^= static_cast<uint8_t>(1u << (i % 8));
      Status s = Check(o, bad);
      EXPECT_TRUE(s.code() == Code::kParse || s.code() == Code::kVerification)
          << "n=" << n << " byte " << i << ": " << s.ToString();
    }
  }
}

TEST_P(Conformance, TruncationAndExtensionAreParseErrors) {
  Opened o = OpenRandom(5, 2, 77);
  const Bytes& proof = o.opening.proof;
  for (size_t len = 0; len < proof.size(); ++len) {
    Status s = Check(o, ByteSpan(proof.data(), len));
    EXPECT_EQ(s.code(), Code::kParse) << "prefix " << len << ": " << s.ToString();
  }
  for (uint8_t extra : {uint8_t{0}, uint8_t{0xff}}) {
    Bytes longer = proof;
    longer.push_back(extra);
    Status s = Check(o, longer);
    EXPECT_EQ(s.code(), Code::kParse) << s.ToString();
    EXPECT_NE(s.message().find("trailing"), std::string::npos) << s.message();
  }
}

TEST_P(Conformance, HostileCountsAreRefusedBeforeWork) {
  // Every 4-byte window set to 0xffffffff (a huge count wherever a count is):
  // never accepted, never an allocation of that size (the test would abort).
  Opened o = OpenRandom(4, 2, 5);
  const Bytes& proof = o.opening.proof;
  size_t parse_errors = 0;
  for (size_t i = 0; i + 4 <= proof.size(); ++i) {
    Bytes bad = proof;
    for (size_t k = 0; k < 4; ++k) bad[i + k] = 0xff;
    Status s = Check(o, bad);
    ASSERT_FALSE(s.ok()) << "offset " << i;
    if (s.code() == Code::kParse) {
      ++parse_errors;
      EXPECT_NE(s.message().find("offset"), std::string::npos) << s.message();
    }
  }
  EXPECT_GT(parse_errors, 0u);
}

TEST_P(Conformance, SoundnessAndParametersAreStated) {
  for (size_t n = 1; n <= 22; ++n) EXPECT_GE(pcs_->SoundnessBits(n), 100.0) << "n=" << n;
  EXPECT_FALSE(pcs_->ParametersEncoding().empty());
  EXPECT_FALSE(pcs_->name().empty());
  EXPECT_EQ(pcs_->Commit({}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(pcs_->Commit({std::vector<Fp>(3)}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(pcs_->Commit({std::vector<Fp>(4), std::vector<Fp>(8)}).status().code(),
            Code::kInvalidArgument);
  auto c = pcs_->Commit({std::vector<Fp>(8)}).value();
  Transcript t("x");
  EXPECT_EQ(pcs_->Open(*c.data, std::vector<Fp2>(2), t).status().code(), Code::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(
    AllSchemes, Conformance,
    ::testing::Values(
        PcsCase{"ligero",
                [] {
                  return std::make_unique<LigeroPcs>(LigeroParams{100, 2, 1});
                }},
        PcsCase{"ligero_rate2_t2",
                [] {
                  return std::make_unique<LigeroPcs>(LigeroParams{128, 1, 2});
                }},
        PcsCase{"basefold", [] { return std::make_unique<BasefoldPcs>(); }},
        PcsCase{"basefold_arity2_t2",
                [] {
                  return std::make_unique<BasefoldPcs>(BasefoldParams{100, 2, 1, 2, 8, 2});
                }},
        PcsCase{"basefold_first3_rounds2",
                [] {
                  return std::make_unique<BasefoldPcs>(
                      BasefoldParams{100, 2, 2, 2, 8, 1, BasefoldRegime::kJohnsonFp4, 3});
                }},
        PcsCase{"basefold_rate8_arity16",
                [] {
                  return std::make_unique<BasefoldPcs>(BasefoldParams{100, 3, 4, 0, 12, 1});
                }},
        PcsCase{"basefold_hiding",
                [] { return std::make_unique<BasefoldPcs>(BasefoldParams::Hiding()); }},
        PcsCase{"basefold_conjectured",
                [] { return std::make_unique<BasefoldPcs>(BasefoldParams::Conjectured()); }},
        PcsCase{"basefold_hiding_conjectured",
                [] { return std::make_unique<BasefoldPcs>(BasefoldParams::HidingConjectured()); }},
        PcsCase{"basefold_hiding_conjectured_rate32",
                [] {
                  BasefoldParams p = BasefoldParams::HidingConjectured();
                  p.log_inv_rate = 5;  // ZKML keys of kinds 4 to 7 may name rate 1/32
                  return std::make_unique<BasefoldPcs>(p);
                }},
        PcsCase{
            "basefold_unique_fp2",
            [] { return std::make_unique<BasefoldPcs>(BasefoldParams::UniqueDecoding(100, 2)); }}),
    [](const ::testing::TestParamInfo<PcsCase>& info) { return info.param.name; });

}  // namespace
}  // namespace vinet::zk
