// Sumcheck for sums of products of multilinear polynomials (degree <= 3).
//
// Statement: claimed_sum = sum_{x in {0,1}^n} sum_t coeff_t * prod_{k in
// factors_t} P_k(x). The prover sends, per round i, the round polynomial
// g_i(X) in coefficient form (degree bound d = largest product size) WITHOUT
// its linear coefficient: the verifier completes it from the running claim so
// that g_i(0) + g_i(1) = claim, absorbs the whole polynomial and draws r_i from
// the transcript; variables are bound x_0 first (see poly/multilinear.h).
// At the end the prover sends P_k(r) for every k ("final evaluations") and the
// verifier checks sum_t coeff_t prod P_k(r) against the last claim. The
// verifier does NOT know whether the final evaluations are true: it returns
// them with the point r as a `SumcheckClaim` that the caller must discharge
// (PCS opening, a closed-form evaluation, or the next GKR layer). This makes
// the sumcheck drivable by any protocol that supplies polynomials and claims.
// Both sides absorb the claimed sum, every round message and the final
// evaluations into the shared transcript. The prover is linear-time: each
// round touches every table entry once and then folds the tables in half.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/zk/codec.h"
#include "vinet/zk/poly/univariate.h"
#include "vinet/zk/transcript/transcript.h"

namespace vinet::zk {

constexpr size_t kMaxSumcheckDegree = 3;

struct ProductTerm {
  Fp2 coeff;
  std::vector<uint32_t> factors;  // indices into the polynomial list, 1..3 of them
};

struct SumcheckProof {
  // n polynomials of degree_bound + 1 coefficients. coeffs[1] is not part of
  // the proof: Serialize skips it, Parse leaves it zero and the verifier
  // derives it (a value stored there is ignored).
  std::vector<UnivariatePoly> rounds;
  std::vector<Fp2> final_evals;  // P_k(r) for every polynomial k

  // Per round c_0, c_2, .., c_d, then the final evaluations; no counts (the
  // statement fixes them): (n d + num_polys) * 16 bytes.
  void Serialize(ByteWriter& w) const;
  // Shape is fixed by the statement; too few bytes or a value >= p is a parse
  // error naming the field and offset.
  static Result<SumcheckProof> Parse(ByteReader& r, size_t num_vars, size_t degree,
                                     size_t num_polys);
};

// What the verifier learned: the polynomials' claimed values at `point`.
struct SumcheckClaim {
  std::vector<Fp2> point;
  std::vector<Fp2> final_evals;
};

struct SumcheckProverOutput {
  SumcheckProof proof;
  Fp2 claimed_sum;
  std::vector<Fp2> point;
};

// A Libra-style masking polynomial g(x) = sum_i g_i(x_i), g_i(X) = sum_j
// coeffs[i][j] X^j (degree = the sumcheck's degree), and the verifier's
// challenge rho: the prover then sends the round polynomials of f + rho * g
// (zero-knowledge sumcheck, sumcheck/zk_sumcheck.h).
struct SumcheckMask {
  Fp2 rho;
  std::vector<std::vector<Fp2>> coeffs;  // num_vars rows of degree + 1 coefficients
};
// sum_{x in {0,1}^n} g(x) and g(point).
Fp2 MaskSum(const std::vector<std::vector<Fp2>>& coeffs);
Fp2 MaskEval(const std::vector<std::vector<Fp2>>& coeffs, std::span<const Fp2> point);

// A prover's running view of a SumcheckMask, round by round (ProveSumcheck and
// provers that write the generic sumcheck's rounds themselves, e.g. LogUp's
// layers): what rho * g adds to a round polynomial once the earlier rounds'
// variables are bound. The mask must outlive this object.
class MaskRounds {
 public:
  explicit MaskRounds(const SumcheckMask& mask);
  // rho * sum over the still-free variables of g(r_<i, X, x_>i), as
  // coefficients in X: rho (2^f (bound + g_i(X)) + 2^(f-1) rest_i), with
  // f = n - 1 - i, bound = sum_{k<i} g_k(r_k), rest_i = sum_{k>i} (g_k(0) + g_k(1)).
  UnivariatePoly Round(size_t i) const;
  // Binds round i's variable to r: the bound gains g_i(r).
  void Bind(size_t i, Fp2 r);

 private:
  const SumcheckMask& mask_;
  std::vector<Fp2> rest_;
  Fp2 bound_;
};

// The degree bound of a term list: the largest product size.
size_t SumcheckDegree(std::span<const ProductTerm> terms);

// Proves the sum of `terms` over tables of equal size 2^n (n >= 0; with n = 0
// there are no rounds, only the final evaluations). The
// tables are consumed (folded in place). Errors: kInvalidArgument on mismatched
// sizes, out-of-range factor indices or degree > 3.
// With `mask` (n >= 1, coeffs n x (degree + 1)) the claimed sum and every
// round polynomial are those of f + rho * g; the final evaluations stay f's.
Result<SumcheckProverOutput> ProveSumcheck(std::vector<std::vector<Fp2>> polys,
                                           std::span<const ProductTerm> terms,
                                           Transcript& transcript, unsigned threads = 1,
                                           const SumcheckMask* mask = nullptr);

// Checks `proof` for the claim; kVerification naming the failing round on a
// wrong message. On success the caller must still check the returned claim.
Result<SumcheckClaim> VerifySumcheck(size_t num_vars, size_t num_polys,
                                     std::span<const ProductTerm> terms, Fp2 claimed_sum,
                                     const SumcheckProof& proof, Transcript& transcript);

// The round checks of VerifySumcheck without the final one: `last_claim`
// receives the claim the final evaluations must meet (for a masked sumcheck:
// EvaluateTerms(final) + rho * g(point)).
Result<SumcheckClaim> VerifySumcheckRounds(size_t num_vars, size_t num_polys,
                                           std::span<const ProductTerm> terms, Fp2 claimed_sum,
                                           const SumcheckProof& proof, Transcript& transcript,
                                           Fp2* last_claim);

// A prover's round: interpolates g from its values at 0..d, absorbs it, draws
// the challenge r and records g and r in `out`; returns r and sets `claim` to
// g(r) (the provers with their own round loops share it with ProveSumcheck).
Fp2 SendRound(std::span<const Fp2> values, Transcript& transcript, SumcheckProverOutput& out,
              Fp2& claim);

// A verifier's round: completes g's linear coefficient from `claim` (g(0) +
// g(1) = claim), absorbs g and draws the challenge r; returns r and sets
// `claim` to g(r). kVerification naming `round` if g has not degree + 1
// coefficients (VerifySumcheckRounds and verifiers with their own loops).
Result<Fp2> ReceiveRound(UnivariatePoly g, size_t degree, size_t round, Transcript& transcript,
                         Fp2& claim);

// sum_t coeff_t * prod_k values[factor]: the combination the verifier checks.
Fp2 EvaluateTerms(std::span<const ProductTerm> terms, std::span<const Fp2> values);

}  // namespace vinet::zk
