// The requantization clamp as two chained lookups: every requantizing
// block's pair (q', clamp(q', −127, 127)) sits in ONE clamp column with ONE
// multiplicity table of 2^clamp_bits entries, and a ReLU block's output is
// the ReLU table (x, max(x, 0)) applied to that column's prefix, the same
// committed values. Checked: the layout's invariants (the prefix, disjoint
// segments, one clamp-sized multiplicity table), and cheating provers that
// break either link (the ReLU skipped, a clamped value off the clamp table,
// a non-ReLU block's ReLU shadow) are rejected at the lookups.
#include <gtest/gtest.h>

#include <algorithm>

#include "vinet/zkml/zkml.h"
#include "zkml/layout.h"
#include "zkml/package.h"
#include "zkml_test_util.h"

namespace vinet::zkml {
namespace {

using detail::AdviceLayout;
using detail::Segment;
using zk::Fp;

bool Inside(Segment inner, Segment outer) {
  return inner.offset >= outer.offset &&
         inner.offset + (size_t{1} << inner.log) <= outer.offset + (size_t{1} << outer.log);
}

// Every block's own segments and the multiplicity tables, pairwise disjoint.
void ExpectDisjoint(const AdviceLayout& al) {
  std::vector<Segment> segs;
  auto add = [&](bool has, std::initializer_list<Segment> list) {
    if (has) segs.insert(segs.end(), list);
  };
  add(true, {al.m_range, al.range_col});
  add(al.has_relu, {al.m_relu, al.relu_y});
  add(al.has_clamp, {al.m_clamp, al.clamp_x, al.clamp_y});
  add(al.has_free, {al.free_col});
  std::sort(segs.begin(), segs.end(), [](Segment a, Segment b) { return a.offset < b.offset; });
  for (size_t i = 1; i < segs.size(); ++i) {
    EXPECT_LE(segs[i - 1].offset + (size_t{1} << segs[i - 1].log), segs[i].offset);
  }
  EXPECT_LE(segs.back().offset + (size_t{1} << segs.back().log), size_t{1} << al.num_vars);
}

void ExpectClampChain(const ModelSpec& spec, size_t batch_log) {
  SCOPED_TRACE("batch_log " + std::to_string(batch_log));
  AdviceLayout al = detail::MakeAdviceLayout(spec, batch_log);
  ExpectDisjoint(al);
  ASSERT_TRUE(al.has_clamp);
  EXPECT_EQ(al.m_clamp.log, spec.clamp_bits);
  size_t relu_blocks = 0;
  std::vector<Segment> pairs;  // (q' offset in clamp_x) per requantizing block
  for (size_t i = 0; i < spec.blocks.size(); ++i) {
    const auto& s = al.blocks[i];
    if (spec.blocks[i].kind == BlockKind::kMaxPool) continue;
    Segment x = s.qp, y = spec.blocks[i].relu ? s.clamped : s.y;
    ASSERT_TRUE(Inside(x, al.clamp_x) && Inside(y, al.clamp_y)) << "block " << i;
    EXPECT_EQ(x.offset - al.clamp_x.offset, y.offset - al.clamp_y.offset) << "block " << i;
    pairs.push_back({x.offset - al.clamp_x.offset, x.log});
    if (!spec.blocks[i].relu) continue;
    ++relu_blocks;
    // The ReLU pair (clamped, y): the prefix of clamp_y against relu_y.
    ASSERT_TRUE(Inside(s.clamped, al.relu_x) && Inside(s.y, al.relu_y)) << "block " << i;
    EXPECT_EQ(s.clamped.offset - al.relu_x.offset, s.y.offset - al.relu_y.offset);
  }
  std::sort(pairs.begin(), pairs.end(), [](Segment a, Segment b) { return a.offset < b.offset; });
  for (size_t i = 1; i < pairs.size(); ++i) {
    EXPECT_LE(pairs[i - 1].offset + (size_t{1} << pairs[i - 1].log), pairs[i].offset);
  }
  EXPECT_EQ(al.has_relu, relu_blocks > 0);
  if (al.has_relu) {
    EXPECT_EQ(al.relu_x.offset, al.clamp_y.offset);
    EXPECT_EQ(al.relu_x.log, al.relu_y.log);
    EXPECT_EQ(al.m_relu.log, kReluTableBits);
  }
}

TEST(ZkmlClampChain, OneClampTableAndAReluPrefixOfIt) {
  for (bool relu : {true, false}) {
    auto c = Commit(testing::RandomMlp({20, 16, 6}, 3, relu));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    for (size_t bl : {0, 1, 3}) ExpectClampChain(c->vk.spec, bl);
  }
  auto every = Commit(testing::EveryLayerKind());
  ASSERT_TRUE(every.ok()) << every.status().ToString();
  for (size_t bl : {0, 2}) ExpectClampChain(every->vk.spec, bl);
}

// Proves `in` under `c` with the advice edited by `edit`; the proof must be
// rejected at the lookups.
void ExpectRejectedAtLookups(
    const Committed& c, const runtime::Int8Tensor& in,
    const std::function<bool(const AdviceLayout&, std::vector<Fp>&)>& edit) {
  ProverPackage cheat = *c.package;
  bool edited = false;
  cheat.edit_advice = [&](const AdviceLayout& al, std::vector<Fp>& adv) { edited = edit(al, adv); };
  auto p = Prove(cheat, in);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_TRUE(edited) << "no position to edit";
  Status st = Verify(c.vk, in, p->output, p->proof);
  EXPECT_EQ(st.code(), Code::kVerification) << st.ToString();
  EXPECT_EQ(st.message().rfind("lookups", 0), 0u) << st.message();
}

bool IsNegative(Fp v) {
  return v.value() > Fp::kModulus / 2;
}

TEST(ZkmlClampChain, CheatsOnEitherLinkAreRejectedAtTheLookups) {
  auto c = Commit(testing::RandomMlp({20, 16, 8, 6}, 3));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const ModelSpec& spec = c->vk.spec;
  ASSERT_TRUE(spec.blocks[0].relu && spec.blocks[1].relu && !spec.blocks[2].relu);
  runtime::Int8Tensor in = testing::RandomInput(c->vk, 4);
  auto honest = Prove(*c->package, in);
  ASSERT_TRUE(honest.ok());
  ASSERT_TRUE(Verify(c->vk, in, honest->output, honest->proof).ok());

  // The ReLU skipped: a negative clamped value passed on as the output.
  ExpectRejectedAtLookups(*c, in, [](const AdviceLayout& al, std::vector<Fp>& adv) {
    const auto& s = al.blocks[0];
    for (size_t n = 0; n < (size_t{1} << s.clamped.log); ++n) {
      if (!IsNegative(adv[s.clamped.offset + n])) continue;
      adv[s.y.offset + n] = adv[s.clamped.offset + n];
      return true;
    }
    return false;
  });
  // A clamped value off the clamp table, its ReLU pair kept consistent.
  ExpectRejectedAtLookups(*c, in, [](const AdviceLayout& al, std::vector<Fp>& adv) {
    const auto& s = al.blocks[0];
    Fp c2 = adv[s.clamped.offset] + Fp::One();
    adv[s.clamped.offset] = c2;
    adv[s.y.offset] = IsNegative(c2) ? Fp::Zero() : c2;
    return true;
  });
  // A non-ReLU block's entries in the ReLU prefix are checked too: the ReLU
  // outputs (16 + 8) leave room in the 32-entry prefix for the last block's 8.
  ExpectRejectedAtLookups(*c, in, [](const AdviceLayout& al, std::vector<Fp>& adv) {
    const auto& s = al.blocks[2];
    if (!Inside(s.y, al.relu_x)) return false;
    Fp& shadow = adv[al.relu_y.offset + (s.y.offset - al.relu_x.offset)];
    shadow = shadow + Fp::One();  // (y, max(y, 0) + 1) is in no row
    return true;
  });
}

}  // namespace
}  // namespace vinet::zkml
