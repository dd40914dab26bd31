// The hiding mode of BasefoldPcs (basefold.h, docs/zk.md "Zero knowledge
// (hiding Basefold)"): a commitment of m polynomials of n variables is the
// plain commitment of kHidingMasks uniformly random polynomials followed by
// the m polynomials extended to n + p variables with uniform values off the
// slice x_{>=n} = 0; an opening at z is the plain opening of that batch at
// (z, 0^p), preceded by the masks' values at z.
#include <algorithm>
#include <bit>
#include <optional>
#include <string>

#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/random.h"
#include "zk/pcs/basefold_hiding_data.h"
#include "zk/pcs/basefold_lifted_masks.h"

namespace vinet::zk {
namespace {

Status Fail(const std::string& what) {
  return Error(Code::kVerification, "basefold: " + what);
}

}  // namespace

Result<PcsCommitted> BasefoldPcs::CommitWithMaskSeed(std::vector<std::vector<Fp>> polys,
                                                     const Digest& seed) const {
  if (!params_.hiding) {
    return Error(Code::kInvalidArgument, "basefold: a mask seed needs the hiding mode");
  }
  return CommitHiding(std::move(polys), &seed);
}

Result<PcsCommitted> BasefoldPcs::CommitHiding(std::vector<std::vector<Fp>> polys,
                                               const Digest* seed, size_t pad_vars,
                                               std::optional<size_t> leaf_arity, size_t masks,
                                               std::optional<size_t> top_coeffs,
                                               size_t unpadded_tail, size_t compact_tail) const {
  if (params_.regime == BasefoldRegime::kUniqueFp2) {
    return Error(Code::kInvalidArgument, "basefold: hiding needs the Fp4 challenge field");
  }
  if (polys.empty() || polys.size() > (1u << 16) - kHidingMasks) {
    return Error(Code::kInvalidArgument, "basefold: commit 1 to 65532 polynomials (hiding)");
  }
  size_t size = polys[0].size();
  if (size < 2 || !std::has_single_bit(size)) {
    return Error(Code::kInvalidArgument, "basefold: polynomial size must be 2^n, n >= 1");
  }
  for (const auto& p : polys) {
    if (p.size() != size) return Error(Code::kInvalidArgument, "basefold: sizes differ");
  }
  if (unpadded_tail > polys.size()) {
    return Error(Code::kInvalidArgument, "basefold: more unpadded polynomials than polynomials");
  }
  size_t n = std::countr_zero(size);
  size_t top = top_coeffs.value_or(SparsePadCoeffs(n));
  size_t pad = top > 0 ? 1 : pad_vars != 0 ? pad_vars : HidingPadVars(n);
  if (top > size || (top & (top - 1)) != 0) {
    return Error(Code::kInvalidArgument, "basefold: a sparse pad of " + std::to_string(top) +
                                             " coefficients does not fit " + std::to_string(n) +
                                             " variables");
  }
  if (pad == 0) {
    return Error(Code::kInvalidArgument, "basefold: hiding pad of " + std::to_string(n) +
                                             " variables does not fit the 2^32 domain");
  }
  size_t big = size << pad;
  // Masks never come from the transcript: the CSPRNG, or the secret seed.
  std::optional<MaskStream> stream;
  if (seed != nullptr) stream.emplace(*seed);
  auto fill = [&](std::span<Fp> out) {
    if (stream) {
      stream->Fill(out);
    } else {
      RandomFps(out);
    }
  };
  // The pad: every value off the slice x_{>=n} = 0 uniform, or (sparse) the
  // top half f + R with R of `top` uniform monomial coefficients.
  auto pad_table = [&](std::vector<Fp>& t) {
    if (top == 0) {
      t.resize(big);
      return fill(std::span<Fp>(t).subspan(size));
    }
    detail::AppendSparsePad(t, top, fill);  // pad = 1: big = 2 size
  };
  // Lifted masks where they apply (a primary with the sparse pad; docs/zk.md
  // "Lifted masks"): drawn first, committed in their own form.
  size_t lifted_arity =
      masks == kHidingMasks && top > 0 && !top_coeffs.has_value() && !leaf_arity.has_value()
          ? LiftedMaskArity(n)
          : 0;
  std::shared_ptr<detail::LiftedMasks> lifted;
  if (lifted_arity > 0) {
    BasefoldShape s = ShapeFor(n);
    lifted = std::make_shared<detail::LiftedMasks>(detail::DrawLiftedMasks(
        masks, n + 1, lifted_arity, detail::SlopeVars(s.num_queries), top, fill));
    masks = 0;
  }
  std::vector<std::vector<Fp>> tables;
  tables.reserve(masks + polys.size());
  for (size_t j = 0; j < masks; ++j) {
    tables.emplace_back(size);
    fill(tables.back());
    pad_table(tables.back());
  }
  for (size_t k = 0; k < polys.size(); ++k) {
    std::vector<Fp>& p = polys[k];
    if (k + unpadded_tail >= polys.size()) {
      p.resize(big);  // no pad: f in every slice of the pad variables
      for (size_t x = size; x < big; ++x) p[x] = p[x - size];
    } else {
      pad_table(p);
    }
    tables.push_back(std::move(p));
  }
  BasefoldPcs inner(lifted ? detail::LiftedPlainOf(params_) : detail::PlainOf(params_, top > 0));
  VINET_ASSIGN_OR_RETURN(
      PcsCommitted committed,
      inner.CommitPlain(std::move(tables), leaf_arity, compact_tail, std::move(lifted)));
  auto d = std::make_shared<detail::HidingProverData>();
  d->commitment = {committed.commitment.root, static_cast<uint32_t>(n),
                   static_cast<uint32_t>(polys.size())};
  d->inner = std::move(committed);
  d->pad_vars = pad;
  d->masks = lifted_arity > 0 ? kHidingMasks : masks;
  PcsCommitted out{d->commitment, d};
  return out;
}

Result<PcsOpening> BasefoldPcs::OpenHiding(const PcsProverData& data, std::span<const Fp2> point,
                                           Transcript& transcript) const {
  const auto* d = dynamic_cast<const detail::HidingProverData*>(&data);
  if (d == nullptr) return Error(Code::kInvalidArgument, "basefold: prover data of another scheme");
  if (point.size() != d->commitment.num_vars) {
    return Error(Code::kInvalidArgument, "basefold: point has the wrong number of variables");
  }
  BasefoldPcs inner(detail::PlainOf(params_));
  std::vector<Fp2> all;
  VINET_ASSIGN_OR_RETURN(
      BasefoldProof proof,
      inner.OpenProof(*d->inner.data, detail::InnerPoint(point, d->pad_vars), transcript, &all));
  ByteWriter w;
  for (size_t j = 0; j < kHidingMasks; ++j) w.Field(all[j]);
  proof.Serialize(w);
  PcsOpening out;
  out.evals.assign(all.begin() + kHidingMasks, all.end());
  out.proof = w.Take();
  return out;
}

Result<BasefoldPcs::HidingProof> BasefoldPcs::ParseHidingProof(ByteSpan bytes, size_t num_vars,
                                                               size_t num_polys) const {
  detail::HidingInner in = detail::InnerOf(*this, num_vars);
  size_t pad = in.pad_vars;
  if (pad == 0 || num_polys == 0 || num_polys > (1u << 16) - kHidingMasks) {
    return Error(Code::kParse, "basefold hiding proof: no shape for " + std::to_string(num_vars) +
                                   " variables and " + std::to_string(num_polys) + " polynomials");
  }
  ByteReader r(bytes);
  HidingProof out;
  VINET_ASSIGN_OR_RETURN(out.mask_evals, r.FieldArray<Fp2>("basefold.mask_evals", kHidingMasks));
  size_t at = r.offset();
  BasefoldPcs inner(in.plain);
  auto proof = BasefoldProof::Parse(bytes.subspan(at), inner.ShapeFor(num_vars + pad),
                                    num_polys + kHidingMasks);
  if (!proof.ok()) {
    return Error(proof.status().code(), "basefold hiding proof, offsets from byte " +
                                            std::to_string(at) + ": " + proof.status().message());
  }
  out.inner = std::move(*proof);
  return out;
}

Status BasefoldPcs::VerifyHiding(const PcsCommitment& c, std::span<const Fp2> point,
                                 std::span<const Fp2> evals, ByteSpan proof_bytes,
                                 Transcript& transcript) const {
  if (point.size() != c.num_vars) {
    return Error(Code::kInvalidArgument, "basefold: point has the wrong number of variables");
  }
  if (evals.size() != c.num_polys) {
    return Error(Code::kInvalidArgument, "basefold: evaluations do not fit the commitment");
  }
  detail::HidingInner in = detail::InnerOf(*this, c.num_vars);
  size_t pad = in.pad_vars;
  if (pad == 0 || c.num_polys == 0 || c.num_polys > (1u << 16) - kHidingMasks) {
    return Fail("commitment of " + std::to_string(c.num_vars) + " variables and " +
                std::to_string(c.num_polys) + " polynomials has no hiding shape");
  }
  VINET_ASSIGN_OR_RETURN(HidingProof proof, ParseHidingProof(proof_bytes, c.num_vars, c.num_polys));
  std::vector<Fp2> all = proof.mask_evals;
  all.insert(all.end(), evals.begin(), evals.end());
  BasefoldPcs inner(in.plain);
  return inner.VerifyProof(detail::InnerCommitment(c, pad), detail::InnerPoint(point, pad), all,
                           proof.inner, transcript);
}

}  // namespace vinet::zk
