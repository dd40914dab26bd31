// Where every committed vector lives inside the advice and weight polynomials
// (private). Both sides derive the same layout from the ModelSpec alone.
//
// Segments of size 2^log sit at offsets aligned to their size (allocated
// largest first), so a claim on a segment at point z is the claim on the whole
// polynomial at z ‖ bits(offset >> log): no extra protocol is needed to split
// one committed polynomial into many vectors.
#pragma once

#include <span>
#include <vector>

#include "vinet/zk/field/extension.h"
#include "vinet/zkml/spec.h"

namespace vinet::zkml::detail {

struct Segment {
  size_t offset = 0;
  size_t log = 0;
};

struct BlockSegments {
  size_t out_log = 0;    // log2 of one instance's output storage (Storage::log)
  size_t in_log = 0;     // log2 of one instance's input storage
  size_t batch_log = 0;  // log2 of the batch: every segment below holds 2^batch_log
                         // instances, instance b at b·2^out_log (the high variables)
  // The input rows split into power-of-two chunks (K's binary digits, largest
  // first), each with its own matmul sumcheck, so that no weight is padded
  // along K: offset = first row (aligned to 2^log), log = log2 of the rows.
  std::vector<Segment> chunks;
  Segment qp, y;  // pre-clamp quotient q', output y
  // ReLU blocks: clamp(q', −127, 127), the clamp pair's y and the ReLU pair's
  // x (y = max(clamped, 0)); other requantizing blocks: (q', y) is the pair.
  Segment clamped;
  std::vector<Segment> limbs;  // remainder limbs, kLimbBits each (range column)
  Segment shifted;             // top limb + (2^8 − 2^top_bits) (range column)
  // kMaxPool: y sits in the free column; per window slot j >= 1 the running
  // maximum's steps d_j = m_j − m_{j−1} and gaps e_j = m_j − a_j (range column).
  std::vector<Segment> d, e;
};

struct AdviceLayout {
  size_t num_vars = 0;
  size_t batch_log = 0;  // a batch proof of 2^batch_log instances (0: one inference)
  size_t clamp_bits = 0;
  std::vector<BlockSegments> blocks;
  Segment range_col, m_range;
  // The clamp pair column (q', clamp(q', −127, 127)) of every requantizing
  // block (has_clamp; ReLU blocks first), and the ReLU pair column (x, max(x, 0))
  // over its prefix: relu_x is the first 2^log entries of clamp_y (the same
  // committed values, so the two lookups chain); relu_y holds the ReLU blocks'
  // outputs at their pairs' positions and max(y, 0) wherever else.
  bool has_relu = false, has_clamp = false;
  Segment relu_x, relu_y, m_relu;
  Segment clamp_x, clamp_y, m_clamp;
  bool has_free = false;
  Segment free_col;  // max-pool outputs (int8, no lookup of their own)
};

struct WeightLayout {
  size_t num_vars = 0;
  // Per block, per chunk: [2^log rows, N padded], index (k − offset)·2^out_log + n.
  // Conv: one chunk [2^klog, OC padded], index k·2^oclog + oc. Pools, Add: none.
  std::vector<std::vector<Segment>> w;
  std::vector<Segment> bias;  // [N] / [OC] padded (unused without weights)
};

// K's binary digits as row chunks, largest first.
std::vector<Segment> KChunks(uint32_t k);
// A Linear block's weight rows: K for a flat input; otherwise the input's
// storage size (rows at padded positions are zero), so that the matmul reads
// the input in its storage layout.
uint32_t LinearRows(const ModelSpec& spec, const LinearBlock& b);
// `batch_log`: the layout of a batch of 2^batch_log instances; each block
// segment holds the instances' vectors one after the other (instance b at
// b·2^out_log), so the batch index is the segment's high variables.
AdviceLayout MakeAdviceLayout(const ModelSpec& spec, size_t batch_log = 0);
WeightLayout MakeWeightLayout(const ModelSpec& spec);

// z ‖ bits(offset >> log), total_vars coordinates.
// The point (κ ‖ bits(chunk.offset >> chunk.log) ‖ ρ_b) on a batched input
// of 2^in_log entries per instance: row chunk `chunk` at κ, instances at ρ_b.
std::vector<zk::Fp2> ChunkPoint(std::span<const zk::Fp2> kappa, Segment chunk, size_t in_log,
                                std::span<const zk::Fp2> rho_b);

std::vector<zk::Fp2> EmbedPoint(std::span<const zk::Fp2> z, Segment seg, size_t total_vars);

}  // namespace vinet::zkml::detail
