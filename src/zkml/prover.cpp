// Commit (weights polynomial, one Ligero commitment) and Prove.
#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "vinet/zk/poly/multilinear.h"
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
    size_t out_log = CeilLog2(b.out_size);
    std::vector<Segment> chunks = KChunks(b.in_size);
    for (size_t c = 0; c < chunks.size(); ++c) {
      for (size_t k = 0; k < (size_t{1} << chunks[c].log); ++k) {
        size_t row = chunks[c].offset + k;
        for (size_t n = 0; n < b.out_size; ++n) {
          w[wl.w[i][c].offset + (k << out_log) + n] =
              Fp::FromSigned(l.weight.data[row * b.out_size + n]);
        }
      }
    }
    for (size_t n = 0; n < l.bias.size(); ++n) w[wl.bias[i].offset + n] = Fp::FromSigned(l.bias[n]);
  }
  return w;
}

std::span<const Fp> Slice(const std::vector<Fp>& v, Segment s) {
  return std::span<const Fp>(v).subspan(s.offset, size_t{1} << s.log);
}

// Fills the block's q', y, limbs and shifted limb into the advice.
Status FillBlock(uint32_t clamp_bits, const LinearBlock& b, const BlockSegments& s,
                 std::span<const int64_t> acc, std::vector<Fp>& adv, std::vector<int8_t>& y_out) {
  size_t len = size_t{1} << s.out_log;
  uint32_t limbs = b.num_limbs();
  uint32_t top_bits = b.shift - kLimbBits * (limbs - 1);
  y_out.assign(b.out_size, 0);
  for (size_t n = 0; n < len; ++n) {
    __int128 a = n < b.out_size ? acc[n] : 0;
    __int128 v = a * b.multiplier + (static_cast<__int128>(1) << (b.shift - 1));
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
    int64_t y = b.relu ? std::clamp<int64_t>(qi, 0, 127) : std::clamp<int64_t>(qi, -127, 127);
    adv[s.qp.offset + n] = Fp::FromSigned(qi);
    adv[s.y.offset + n] = Fp::FromSigned(y);
    if (n < b.out_size) y_out[n] = static_cast<int8_t>(y);
    uint64_t top = 0;
    for (uint32_t j = 0; j < limbs; ++j) {
      top = (r >> (kLimbBits * j)) & ((1u << kLimbBits) - 1);
      adv[s.limbs[j].offset + n] = Fp(top);
    }
    adv[s.shifted.offset + n] = Fp(top + (1u << kLimbBits) - (uint64_t{1} << top_bits));
  }
  return Status();
}

}  // namespace

Result<Committed> Commit(runtime::QuantizedModel model, const ZkmlParams& params) {
  auto pkg = std::make_shared<ProverPackage>();
  VINET_ASSIGN_OR_RETURN(pkg->circuit, SpecFromModel(model));
  pkg->model = std::move(model);
  pkg->threads = std::max(1u, params.threads);
  pkg->weight_layout = MakeWeightLayout(pkg->circuit.spec);
  pkg->advice_layout = MakeAdviceLayout(pkg->circuit.spec);
  pkg->weights = BuildWeights(pkg->model, pkg->circuit, pkg->weight_layout);
  pkg->vk.spec = pkg->circuit.spec;
  pkg->vk.security_bits = params.security_bits;
  pkg->vk.log_inv_rate = params.log_inv_rate;
  zk::LigeroPcs pcs = pkg->vk.Pcs(pkg->threads);
  VINET_ASSIGN_OR_RETURN(pkg->committed, pcs.Commit({pkg->weights}));
  pkg->vk.weights = pkg->committed.commitment;
  VerifyingKey vk = pkg->vk;
  return Committed{std::move(pkg), std::move(vk)};
}

namespace {
// Adds the milliseconds since the last lap to *slot (when timing).
class Laps {
 public:
  explicit Laps(ProveTimings* t) : t_(t) {}
  void Lap(double ProveTimings::*slot) {
    auto now = std::chrono::steady_clock::now();
    if (t_) t_->*slot += std::chrono::duration<double, std::milli>(now - last_).count();
    last_ = now;
  }

 private:
  ProveTimings* t_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};
}  // namespace

