// Joint openings of BasefoldPcs (basefold.h, docs/zk.md "Joint openings"):
// a secondary commitment of n2 <= n variables rides in the folding of a
// primary of n variables, so the two cost one sumcheck, one set of later
// rounds, one final polynomial and one proof of work; the secondary adds its
// queried leaves and their multi-proof. Hiding: both inner batches (the
// primary's masks and padded polynomials, the secondary's padded
// polynomials) with the same pad p, at (z, 0^p) and its suffix.
#include <algorithm>
#include <bit>
#include <string>

#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/poly/multilinear.h"
#include "zk/pcs/basefold_hiding_data.h"

namespace vinet::zk {
namespace {

Status Invalid(const std::string& what) {
  return Error(Code::kInvalidArgument, "basefold joint: " + what);
}

}  // namespace

size_t BasefoldPcs::MinSecondaryLeafLog() const {
  // Version 12 of ParametersEncoding extends 11: the sets with a wide first round.
  return WideFirstApplies() && params_.secondary_leaf_log > 1
             ? static_cast<size_t>(params_.secondary_leaf_log)
             : 1;
}

Result<BasefoldEntry> BasefoldPcs::JointEntry(size_t primary_vars, size_t secondary_vars,
                                              SecondaryLifts lifts) const {
  if (secondary_vars == 0 || secondary_vars > primary_vars) {
    return Invalid("a secondary of " + std::to_string(secondary_vars) +
                   " variables cannot join a primary of " + std::to_string(primary_vars));
  }
  detail::HidingInner in = detail::InnerOf(*this, primary_vars);
  if (params_.hiding && in.pad_vars == 0) return Invalid("no hiding pad for the primary");
  // The plain shape of the (inner) primary.
  BasefoldShape s = BasefoldPcs(in.plain).ShapeFor(primary_vars + in.pad_vars);
  // After j = lift folds: inside a round, or (j > 0 on a round boundary) after
  // the last fold of the round before, so that the secondary's leaves are
  // pairs of symbols rather than the next round's whole cosets.
  size_t lift = primary_vars - secondary_vars, folded = 0;
  for (size_t r = 0; r < s.Rounds(); ++r) {
    bool inside = lift < folded + s.arity[r];
    bool ends_round = lift > 0 && lift == folded + s.arity[r] && r + 1 < s.Rounds();
    if (inside || ends_round) {
      size_t arity = s.arity[r] - (lift - folded);
      // The wider leaf where the sparse pad left after j folds covers it
      // (s.top_coeffs: the inner primary's, the same on both sides), else pairs.
      size_t leaf_log = std::max(arity, BasefoldPcs(in.plain).MinSecondaryLeafLog());
      if (s.top_coeffs > 0 && (s.num_queries + 1) << leaf_log > s.top_coeffs >> lift) {
        leaf_log = std::max<size_t>(arity, 1);
      }
      BasefoldEntry entry{r, lift - folded, arity, leaf_log};
      if (lifts.count > 0 && lifts.vars <= secondary_vars &&
          secondary_vars - lifts.vars >= entry.leaf_log) {
        entry.compact = lifts.count;  // a lift is constant on every leaf
      }
      // A sparse pad: after j folds the primary's degree bound leaves the
      // secondary q / 2^j pad coefficients, which must cover its opened leaves.
      if (in.top_coeffs > 0 && (s.num_queries + 1) << entry.leaf_log > in.top_coeffs >> lift) {
        return Invalid("a secondary of " + std::to_string(secondary_vars) +
                       " variables is too small for the primary's sparse pad");
      }
      return entry;
    }
    folded += s.arity[r];
  }
  return Invalid("a secondary of " + std::to_string(secondary_vars) +
                 " variables would enter after the last round of a primary of " +
                 std::to_string(primary_vars));
}

Result<PcsCommitted> BasefoldPcs::CommitSecondary(std::vector<std::vector<Fp>> polys,
                                                  size_t primary_vars, SecondaryLifts lifts) const {
  if (polys.empty() || lifts.count >= polys.size() || !std::has_single_bit(polys[0].size())) {
    return Invalid("secondary polynomials must have 2^n values, and one is not a lift");
  }
  size_t n2 = std::countr_zero(polys[0].size()), lift = primary_vars - std::min(primary_vars, n2);
  // Lifts: tables of lifts.vars variables, each value repeated over the
  // secondary's first n2 - vars variables (a stride the encoder detects).
  for (size_t k = polys.size() - lifts.count; k < polys.size(); ++k) {
    if (lifts.vars == 0 || lifts.vars > n2 || polys[k].size() != size_t{1} << lifts.vars) {
      return Invalid("a lift must have 2^vars values, vars in 1.." + std::to_string(n2));
    }
    polys[k] = LiftToLastVars(polys[k], n2);
  }
  VINET_ASSIGN_OR_RETURN(BasefoldEntry entry, JointEntry(primary_vars, n2, lifts));
  if (!params_.hiding) return CommitPlain(std::move(polys), entry.leaf_log, entry.compact);
  // The pad must cover the secondary's opened leaves too (docs/zk.md). A
  // sparse one has the primary's coefficients over 2^j: after j folds the
  // primary's degree bound is 2^n2 + q / 2^j.
  // (JointEntry checked a sparse pad.)
  detail::HidingInner in = detail::InnerOf(*this, primary_vars);
  size_t pad = in.pad_vars;
  if (in.top_coeffs == 0) {
    size_t t = BasefoldPcs(in.plain).ShapeFor(primary_vars + pad).num_queries;
    if ((t + 1) << entry.leaf_log > ((size_t{1} << pad) - 1) << n2) {
      return Invalid("the pad of " + std::to_string(pad) + " variables does not hide " +
                     std::to_string(t) + " secondary leaves");
    }
  }
  return CommitHiding(std::move(polys), nullptr, pad, entry.leaf_log, 0, in.top_coeffs >> lift,
                      lifts.count, entry.compact);
}

Result<BasefoldPcs::JointOpening> BasefoldPcs::OpenJoint(const PcsProverData& primary,
                                                         const PcsProverData& secondary,
                                                         std::span<const Fp2> point,
                                                         Transcript& transcript) const {
  if (!params_.hiding) return OpenJointPlain(primary, secondary, point, transcript);
  const auto* d1 = dynamic_cast<const detail::HidingProverData*>(&primary);
  const auto* d2 = dynamic_cast<const detail::HidingProverData*>(&secondary);
  if (d1 == nullptr || d2 == nullptr || d1->pad_vars != d2->pad_vars || d1->masks != kHidingMasks ||
      d2->masks != 0) {
    return Invalid("hiding prover data with one pad, a masked primary and a secondary expected");
  }
  if (point.size() != d1->commitment.num_vars) return Invalid("point does not fit the primary");
  BasefoldPcs inner(detail::InnerOf(*this, d1->commitment.num_vars).plain);
  VINET_ASSIGN_OR_RETURN(JointOpening in,
                         inner.OpenJointPlain(*d1->inner.data, *d2->inner.data,
                                              detail::InnerPoint(point, d1->pad_vars), transcript));
  ByteWriter w;
  for (size_t j = 0; j < kHidingMasks; ++j) w.Field(in.primary_evals[j]);
  w.Raw(in.proof);
  JointOpening out;
  out.primary_evals.assign(in.primary_evals.begin() + kHidingMasks, in.primary_evals.end());
  out.secondary_evals = std::move(in.secondary_evals);
  out.proof = w.Take();
  return out;
}

Status BasefoldPcs::VerifyJoint(const PcsCommitment& primary, const PcsCommitment& secondary,
                                std::span<const Fp2> point, std::span<const Fp2> primary_evals,
                                std::span<const Fp2> secondary_evals, ByteSpan bytes,
                                Transcript& transcript, SecondaryLifts lifts) const {
  if (point.size() != primary.num_vars || primary_evals.size() != primary.num_polys ||
      secondary_evals.size() != secondary.num_polys) {
    return Invalid("point or evaluations do not fit the commitments");
  }
  if (params_.regime == BasefoldRegime::kUniqueFp2) return Invalid("joint openings need Fp4");
  if (primary.num_polys == 0 || secondary.num_polys == 0 || primary.num_polys > (1u << 15) ||
      secondary.num_polys > (1u << 15) ||
      primary.num_vars + params_.log_inv_rate + 1 > static_cast<uint32_t>(Fp::kTwoAdicity)) {
    return Error(Code::kVerification, "basefold: commitments have no joint shape");
  }
  if (lifts.count >= secondary.num_polys) return Invalid("every secondary polynomial is a lift");
  VINET_ASSIGN_OR_RETURN(BasefoldEntry entry,
                         JointEntry(primary.num_vars, secondary.num_vars, lifts));
  detail::HidingInner in = detail::InnerOf(*this, primary.num_vars);
  size_t pad = in.pad_vars;
  size_t masks1 = params_.hiding ? kHidingMasks : 0;
  BasefoldPcs inner(in.plain);
  PcsCommitment c1 = params_.hiding ? detail::InnerCommitment(primary, pad) : primary;
  PcsCommitment c2 = params_.hiding ? detail::InnerCommitment(secondary, pad, 0) : secondary;
  ByteReader r(bytes);
  VINET_ASSIGN_OR_RETURN(std::vector<Fp2> m1, r.FieldArray<Fp2>("basefold.mask_evals", masks1));
  size_t at = r.offset();
  BasefoldShape s = inner.ShapeFor(c1.num_vars);
  auto proof = BasefoldProof::Parse(bytes.subspan(at), s, c1.num_polys, &entry, c2.num_polys);
  if (!proof.ok()) {
    return Error(proof.status().code(), "basefold joint proof, offsets from byte " +
                                            std::to_string(at) + ": " + proof.status().message());
  }
  m1.insert(m1.end(), primary_evals.begin(), primary_evals.end());
  std::vector<Fp2> z = detail::InnerPoint(point, pad);
  // The inner secondary has the pad's variables too (the lifts' stride is the same).
  SecondaryLifts inner_lifts = lifts;
  if (lifts.count > 0) inner_lifts.vars += c2.num_vars - secondary.num_vars;
  return inner.VerifyJointPlain(c1, c2, z, m1, secondary_evals, *proof, transcript, inner_lifts);
}

}  // namespace vinet::zk
