#include "zkml/gather.h"

#include <algorithm>
#include <utility>

#include "vinet/zk/poly/multilinear.h"

namespace vinet::zkml::detail {

using zk::Fp;
using zk::Fp2;

namespace {

// Visits every window slot of every output position of one channel in the
// runtime's loop order: f(out_position, slot, in_position or -1 when padding,
// slot counted as padded). The geometry is the same for every channel.
template <typename F>
void ForEachWindowSlot(const Window& w, F&& f) {
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
          f(p, static_cast<uint32_t>(i * w.kw + j), valid ? ih * w.w + iw : -1, !end);
        }
      }
    }
  }
}

// The same for every channel: f(channel, out_position, slot, in_position, counted).
template <typename F>
void ForEachSlot(const Window& w, F&& f) {
  for (uint32_t c = 0; c < w.c; ++c) {
    ForEachWindowSlot(w, [&](uint32_t p, uint32_t slot, int64_t at, bool counted) {
      f(c, p, slot, at, counted);
    });
  }
}

}  // namespace

size_t GatherColLog(const LinearBlock& b) {
  return Storage{b.win.c, b.win.h * b.win.w}.log();
}

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

namespace {

// Σ a_k·b_k over Fp2 reduced once: a0b0, a1b1 and a0b1 + a1b0 in 128-bit
// accumulators with overflow counts (2^128 = −2^32 mod p), then
// c0 = Σa0b0 + 7·Σa1b1, c1 = Σ(a0b1 + a1b0).
class Fp2DotSum {
 public:
  [[gnu::always_inline]] void Add(Fp2 a, Fp2 b) {
    uint64_t a0 = a.c0().value(), a1 = a.c1().value(), b0 = b.c0().value(), b1 = b.c1().value();
    Acc(s00_, a0, b0);
    Acc(s11_, a1, b1);
    Acc(s01_, a0, b1);
    Acc(s01_, a1, b0);
  }
  Fp2 Value() const {
    return Fp2(Reduced(s00_) + Reduced(s11_) * Fp(Fp2::kNonResidue), Reduced(s01_));
  }

 private:
  struct Wide {
    unsigned __int128 acc = 0;
    uint64_t wraps = 0;
  };
  [[gnu::always_inline]] static void Acc(Wide& w, uint64_t a, uint64_t b) {
    unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
    w.acc += p;
    w.wraps += w.acc < p;
  }
  static Fp Reduced(const Wide& w) {
    constexpr Fp kTwoTo128(Fp::kModulus - (uint64_t{1} << 32));
    return Fp::Reduce(w.acc) + Fp(w.wraps) * kTwoTo128;
  }
  Wide s00_, s11_, s01_;
};

// [lo, hi) of the outputs o < n whose input o·stride + offset lies in [0, size).
std::pair<int64_t, int64_t> ValidRange(int64_t n, int64_t stride, int64_t offset, int64_t size) {
  int64_t lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  int64_t hi = size - 1 - offset >= 0 ? (size - 1 - offset) / stride + 1 : 0;
  return {std::min(lo, n), std::clamp(hi, std::min(lo, n), n)};
}

}  // namespace

