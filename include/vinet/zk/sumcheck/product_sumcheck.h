// A prover fast path for the commonest sumcheck statement: sum_x f(x) e(x)
// with f a base-field table (committed data: weights, advice) and e an
// extension table (an eq combination). Its proof and transcript are exactly
// ProveSumcheck({ToExtension(f), e}, {{1, {0, 1}}}) (sumcheck.h, no mask);
// only the work differs: the first round multiplies base-field values, and
// every later round is one pass that folds both tables and sums the next
// round, on reused buffers. Inputs of different or non-power-of-two
// sizes are rejected like ProveSumcheck rejects them.
#pragma once

#include <span>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/zk/sumcheck/sumcheck.h"
#include "vinet/zk/transcript/transcript.h"

namespace vinet::zk {

Result<SumcheckProverOutput> ProveBaseTimesExt(std::span<const Fp> f, std::span<const Fp2> e,
                                               Transcript& transcript, unsigned threads = 1);

}  // namespace vinet::zk
