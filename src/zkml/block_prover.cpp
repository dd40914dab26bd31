#include "zkml/block_prover.h"

#include "vinet/zk/poly/multilinear.h"
#include "zkml/gather.h"

namespace vinet::zkml::detail {

using zk::Fp;
using zk::Fp2;

namespace {
const std::vector<zk::ProductTerm> kProduct = {{Fp2::One(), {0, 1}}};

std::vector<Fp2> ToFp2(std::span<const int64_t> v) {
  std::vector<Fp2> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = Fp2(Fp::FromSigned(v[i]));
  return out;
}
}  // namespace

Fp2 BlockProver::Eval(Segment s, std::span<const Fp2> z) const {
  return zk::EvaluateMle(std::span<const Fp>(adv).subspan(s.offset, size_t{1} << s.log), z);
}

void BlockProver::SourceClaim(int32_t src, std::span<const Fp2> z, Fp2 value) {
  if (src >= 0) ac.Add(z, al.blocks[src].y, value);
}

std::vector<Fp2> BlockProver::Folded(int32_t src, std::span<const Fp2> rho_b) const {
  const std::vector<int64_t>& x = Source(src);
  if (rho_b.empty()) return ToFp2(x);
  std::vector<Fp2> eq = zk::EqTable(rho_b);
  size_t len = x.size() / eq.size();
  std::vector<Fp2> out(len);
  for (size_t n = 0; n < eq.size(); ++n) {
    const int64_t* row = x.data() + n * len;
    for (size_t j = 0; j < len; ++j) out[j] += eq[n] * Fp::FromSigned(row[j]);
  }
  return out;
}

Status BlockProver::GatherSumcheck(int32_t src, std::vector<Fp2> table, std::span<const Fp2> rho_b,
                                   BlockProof& bp) {
  VINET_ASSIGN_OR_RETURN(
      zk::SumcheckProverOutput sc,
      zk::ProveMaybeMasked(bank, {std::move(table), Folded(src, rho_b)}, kProduct, t, pkg.threads));
  std::vector<Fp2> z = sc.point;
  z.insert(z.end(), rho_b.begin(), rho_b.end());
  SourceClaim(src, z, sc.proof.final_evals[1]);
  bp.gather.push_back(std::move(sc.proof));
  return Status();
}

Result<BlockProof> BlockProver::Prove(size_t i) {
  const LinearBlock& b = pkg.circuit.spec.blocks[i];
  const BlockSegments& s = al.blocks[i];
  std::vector<Fp2> rho = t.ChallengeFp2s("zkml.block_point", s.out_log + s.batch_log);
  auto rho_inner = std::span<const Fp2>(rho).first(s.out_log);
  auto rho_b = std::span<const Fp2>(rho).subspan(s.out_log);
  BlockProof bp;
  if (b.kind == BlockKind::kMaxPool) {
    VINET_RETURN_IF_ERROR(MaxPool(i, rho, bp));
    return bp;
  }
  bp.evals.push_back(Eval(s.qp, rho));
  for (Segment l : s.limbs) bp.evals.push_back(Eval(l, rho));
  bp.evals.push_back(Eval(s.shifted, rho));
  ac.Add(rho, s.qp, bp.evals[0]);
  for (size_t j = 0; j < s.limbs.size(); ++j) ac.Add(rho, s.limbs[j], bp.evals[1 + j]);
  ac.Add(rho, s.shifted, bp.evals[1 + s.limbs.size()]);
  switch (b.kind) {
    case BlockKind::kLinear:
      VINET_RETURN_IF_ERROR(Linear(i, rho, bp));
      break;
    case BlockKind::kConv:
      VINET_RETURN_IF_ERROR(Conv(i, rho, bp));
      break;
    case BlockKind::kAvgPool: {
      t.AbsorbFp2s("zkml.block_evals", bp.evals);
      std::vector<Fp2> one = {Fp2::One()};
      VINET_RETURN_IF_ERROR(GatherSumcheck(
          b.input, GatherTable(PoolGather(b), zk::EqTable(rho_inner), one), rho_b, bp));
      break;
    }
    case BlockKind::kAdd: {
      Fp2 va = zk::EvaluateMle(ToFp2(Source(b.input)), rho);
      Fp2 vb = zk::EvaluateMle(ToFp2(Source(b.input_b)), rho);
      bp.evals.push_back(va);
      bp.evals.push_back(vb);
      t.AbsorbFp2s("zkml.block_evals", bp.evals);
      SourceClaim(b.input, rho, va);
      SourceClaim(b.input_b, rho, vb);
      break;
    }
    case BlockKind::kMaxPool:
      break;
  }
  return bp;
}

Status BlockProver::Linear(size_t i, std::span<const Fp2> rho_span, BlockProof& bp) {
  const LinearBlock& b = pkg.circuit.spec.blocks[i];
  const BlockSegments& s = al.blocks[i];
  const WeightLayout& wl = pkg.weight_layout;
  std::vector<Fp2> rho(rho_span.begin(), rho_span.begin() + s.out_log);
  auto rho_b = rho_span.subspan(s.out_log);
  Fp2 bias = zk::EvaluateMle(
      std::span<const Fp>(pkg.weights).subspan(wl.bias[i].offset, size_t{1} << wl.bias[i].log),
      rho);
  bp.evals.push_back(bias);
  t.AbsorbFp2s("zkml.block_evals", bp.evals);
  std::vector<Fp2> eq = zk::EqTable(rho);
  const std::vector<Fp2> x_all = Folded(b.input, rho_b);
  std::vector<std::vector<Fp2>> as;
  for (size_t c = 0; c < s.chunks.size(); ++c) {
    std::vector<Fp2> a(size_t{1} << s.chunks[c].log);
    Fp2 sum_c;
    for (size_t k = 0; k < a.size(); ++k) {
      const Fp* row = pkg.weights.data() + wl.w[i][c].offset + (k << s.out_log);
      Fp2 sum;
      for (size_t n = 0; n < b.out_size; ++n) sum += eq[n] * row[n];
      a[k] = sum;
      sum_c += sum * x_all[s.chunks[c].offset + k];
    }
    bp.chunk_sums.push_back(sum_c);
    as.push_back(std::move(a));
  }
  t.AbsorbFp2s("zkml.chunk_sums", bp.chunk_sums);
  for (size_t c = 0; c < s.chunks.size(); ++c) {
    Segment ch = s.chunks[c];
    std::vector<Fp2> x(x_all.begin() + ch.offset, x_all.begin() + ch.offset + as[c].size());
    VINET_ASSIGN_OR_RETURN(
        zk::SumcheckProverOutput sc,
        zk::ProveMaybeMasked(bank, {std::move(as[c]), std::move(x)}, kProduct, t, pkg.threads));
    std::vector<Fp2> rk = rho;
    rk.insert(rk.end(), sc.point.begin(), sc.point.end());
    wc.Add(rk, wl.w[i][c], sc.proof.final_evals[0]);
    if (b.input >= 0) {
      ac.Add(ChunkPoint(sc.point, ch, s.in_log, rho_b), al.blocks[b.input].y,
             sc.proof.final_evals[1]);
    }
    bp.matmul.push_back(std::move(sc.proof));
  }
  wc.Add(rho, wl.bias[i], bias);
  return Status();
}

Status BlockProver::Conv(size_t i, std::span<const Fp2> rho, BlockProof& bp) {
  const LinearBlock& b = pkg.circuit.spec.blocks[i];
  const WeightLayout& wl = pkg.weight_layout;
  Storage out = pkg.circuit.spec.StorageOf(static_cast<int32_t>(i));
  size_t plog = out.plog(), oclog = out.clog(), klog = ConvKLog(b);
  auto rho_p = rho.subspan(0, plog);
  auto rho_oc = rho.subspan(plog, oclog);
  auto rho_b = rho.subspan(plog + oclog);
  Fp2 bias = zk::EvaluateMle(
      std::span<const Fp>(pkg.weights).subspan(wl.bias[i].offset, size_t{1} << wl.bias[i].log),
      rho_oc);
  bp.evals.push_back(bias);
  t.AbsorbFp2s("zkml.block_evals", bp.evals);
  // A(k) = Σ_oc eq(ρ_oc, oc)·W[k, oc];  B(k) = Σ_p eq(ρ_p, p)·Xcol[k, p].
  std::vector<Fp2> eq_oc = zk::EqTable(rho_oc), eq_p = zk::EqTable(rho_p);
  std::vector<Fp2> a(size_t{1} << klog), bcol(size_t{1} << klog);
  const Fp* w = pkg.weights.data() + wl.w[i][0].offset;
  for (size_t k = 0; k < a.size(); ++k) {
    Fp2 sum;
    for (size_t oc = 0; oc < b.win.oc; ++oc) sum += eq_oc[oc] * w[(k << oclog) + oc];
    a[k] = sum;
  }
  Gather g = ConvGather(b);
  const std::vector<Fp2> x = Folded(b.input, rho_b);
  size_t pmask = (size_t{1} << plog) - 1;
  for (const GatherEntry& e : g.entries) {
    bcol[e.row >> plog] += eq_p[e.row & pmask] * x[e.col];
  }
  VINET_ASSIGN_OR_RETURN(
      zk::SumcheckProverOutput sc,
      zk::ProveMaybeMasked(bank, {std::move(a), std::move(bcol)}, kProduct, t, pkg.threads));
  std::vector<Fp2> wpoint(rho_oc.begin(), rho_oc.end());
  wpoint.insert(wpoint.end(), sc.point.begin(), sc.point.end());
  wc.Add(wpoint, wl.w[i][0], sc.proof.final_evals[0]);
  wc.Add(rho_oc, wl.bias[i], bias);
  // Xcol(κ, ρ_p) = Σ_j G̃((ρ_p, κ), j)·x(j).
  std::vector<Fp2> row_point(rho_p.begin(), rho_p.end());
  row_point.insert(row_point.end(), sc.point.begin(), sc.point.end());
  std::vector<Fp2> one = {Fp2::One()};
  bp.matmul.push_back(std::move(sc.proof));
  return GatherSumcheck(b.input, GatherTable(g, zk::EqTable(row_point), one), rho_b, bp);
}

Status BlockProver::MaxPool(size_t i, std::span<const Fp2> rho, BlockProof& bp) {
  const LinearBlock& b = pkg.circuit.spec.blocks[i];
  const BlockSegments& s = al.blocks[i];
  size_t kk = size_t{b.win.kh} * b.win.kw;
  bp.evals.push_back(Eval(s.y, rho));
  for (Segment d : s.d) bp.evals.push_back(Eval(d, rho));
  for (Segment e : s.e) bp.evals.push_back(Eval(e, rho));
  t.AbsorbFp2s("zkml.block_evals", bp.evals);
  ac.Add(rho, s.y, bp.evals[0]);
  for (size_t j = 0; j + 1 < kk; ++j) {
    ac.Add(rho, s.d[j], bp.evals[1 + j]);
    ac.Add(rho, s.e[j], bp.evals[kk + j]);
  }
  // Slots a_j = G_j·x combined with γ^j.
  Fp2 gamma = t.ChallengeFp2("zkml.max_gamma");
  std::vector<Fp2> gw(kk);
  Fp2 pw = Fp2::One();
  for (size_t j = 0; j < kk; ++j, pw *= gamma) gw[j] = pw;
  VINET_RETURN_IF_ERROR(
      GatherSumcheck(b.input, GatherTable(PoolGather(b), zk::EqTable(rho.first(s.out_log)), gw),
                     rho.subspan(s.out_log), bp));
  // Zero-check: Σ_p eq(r, p)·Σ_j δ^j d_j(p)·e_j(p) = 0 (p over the whole batch).
  std::vector<Fp2> r = t.ChallengeFp2s("zkml.max_zero_point", s.out_log + s.batch_log);
  Fp2 delta = t.ChallengeFp2("zkml.max_delta");
  std::vector<std::vector<Fp2>> polys = {zk::EqTable(r)};
  std::vector<zk::ProductTerm> terms;
  auto seg = [&](Segment x) {
    std::vector<Fp2> v(size_t{1} << x.log);
    for (size_t n = 0; n < v.size(); ++n) v[n] = Fp2(adv[x.offset + n]);
    return v;
  };
  for (Segment d : s.d) polys.push_back(seg(d));
  for (Segment e : s.e) polys.push_back(seg(e));
  pw = Fp2::One();
  for (uint32_t j = 0; j + 1 < kk; ++j, pw *= delta) {
    terms.push_back({pw, {0, 1 + j, static_cast<uint32_t>(kk + j)}});
  }
  VINET_ASSIGN_OR_RETURN(zk::SumcheckProverOutput zc,
                         zk::ProveMaybeMasked(bank, std::move(polys), terms, t, pkg.threads));
  for (size_t j = 0; j + 1 < kk; ++j) {
    ac.Add(zc.point, s.d[j], zc.proof.final_evals[1 + j]);
    ac.Add(zc.point, s.e[j], zc.proof.final_evals[kk + j]);
  }
  bp.zero.push_back(std::move(zc.proof));
  return Status();
}

}  // namespace vinet::zkml::detail