Fp2 ConvGatherEval(const LinearBlock& b, std::span<const Fp2> eq_p, std::span<const Fp2> k_point,
                   std::span<const Fp2> col_point) {
  // G̃ = Σ_{c,p,slot valid} eq_p[p]·eq_k[c·kk + slot]·eq_c[c]·eq_pos[at(p, slot)]
  //   = Σ_c eq_c[c] Σ_slot eq_k[c·kk + slot]·S[slot],
  // S[slot] = Σ_{p: slot valid} eq_p[p]·eq_pos[at(p, slot)] (no channel in it);
  // a slot (i, j) is valid at (oh, ow) when its input (ih, iw) is inside the
  // input, so S runs over a rectangle of output positions.
  const Window& w = b.win;
  size_t in_plog = Storage{w.c, w.h * w.w}.plog();
  std::vector<Fp2> eq_pos = zk::EqTable(col_point.first(in_plog));
  std::vector<Fp2> eq_c = zk::EqTable(col_point.subspan(in_plog));
  std::vector<Fp2> eq_k = zk::EqTable(k_point);
  uint32_t kk = w.kh * w.kw;
  std::vector<Fp2> per_slot(kk);
  for (int64_t i = 0; i < w.kh; ++i) {
    auto [oh_lo, oh_hi] = ValidRange(w.oh, w.sh, i * w.dh - int64_t{w.pt}, w.h);
    for (int64_t j = 0; j < w.kw; ++j) {
      int64_t col_off = j * w.dw - int64_t{w.pl};
      auto [ow_lo, ow_hi] = ValidRange(w.ow, w.sw, col_off, w.w);
      Fp2DotSum sum;
      for (int64_t oh = oh_lo; oh < oh_hi; ++oh) {
        int64_t ih = oh * w.sh + i * w.dh - int64_t{w.pt};
        int64_t p_base = oh * w.ow, in_base = ih * w.w + col_off;  // in_base may be < 0
        for (int64_t ow = ow_lo; ow < ow_hi; ++ow) {
          sum.Add(eq_p[p_base + ow], eq_pos[in_base + ow * w.sw]);
        }
      }
      per_slot[i * w.kw + j] = sum.Value();
    }
  }
  Fp2 sum;
  for (uint32_t c = 0; c < w.c; ++c) {
    Fp2 inner;
    for (uint32_t slot = 0; slot < kk; ++slot)
      inner += eq_k[size_t{c} * kk + slot] * per_slot[slot];
    sum += eq_c[c] * inner;
  }
  return sum;
}

Fp2 PoolGatherEval(const LinearBlock& b, std::span<const Fp2> row_point,
                   std::span<const Fp2> col_point, std::span<const Fp2> group_weights) {
  // Rows and columns both split as (channel, position) and every channel has
  // the same window geometry: G̃ = (Σ_c eq_rc[c]·eq_cc[c])·Σ_p eq_rp[p]·T[p],
  // T[p] = Σ_slot w·coef·eq_cp[column position of (p, slot)].
  const Window& w = b.win;
  size_t in_plog = Storage{w.c, w.h * w.w}.plog();
  size_t out_plog = Storage{w.c, w.oh * w.ow}.plog();
  std::vector<Fp2> eq_rp = zk::EqTable(row_point.first(out_plog));
  std::vector<Fp2> eq_rc = zk::EqTable(row_point.subspan(out_plog));
  std::vector<Fp2> eq_cp = zk::EqTable(col_point.first(in_plog));
  std::vector<Fp2> eq_cc = zk::EqTable(col_point.subspan(in_plog));
  uint32_t kk = w.kh * w.kw;
  bool is_max = b.kind == BlockKind::kMaxPool;
  std::vector<int64_t> at(kk);
  int64_t valid = 0, padded = 0;
  Fp2 positions;
  ForEachWindowSlot(w, [&](uint32_t p, uint32_t slot, int64_t a, bool counted) {
    if (slot == 0) valid = padded = 0;
    at[slot] = a;
    valid += a >= 0;
    padded += counted;
    if (slot != kk - 1) return;
    Fp2 term;
    if (is_max) {
      int64_t first = -1;
      for (int64_t x : at) first = first < 0 ? x : first;
      if (first < 0) return;  // PoolGather lists no entry for this output
      for (uint32_t s = 0; s < kk; ++s) term += group_weights[s] * eq_cp[at[s] < 0 ? first : at[s]];
    } else {
      int64_t k = w.count_include_pad ? padded : valid;
      if (k == 0) return;
      for (int64_t x : at) {
        if (x >= 0) term += eq_cp[x];
      }
      term = term * group_weights[0] * Fp::FromSigned(PoolMultiplier(k, b.shift));
    }
    positions += eq_rp[p] * term;
  });
  Fp2 channels;
  for (uint32_t c = 0; c < w.c; ++c) channels += eq_rc[c] * eq_cc[c];
  return channels * positions;
}

std::vector<int64_t> GatherApply(const Gather& g, std::span<const int64_t> x, uint32_t group) {
  std::vector<int64_t> y(size_t{1} << g.row_log);
  for (const GatherEntry& e : g.entries) {
    if (e.group == group) y[e.row] += e.coef * x[e.col];
  }
  return y;
}

}  // namespace vinet::zkml::detail
