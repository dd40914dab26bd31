// Weight-range proof (include/vinet/zkml/weight_range.h): layout of the range
// polynomial, prover, verifier and the proof's canonical encoding.
#include "vinet/zkml/weight_range.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "vinet/zk/lookup/logup_gkr.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/soundness.h"
#include "zkml/package.h"
#include "zkml/segment_claims.h"

namespace vinet::zkml {

using zk::ByteReader;
using zk::ByteWriter;
using zk::Fp;
using zk::Fp2;
using namespace detail;

namespace {

constexpr std::string_view kDomain = "vinet.zkml.weight_range.v1";
constexpr size_t kLimbs = 4;
constexpr int64_t kBiasOffset = int64_t{1} << 31;

// Row j holds j − 127 for j < 255 and row 255 repeats 127: exactly the
// values [−127, 127]. MLE = Σ_k 2^k r_k − 127 − Π_k r_k.
class Int8Table final : public zk::LookupTable {
 public:
  size_t num_vars() const override { return 8; }
  size_t num_columns() const override { return 1; }
  Fp Value(size_t, size_t row) const override {
    return Fp::FromSigned(row == 255 ? 127 : static_cast<int64_t>(row) - 127);
  }
  bool closed_form() const override { return true; }
  Fp2 EvaluateColumn(size_t, std::span<const Fp2> r) const override {
    Fp2 index = Fp2::Zero(), all = Fp2::One(), two_k = Fp2::One();
    for (const Fp2& x : r) {
      index += two_k * x;
      all *= x;
      two_k += two_k;
    }
    return index - Fp2(Fp(127)) - all;
  }
};

const Int8Table kInt8;
const zk::RangeTable kByte(8);

// Where the range polynomial R keeps its vectors.
struct RangeLayout {
  size_t num_vars = 0;
  std::vector<size_t> blocks;                      // blocks with weights, in key order
  std::vector<Segment> bias;                       // their bias segments in W
  std::vector<std::array<Segment, kLimbs>> limbs;  // in R, inside `column`
  Segment column, m_int8, m_byte;
};

RangeLayout MakeRangeLayout(const ModelSpec& spec, const WeightLayout& wl) {
  RangeLayout r;
  for (size_t i = 0; i < spec.blocks.size(); ++i) {
    BlockKind k = spec.blocks[i].kind;
    if (k != BlockKind::kLinear && k != BlockKind::kConv) continue;
    r.blocks.push_back(i);
    r.bias.push_back(wl.bias[i]);
  }
  // Limb segments, largest first, packed into one aligned column.
  std::vector<std::pair<size_t, size_t>> order;  // (log, index)
  for (size_t b = 0; b < r.bias.size(); ++b) order.push_back({r.bias[b].log, b});
  std::stable_sort(order.begin(), order.end(), [](auto a, auto b) { return a.first > b.first; });
  r.limbs.resize(r.bias.size());
  size_t used = 0;
  for (auto [log, b] : order) {
    for (size_t j = 0; j < kLimbs; ++j) {
      r.limbs[b][j] = {used, log};
      used += size_t{1} << log;
    }
  }
  size_t col_log = CeilLog2(used);
  // R = column ‖ m_int8 ‖ m_byte, largest first (each aligned to its size).
  std::vector<std::pair<size_t, Segment*>> segs = {
      {col_log, &r.column}, {8, &r.m_int8}, {8, &r.m_byte}};
  std::stable_sort(segs.begin(), segs.end(), [](auto a, auto b) { return a.first > b.first; });
  size_t at = 0;
  for (auto [log, seg] : segs) {
    *seg = {at, log};
    at += size_t{1} << log;
  }
  r.num_vars = CeilLog2(at);
  for (auto& l : r.limbs) {
    for (Segment& s : l) s.offset += r.column.offset;
  }
  return r;
}

// eq(r[log..], bits(offset >> log)): the selector of an aligned segment.
Fp2 SegmentSelector(std::span<const Fp2> r, Segment s) {
  Fp2 e = Fp2::One();
  size_t high = s.offset >> s.log;
  for (size_t k = s.log; k < r.size(); ++k) {
    e *= ((high >> (k - s.log)) & 1) ? r[k] : Fp2::One() - r[k];
  }
  return e;
}

Fp2 Pow2(size_t k) {
  return Fp2(Fp(uint64_t{1} << k));
}

void Blob(ByteWriter& w, ByteSpan b) {
  w.U32(static_cast<uint32_t>(b.size()));
  w.Raw(b);
}

// A u32 length and that many bytes at `pos` (advanced past them).
Result<ByteSpan> ReadBlob(ByteSpan all, size_t& pos, std::string_view field) {
  ByteReader r(all.subspan(pos));
  VINET_ASSIGN_OR_RETURN(uint32_t len, r.U32(field));
  if (len > all.size() - pos - 4) {
    return Error(Code::kParse,
                 fmt::format("{} at byte {}: length {} past the end", field, pos, len));
  }
  ByteSpan out = all.subspan(pos + 4, len);
  pos += 4 + size_t{len};
  return out;
}

struct RangeProof {
  zk::PcsCommitment range;
  Bytes int8_lookup, byte_lookup;
  std::vector<Fp2> evals;  // W(r), then limb_j(r_low) per weighted block
  zk::BatchedClaimProof batch;
  Bytes range_opening, weight_opening;

