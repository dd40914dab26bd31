// Fixed sparse linear maps defined by a block's geometry (private).
//
// A gather G maps a source vector x (the block input, in its storage layout)
// to rows: (G·x)[row] = Σ coef·x[col]. Conv's im2col matrix (rows p + k·2^plog),
// a pool's window sums (avg: coefficient M_k of the window) and a max-pool's
// window slots (one group per slot) are gathers. Both sides build them from
// the key alone; the prover folds a row point into a table over the columns
// (`GatherTable`), the verifier evaluates G̃(row point, column point) itself
// (`ConvGatherEval`, `PoolGatherEval`: factored by channel and window slot,
// without listing the entries; `GatherEval` is the entry-by-entry reference),
// so a claim on G·x reduces to one on x by a degree-2 sumcheck.
#pragma once

#include <span>
#include <vector>

#include "vinet/zk/field/extension.h"
#include "vinet/zkml/spec.h"

namespace vinet::zkml::detail {

struct GatherEntry {
  uint32_t row = 0, col = 0, group = 0;
  int64_t coef = 1;
};

struct Gather {
  size_t row_log = 0, col_log = 0;
  uint32_t groups = 1;
  std::vector<GatherEntry> entries;
};

// Conv im2col: rows p + (k << plog_out), k = ic·kh·kw + i·kw + j, K padded to 2^klog.
Gather ConvGather(const LinearBlock& b);
// Avg pool: rows = output storage, coef M_k. Max pool: group = window slot
// (a slot outside the input repeats the window's first valid element).
Gather PoolGather(const LinearBlock& b);

// Columns of ConvGather(b) / PoolGather(b): log2 of the input's storage (c, h·w).
size_t GatherColLog(const LinearBlock& b);
// Conv: log2 of the padded im2col rows K = c·kh·kw.
size_t ConvKLog(const LinearBlock& b);
// M_k = round(2^s / k), the runtime's pool multiplier.
int64_t PoolMultiplier(int64_t k, uint32_t shift);

std::vector<zk::Fp2> GatherTable(const Gather& g, std::span<const zk::Fp2> eq_rows,
                                 std::span<const zk::Fp2> group_weights);
zk::Fp2 GatherEval(const Gather& g, std::span<const zk::Fp2> eq_rows,
                   std::span<const zk::Fp2> eq_cols, std::span<const zk::Fp2> group_weights);
// G̃(row point, column point) of ConvGather(b), the row point given as
// eq_p = EqTable(its first plog_out coordinates) and k_point (the ConvKLog(b)
// rest): O(P·kh·kw + c·kh·kw) products, same value as GatherEval.
zk::Fp2 ConvGatherEval(const LinearBlock& b, std::span<const zk::Fp2> eq_p,
                       std::span<const zk::Fp2> k_point, std::span<const zk::Fp2> col_point);
// G̃ of PoolGather(b) weighted by the groups (avg: group_weights[0]):
// O(P·kh·kw + c) products, same value as GatherEval.
zk::Fp2 PoolGatherEval(const LinearBlock& b, std::span<const zk::Fp2> row_point,
                       std::span<const zk::Fp2> col_point, std::span<const zk::Fp2> group_weights);
// Integer G·x over the rows (the prover's accumulators).
std::vector<int64_t> GatherApply(const Gather& g, std::span<const int64_t> x, uint32_t group);

}  // namespace vinet::zkml::detail
