#include "zkml/block_verifier.h"

#include <fmt/format.h>

#include "vinet/zk/poly/multilinear.h"
#include "zkml/gather.h"

namespace vinet::zkml::detail {

using zk::Fp;
using zk::Fp2;

namespace {
const std::vector<zk::ProductTerm> kProduct = {{Fp2::One(), {0, 1}}};

Status Fail(std::string what) {
  return Error(Code::kVerification, std::move(what));
}

Fp2 Pow2(uint32_t e) {
  return Fp2(Fp(uint64_t{1} << (e / 2)) * Fp(uint64_t{1} << (e - e / 2)));
}

// acc(ρ) from the requantization identity acc·M + 2^(s−1) = 2^s·q' + r.
Fp2 AccumulatorAt(const LinearBlock& b, const std::vector<Fp2>& ev) {
  Fp2 r;
  for (uint32_t j = 0; j < b.num_limbs(); ++j) r += ev[1 + j] * Pow2(kLimbBits * j);
  Fp2 lhs = Pow2(b.shift) * ev[0] + r - Pow2(b.shift - 1);
  return lhs * Fp2(Fp(static_cast<uint64_t>(b.requant_multiplier())).Inverse());
}
}  // namespace

void BlockVerifier::Advice(std::span<const Fp2> z, Segment s, Fp2 v) {
  ac.push_back({EmbedPoint(z, s, al.num_vars), v});
}
void BlockVerifier::Weight(std::span<const Fp2> z, Segment s, Fp2 v) {
  wc.push_back({EmbedPoint(z, s, wl.num_vars), v});
}

Status BlockVerifier::SourceClaim(size_t i, int32_t src, std::span<const Fp2> z, Fp2 value) {
  if (src >= 0) {
    Advice(z, al.blocks[src].y, value);
    return Status();
  }
  if (zk::EvaluateMle(input, z) != value) {
    return Fail(fmt::format("block {}: public input evaluation", i));
  }
  return Status();
}

Status BlockVerifier::GatherCheck(size_t i, int32_t src, size_t col_log,
                                  const std::function<Fp2(std::span<const Fp2>)>& gather_at,
                                  std::span<const Fp2> rho_b, Fp2 claimed,
                                  const zk::SumcheckProof& proof) {
  auto sc = zk::VerifyMaybeMasked(bank, col_log, 2, kProduct, claimed, proof, t);
  if (!sc.ok()) return sc.status().WithContext(fmt::format("block {} gather", i));
  if (sc->final_evals[0] != gather_at(sc->point)) {
    return Fail(fmt::format("block {}: gather evaluation", i));
  }
  std::vector<Fp2> z = sc->point;
  z.insert(z.end(), rho_b.begin(), rho_b.end());
  return SourceClaim(i, src, z, sc->final_evals[1]);
}

Status BlockVerifier::Verify(size_t i, const BlockProof& bp) {
  const LinearBlock& b = spec.blocks[i];
  const BlockSegments& s = al.blocks[i];
  std::vector<Fp2> rho = t.ChallengeFp2s("zkml.block_point", s.out_log + s.batch_log);
  if (block_points != nullptr) block_points->push_back(rho);
  auto rho_inner = std::span<const Fp2>(rho).first(s.out_log);
  auto rho_b = std::span<const Fp2>(rho).subspan(s.out_log);
  if (b.kind == BlockKind::kMaxPool) return MaxPool(i, bp, rho);
  uint32_t limbs = b.num_limbs();
  uint32_t top_bits = b.shift - kLimbBits * (limbs - 1);
  Fp2 offset = Fp2(Fp((uint64_t{1} << kLimbBits) - (uint64_t{1} << top_bits)));
  if (bp.evals[1 + limbs] != bp.evals[limbs] + offset) {
    return Fail(fmt::format("block {}: remainder top limb is not range-bound", i));
  }
  Advice(rho, s.qp, bp.evals[0]);
  for (size_t j = 0; j < limbs; ++j) Advice(rho, s.limbs[j], bp.evals[1 + j]);
  Advice(rho, s.shifted, bp.evals[1 + limbs]);
  Fp2 acc = AccumulatorAt(b, bp.evals);
  t.AbsorbFp2s("zkml.block_evals", bp.evals);
  switch (b.kind) {
    case BlockKind::kLinear:
      return Linear(i, bp, rho, acc);
    case BlockKind::kConv:
      return Conv(i, bp, rho, acc);
    case BlockKind::kAvgPool: {
      const std::vector<Fp2> one = {Fp2::One()};
      auto at = [&](std::span<const Fp2> col) { return PoolGatherEval(b, rho_inner, col, one); };
      return GatherCheck(i, b.input, GatherColLog(b), at, rho_b, acc, bp.gather[0]);
    }
    case BlockKind::kAdd: {
      Fp2 va = bp.evals[2 + limbs], vb = bp.evals[3 + limbs];
      if (acc != va * Fp(static_cast<uint64_t>(b.multiplier)) +
                     vb * Fp(static_cast<uint64_t>(b.multiplier_b))) {
        return Fail(fmt::format("block {}: requantization identity (add)", i));
      }
      VINET_RETURN_IF_ERROR(SourceClaim(i, b.input, rho, va));
      return SourceClaim(i, b.input_b, rho, vb);
    }
    case BlockKind::kMaxPool:
      break;
  }
  return Status();
}

Status BlockVerifier::Linear(size_t i, const BlockProof& bp, std::span<const Fp2> rho_span,
                             Fp2 acc) {
  const LinearBlock& b = spec.blocks[i];
  const BlockSegments& s = al.blocks[i];
  std::vector<Fp2> rho(rho_span.begin(), rho_span.begin() + s.out_log);
  auto rho_b = rho_span.subspan(s.out_log);
  Fp2 total;
  for (Fp2 v : bp.chunk_sums) total += v;
  if (total != acc - bp.evals.back()) {
    return Fail(fmt::format("block {}: requantization identity (chunk sums)", i));
  }
  t.AbsorbFp2s("zkml.chunk_sums", bp.chunk_sums);
  for (size_t c = 0; c < s.chunks.size(); ++c) {
    Segment ch = s.chunks[c];
    auto sc = zk::VerifyMaybeMasked(bank, ch.log, 2, kProduct, bp.chunk_sums[c], bp.matmul[c], t);
    if (!sc.ok()) return sc.status().WithContext(fmt::format("block {} matmul", i));
    std::vector<Fp2> rk = rho;
    rk.insert(rk.end(), sc->point.begin(), sc->point.end());
    Weight(rk, wl.w[i][c], sc->final_evals[0]);
    std::vector<Fp2> z = ChunkPoint(sc->point, ch, s.in_log, rho_b);
    if (b.input >= 0) {
      Advice(z, al.blocks[b.input].y, sc->final_evals[1]);
    } else if (zk::EvaluateMle(input, z) != sc->final_evals[1]) {
      return Fail(fmt::format("block {}: public input evaluation", i));
    }
  }
  Weight(rho, wl.bias[i], bp.evals.back());
  return Status();
}

Status BlockVerifier::Conv(size_t i, const BlockProof& bp, std::span<const Fp2> rho, Fp2 acc) {
  const LinearBlock& b = spec.blocks[i];
  Storage out = spec.StorageOf(static_cast<int32_t>(i));
  size_t plog = out.plog(), oclog = out.clog();
  auto rho_p = rho.subspan(0, plog);
  auto rho_oc = rho.subspan(plog, oclog);
  auto rho_b = rho.subspan(plog + oclog);
  // Padded positions carry no bias: bias(ρ_oc)·Σ_{p<P} eq(ρ_p, p).
  std::vector<Fp2> eq_p = zk::EqTable(rho_p);
  Fp2 valid;
  for (size_t p = 0; p < out.positions; ++p) valid += eq_p[p];
  Fp2 bias = bp.evals.back();
  auto sc =
      zk::VerifyMaybeMasked(bank, ConvKLog(b), 2, kProduct, acc - bias * valid, bp.matmul[0], t);
  if (!sc.ok()) return sc.status().WithContext(fmt::format("block {} conv matmul", i));
  std::vector<Fp2> wpoint(rho_oc.begin(), rho_oc.end());
  wpoint.insert(wpoint.end(), sc->point.begin(), sc->point.end());
  Weight(wpoint, wl.w[i][0], sc->final_evals[0]);
  Weight(rho_oc, wl.bias[i], bias);
  auto at = [&](std::span<const Fp2> col) { return ConvGatherEval(b, eq_p, sc->point, col); };
  return GatherCheck(i, b.input, GatherColLog(b), at, rho_b, sc->final_evals[1], bp.gather[0]);
}

Status BlockVerifier::MaxPool(size_t i, const BlockProof& bp, std::span<const Fp2> rho) {
  const LinearBlock& b = spec.blocks[i];
  const BlockSegments& s = al.blocks[i];
  size_t kk = size_t{b.win.kh} * b.win.kw;
  const std::vector<Fp2>& ev = bp.evals;
  t.AbsorbFp2s("zkml.block_evals", ev);
  Advice(rho, s.y, ev[0]);
  for (size_t j = 0; j + 1 < kk; ++j) {
    Advice(rho, s.d[j], ev[1 + j]);
    Advice(rho, s.e[j], ev[kk + j]);
  }
  // a_0 = y − Σ_j d_j;  a_j = y − Σ_{l>j} d_l − e_j.
  Fp2 gamma = t.ChallengeFp2("zkml.max_gamma");
  std::vector<Fp2> gw(kk);
  Fp2 pw = Fp2::One();
  for (size_t j = 0; j < kk; ++j, pw *= gamma) gw[j] = pw;
  Fp2 claimed, tail;  // tail = Σ_{l>j} d_l
  for (size_t j = kk; j-- > 0;) {
    Fp2 a = j == 0 ? ev[0] - tail : ev[0] - tail - ev[kk + j - 1];
    claimed += gw[j] * a;
    if (j > 0) tail += ev[j];
  }
  auto at = [&](std::span<const Fp2> col) {
    return PoolGatherEval(b, rho.first(s.out_log), col, gw);
  };
  VINET_RETURN_IF_ERROR(
      GatherCheck(i, b.input, GatherColLog(b), at, rho.subspan(s.out_log), claimed, bp.gather[0]));
  std::vector<Fp2> r = t.ChallengeFp2s("zkml.max_zero_point", s.out_log + s.batch_log);
  Fp2 delta = t.ChallengeFp2("zkml.max_delta");
  std::vector<zk::ProductTerm> terms;
  pw = Fp2::One();
  for (uint32_t j = 0; j + 1 < kk; ++j, pw *= delta) {
    terms.push_back({pw, {0, 1 + j, static_cast<uint32_t>(kk + j)}});
  }
  auto zc = zk::VerifyMaybeMasked(bank, s.out_log + s.batch_log, 1 + 2 * (kk - 1), terms, Fp2(),
                                  bp.zero[0], t);
  if (!zc.ok()) return zc.status().WithContext(fmt::format("block {} max zero-check", i));
  if (zc->final_evals[0] != zk::EqEval(r, zc->point)) {
    return Fail(fmt::format("block {}: max zero-check eq evaluation", i));
  }
  for (size_t j = 0; j + 1 < kk; ++j) {
    Advice(zc->point, s.d[j], zc->final_evals[1 + j]);
    Advice(zc->point, s.e[j], zc->final_evals[kk + j]);
  }
  return Status();
}

}  // namespace vinet::zkml::detail
