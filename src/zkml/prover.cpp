// Commit (weights polynomial, one Ligero commitment) and Prove.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <optional>

#include <fmt/format.h>

#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/pcs/ligero.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/random.h"
#include "zkml/block_prover.h"
#include "zkml/gather.h"
#include "zkml/instances.h"
#include "zkml/package.h"
#include "zkml/proof.h"
#include "zkml/segment_claims.h"

namespace vinet::zkml {

using zk::EvalClaim;
using zk::Fp;
using zk::Fp2;
using namespace detail;

namespace {

std::vector<Fp> BuildWeights(const runtime::QuantizedModel& m, const ModelCircuit& c,
                             const WeightLayout& wl) {
  std::vector<Fp> w(size_t{1} << wl.num_vars);
  for (size_t i = 0; i < c.spec.blocks.size(); ++i) {
    const runtime::QLayer& l = m.layers()[c.linear_layer[i]];
    const LinearBlock& b = c.spec.blocks[i];
    if (b.kind == BlockKind::kConv) {
      size_t oclog = CeilLog2(b.win.oc);
      size_t kk = size_t{b.win.c} * b.win.kh * b.win.kw;
      for (size_t oc = 0; oc < b.win.oc; ++oc) {
        for (size_t k = 0; k < kk; ++k) {
          w[wl.w[i][0].offset + (k << oclog) + oc] = Fp::FromSigned(l.weight.data[oc * kk + k]);
        }
      }
      for (size_t n = 0; n < l.bias.size(); ++n)
        w[wl.bias[i].offset + n] = Fp::FromSigned(l.bias[n]);
      continue;
    }
    if (b.kind != BlockKind::kLinear) continue;
    size_t out_log = CeilLog2(b.out_size);
    std::vector<Segment> chunks = KChunks(LinearRows(c.spec, b));
    Storage st = c.spec.StorageOf(b.input);
    for (size_t k = 0; k < b.in_size; ++k) {
      size_t row = st.flat() ? k : st.Index(k);  // the input's storage position
      size_t ci = 0;
      while (row >= chunks[ci].offset + (size_t{1} << chunks[ci].log)) ++ci;
      size_t base = wl.w[i][ci].offset + ((row - chunks[ci].offset) << out_log);
      for (size_t n = 0; n < b.out_size; ++n) {
        w[base + n] = Fp::FromSigned(l.weight.data[k * b.out_size + n]);
      }
    }
    for (size_t n = 0; n < l.bias.size(); ++n) w[wl.bias[i].offset + n] = Fp::FromSigned(l.bias[n]);
  }
  return w;
}

std::span<const Fp> Slice(const std::vector<Fp>& v, Segment s) {
  return std::span<const Fp>(v).subspan(s.offset, size_t{1} << s.log);
}

// Fills a requantizing block's q', y, limbs and shifted limb into the advice;
// acc and y_out in the block's storage layout (2^out_log entries).
Status FillBlock(uint32_t clamp_bits, const LinearBlock& b, const BlockSegments& s,
                 std::span<const int64_t> acc, std::vector<Fp>& adv, std::vector<int64_t>& y_out) {
  size_t len = size_t{1} << s.out_log;
  uint32_t limbs = b.num_limbs();
  uint32_t top_bits = b.shift - kLimbBits * (limbs - 1);
  y_out.assign(len, 0);
  for (size_t n = 0; n < len; ++n) {
    __int128 a = acc[n];
    __int128 v = a * b.requant_multiplier() + (static_cast<__int128>(1) << (b.shift - 1));
    __int128 q = v >> b.shift;  // floor
    uint64_t r = static_cast<uint64_t>(v - (q << b.shift));
    int64_t half = int64_t{1} << (clamp_bits - 1);
    if (q < -half || q >= half) {
      return Error(Code::kOutOfRange,
                   fmt::format("pre-clamp value {} of output {} is outside the provable range "
                               "of the clamp table",
                               static_cast<int64_t>(q), n));
    }
    int64_t qi = static_cast<int64_t>(q);
    int64_t clamped = std::clamp<int64_t>(qi, -127, 127);
    int64_t y = b.relu ? std::max<int64_t>(clamped, 0) : clamped;
    adv[s.qp.offset + n] = Fp::FromSigned(qi);
    // A ReLU block's y is written with its column (FillReluColumn).
    adv[(b.relu ? s.clamped : s.y).offset + n] = Fp::FromSigned(clamped);
    y_out[n] = y;
    uint64_t top = 0;
    for (uint32_t j = 0; j < limbs; ++j) {
      top = (r >> (kLimbBits * j)) & ((1u << kLimbBits) - 1);
      adv[s.limbs[j].offset + n] = Fp(top);
    }
    adv[s.shifted.offset + n] = Fp(top + (1u << kLimbBits) - (uint64_t{1} << top_bits));
  }
  return Status();
}

// The ReLU column's y half, the ReLU blocks' outputs included, at every
// position of its x half (the clamp column's prefix, which may also hold
// other blocks' clamped values): max(x, 0) for x in [−127, 127].
void FillReluColumn(const AdviceLayout& al, std::vector<Fp>& adv) {
  if (!al.has_relu) return;
  for (size_t i = 0; i < (size_t{1} << al.relu_x.log); ++i) {
    Fp x = adv[al.relu_x.offset + i];
    adv[al.relu_y.offset + i] = x.value() <= 127 ? x : Fp::Zero();
  }
}

// Running maximum over the window slots: y, d_j = m_j − m_{j−1}, e_j = m_j − a_j.
void FillMaxPool(const LinearBlock& b, const BlockSegments& s, std::span<const int64_t> x,
                 std::vector<Fp>& adv, std::vector<int64_t>& y_out) {
  Gather g = PoolGather(b);
  uint32_t kk = b.win.kh * b.win.kw;
  std::vector<int64_t> m = GatherApply(g, x, 0);
  for (uint32_t j = 1; j < kk; ++j) {
    std::vector<int64_t> a = GatherApply(g, x, j);
    for (size_t n = 0; n < m.size(); ++n) {
      int64_t next = std::max(m[n], a[n]);
      adv[s.d[j - 1].offset + n] = Fp::FromSigned(next - m[n]);
      adv[s.e[j - 1].offset + n] = Fp::FromSigned(next - a[n]);
      m[n] = next;
    }
  }
  for (size_t n = 0; n < m.size(); ++n) adv[s.y.offset + n] = Fp::FromSigned(m[n]);
  y_out = std::move(m);
}

// A runtime tensor (flat NCHW) in a storage layout of 2^log entries.
std::vector<int64_t> ToStorage(std::span<const int8_t> flat, Storage st) {
  std::vector<int64_t> v(size_t{1} << st.log());
  for (size_t i = 0; i < flat.size(); ++i) v[st.Index(i)] = flat[i];
  return v;
}
std::vector<int64_t> ToStorage(std::span<const int64_t> flat, Storage st) {
  std::vector<int64_t> v(size_t{1} << st.log());
  for (size_t i = 0; i < flat.size(); ++i) v[st.Index(i)] = flat[i];
  return v;
}

// Instance `n`'s part of a batched block's segments (instance n at n·2^out_log).
BlockSegments InstanceSegments(BlockSegments s, size_t n) {
  size_t shift = n << s.out_log;
  for (Segment* seg : {&s.qp, &s.y, &s.clamped, &s.shifted}) seg->offset += shift;
  for (auto* list : {&s.limbs, &s.d, &s.e}) {
    for (Segment& seg : *list) seg.offset += shift;
  }
  return s;
}

// Instance `n`: every block's output y (storage layout), filling the advice.
Status FillAdvice(const ProverPackage& pkg, const AdviceLayout& al, size_t n,
                  const runtime::Witness& wit, const std::vector<int64_t>& input_storage,
                  std::vector<Fp>& adv, std::vector<std::vector<int64_t>>& ys) {
  const ModelSpec& spec = pkg.circuit.spec;
  ys.assign(spec.blocks.size(), {});
  auto source = [&](int32_t src) -> const std::vector<int64_t>& {
    return src < 0 ? input_storage : ys[src];
  };
  for (size_t i = 0; i < spec.blocks.size(); ++i) {
    const LinearBlock& b = spec.blocks[i];
    const BlockSegments s = InstanceSegments(al.blocks[i], n);
    const runtime::LayerTrace& tr = wit.layers[pkg.circuit.linear_layer[i]];
    Storage out = spec.StorageOf(static_cast<int32_t>(i));
    std::vector<int64_t> acc;
    switch (b.kind) {
      case BlockKind::kLinear:
      case BlockKind::kConv:
        acc = ToStorage(std::span<const int64_t>(tr.accumulator.data), out);
        break;
      case BlockKind::kAvgPool:
        acc = GatherApply(PoolGather(b), source(b.input), 0);
        break;
      case BlockKind::kAdd: {
        const auto& a = source(b.input);
        const auto& c = source(b.input_b);
        acc.resize(a.size());
        for (size_t n = 0; n < a.size(); ++n) acc[n] = a[n] * b.multiplier + c[n] * b.multiplier_b;
        break;
      }
      case BlockKind::kMaxPool:
        FillMaxPool(b, s, source(b.input), adv, ys[i]);
        break;
    }
    if (b.kind != BlockKind::kMaxPool) {
      VINET_RETURN_IF_ERROR(FillBlock(spec.clamp_bits, b, s, acc, adv, ys[i]));
    }
    if (!b.relu && ToStorage(std::span<const int8_t>(tr.output.data), out) != ys[i]) {
      return Error(Code::kInternal,
                   fmt::format("block {}: circuit output differs from the runtime's", i));
    }
  }
  return Status();
}

// The key's PCS kind: `hiding` selects the hiding mode of the named scheme
// (hiding Ligero for Ligero, hiding Basefold for Basefold over Fp4; Basefold
// over Fp2 has none).
Result<PcsKind> KeyKind(const ZkmlParams& params) {
  if (!params.hiding && !IsHidingKind(params.pcs)) return params.pcs;
  if (params.pcs == PcsKind::kBasefold) {
    return Error(Code::kInvalidArgument,
                 "hiding: Basefold over Fp2 has no hiding mode (use Basefold over Fp4 or Ligero)");
  }
  if (params.pcs == PcsKind::kBasefoldFp4 || params.pcs == PcsKind::kHidingBasefold) {
    return PcsKind::kHidingBasefold;
  }
  if (IsConjecturedKind(params.pcs)) return PcsKind::kHidingBasefoldConjectured;
  return PcsKind::kHidingLigero;
}

}  // namespace

Result<Committed> Commit(runtime::QuantizedModel model, const ZkmlParams& params) {
  VINET_ASSIGN_OR_RETURN(PcsKind kind, KeyKind(params));
  return detail::CommitWithSeed(std::move(model), params,
                                IsHidingKind(kind) ? zk::RandomSeed() : zk::Digest{});
}

Result<Committed> detail::CommitWithSeed(runtime::QuantizedModel model, const ZkmlParams& params,
                                         const zk::Digest& mask_seed) {
  auto pkg = std::make_shared<ProverPackage>();
  VINET_ASSIGN_OR_RETURN(pkg->circuit, SpecFromModel(model));
  pkg->model = std::move(model);
  pkg->threads = std::max(1u, params.threads);
  pkg->weight_layout = MakeWeightLayout(pkg->circuit.spec);
  pkg->advice_layout = MakeAdviceLayout(pkg->circuit.spec);
  pkg->weights = BuildWeights(pkg->model, pkg->circuit, pkg->weight_layout);
  pkg->vk.spec = pkg->circuit.spec;
  pkg->vk.security_bits = params.security_bits;
  VINET_ASSIGN_OR_RETURN(pkg->vk.pcs, KeyKind(params));
  pkg->vk.log_inv_rate =
      params.log_inv_rate == 0 ? DefaultLogInvRate(pkg->vk.pcs) : params.log_inv_rate;
  if (params.security_bits < 80 || params.security_bits > 256 || pkg->vk.log_inv_rate < 1 ||
      pkg->vk.log_inv_rate > MaxLogInvRate(pkg->vk.pcs)) {
    return Error(
        Code::kInvalidArgument,
        fmt::format("security {} / rate 2^-{}: the key allows 80..256 bits, rate 1..{}",
                    params.security_bits, pkg->vk.log_inv_rate, MaxLogInvRate(pkg->vk.pcs)));
  }
  if (!params.insecure_experiment) VINET_RETURN_IF_ERROR(CheckSecurityFloor(pkg->vk));
  pkg->mask_seed = mask_seed;
  std::unique_ptr<zk::MultilinearPcs> pcs = pkg->vk.Pcs(pkg->threads);
  if (pkg->vk.hiding()) {
    VINET_ASSIGN_OR_RETURN(pkg->committed, pcs->CommitWithMaskSeed({pkg->weights}, mask_seed));
  } else {
    VINET_ASSIGN_OR_RETURN(pkg->committed, pcs->Commit({pkg->weights}));
  }
  pkg->vk.weights = pkg->committed.commitment;
  VerifyingKey vk = pkg->vk;
  return Committed{std::move(pkg), std::move(vk)};
}

namespace {
// Adds the milliseconds since the last lap to *slot (when timing): wall
// clock, or the process's CPU time (all threads) if t->process_cpu.
class Laps {
 public:
  explicit Laps(ProveTimings* t) : t_(t), last_(Now()) {}
  void Lap(double ProveTimings::*slot) {
    double now = Now();
    if (t_) t_->*slot += now - last_;
    last_ = now;
  }

