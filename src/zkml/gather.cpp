#include "zkml/gather.h"

namespace vinet::zkml::detail {

using zk::Fp;
using zk::Fp2;

namespace {

// Visits every window slot of every output position in the runtime's loop
// order: f(channel, out_position, slot, in_position or -1 when padding,
// slot counted as padded).
template <typename F>
void ForEachSlot(const Window& w, F&& f) {
  for (uint32_t c = 0; c < w.c; ++c) {
    for (int64_t oh = 0; oh < w.oh; ++oh) {
      for (int64_t ow = 0; ow < w.ow; ++ow) {
        int64_t h0 = oh * w.sh - w.pt, w0 = ow * w.sw - w.pl;
        uint32_t p = static_cast<uint32_t>(oh * w.ow + ow);
        for (int64_t i = 0; i < w.kh; ++i) {
          int64_t ih = h0 + i * w.dh;
          bool row_end = ih >= static_cast<int64_t>(w.h) + w.pb;
          for (int64_t j = 0; j < w.kw; ++j) {
            int64_t iw = w0 + j * w.dw;
            bool end = row_end || iw >= static_cast<int64_t>(w.w) + w.pr;
            bool valid = !end && ih >= 0 && ih < w.h && iw >= 0 && iw < w.w;
            f(c, p, static_cast<uint32_t>(i * w.kw + j), valid ? ih * w.w + iw : -1, !end);
          }
        }
      }
    }
  }
}

}  // namespace

size_t ConvKLog(const LinearBlock& b) {
  return CeilLog2(uint64_t{b.win.c} * b.win.kh * b.win.kw);
}

int64_t PoolMultiplier(int64_t k, uint32_t shift) {
  return ((int64_t{1} << shift) + k / 2) / k;
}

Gather ConvGather(const LinearBlock& b) {
  const Window& w = b.win;
  Storage in{w.c, w.h * w.w}, out{w.oc, w.oh * w.ow};
  Gather g;
  g.col_log = in.log();
  size_t plog = out.plog();
  g.row_log = plog + ConvKLog(b);
  uint32_t kk = w.kh * w.kw;
  ForEachSlot(w, [&](uint32_t c, uint32_t p, uint32_t slot, int64_t at, bool) {
    if (at < 0) return;
    uint32_t k = c * kk + slot;
    g.entries.push_back({static_cast<uint32_t>(p + (size_t{k} << plog)),
                         static_cast<uint32_t>((size_t{c} << in.plog()) + at), 0, 1});
  });
  return g;
}

Gather PoolGather(const LinearBlock& b) {
  const Window& w = b.win;
  Storage in{w.c, w.h * w.w}, out{w.c, w.oh * w.ow};
  Gather g;
  g.col_log = in.log();
  g.row_log = out.log();
  uint32_t kk = w.kh * w.kw;
  bool is_max = b.kind == BlockKind::kMaxPool;
  g.groups = is_max ? kk : 1;
  // Per output: the slots' input positions, then the entries.
  std::vector<int64_t> at(kk);
  int64_t valid = 0, padded = 0;
  auto flush = [&](uint32_t c, uint32_t p) {
    uint32_t row = static_cast<uint32_t>((size_t{c} << out.plog()) + p);
    size_t base = size_t{c} << in.plog();
    if (is_max) {
      int64_t first = -1;
      for (int64_t a : at) first = first < 0 ? a : first;
      if (first < 0) return;  // no valid element: rejected at commit (y would be −127)
      for (uint32_t s = 0; s < kk; ++s) {
        int64_t a = at[s] < 0 ? first : at[s];
        g.entries.push_back({row, static_cast<uint32_t>(base + a), s, 1});
      }
      return;
    }
    int64_t k = w.count_include_pad ? padded : valid;
    if (k == 0) return;
    int64_t m = PoolMultiplier(k, b.shift);
    for (int64_t a : at) {
      if (a >= 0) g.entries.push_back({row, static_cast<uint32_t>(base + a), 0, m});
    }
  };
  ForEachSlot(w, [&](uint32_t c, uint32_t p, uint32_t slot, int64_t a, bool counted) {
    if (slot == 0) valid = padded = 0;
    at[slot] = a;
    valid += a >= 0;
    padded += counted;
    if (slot == kk - 1) flush(c, p);
  });
  return g;
}

std::vector<Fp2> GatherTable(const Gather& g, std::span<const Fp2> eq_rows,
                             std::span<const Fp2> group_weights) {
  std::vector<Fp2> t(size_t{1} << g.col_log);
  for (const GatherEntry& e : g.entries) {
    t[e.col] += eq_rows[e.row] * group_weights[e.group] * Fp::FromSigned(e.coef);
  }
  return t;
}

Fp2 GatherEval(const Gather& g, std::span<const Fp2> eq_rows, std::span<const Fp2> eq_cols,
               std::span<const Fp2> group_weights) {
  // Σ_e coef_e · w[group_e] · eq_rows[row_e] · eq_cols[col_e].
  Fp2 sum;
  for (const GatherEntry& e : g.entries) {
    sum += eq_rows[e.row] * eq_cols[e.col] * group_weights[e.group] * Fp::FromSigned(e.coef);
  }
  return sum;
}

std::vector<int64_t> GatherApply(const Gather& g, std::span<const int64_t> x, uint32_t group) {
  std::vector<int64_t> y(size_t{1} << g.row_log);
  for (const GatherEntry& e : g.entries) {
    if (e.group == group) y[e.row] += e.coef * x[e.col];
  }
  return y;
}

}  // namespace vinet::zkml::detail
