// The verifier's factored gather evaluations (ConvGatherEval, PoolGatherEval)
// against the entry-by-entry sum GatherEval over the listed entries, on random
// points, for windows with padding, stride, dilation, windows that reach past
// the input (ceil mode), windows with no valid element, and several channels.
#include <gtest/gtest.h>

#include <random>

#include "vinet/zk/poly/multilinear.h"
#include "zkml/gather.h"

namespace vinet::zkml::detail {
namespace {

using zk::Fp;
using zk::Fp2;

std::vector<Fp2> RandomPoint(std::mt19937_64& rng, size_t n) {
  std::vector<Fp2> v(n);
  for (Fp2& x : v) x = Fp2(Fp(rng() % Fp::kModulus), Fp(rng() % Fp::kModulus));
  return v;
}

std::vector<Fp2> Concat(std::span<const Fp2> a, std::span<const Fp2> b) {
  std::vector<Fp2> v(a.begin(), a.end());
  v.insert(v.end(), b.begin(), b.end());
  return v;
}

// A window over c×h×w with the given kernel, stride, dilation and padding;
// out_extra adds output rows/columns past the floor-mode size (ceil mode).
Window MakeWindow(uint32_t c, uint32_t h, uint32_t w, uint32_t k, uint32_t s, uint32_t d,
                  uint32_t pad, uint32_t out_extra) {
  Window win;
  win.c = c, win.h = h, win.w = w, win.oc = c + 1;
  win.kh = k, win.kw = k, win.sh = s, win.sw = s, win.dh = d, win.dw = d;
  win.pt = win.pl = win.pb = win.pr = pad;
  win.oh = (h + 2 * pad - d * (k - 1) - 1) / s + 1 + out_extra;
  win.ow = (w + 2 * pad - d * (k - 1) - 1) / s + 1 + out_extra;
  return win;
}

std::vector<Window> Windows() {
  return {MakeWindow(1, 28, 28, 5, 1, 1, 2, 0),  // LeNet-5 conv1
          MakeWindow(6, 14, 14, 5, 1, 1, 0, 0),  // LeNet-5 conv2
          MakeWindow(3, 16, 16, 3, 2, 1, 1, 0), MakeWindow(2, 9, 7, 3, 2, 2, 2, 0),
          MakeWindow(3, 7, 7, 2, 2, 1, 0, 1),   MakeWindow(5, 6, 5, 3, 3, 1, 2, 1),
          MakeWindow(2, 3, 3, 2, 1, 1, 3, 0)};  // windows entirely in the padding
}

TEST(GatherEval, ConvFactoredMatchesEntrySum) {
  std::mt19937_64 rng(11);
  for (const Window& win : Windows()) {
    LinearBlock b;
    b.kind = BlockKind::kConv;
    b.win = win;
    Gather g = ConvGather(b);
    size_t plog = Storage{win.oc, win.oh * win.ow}.plog();
    ASSERT_EQ(g.col_log, GatherColLog(b));
    for (int rep = 0; rep < 3; ++rep) {
      std::vector<Fp2> rho_p = RandomPoint(rng, plog), k_point = RandomPoint(rng, ConvKLog(b));
      std::vector<Fp2> col = RandomPoint(rng, g.col_log);
      std::vector<Fp2> one = {Fp2::One()};
      Fp2 want = GatherEval(g, zk::EqTable(Concat(rho_p, k_point)), zk::EqTable(col), one);
      EXPECT_EQ(ConvGatherEval(b, zk::EqTable(rho_p), k_point, col), want)
          << win.c << "x" << win.h << "x" << win.w << " k" << win.kh;
    }
  }
}

TEST(GatherEval, PoolFactoredMatchesEntrySum) {
  std::mt19937_64 rng(12);
  for (BlockKind kind : {BlockKind::kMaxPool, BlockKind::kAvgPool}) {
    for (bool include_pad : {false, true}) {
      for (const Window& w : Windows()) {
        LinearBlock b;
        b.kind = kind;
        b.win = w;
        b.win.count_include_pad = include_pad;
        b.shift = 12;
        Gather g = PoolGather(b);
        ASSERT_EQ(g.col_log, GatherColLog(b));
        std::vector<Fp2> weights = RandomPoint(rng, g.groups);
        std::vector<Fp2> row = RandomPoint(rng, g.row_log), col = RandomPoint(rng, g.col_log);
        Fp2 want = GatherEval(g, zk::EqTable(row), zk::EqTable(col), weights);
        EXPECT_EQ(PoolGatherEval(b, row, col, weights), want)
            << static_cast<int>(kind) << " " << w.c << "x" << w.h << "x" << w.w << " k" << w.kh;
        // A different column point gives a different value (the check can fail).
        std::vector<Fp2> other = col;
        other[0] += Fp2::One();
        if (!g.entries.empty()) {
          EXPECT_NE(PoolGatherEval(b, row, other, weights), want);
        }
      }
    }
  }
}

}  // namespace
}  // namespace vinet::zkml::detail
