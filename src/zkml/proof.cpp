#include "zkml/proof.h"

#include <fmt/format.h>

#include <memory>

#include "vinet/zk/pcs/basefold.h"
#include "zkml/sym_clamp_table.h"

namespace vinet::zkml::detail {

using zk::ByteReader;
using zk::ByteWriter;

std::vector<LookupSlot> LookupSlots(const AdviceLayout& a) {
  static const zk::RangeTable kRange(kLimbBits);
  static const zk::ReluClampTable kRelu(kReluTableBits, 7);
  static const auto* kSym = [] {
    auto* t = new std::vector<std::unique_ptr<zk::LookupTable>>();
    for (uint32_t b = 0; b <= kMaxClampBits; ++b)
      t->push_back(b < kMinClampBits ? nullptr : std::make_unique<SymClampTable>(b));
    return t;
  }();
  const zk::LookupTable* sym = (*kSym)[a.clamp_bits].get();
  std::vector<LookupSlot> s;
  s.push_back({&kRange, a.range_col, {}, a.m_range, false, "range"});
  if (a.has_relu) s.push_back({&kRelu, a.relu_x, a.relu_y, a.m_relu, true, "relu"});
  if (a.has_clamp) s.push_back({sym, a.clamp_x, a.clamp_y, a.m_clamp, true, "clamp"});
  return s;
}

std::vector<zk::LogUpStatement> LookupStatements(const AdviceLayout& a) {
  std::vector<zk::LogUpStatement> out;
  for (const LookupSlot& s : LookupSlots(a)) out.push_back(zk::StatementFor(*s.table, s.x.log));
  return out;
}

BlockShape ShapeOf(const LinearBlock& b, const BlockSegments& s) {
  BlockShape sh;
  size_t limbs = b.num_limbs();
  switch (b.kind) {
    case BlockKind::kLinear:
      sh.evals = limbs + 3;
      sh.chunks = s.chunks.size();
      for (Segment c : s.chunks) sh.matmul_logs.push_back(c.log);
      break;
    case BlockKind::kConv:
      sh.evals = limbs + 3;
      sh.matmul_logs = {ConvKLog(b)};
      sh.gathers = 1;
      break;
    case BlockKind::kAvgPool:
      sh.evals = limbs + 2;
      sh.gathers = 1;
      break;
    case BlockKind::kAdd:
      sh.evals = limbs + 4;
      break;
    case BlockKind::kMaxPool: {
      size_t kk = size_t{b.win.kh} * b.win.kw;
      sh.evals = 2 * kk - 1;
      sh.gathers = 1;
      sh.zeros = 1;
      sh.zero_log = s.out_log + s.batch_log;
      sh.zero_polys = 1 + 2 * (kk - 1);
      break;
    }
  }
  sh.gather_log = s.in_log;
  return sh;
}

ProofForm FormOf(const VerifyingKey& vk, const AdviceLayout& a, const WeightLayout& w) {
  ProofForm f;
  f.masked = vk.hiding();
  if (IsBasefoldFp4Kind(vk.pcs) && a.num_vars <= w.num_vars) {
    std::unique_ptr<zk::MultilinearPcs> pcs = vk.Pcs();
    const auto* bf = dynamic_cast<const zk::BasefoldPcs*>(pcs.get());
    f.joint = bf != nullptr && bf->JointEntry(w.num_vars, a.num_vars).ok();
  }
  f.bank_in_joint = f.masked && f.joint;
  return f;
}

size_t AdvicePolys(const ModelSpec& spec, const AdviceLayout& a, const WeightLayout& w,
                   ProofForm form) {
  if (!form.bank_in_joint) return 1;
  size_t table_vars = zk::MaskBankVars(MaskShapes(spec, a, w, true));
  return 1 + zk::JointBankPolyCount(table_vars, a.num_vars);
}

namespace {

// The slots of every sumcheck but the claim batches.
std::vector<zk::MaskShape> LayerMaskShapes(const ModelSpec& spec, const AdviceLayout& a) {
  std::vector<zk::MaskShape> out;
  auto add = [&](size_t n, size_t d) {
    if (n > 0) out.push_back({n, d});
  };
  size_t layers = zk::BatchTreeVars(LookupStatements(a));  // the batch's layers k = 1..L-1
  for (size_t k = 1; k < layers; ++k) add(k, 3);
  for (size_t i = spec.blocks.size(); i-- > 0;) {
    BlockShape sh = ShapeOf(spec.blocks[i], a.blocks[i]);
    for (size_t log : sh.matmul_logs) add(log, 2);
    for (size_t g = 0; g < sh.gathers; ++g) add(sh.gather_log, 2);
    for (size_t z = 0; z < sh.zeros; ++z) add(sh.zero_log, 3);
  }
  return out;
}

}  // namespace

size_t JointMaskVarsOf(const ModelSpec& spec, const AdviceLayout& a, const WeightLayout& w) {
  return zk::JointMaskVars(LayerMaskShapes(spec, a), w.num_vars, a.num_vars);
}

zk::SecondaryLifts JointMaskLifts(size_t mask_vars, const AdviceLayout& a) {
  return mask_vars < a.num_vars ? zk::SecondaryLifts{2, mask_vars} : zk::SecondaryLifts{};
}

std::vector<zk::MaskShape> MaskShapes(const ModelSpec& spec, const AdviceLayout& a,
                                      const WeightLayout& w, bool joint) {
  std::vector<zk::MaskShape> out = LayerMaskShapes(spec, a);
  auto add = [&](size_t n, size_t d) {
    if (n > 0) out.push_back({n, d});
  };
  if (joint) {  // the bank inside the joint batch: its first n - k rounds
    add(w.num_vars - zk::JointMaskVars(out, w.num_vars, a.num_vars), 2);
  } else {
    add(a.num_vars, 2);
    add(w.num_vars, 2);
  }
  return out;
}

namespace {

void Blob(ByteWriter& w, ByteSpan b) {
  w.U32(static_cast<uint32_t>(b.size()));
  w.Raw(b);
}

Result<ByteSpan> ReadBlob(ByteReader& r, ByteSpan all, std::string_view field) {
  VINET_ASSIGN_OR_RETURN(uint32_t len, r.U32(field));
  size_t at = r.offset();
  if (len > all.size() - at) {
    return Error(Code::kParse,
                 fmt::format("{} at byte {}: length {} past the end", field, at, len));
  }
  ByteSpan out = all.subspan(at, len);
  VINET_RETURN_IF_ERROR(r.Skip(len, field));
  return out;
}

// A claim batch (n rounds of degree 2, `finals` final evaluations) and the
// opening blob after it; errors name "<what> batch" / "<what> opening".
Status ReadBatchAndOpening(ByteReader& r, ByteSpan all, size_t n, size_t finals,
                           std::string_view what, zk::BatchedClaimProof& batch, Bytes& opening) {
  auto sc = zk::SumcheckProof::Parse(r, n, 2, finals);
  if (!sc.ok()) return sc.status().WithContext(fmt::format("{} batch", what));
  batch.sumcheck = std::move(*sc);
  VINET_ASSIGN_OR_RETURN(ByteSpan blob, ReadBlob(r, all, fmt::format("{} opening", what)));
  opening.assign(blob.begin(), blob.end());
  return Status();
}

}  // namespace

Bytes ModelProof::Encode() const {
  ByteWriter w;
  advice.Serialize(w);
  if (masked && !bank_in_joint) mask.Serialize(w);
  lookups.Serialize(w);
  for (const BlockProof& b : blocks) {
    w.FieldVector<zk::Fp2>(b.evals);
    w.FieldVector<zk::Fp2>(b.chunk_sums);
    for (const auto& m : b.matmul) m.Serialize(w);
    for (const auto& g : b.gather) g.Serialize(w);
    for (const auto& z : b.zero) z.Serialize(w);
  }
  if (bank_in_joint) {
    joint_bank.Serialize(w);
  } else {
    advice_batch.sumcheck.Serialize(w);
  }
  Blob(w, advice_opening);
  if (!joint) {
    weight_batch.sumcheck.Serialize(w);
    Blob(w, weight_opening);
  }
  if (masked && !bank_in_joint) Blob(w, mask_opening);
  return w.Take();
}

Result<ModelProof> ModelProof::Parse(ByteSpan bytes, const ModelSpec& spec, const AdviceLayout& a,
                                     const WeightLayout& wl, ProofForm form) {
  ByteReader r(bytes);
  ModelProof p;
  bool masked = form.masked;
  p.masked = masked;
  p.joint = form.joint;
  p.bank_in_joint = form.bank_in_joint;
  size_t advice_polys = AdvicePolys(spec, a, wl, form);
  VINET_ASSIGN_OR_RETURN(p.advice, zk::PcsCommitment::Parse(r));
  if (p.advice.num_vars != a.num_vars || p.advice.num_polys != advice_polys) {
    return Error(Code::kParse,
                 fmt::format("advice commitment: shape ({}, {}) is not ({}, {})", p.advice.num_vars,
                             p.advice.num_polys, a.num_vars, advice_polys));
  }
  if (masked && !form.bank_in_joint) {  // the bank's own commitment
    size_t at = r.offset();
    VINET_ASSIGN_OR_RETURN(p.mask, zk::PcsCommitment::Parse(r));
    size_t m = zk::MaskBankVars(MaskShapes(spec, a, wl, form.joint));
    if (p.mask.num_vars != m || p.mask.num_polys != 1) {
      return Error(Code::kParse,
                   fmt::format("mask commitment at byte {}: shape ({}, {}) is not ({}, 1)", at,
                               p.mask.num_vars, p.mask.num_polys, m));
    }
  }
  {
    auto lookups = zk::LogUpBatchProof::Parse(r, LookupStatements(a));
    if (!lookups.ok()) return lookups.status().WithContext("lookups");
    p.lookups = std::move(*lookups);
  }
  for (size_t i = spec.blocks.size(); i-- > 0;) {
    BlockShape sh = ShapeOf(spec.blocks[i], a.blocks[i]);
    BlockProof bp;
    size_t at = r.offset();
    VINET_ASSIGN_OR_RETURN(bp.evals, r.Fp2Vector("block.evals", static_cast<uint32_t>(sh.evals)));
    if (bp.evals.size() != sh.evals) {
      return Error(Code::kParse, fmt::format("block {} evals at byte {}: {} values, want {}", i, at,
                                             bp.evals.size(), sh.evals));
    }
    at = r.offset();
    VINET_ASSIGN_OR_RETURN(bp.chunk_sums,
                           r.Fp2Vector("block.chunk_sums", static_cast<uint32_t>(sh.chunks)));
    if (bp.chunk_sums.size() != sh.chunks) {
      return Error(Code::kParse, fmt::format("block {} chunk sums at byte {}: {} values, want {}",
                                             i, at, bp.chunk_sums.size(), sh.chunks));
    }
    for (size_t log : sh.matmul_logs) {
      auto sc = zk::SumcheckProof::Parse(r, log, 2, 2);
      if (!sc.ok()) return sc.status().WithContext(fmt::format("block {} matmul", i));
      bp.matmul.push_back(std::move(*sc));
    }
    for (size_t g = 0; g < sh.gathers; ++g) {
      auto sc = zk::SumcheckProof::Parse(r, sh.gather_log, 2, 2);
      if (!sc.ok()) return sc.status().WithContext(fmt::format("block {} gather", i));
      bp.gather.push_back(std::move(*sc));
    }
    for (size_t z = 0; z < sh.zeros; ++z) {
      auto sc = zk::SumcheckProof::Parse(r, sh.zero_log, 3, sh.zero_polys);
      if (!sc.ok()) return sc.status().WithContext(fmt::format("block {} max zero-check", i));
      bp.zero.push_back(std::move(*sc));
    }
    p.blocks.push_back(std::move(bp));
  }
  if (form.bank_in_joint) {
    auto jb = zk::JointBankBatchProof::Parse(r, wl.num_vars, advice_polys - 1,
                                             wl.num_vars > JointMaskVarsOf(spec, a, wl));
    if (!jb.ok()) return jb.status().WithContext("joint batch");
    p.joint_bank = std::move(*jb);
    VINET_ASSIGN_OR_RETURN(ByteSpan blob, ReadBlob(r, bytes, "joint opening"));
    p.advice_opening.assign(blob.begin(), blob.end());
  } else if (form.joint) {
    VINET_RETURN_IF_ERROR(
        ReadBatchAndOpening(r, bytes, wl.num_vars, 4, "joint", p.advice_batch, p.advice_opening));
  } else {
    VINET_RETURN_IF_ERROR(
        ReadBatchAndOpening(r, bytes, a.num_vars, 2, "advice", p.advice_batch, p.advice_opening));
    VINET_RETURN_IF_ERROR(
        ReadBatchAndOpening(r, bytes, wl.num_vars, 2, "weight", p.weight_batch, p.weight_opening));
  }
  if (masked && !form.bank_in_joint) {
    VINET_ASSIGN_OR_RETURN(ByteSpan mo, ReadBlob(r, bytes, "mask opening"));
    p.mask_opening.assign(mo.begin(), mo.end());
  }
  VINET_RETURN_IF_ERROR(r.Finish("model proof"));
  return p;
}

}  // namespace vinet::zkml::detail
