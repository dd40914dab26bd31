#include "zkml/layout.h"

#include "zkml/gather.h"

#include <algorithm>
#include <numeric>

namespace vinet::zkml::detail {

namespace {

// Offsets for segments of sizes 2^logs[i], each aligned to its size, largest
// first; returns the log2 of the total (at least 1 so that the PCS accepts
// it). With `first` (one flag per segment) the flagged segments come first,
// from offset 0, and *first_log is the log2 of the prefix holding them all
// (it may also hold others).
size_t Allocate(std::span<const size_t> logs, std::vector<size_t>& offsets,
                std::span<const uint8_t> first = {}, size_t* first_log = nullptr) {
  auto flagged = [&](size_t i) { return !first.empty() && first[i] != 0; };
  std::vector<size_t> order(logs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return flagged(a) != flagged(b) ? flagged(a) : logs[a] > logs[b];
  });
  offsets.assign(logs.size(), 0);
  size_t at = 0, first_end = 0;
  for (size_t i : order) {
    size_t size = size_t{1} << logs[i];
    at = (at + size - 1) / size * size;  // a no-op but after a smaller flagged one
    offsets[i] = at;
    at += size;
    if (flagged(i)) first_end = at;
  }
  if (first_log != nullptr) *first_log = std::max<size_t>(1, CeilLog2(first_end));
  return std::max<size_t>(1, CeilLog2(at));
}

// Sub-segments inside a column: relative offsets, column log.
struct Column {
  std::vector<size_t> logs, offsets;
  size_t log = 0;
  size_t Add(size_t l) {
    logs.push_back(l);
    return logs.size() - 1;
  }
};

}  // namespace

std::vector<Segment> KChunks(uint32_t k) {
  std::vector<Segment> chunks;
  size_t at = 0;
  for (int bit = 31; bit >= 0; --bit) {
    if ((k >> bit) & 1u) {
      chunks.push_back({at, static_cast<size_t>(bit)});
      at += size_t{1} << bit;
    }
  }
  return chunks;
}

uint32_t LinearRows(const ModelSpec& spec, const LinearBlock& b) {
  Storage st = spec.StorageOf(b.input);
  return st.flat() ? b.in_size : uint32_t{1} << st.log();
}

AdviceLayout MakeAdviceLayout(const ModelSpec& spec, size_t batch_log) {
  AdviceLayout a;
  a.clamp_bits = spec.clamp_bits;
  a.batch_log = batch_log;
  // Every requantizing block's (q', clamp(q', ±127)) pair sits in the clamp
  // column, the ReLU blocks' in its prefix of 2^relu_log entries, whose y half
  // is also the x half of the ReLU column (y = max(x, 0) at every position).
  Column range, clamp, free;
  std::vector<uint8_t> is_relu;
  struct Ids {
    size_t clamp;
    std::vector<size_t> limbs, d, e;
    size_t shifted;
  };
  std::vector<Ids> ids(spec.blocks.size());
  a.blocks.resize(spec.blocks.size());
  for (size_t i = 0; i < spec.blocks.size(); ++i) {
    const LinearBlock& b = spec.blocks[i];
    BlockSegments& s = a.blocks[i];
    s.out_log = spec.StorageOf(static_cast<int32_t>(i)).log();
    s.in_log = spec.StorageOf(b.input).log();
    s.batch_log = batch_log;
    size_t seg_log = s.out_log + batch_log;
    if (b.kind == BlockKind::kLinear) s.chunks = KChunks(LinearRows(spec, b));
    if (b.kind == BlockKind::kMaxPool) {
      ids[i].clamp = free.Add(seg_log);
      for (uint32_t j = 1; j < b.win.kh * b.win.kw; ++j) {
        ids[i].d.push_back(range.Add(seg_log));
        ids[i].e.push_back(range.Add(seg_log));
      }
      continue;
    }
    ids[i].clamp = clamp.Add(seg_log);
    is_relu.push_back(b.relu);
    a.has_relu = a.has_relu || b.relu;
    for (uint32_t l = 0; l < b.num_limbs(); ++l) ids[i].limbs.push_back(range.Add(seg_log));
    ids[i].shifted = range.Add(seg_log);
  }
  for (Column* c : {&range, &free}) c->log = Allocate(c->logs, c->offsets);
  size_t relu_log = 0;
  clamp.log = Allocate(clamp.logs, clamp.offsets, is_relu, &relu_log);
  a.has_clamp = !clamp.logs.empty();
  a.has_free = !free.logs.empty();
  // Top level: range column, clamp column pairs, multiplicities, free column.
  std::vector<size_t> logs = {range.log, kLimbBits};
  if (a.has_relu) logs.insert(logs.end(), {relu_log, kReluTableBits});
  if (a.has_clamp) logs.insert(logs.end(), {clamp.log, clamp.log, spec.clamp_bits});
  if (a.has_free) logs.push_back(free.log);
  std::vector<size_t> off;
  a.num_vars = Allocate(logs, off);
  size_t k = 0;
  a.range_col = {off[k], logs[k]}, ++k;
  a.m_range = {off[k], logs[k]}, ++k;
  if (a.has_relu) a.relu_y = {off[k], logs[k]}, a.m_relu = {off[k + 1], logs[k + 1]}, k += 2;
  if (a.has_clamp) {
    a.clamp_x = {off[k], logs[k]}, a.clamp_y = {off[k + 1], logs[k + 1]};
    a.m_clamp = {off[k + 2], logs[k + 2]}, k += 3;
  }
  if (a.has_relu) a.relu_x = {a.clamp_y.offset, relu_log};
  if (a.has_free) a.free_col = {off[k], logs[k]}, ++k;
  for (size_t i = 0; i < spec.blocks.size(); ++i) {
    BlockSegments& s = a.blocks[i];
    size_t seg_log = s.out_log + batch_log;
    if (spec.blocks[i].kind == BlockKind::kMaxPool) {
      s.y = {a.free_col.offset + free.offsets[ids[i].clamp], seg_log};
      for (size_t id : ids[i].d) s.d.push_back({a.range_col.offset + range.offsets[id], seg_log});
      for (size_t id : ids[i].e) s.e.push_back({a.range_col.offset + range.offsets[id], seg_log});
      continue;
    }
    size_t rel = clamp.offsets[ids[i].clamp];  // the pair's offset in the clamp column
    s.qp = {a.clamp_x.offset + rel, seg_log};
    if (spec.blocks[i].relu) {
      s.clamped = {a.clamp_y.offset + rel, seg_log};
      s.y = {a.relu_y.offset + rel, seg_log};
    } else {
      s.y = {a.clamp_y.offset + rel, seg_log};
    }
    for (size_t id : ids[i].limbs)
      s.limbs.push_back({a.range_col.offset + range.offsets[id], seg_log});
    s.shifted = {a.range_col.offset + range.offsets[ids[i].shifted], seg_log};
  }
  return a;
}