 private:
  double Now() const {
    if (t_ != nullptr && t_->process_cpu) {
      timespec ts{};
      clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
      return 1e3 * static_cast<double>(ts.tv_sec) + 1e-6 * static_cast<double>(ts.tv_nsec);
    }
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  ProveTimings* t_;
  double last_;
};
}  // namespace

namespace detail {

Result<ProvedInstances> ProveInstances(const ProverPackage& pkg,
                                       std::span<const runtime::Int8Tensor> inputs,
                                       const TranscriptStart& start, ProveTimings* timings) {
  Laps laps(timings);
  const ModelSpec& spec = pkg.circuit.spec;
  size_t batch_log = CeilLog2(inputs.size());
  if (inputs.empty() || inputs.size() != size_t{1} << batch_log) {
    return Error(Code::kInvalidArgument,
                 fmt::format("batch: {} instances, want a power of two", inputs.size()));
  }
  AdviceLayout batched;
  if (batch_log > 0) batched = MakeAdviceLayout(spec, batch_log);
  const AdviceLayout& al = batch_log > 0 ? batched : pkg.advice_layout;
  const WeightLayout& wl = pkg.weight_layout;

  // Witness -> advice polynomial; inputs and block outputs batched (instance
  // n at n·2^log of each vector).
  std::vector<Fp> adv(size_t{1} << al.num_vars);
  std::vector<std::vector<int64_t>> ys(spec.blocks.size());
  std::vector<int64_t> xin;
  ProvedInstances res;
  for (size_t n = 0; n < inputs.size(); ++n) {
    const runtime::Int8Tensor& input = inputs[n];
    VINET_RETURN_IF_ERROR(CheckShape("input", input, spec.input_shape));
    runtime::Int8Tensor in{pkg.model.tensors()[pkg.model.input()].shape, input.data};
    in.shape[0] = 1;
    runtime::Witness wit;
    VINET_ASSIGN_OR_RETURN(runtime::Int8Tensor out, pkg.model.Run(in, &wit));
    std::vector<int64_t> x = ToStorage(std::span<const int8_t>(input.data), spec.StorageOf(-1));
    std::vector<std::vector<int64_t>> ys_n;
    VINET_RETURN_IF_ERROR(FillAdvice(pkg, al, n, wit, x, adv, ys_n));
    if (ys_n[spec.output_block] !=
        ToStorage(std::span<const int8_t>(out.data), spec.StorageOf(spec.output_block))) {
      return Error(Code::kInternal, "circuit output differs from the runtime's int8 output");
    }
    xin.insert(xin.end(), x.begin(), x.end());
    for (size_t i = 0; i < ys.size(); ++i)
      ys[i].insert(ys[i].end(), ys_n[i].begin(), ys_n[i].end());
    res.outputs.push_back(runtime::Int8Tensor{spec.output_shape, out.data});
  }
  FillReluColumn(al, adv);
  std::vector<LookupSlot> slots = LookupSlots(al);
  for (const LookupSlot& s : slots) {
    std::vector<std::vector<Fp>> cols = {{Slice(adv, s.x).begin(), Slice(adv, s.x).end()}};
    if (s.two_columns) cols.emplace_back(Slice(adv, s.y).begin(), Slice(adv, s.y).end());
    VINET_ASSIGN_OR_RETURN(std::vector<Fp> m, zk::ComputeMultiplicities(*s.table, cols));
    std::copy(m.begin(), m.end(), adv.begin() + s.m.offset);
  }
  if (pkg.edit_advice) pkg.edit_advice(al, adv);
  laps.Lap(&ProveTimings::witness);
  std::unique_ptr<zk::MultilinearPcs> pcs = pkg.vk.Pcs(pkg.threads);
  const ProofForm form = FormOf(pkg.vk, al, wl);
  const auto* joint_pcs = dynamic_cast<const zk::BasefoldPcs*>(pcs.get());
  if (form.joint && joint_pcs == nullptr)
    return Error(Code::kInternal, "joint form without Basefold");
  // Zero knowledge (hiding keys): one mask bank masks every sumcheck below.
  // Joint form: its table rides in the advice commitment (joint_bank_batch.h).
  std::optional<zk::MaskBankProver> bank;
  std::unique_ptr<zk::MultilinearPcs> bank_pcs;  // outlives the bank
  std::vector<std::vector<Fp>> bank_polys;
  std::vector<std::vector<Fp>> committed = {adv};
  zk::SecondaryLifts lifts;
  if (form.bank_in_joint) {
    VINET_ASSIGN_OR_RETURN(bank, zk::MaskBankProver::Draw(MaskShapes(spec, al, wl, true)));
    size_t mask_vars = JointMaskVarsOf(spec, al, wl);
    VINET_ASSIGN_OR_RETURN(bank_polys, zk::JointBankPolys(bank->table(), al.num_vars, mask_vars));
    committed.insert(committed.end(), bank_polys.begin(), bank_polys.end());
    lifts = JointMaskLifts(mask_vars, al);  // R1 and R2 below n2: lifts, unpadded
  }
  VINET_ASSIGN_OR_RETURN(zk::PcsCommitted adv_com,
                         form.joint
                             ? joint_pcs->CommitSecondary(std::move(committed), wl.num_vars, lifts)
                             : pcs->Commit(std::move(committed)));
  laps.Lap(&ProveTimings::advice_commit);

  zk::Transcript t = start(res.outputs);
  ModelProof& proof = res.proof;
  proof.advice = adv_com.commitment;
  proof.advice.AbsorbInto(t);
  proof.masked = pkg.vk.hiding();
  proof.bank_in_joint = form.bank_in_joint;
  if (pkg.vk.hiding() && !form.bank_in_joint) {
    bank_pcs = MaskBankPcs(pkg.vk, pkg.threads);
    VINET_ASSIGN_OR_RETURN(
        bank, zk::MaskBankProver::Commit(MaskShapes(spec, al, wl, form.joint), *bank_pcs));
    proof.mask = bank->commitment();
    proof.mask.AbsorbInto(t);
  }
  zk::MaskBankProver* bp_bank = bank ? &*bank : nullptr;
  ClaimList ac(al.num_vars), wc(wl.num_vars);  // advice and weight claims

  // All the lookups in one LogUp batch: one layer sumcheck per GKR layer.
  std::vector<std::vector<std::vector<Fp>>> cols(slots.size());
  std::vector<zk::LogUpInstance> lookups;
  for (size_t i = 0; i < slots.size(); ++i) {
    const LookupSlot& s = slots[i];
    cols[i] = {{Slice(adv, s.x).begin(), Slice(adv, s.x).end()}};
    if (s.two_columns) cols[i].emplace_back(Slice(adv, s.y).begin(), Slice(adv, s.y).end());
    lookups.push_back({s.table, cols[i], Slice(adv, s.m)});
  }
  std::vector<zk::LogUpClaims> lcs;
  VINET_ASSIGN_OR_RETURN(proof.lookups,
                         zk::ProveLogUpBatch(lookups, t, pkg.threads, &lcs, bp_bank));
  cols.clear();
  for (size_t i = 0; i < slots.size(); ++i) {
    const LookupSlot& s = slots[i];
    const zk::LogUpClaims& lc = lcs[i];
    ac.Add(lc.witness_point, s.x, lc.witness_evals[0]);
    if (s.two_columns) ac.Add(lc.witness_point, s.y, lc.witness_evals[1]);
    ac.Add(lc.table_point, s.m, lc.multiplicity_eval);
  }

  laps.Lap(&ProveTimings::lookups);
  const BlockSegments& ob = al.blocks[spec.output_block];
  std::vector<Fp2> tau = t.ChallengeFp2s("zkml.output_point", ob.y.log);
  ac.Add(tau, ob.y, zk::EvaluateMle(Slice(adv, ob.y), tau));

  BlockProver bpv{pkg, al, adv, xin, ys, t, ac, wc, bp_bank};
  for (size_t i = spec.blocks.size(); i-- > 0;) {
    VINET_ASSIGN_OR_RETURN(BlockProof bp, bpv.Prove(i));
    proof.blocks.push_back(std::move(bp));
  }

  laps.Lap(&ProveTimings::layers);
  if (form.joint) {  // one batch of weight and advice claims, one joint opening
    proof.joint = true;
    std::vector<Fp2> point;
    if (form.bank_in_joint) {
      zk::JointBankClaims reduced;
      VINET_ASSIGN_OR_RETURN(proof.joint_bank,
                             ProveJointBankClaims(wc, pkg.weights, ac, adv, bank_polys, *bank, t,
                                                  &reduced, pkg.threads));
      point = std::move(reduced.primary.point);
    } else {
      zk::JointClaims reduced;
      VINET_ASSIGN_OR_RETURN(proof.advice_batch, ProveJointClaims(wc, pkg.weights, ac, adv, t,
                                                                  &reduced, pkg.threads, bp_bank));
      point = std::move(reduced.primary.point);
    }
    laps.Lap(&ProveTimings::advice_open);
    VINET_ASSIGN_OR_RETURN(zk::BasefoldPcs::JointOpening jo,
                           joint_pcs->OpenJoint(*pkg.committed.data, *adv_com.data, point, t));
    proof.advice_opening = std::move(jo.proof);
  } else {
    EvalClaim reduced;
    VINET_ASSIGN_OR_RETURN(proof.advice_batch, ac.Prove(adv, t, &reduced, pkg.threads, bp_bank));
    VINET_ASSIGN_OR_RETURN(zk::PcsOpening ao, pcs->Open(*adv_com.data, reduced.point, t));
    proof.advice_opening = std::move(ao.proof);
    laps.Lap(&ProveTimings::advice_open);
    VINET_ASSIGN_OR_RETURN(proof.weight_batch,
                           wc.Prove(pkg.weights, t, &reduced, pkg.threads, bp_bank));
    VINET_ASSIGN_OR_RETURN(zk::PcsOpening wo, pcs->Open(*pkg.committed.data, reduced.point, t));
    proof.weight_opening = std::move(wo.proof);
  }
  if (bank && !form.bank_in_joint) {
    VINET_ASSIGN_OR_RETURN(proof.mask_opening, bank->Open(t));
  }
  laps.Lap(&ProveTimings::weight_open);
  return res;
}

}  // namespace detail

Result<Proved> Prove(const ProverPackage& pkg, const runtime::Int8Tensor& input,
                     ProveTimings* timings) {
  auto start = [&](std::span<const runtime::Int8Tensor> outputs) {
    return StartTranscript(pkg.vk, input, outputs[0]);
  };
  VINET_ASSIGN_OR_RETURN(ProvedInstances p, ProveInstances(pkg, {&input, 1}, start, timings));
  return Proved{std::move(p.outputs[0]), p.proof.Encode()};
}

}  // namespace vinet::zkml