Result<Proved> Prove(const ProverPackage& pkg, const runtime::Int8Tensor& input,
                     ProveTimings* timings) {
  Laps laps(timings);
  const ModelSpec& spec = pkg.circuit.spec;
  const AdviceLayout& al = pkg.advice_layout;
  const WeightLayout& wl = pkg.weight_layout;
  VINET_RETURN_IF_ERROR(CheckShape("input", input, spec.input_shape));
  runtime::Int8Tensor in{pkg.model.tensors()[pkg.model.input()].shape, input.data};
  in.shape[0] = 1;
  runtime::Witness wit;
  VINET_ASSIGN_OR_RETURN(runtime::Int8Tensor out, pkg.model.Run(in, &wit));

  // Witness -> advice polynomial.
  std::vector<Fp> adv(size_t{1} << al.num_vars);
  std::vector<std::vector<int8_t>> ys(spec.blocks.size());
  for (size_t i = 0; i < spec.blocks.size(); ++i) {
    const auto& acc = wit.layers[pkg.circuit.linear_layer[i]].accumulator.data;
    VINET_RETURN_IF_ERROR(
        FillBlock(spec.clamp_bits, spec.blocks[i], al.blocks[i], acc, adv, ys[i]));
  }
  if (ys[spec.output_block] != out.data) {
    return Error(Code::kInternal, "circuit output differs from the runtime's int8 output");
  }
  std::vector<LookupSlot> slots = LookupSlots(al);
  for (const LookupSlot& s : slots) {
    std::vector<std::vector<Fp>> cols = {{Slice(adv, s.x).begin(), Slice(adv, s.x).end()}};
    if (s.two_columns) cols.emplace_back(Slice(adv, s.y).begin(), Slice(adv, s.y).end());
    VINET_ASSIGN_OR_RETURN(std::vector<Fp> m, zk::ComputeMultiplicities(*s.table, cols));
    std::copy(m.begin(), m.end(), adv.begin() + s.m.offset);
  }
  laps.Lap(&ProveTimings::witness);
  zk::LigeroPcs pcs = pkg.vk.Pcs(pkg.threads);
  VINET_ASSIGN_OR_RETURN(zk::PcsCommitted adv_com, pcs.Commit({adv}));
  laps.Lap(&ProveTimings::advice_commit);

  runtime::Int8Tensor public_out{spec.output_shape, out.data};
  zk::Transcript t = StartTranscript(pkg.vk, input, public_out);
  ModelProof proof;
  proof.advice = adv_com.commitment;
  proof.advice.AbsorbInto(t);
  ClaimList ac(al.num_vars), wc(wl.num_vars);  // advice and weight claims

  for (const LookupSlot& s : slots) {
    std::vector<std::vector<Fp>> cols = {{Slice(adv, s.x).begin(), Slice(adv, s.x).end()}};
    if (s.two_columns) cols.emplace_back(Slice(adv, s.y).begin(), Slice(adv, s.y).end());
    zk::LogUpClaims lc;
    VINET_ASSIGN_OR_RETURN(zk::LogUpProof lp,
                           zk::ProveLogUp(*s.table, cols, Slice(adv, s.m), t, pkg.threads, &lc));
    proof.lookups.push_back(lp.ToBytes());
    ac.Add(lc.witness_point, s.x, lc.witness_evals[0]);
    if (s.two_columns) ac.Add(lc.witness_point, s.y, lc.witness_evals[1]);
    ac.Add(lc.table_point, s.m, lc.multiplicity_eval);
  }

  laps.Lap(&ProveTimings::lookups);
  const BlockSegments& ob = al.blocks[spec.output_block];
  std::vector<Fp2> tau = t.ChallengeFp2s("zkml.output_point", ob.out_log);
  ac.Add(tau, ob.y, zk::EvaluateMle(Slice(adv, ob.y), tau));

  for (size_t i = spec.blocks.size(); i-- > 0;) {
    const LinearBlock& b = spec.blocks[i];
    const BlockSegments& s = al.blocks[i];
    std::vector<Fp2> rho = t.ChallengeFp2s("zkml.block_point", s.out_log);
    BlockProof bp;
    bp.evals.push_back(zk::EvaluateMle(Slice(adv, s.qp), rho));
    for (Segment l : s.limbs) bp.evals.push_back(zk::EvaluateMle(Slice(adv, l), rho));
    bp.evals.push_back(zk::EvaluateMle(Slice(adv, s.shifted), rho));
    bp.evals.push_back(zk::EvaluateMle(Slice(pkg.weights, wl.bias[i]), rho));
    t.AbsorbFp2s("zkml.block_evals", bp.evals);
    // Per chunk c: A(k) = Σ_n eq(ρ, n) W_c[k, n]; X = the chunk of the input.
    std::vector<Fp2> eq = zk::EqTable(rho);
    std::vector<Fp> x_all = b.input < 0 ? PaddedInt8(input.data, s.in_log)
                                        : std::vector<Fp>(Slice(adv, al.blocks[b.input].y).begin(),
                                                          Slice(adv, al.blocks[b.input].y).end());
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
      std::vector<zk::ProductTerm> terms = {{Fp2::One(), {0, 1}}};
      VINET_ASSIGN_OR_RETURN(
          zk::SumcheckProverOutput sc,
          zk::ProveSumcheck({std::move(as[c]), std::move(x)}, terms, t, pkg.threads));
      std::vector<Fp2> rk = rho;
      rk.insert(rk.end(), sc.point.begin(), sc.point.end());
      wc.Add(rk, wl.w[i][c], sc.proof.final_evals[0]);
      if (b.input >= 0) {
        Segment ys = al.blocks[b.input].y;
        ac.Add(sc.point, {ys.offset + ch.offset, ch.log}, sc.proof.final_evals[1]);
      }
      bp.matmul.push_back(std::move(sc.proof));
    }
    wc.Add(rho, wl.bias[i], bp.evals.back());
    ac.Add(rho, s.qp, bp.evals[0]);
    for (size_t j = 0; j < s.limbs.size(); ++j) ac.Add(rho, s.limbs[j], bp.evals[1 + j]);
    ac.Add(rho, s.shifted, bp.evals[1 + s.limbs.size()]);
    proof.blocks.push_back(std::move(bp));
  }

  laps.Lap(&ProveTimings::layers);
  EvalClaim reduced;
  VINET_ASSIGN_OR_RETURN(proof.advice_batch, ac.Prove(adv, t, &reduced, pkg.threads));
  VINET_ASSIGN_OR_RETURN(zk::PcsOpening ao, pcs.Open(*adv_com.data, reduced.point, t));
  proof.advice_opening = std::move(ao.proof);
  laps.Lap(&ProveTimings::advice_open);
  VINET_ASSIGN_OR_RETURN(proof.weight_batch, wc.Prove(pkg.weights, t, &reduced, pkg.threads));
  VINET_ASSIGN_OR_RETURN(zk::PcsOpening wo, pcs.Open(*pkg.committed.data, reduced.point, t));
  proof.weight_opening = std::move(wo.proof);
  laps.Lap(&ProveTimings::weight_open);
  return Proved{std::move(public_out), proof.Encode()};
}

}  // namespace vinet::zkml
