#include "vinet/zk/sumcheck/sumcheck.h"

#include <algorithm>
#include <array>
#include <bit>
#include <mutex>
#include <optional>
#include <string>

#include "vinet/zk/parallel.h"
#include "vinet/zk/poly/multilinear.h"

namespace vinet::zk {
namespace {

using RoundEvals = std::array<Fp2, kMaxSumcheckDegree + 1>;

Status CheckStatement(const std::vector<std::vector<Fp2>>& polys,
                      std::span<const ProductTerm> terms) {
  if (polys.empty() || !std::has_single_bit(polys[0].size())) {
    return Error(Code::kInvalidArgument, "sumcheck: need tables of size 2^n");
  }
  for (const auto& p : polys) {
    if (p.size() != polys[0].size()) {
      return Error(Code::kInvalidArgument, "sumcheck: tables differ in size");
    }
  }
  if (terms.empty()) return Error(Code::kInvalidArgument, "sumcheck: no terms");
  for (const auto& t : terms) {
    if (t.factors.empty() || t.factors.size() > kMaxSumcheckDegree) {
      return Error(Code::kInvalidArgument, "sumcheck: a term needs 1 to 3 factors");
    }
    for (uint32_t f : t.factors) {
      if (f >= polys.size()) {
        return Error(Code::kInvalidArgument, "sumcheck: factor index out of range");
      }
    }
  }
  return Status::Ok();
}

// Adds sum_{i in [b, e)} prod_f P_f(i, X) at X = 0..D to `sums`: each factor's
// line through (lo, hi) is walked by repeated addition of hi - lo. The term's
// coefficient is applied once per chunk by the caller (linearity).
// With kSkipOne the value at X = 1 is not computed (the caller derives it
// from the running claim as claim - g(0)).
template <size_t F, size_t D, bool kSkipOne>
void AccumulateTerm(const std::array<const Fp2*, F>& tab, size_t b, size_t e, RoundEvals& sums) {
  RoundEvals local{};
  for (size_t i = b; i < e; ++i) {
    std::array<Fp2, F> v, d;
    for (size_t f = 0; f < F; ++f) {
      v[f] = tab[f][2 * i];
      d[f] = tab[f][2 * i + 1] - v[f];
    }
    for (size_t t = 0; t <= D; ++t) {
      if (t > 0) {
        for (size_t f = 0; f < F; ++f) v[f] += d[f];
      }
      if (kSkipOne && t == 1) continue;
      Fp2 prod = v[0];
      for (size_t f = 1; f < F; ++f) prod *= v[f];
      local[t] += prod;
    }
  }
  for (size_t t = 0; t <= D; ++t) sums[t] += local[t];
}

template <size_t D, bool kSkipOne>
void AccumulateTermDegree(const std::vector<std::vector<Fp2>>& polys, const ProductTerm& term,
                          size_t b, size_t e, RoundEvals& sums) {
  const auto& fs = term.factors;
  switch (fs.size()) {
    case 1:
      AccumulateTerm<1, D, kSkipOne>({polys[fs[0]].data()}, b, e, sums);
      break;
    case 2:
      AccumulateTerm<2, D, kSkipOne>({polys[fs[0]].data(), polys[fs[1]].data()}, b, e, sums);
      break;
    default:
      AccumulateTerm<3, D, kSkipOne>(
          {polys[fs[0]].data(), polys[fs[1]].data(), polys[fs[2]].data()}, b, e, sums);
      break;
  }
}

template <bool kSkipOne>
void AccumulateAnyDegree(const std::vector<std::vector<Fp2>>& polys, const ProductTerm& term,
                         size_t degree, size_t b, size_t e, RoundEvals& sums) {
  switch (degree) {
    case 1:
      AccumulateTermDegree<1, kSkipOne>(polys, term, b, e, sums);
      break;
    case 2:
      AccumulateTermDegree<2, kSkipOne>(polys, term, b, e, sums);
      break;
    default:
      AccumulateTermDegree<3, kSkipOne>(polys, term, b, e, sums);
      break;
  }
}

// Evaluations of the round polynomial at X = 0..degree for pairs [b, e).
RoundEvals RoundChunk(const std::vector<std::vector<Fp2>>& polys,
                      std::span<const ProductTerm> terms, size_t degree, bool skip_one, size_t b,
                      size_t e) {
  RoundEvals sums{};
  for (const auto& term : terms) {
    RoundEvals part{};
    if (skip_one) {
      AccumulateAnyDegree<true>(polys, term, degree, b, e, part);
    } else {
      AccumulateAnyDegree<false>(polys, term, degree, b, e, part);
    }
    bool unit = term.coeff == Fp2::One();
    for (size_t t = 0; t <= degree; ++t) sums[t] += unit ? part[t] : term.coeff * part[t];
  }
  return sums;
}

// The linear coefficient of a round polynomial with g(0) + g(1) = claim.
Fp2 LinearCoefficientFor(const UnivariatePoly& g, Fp2 claim) {
  // g(0) + g(1) = 2 c_0 + c_1 + sum_{j >= 2} c_j
  Fp2 rest = g.coeffs[0] + g.coeffs[0];
  for (size_t j = 2; j < g.coeffs.size(); ++j) rest += g.coeffs[j];
  return claim - rest;
}

}  // namespace

Fp2 MaskSum(const std::vector<std::vector<Fp2>>& coeffs) {
  // Each g_i appears 2^(n-1) times at x_i = 0 and at x_i = 1.
  size_t n = coeffs.size();
  if (n == 0) return Fp2::Zero();
  Fp2 half_cube = Fp2(Fp(2)).Pow(n - 1);
  Fp2 acc;
  for (const auto& g : coeffs) {
    Fp2 at0 = g[0], at1;
    for (const Fp2& c : g) at1 += c;
    acc += at0 + at1;
  }
  return half_cube * acc;
}

Fp2 MaskEval(const std::vector<std::vector<Fp2>>& coeffs, std::span<const Fp2> point) {
  Fp2 acc;
  for (size_t i = 0; i < coeffs.size(); ++i) {
    Fp2 power = Fp2::One();
    for (const Fp2& c : coeffs[i]) {
      acc += c * power;
      power *= point[i];
    }
  }
  return acc;
}

MaskRounds::MaskRounds(const SumcheckMask& mask) : mask_(mask), rest_(mask.coeffs.size()) {
  for (size_t i = rest_.size(); i-- > 1;) {
    rest_[i - 1] = rest_[i] + UnivariatePoly{mask.coeffs[i]}.SumOverBooleans();
  }
}

UnivariatePoly MaskRounds::Round(size_t i) const {
  size_t free_vars = mask_.coeffs.size() - 1 - i;
  Fp2 copies = Fp2(Fp(2)).Pow(free_vars);
  Fp2 rest_part = free_vars > 0 ? Fp2(Fp(2)).Pow(free_vars - 1) * rest_[i] : Fp2::Zero();
  const auto& g = mask_.coeffs[i];
  UnivariatePoly out{std::vector<Fp2>(g.size())};
  out.coeffs[0] = mask_.rho * (copies * (bound_ + g[0]) + rest_part);
  for (size_t c = 1; c < g.size(); ++c) out.coeffs[c] = mask_.rho * copies * g[c];
  return out;
}

void MaskRounds::Bind(size_t i, Fp2 r) {
  bound_ += UnivariatePoly{mask_.coeffs[i]}.Evaluate(r);
}

size_t SumcheckDegree(std::span<const ProductTerm> terms) {
  size_t d = 0;
  for (const auto& t : terms) d = std::max(d, t.factors.size());
  return d;
}

Fp2 EvaluateTerms(std::span<const ProductTerm> terms, std::span<const Fp2> values) {
  Fp2 acc;
  for (const auto& t : terms) {
    Fp2 prod = t.coeff;
    for (uint32_t f : t.factors) prod *= values[f];
    acc += prod;
  }
  return acc;
}

void SumcheckProof::Serialize(ByteWriter& w) const {
  for (const auto& r : rounds) {
    for (size_t j = 0; j < r.coeffs.size(); ++j) {
      if (j != 1) w.Field(r.coeffs[j]);  // the linear coefficient follows from the claim
    }
  }
  for (const Fp2& v : final_evals) w.Field(v);
}

Result<SumcheckProof> SumcheckProof::Parse(ByteReader& r, size_t num_vars, size_t degree,
                                           size_t num_polys) {
  if (degree < 1 || degree > kMaxSumcheckDegree) {
    return Error(Code::kInvalidArgument, "sumcheck: degree must be 1 to 3");
  }
  // Per round c_0, c_2, .., c_d (c_1 is derived by the verifier), then P_k(r).
  VINET_ASSIGN_OR_RETURN(std::vector<Fp2> sent,
                         r.FieldArray<Fp2>("sumcheck.rounds", num_vars * degree));
  SumcheckProof proof;
  proof.rounds.resize(num_vars);
  for (size_t i = 0; i < num_vars; ++i) {
    std::vector<Fp2>& c = proof.rounds[i].coeffs;
    c.assign(degree + 1, Fp2());
    c[0] = sent[i * degree];
    for (size_t j = 2; j <= degree; ++j) c[j] = sent[i * degree + j - 1];
  }
  VINET_ASSIGN_OR_RETURN(proof.final_evals, r.FieldArray<Fp2>("sumcheck.final_evals", num_polys));
  return proof;
}

Fp2 SendRound(std::span<const Fp2> values, Transcript& transcript, SumcheckProverOutput& out,
              Fp2& claim) {
  UnivariatePoly g = UnivariatePoly::Interpolate(values);
  transcript.AbsorbFp2s("sumcheck.round", g.coeffs);
  Fp2 r = transcript.ChallengeFp2("sumcheck.challenge");
  claim = g.Evaluate(r);
  out.point.push_back(r);
  out.proof.rounds.push_back(std::move(g));
  return r;
}

Result<SumcheckProverOutput> ProveSumcheck(std::vector<std::vector<Fp2>> polys,
                                           std::span<const ProductTerm> terms,
                                           Transcript& transcript, unsigned threads,
                                           const SumcheckMask* mask) {
  VINET_RETURN_IF_ERROR(CheckStatement(polys, terms));
  size_t num_vars = std::countr_zero(polys[0].size());
  size_t degree = SumcheckDegree(terms);
  if (mask != nullptr) {
    if (num_vars == 0 || mask->coeffs.size() != num_vars) {
      return Error(Code::kInvalidArgument, "sumcheck: the mask needs one row per variable");
    }
    for (const auto& g : mask->coeffs) {
      if (g.size() != degree + 1) {
        return Error(Code::kInvalidArgument, "sumcheck: mask rows need degree + 1 coefficients");
      }
    }
  }
  std::optional<MaskRounds> masked;
  if (mask != nullptr) masked.emplace(*mask);
  SumcheckProverOutput out;
  if (num_vars == 0) {  // nothing to reduce: the sum is the single term value
    std::vector<Fp2> values;
    for (const auto& p : polys) values.push_back(p[0]);
    out.claimed_sum = EvaluateTerms(terms, values);
    transcript.AbsorbFp2("sumcheck.claim", out.claimed_sum);
  }
  Fp2 claim;
  for (size_t round = 0; round < num_vars; ++round) {
    size_t half = polys[0].size() / 2;
    RoundEvals total{};
    std::mutex mu;
    ParallelFor(
        half, threads,
        [&](size_t b, size_t e) {
          RoundEvals part = RoundChunk(polys, terms, degree, round > 0, b, e);
          std::lock_guard<std::mutex> lock(mu);
          for (size_t t = 0; t <= degree; ++t) total[t] += part[t];
        },
        1024);
    if (masked) {
      UnivariatePoly m = masked->Round(round);
      for (size_t t = 0; t <= degree; ++t) {
        if (round > 0 && t == 1) continue;  // derived from the claim below
        total[t] += m.Evaluate(Fp2(Fp(static_cast<uint64_t>(t))));
      }
    }
    if (round == 0) {
      out.claimed_sum = total[0] + total[1];
      transcript.AbsorbFp2("sumcheck.claim", out.claimed_sum);
    } else {
      total[1] = claim - total[0];  // g(0) + g(1) = claim
    }
    Fp2 r = SendRound(std::span<const Fp2>(total.data(), degree + 1), transcript, out, claim);
    if (masked) masked->Bind(round, r);
    for (auto& p : polys) FoldFirstVariable(p, r, threads);
  }
  for (const auto& p : polys) out.proof.final_evals.push_back(p[0]);
  transcript.AbsorbFp2s("sumcheck.final_evals", out.proof.final_evals);
  return out;
}

Result<SumcheckClaim> VerifySumcheck(size_t num_vars, size_t num_polys,
                                     std::span<const ProductTerm> terms, Fp2 claimed_sum,
                                     const SumcheckProof& proof, Transcript& transcript) {
  Fp2 claim;
  Transcript fork = transcript;  // the final evaluations are absorbed only once checked
  VINET_ASSIGN_OR_RETURN(SumcheckClaim out, VerifySumcheckRounds(num_vars, num_polys, terms,
                                                                 claimed_sum, proof, fork, &claim));
  if (EvaluateTerms(terms, proof.final_evals) != claim) {
    return Error(Code::kVerification, "sumcheck: final evaluations do not match the last round");
  }
  transcript = fork;
  return out;
}

Result<Fp2> ReceiveRound(UnivariatePoly g, size_t degree, size_t round, Transcript& transcript,
                         Fp2& claim) {
  if (g.coeffs.size() != degree + 1) {
    return Error(Code::kVerification,
                 "sumcheck: round " + std::to_string(round) + " has the wrong degree");
  }
  g.coeffs[1] = LinearCoefficientFor(g, claim);  // g(0) + g(1) = claim by construction
  transcript.AbsorbFp2s("sumcheck.round", g.coeffs);
  Fp2 r = transcript.ChallengeFp2("sumcheck.challenge");
  claim = g.Evaluate(r);
  return r;
}

Result<SumcheckClaim> VerifySumcheckRounds(size_t num_vars, size_t num_polys,
                                           std::span<const ProductTerm> terms, Fp2 claimed_sum,
                                           const SumcheckProof& proof, Transcript& transcript,
                                           Fp2* last_claim) {
  for (const auto& t : terms) {
    if (t.factors.empty() || t.factors.size() > kMaxSumcheckDegree) {
      return Error(Code::kInvalidArgument, "sumcheck: a term needs 1 to 3 factors");
    }
    for (uint32_t f : t.factors) {
      if (f >= num_polys) return Error(Code::kInvalidArgument, "sumcheck: factor out of range");
    }
  }
  size_t degree = SumcheckDegree(terms);
  if (proof.rounds.size() != num_vars || proof.final_evals.size() != num_polys) {
    return Error(Code::kVerification, "sumcheck: proof has the wrong shape");
  }
  transcript.AbsorbFp2("sumcheck.claim", claimed_sum);
  Fp2 claim = claimed_sum;
  SumcheckClaim out;
  for (size_t round = 0; round < num_vars; ++round) {
    VINET_ASSIGN_OR_RETURN(Fp2 r,
                           ReceiveRound(proof.rounds[round], degree, round, transcript, claim));
    out.point.push_back(r);
  }
  *last_claim = claim;
  transcript.AbsorbFp2s("sumcheck.final_evals", proof.final_evals);
  out.final_evals = proof.final_evals;
  return out;
}

}  // namespace vinet::zk