WeightLayout MakeWeightLayout(const ModelSpec& spec) {
  // Per block: the weight chunks' logs, then the bias log (none without weights).
  std::vector<std::vector<size_t>> per(spec.blocks.size());
  std::vector<size_t> logs;
  for (size_t i = 0; i < spec.blocks.size(); ++i) {
    const LinearBlock& b = spec.blocks[i];
    if (b.kind == BlockKind::kLinear) {
      for (Segment c : KChunks(LinearRows(spec, b))) per[i].push_back(c.log + CeilLog2(b.out_size));
      per[i].push_back(CeilLog2(b.out_size));
    } else if (b.kind == BlockKind::kConv) {
      per[i] = {ConvKLog(b) + CeilLog2(b.win.oc), CeilLog2(b.win.oc)};
    }
    logs.insert(logs.end(), per[i].begin(), per[i].end());
  }
  std::vector<size_t> off;
  WeightLayout w;
  w.num_vars = Allocate(logs, off);
  size_t k = 0;
  for (size_t i = 0; i < spec.blocks.size(); ++i) {
    w.w.emplace_back();
    w.bias.emplace_back();
    if (per[i].empty()) continue;
    for (size_t c = 0; c + 1 < per[i].size(); ++c, ++k) w.w.back().push_back({off[k], logs[k]});
    w.bias.back() = {off[k], logs[k]};
    ++k;
  }
  return w;
}

std::vector<zk::Fp2> ChunkPoint(std::span<const zk::Fp2> kappa, Segment chunk, size_t in_log,
                                std::span<const zk::Fp2> rho_b) {
  std::vector<zk::Fp2> p(kappa.begin(), kappa.end());
  size_t high = chunk.offset >> chunk.log;
  for (size_t k = chunk.log; k < in_log; ++k) {
    p.push_back(((high >> (k - chunk.log)) & 1) ? zk::Fp2::One() : zk::Fp2::Zero());
  }
  p.insert(p.end(), rho_b.begin(), rho_b.end());
  return p;
}

std::vector<zk::Fp2> EmbedPoint(std::span<const zk::Fp2> z, Segment seg, size_t total_vars) {
  std::vector<zk::Fp2> p(z.begin(), z.end());
  size_t high = seg.offset >> seg.log;
  for (size_t k = seg.log; k < total_vars; ++k) {
    p.push_back(((high >> (k - seg.log)) & 1) ? zk::Fp2::One() : zk::Fp2::Zero());
  }
  return p;
}

}  // namespace vinet::zkml::detail