  Bytes Encode() const {
    ByteWriter w;
    range.Serialize(w);
    Blob(w, int8_lookup);
    Blob(w, byte_lookup);
    w.FieldVector<Fp2>(evals);
    batch.sumcheck.Serialize(w);
    Blob(w, range_opening);
    Blob(w, weight_opening);
    return w.Take();
  }
};

// Parses with every count fixed by the key; nested blobs are parsed by
// their own strict parsers (LogUp here, the PCS in Verify).
Result<RangeProof> ParseRangeProof(ByteSpan bytes, const RangeLayout& rl) {
  RangeProof p;
  ByteReader head(bytes);
  VINET_ASSIGN_OR_RETURN(p.range, zk::PcsCommitment::Parse(head));
  if (p.range.num_vars != rl.num_vars || p.range.num_polys != 1) {
    return Error(Code::kParse,
                 fmt::format("weight range: range commitment shape ({}, {}) is not ({}, 1)",
                             p.range.num_vars, p.range.num_polys, rl.num_vars));
  }
  size_t pos = head.offset();
  for (Bytes* out : {&p.int8_lookup, &p.byte_lookup}) {
    VINET_ASSIGN_OR_RETURN(ByteSpan blob, ReadBlob(bytes, pos, "weight range: lookup"));
    out->assign(blob.begin(), blob.end());
  }
  ByteReader r(bytes.subspan(pos));
  size_t want = 1 + kLimbs * rl.blocks.size();
  VINET_ASSIGN_OR_RETURN(p.evals, r.Fp2Vector("weight range: evals", static_cast<uint32_t>(want)));
  if (p.evals.size() != want) {
    return Error(Code::kParse, fmt::format("weight range: evals at byte {}: {} values, want {}",
                                           pos, p.evals.size(), want));
  }
  auto sc = zk::SumcheckProof::Parse(r, rl.num_vars, 2, 2);
  if (!sc.ok()) return sc.status().WithContext("weight range: batch");
  p.batch.sumcheck = std::move(*sc);
  pos += r.offset();
  for (Bytes* out : {&p.range_opening, &p.weight_opening}) {
    VINET_ASSIGN_OR_RETURN(ByteSpan blob, ReadBlob(bytes, pos, "weight range: opening"));
    out->assign(blob.begin(), blob.end());
  }
  if (pos != bytes.size()) {
    return Error(Code::kParse, fmt::format("weight range proof at byte {}: {} trailing bytes", pos,
                                           bytes.size() - pos));
  }
  return p;
}

zk::Transcript StartRangeTranscript(const VerifyingKey& vk) {
  zk::Transcript t(kDomain);
  crypto::Digest256 id = vk.ModelId();
  t.Absorb("model_id", id);
  return t;
}

}  // namespace

namespace detail {

Result<Bytes> ProveWeightRangeOf(const VerifyingKey& vk, std::span<const Fp> weights,
                                 const zk::PcsCommitted& committed, unsigned threads,
                                 bool check_range) {
  WeightLayout wl = MakeWeightLayout(vk.spec);
  RangeLayout rl = MakeRangeLayout(vk.spec, wl);
  if (weights.size() != (size_t{1} << wl.num_vars)) {
    return Error(Code::kInvalidArgument, "weight range: weight vector size differs from the key");
  }
  // x = W − B, and R's limbs.
  std::vector<Fp> x(weights.begin(), weights.end());
  std::vector<Fp> range(size_t{1} << rl.num_vars);
  std::vector<bool> is_bias(weights.size());
  for (size_t b = 0; b < rl.bias.size(); ++b) {
    Segment s = rl.bias[b];
    for (size_t i = 0; i < (size_t{1} << s.log); ++i) {
      Fp v = weights[s.offset + i];
      is_bias[s.offset + i] = true;
      // As a signed integer (v or v − p), clamped to ±2^62 (far out of range anyway).
      uint64_t raw = v.value(), mag = std::min(raw, Fp::kModulus - raw);
      int64_t sv = static_cast<int64_t>(std::min<uint64_t>(mag, uint64_t{1} << 62));
      if (raw > Fp::kModulus / 2) sv = -sv;
      if (check_range && (sv < -kBiasOffset || sv >= kBiasOffset)) {
        return Error(
            Code::kInvalidArgument,
            fmt::format("weight range: bias of block {} at {} is outside int32", rl.blocks[b], i));
      }
      // The closest int32 (a forging prover's best choice: W − B is then
      // the smallest it can be).
      int64_t b32 = std::clamp(sv, -kBiasOffset, kBiasOffset - 1);
      uint64_t u = static_cast<uint64_t>(b32 + kBiasOffset);
      int64_t decomposed = static_cast<int64_t>(u) - kBiasOffset;
      for (size_t j = 0; j < kLimbs; ++j) {
        range[rl.limbs[b][j].offset + i] = Fp((u >> (8 * j)) & 0xff);
      }
      x[s.offset + i] = v - Fp::FromSigned(decomposed);
    }
  }
  if (check_range) {
    for (size_t i = 0; i < x.size(); ++i) {
      uint64_t raw = x[i].value();
      if (!is_bias[i] && raw > 127 && raw < Fp::kModulus - 127) {
        return Error(Code::kInvalidArgument,
                     fmt::format("weight range: weight entry {} is outside [-127, 127]", i));
      }
    }
  }
  // Multiplicities, counting only rows that are in the tables.
  std::span<const Fp> column(range.data() + rl.column.offset, size_t{1} << rl.column.log);
  for (size_t i = 0; i < x.size(); ++i) {
    uint64_t raw = x[i].value();
    int64_t sv = raw <= 127 ? static_cast<int64_t>(raw) : -static_cast<int64_t>(Fp::kModulus - raw);
    if (raw > 127 && raw < Fp::kModulus - 127) continue;
    range[rl.m_int8.offset + static_cast<size_t>(sv + 127)] += Fp::One();
  }
  for (Fp v : column) range[rl.m_byte.offset + v.value()] += Fp::One();

  std::unique_ptr<zk::MultilinearPcs> pcs = vk.Pcs(threads);
  VINET_ASSIGN_OR_RETURN(zk::PcsCommitted range_com, pcs->Commit({range}));
  zk::Transcript t = StartRangeTranscript(vk);
  RangeProof proof;
  proof.range = range_com.commitment;
  proof.range.AbsorbInto(t);
  ClaimList rc(rl.num_vars);

  auto slice = [&](Segment s) {
    return std::span<const Fp>(range.data() + s.offset, size_t{1} << s.log);
  };
  zk::LogUpClaims c8;
  std::vector<std::vector<Fp>> xcol = {std::move(x)};
  VINET_ASSIGN_OR_RETURN(zk::LogUpProof l8,
                         zk::ProveLogUp(kInt8, xcol, slice(rl.m_int8), t, threads, &c8));
  proof.int8_lookup = l8.ToBytes();
  rc.Add(c8.table_point, rl.m_int8, c8.multiplicity_eval);
  zk::LogUpClaims cb;
  std::vector<std::vector<Fp>> bcol = {{column.begin(), column.end()}};
  VINET_ASSIGN_OR_RETURN(zk::LogUpProof lb,
                         zk::ProveLogUp(kByte, bcol, slice(rl.m_byte), t, threads, &cb));
  proof.byte_lookup = lb.ToBytes();
  rc.Add(cb.witness_point, rl.column, cb.witness_evals[0]);
  rc.Add(cb.table_point, rl.m_byte, cb.multiplicity_eval);

  // W(r) and every limb at r's low coordinates.
  std::span<const Fp2> r = c8.witness_point;
  proof.evals.push_back(zk::EvaluateMle(weights, r));
  for (size_t b = 0; b < rl.bias.size(); ++b) {
    std::span<const Fp2> low = r.first(rl.bias[b].log);
    for (size_t j = 0; j < kLimbs; ++j) {
      Fp2 v = zk::EvaluateMle(slice(rl.limbs[b][j]), low);
      proof.evals.push_back(v);
      rc.Add(low, rl.limbs[b][j], v);
    }
  }
  t.AbsorbFp2s("weight_range.evals", proof.evals);
  zk::EvalClaim reduced;
  VINET_ASSIGN_OR_RETURN(proof.batch, rc.Prove(range, t, &reduced, threads));
  VINET_ASSIGN_OR_RETURN(zk::PcsOpening ro, pcs->Open(*range_com.data, reduced.point, t));
  proof.range_opening = std::move(ro.proof);
  VINET_ASSIGN_OR_RETURN(zk::PcsOpening wo, pcs->Open(*committed.data, r, t));
  proof.weight_opening = std::move(wo.proof);
  return proof.Encode();
}

}  // namespace detail

Result<Bytes> ProveWeightRange(const ProverPackage& package) {
  return detail::ProveWeightRangeOf(package.vk, package.weights, package.committed, package.threads,
                                    true);
}

Status VerifyWeightRange(const VerifyingKey& vk, ByteSpan bytes) {
  VINET_RETURN_IF_ERROR(CheckSecurityFloor(vk));
  WeightLayout wl = MakeWeightLayout(vk.spec);
  RangeLayout rl = MakeRangeLayout(vk.spec, wl);
  VINET_ASSIGN_OR_RETURN(RangeProof p, ParseRangeProof(bytes, rl));
  zk::LogUpStatement s8 = zk::StatementFor(kInt8, wl.num_vars);
  zk::LogUpStatement sb = zk::StatementFor(kByte, rl.column.log);
  auto l8 = zk::LogUpProof::Parse(p.int8_lookup, s8);
  if (!l8.ok()) return l8.status().WithContext("weight range: int8 lookup");
  auto lb = zk::LogUpProof::Parse(p.byte_lookup, sb);
  if (!lb.ok()) return lb.status().WithContext("weight range: limb lookup");

  zk::Transcript t = StartRangeTranscript(vk);
  p.range.AbsorbInto(t);
  std::vector<zk::EvalClaim> rc;
  auto add = [&](std::span<const Fp2> z, Segment s, Fp2 v) {
    rc.push_back({EmbedPoint(z, s, rl.num_vars), v});
  };
  auto c8 = zk::VerifyLogUp(s8, *l8, t);
  if (!c8.ok()) return c8.status().WithContext("weight range: int8 lookup");
  add(c8->table_point, rl.m_int8, c8->multiplicity_eval);
  auto cb = zk::VerifyLogUp(sb, *lb, t);
  if (!cb.ok()) return cb.status().WithContext("weight range: limb lookup");
  add(cb->witness_point, rl.column, cb->witness_evals[0]);
  add(cb->table_point, rl.m_byte, cb->multiplicity_eval);

  // (W − B)(r) = W(r) − Σ_b sel_b(r)·(Σ_j 2^{8j} limb_bj(r_low) − 2^31).
  std::span<const Fp2> r = c8->witness_point;
  Fp2 w_r = p.evals[0];
  Fp2 b_r = Fp2::Zero();
  for (size_t b = 0; b < rl.bias.size(); ++b) {
    std::span<const Fp2> low = r.first(rl.bias[b].log);
    Fp2 value = -Fp2(Fp(static_cast<uint64_t>(kBiasOffset)));
    for (size_t j = 0; j < kLimbs; ++j) {
      Fp2 v = p.evals[1 + kLimbs * b + j];
      value += Pow2(8 * j) * v;
      add(low, rl.limbs[b][j], v);
    }
    b_r += SegmentSelector(r, rl.bias[b]) * value;
  }
  if (w_r - b_r != c8->witness_evals[0]) {
    return Error(Code::kVerification,
                 "weight range: W − B at the lookup point differs from the int8 lookup's claim");
  }
  t.AbsorbFp2s("weight_range.evals", p.evals);
  auto reduced = zk::VerifyBatchedClaims(rl.num_vars, rc, p.batch, t);
  if (!reduced.ok()) return reduced.status().WithContext("weight range: range claims");
  std::unique_ptr<zk::MultilinearPcs> pcs = vk.Pcs();
  Status st =
      pcs->Verify(p.range, reduced->point, std::vector<Fp2>{reduced->value}, p.range_opening, t);
  if (!st.ok()) return st.WithContext("weight range: range opening");
  st = pcs->Verify(vk.weights, r, std::vector<Fp2>{w_r}, p.weight_opening, t);
  if (!st.ok()) return st.WithContext("weight range: weight opening");
  return Status();
}

VerifyCost EstimateWeightRangeCost(const VerifyingKey& vk) {
  WeightLayout wl = MakeWeightLayout(vk.spec);
  RangeLayout rl = MakeRangeLayout(vk.spec, wl);
  VerifyCost c;
  for (size_t n : {wl.num_vars, rl.column.log}) {
    size_t l = 1 + std::max<size_t>(n, 8);
    c.field_ops += 12 * l * l + 8 * 8;
  }
  size_t claims = 3 + kLimbs * rl.blocks.size();
  c.field_ops += 8 * claims * rl.num_vars + 4 * rl.blocks.size() * (kLimbs + wl.num_vars);
  AddPcsVerifyCost(vk, rl.num_vars, c);
  AddPcsVerifyCost(vk, wl.num_vars, c);
  return c;
}

double WeightRangeSoundnessBits(const VerifyingKey& vk) {
  WeightLayout wl = MakeWeightLayout(vk.spec);
  RangeLayout rl = MakeRangeLayout(vk.spec, wl);
  double f = zk::ExtensionFieldBits();
  size_t claims = 3 + kLimbs * rl.blocks.size();
  double err = std::exp2(-zk::LogUpSoundnessBits(wl.num_vars, 8, 1)) +
               std::exp2(-zk::LogUpSoundnessBits(rl.column.log, 8, 1)) +
               std::exp2(std::log2(static_cast<double>(claims)) - f) +
               std::exp2(-zk::SumcheckSoundnessBits(2, rl.num_vars));
  std::unique_ptr<zk::MultilinearPcs> pcs = vk.Pcs();
  err += std::exp2(-pcs->SoundnessBits(rl.num_vars)) + std::exp2(-pcs->SoundnessBits(wl.num_vars));
  return -std::log2(err);
}

}  // namespace vinet::zkml
