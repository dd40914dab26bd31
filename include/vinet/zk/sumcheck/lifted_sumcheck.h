// A prover fast path for the zkml joint claim batch (batch_claims.h,
// "Joint batch"): sum_x [W(x) E_W(x) + lift(A)(x) lift(E_A)(x)] over n
// variables with lift(P)(x) = P(x_j, .., x_{n-1}), j = n - n2, W and A
// base-field tables (2^n and 2^n2 values), E_W and E_A extension tables of
// the same sizes. Its proof and transcript are exactly those of
// ProveSumcheck({W, E_W, lift A, lift E_A}, JointClaimTerms(), ..., mask)
// (tested for every j, with and without a mask); only the work differs: the
// lifted tables are never built. In rounds i < j the lifted part of the round
// polynomial is the constant 2^(j-i-1) sum_y A(y) E_A(y) (it does not depend
// on the first j variables); from round j on it is an ordinary product
// sumcheck on A's own tables. Bad sizes are kInvalidArgument.
#pragma once

#include <span>

#include "vinet/common/result.h"
#include "vinet/zk/sumcheck/sumcheck.h"
#include "vinet/zk/transcript/transcript.h"

namespace vinet::zk {

Result<SumcheckProverOutput> ProveLiftedPairSumcheck(std::span<const Fp> w,
                                                     std::span<const Fp2> e_w,
                                                     std::span<const Fp> a,
                                                     std::span<const Fp2> e_a,
                                                     Transcript& transcript, unsigned threads = 1,
                                                     const SumcheckMask* mask = nullptr);

}  // namespace vinet::zk
