// Verify: replays the transcript from the key, the public input and output.
// The verifier reads no weights: it holds only the key's weight commitment.
#include <fmt/format.h>

#include "vinet/zk/poly/multilinear.h"
#include "zkml/package.h"
#include "zkml/proof.h"

namespace vinet::zkml {

using zk::EvalClaim;
using zk::Fp;
using zk::Fp2;
using namespace detail;

namespace {

Status Fail(std::string what) {
  return Error(Code::kVerification, std::move(what));
}

void AddClaim(std::vector<EvalClaim>& claims, std::span<const Fp2> z, Segment s, size_t total,
              Fp2 value) {
  claims.push_back({EmbedPoint(z, s, total), value});
}

Fp2 Pow2(uint32_t e) {
  return Fp2(Fp(1) * Fp(uint64_t{1} << (e / 2)) * Fp(uint64_t{1} << (e - e / 2)));
}

// acc(ρ) from the requantization identity acc·M + 2^(s−1) = 2^s·q' + r.
Fp2 AccumulatorAt(const LinearBlock& b, const std::vector<Fp2>& ev) {
  Fp2 r;
  for (uint32_t j = 0; j < b.num_limbs(); ++j) r += ev[1 + j] * Pow2(kLimbBits * j);
  Fp2 lhs = Pow2(b.shift) * ev[0] + r - Pow2(b.shift - 1);
  return lhs * Fp2(Fp(static_cast<uint64_t>(b.multiplier)).Inverse());
}

}  // namespace

Status Verify(const VerifyingKey& vk, const runtime::Int8Tensor& input,
              const runtime::Int8Tensor& output, ByteSpan proof_bytes) {
  const ModelSpec& spec = vk.spec;
  VINET_RETURN_IF_ERROR(CheckShape("input", input, spec.input_shape));
  VINET_RETURN_IF_ERROR(CheckShape("output", output, spec.output_shape));
  AdviceLayout al = MakeAdviceLayout(spec);
  WeightLayout wl = MakeWeightLayout(spec);
  VINET_ASSIGN_OR_RETURN(ModelProof proof, ModelProof::Parse(proof_bytes, spec, al, wl));

  zk::Transcript t = StartTranscript(vk, input, output);
  proof.advice.AbsorbInto(t);
  std::vector<EvalClaim> ac, wc;
  std::vector<LookupSlot> slots = LookupSlots(al);
  for (size_t i = 0; i < slots.size(); ++i) {
    const LookupSlot& s = slots[i];
    zk::LogUpStatement st = zk::StatementFor(*s.table, s.x.log);
    VINET_ASSIGN_OR_RETURN(zk::LogUpProof lp, zk::LogUpProof::Parse(proof.lookups[i], st));
    auto lc = zk::VerifyLogUp(st, lp, t);
    if (!lc.ok()) return lc.status().WithContext(std::string(s.name) + " lookup");
    AddClaim(ac, lc->witness_point, s.x, al.num_vars, lc->witness_evals[0]);
    if (s.two_columns) AddClaim(ac, lc->witness_point, s.y, al.num_vars, lc->witness_evals[1]);
    AddClaim(ac, lc->table_point, s.m, al.num_vars, lc->multiplicity_eval);
  }

  const BlockSegments& ob = al.blocks[spec.output_block];
  std::vector<Fp2> tau = t.ChallengeFp2s("zkml.output_point", ob.out_log);
  AddClaim(ac, tau, ob.y, al.num_vars, zk::EvaluateMle(PaddedInt8(output.data, ob.out_log), tau));

  size_t pi = 0;
  for (size_t i = spec.blocks.size(); i-- > 0; ++pi) {
    const LinearBlock& b = spec.blocks[i];
    const BlockSegments& s = al.blocks[i];
    const BlockProof& bp = proof.blocks[pi];
    std::vector<Fp2> rho = t.ChallengeFp2s("zkml.block_point", s.out_log);
    t.AbsorbFp2s("zkml.block_evals", bp.evals);
    uint32_t limbs = b.num_limbs();
    uint32_t top_bits = b.shift - kLimbBits * (limbs - 1);
    Fp2 offset = Fp2(Fp((uint64_t{1} << kLimbBits) - (uint64_t{1} << top_bits)));
    if (bp.evals[1 + limbs] != bp.evals[limbs] + offset) {
      return Fail(fmt::format("block {}: remainder top limb is not range-bound", i));
    }
    Fp2 total;
    for (Fp2 v : bp.chunk_sums) total += v;
    if (total != AccumulatorAt(b, bp.evals) - bp.evals.back()) {
      return Fail(fmt::format("block {}: requantization identity (chunk sums)", i));
    }
    t.AbsorbFp2s("zkml.chunk_sums", bp.chunk_sums);
    std::vector<zk::ProductTerm> terms = {{Fp2::One(), {0, 1}}};
    for (size_t c = 0; c < s.chunks.size(); ++c) {
      Segment ch = s.chunks[c];
      auto sc = zk::VerifySumcheck(ch.log, 2, terms, bp.chunk_sums[c], bp.matmul[c], t);
      if (!sc.ok()) return sc.status().WithContext(fmt::format("block {} matmul", i));
      std::vector<Fp2> rk = rho;
      rk.insert(rk.end(), sc->point.begin(), sc->point.end());
      AddClaim(wc, rk, wl.w[i][c], wl.num_vars, sc->final_evals[0]);
      if (b.input >= 0) {
        Segment ys = al.blocks[b.input].y;
        AddClaim(ac, sc->point, {ys.offset + ch.offset, ch.log}, al.num_vars, sc->final_evals[1]);
      } else {
        auto part = std::span<const int8_t>(input.data).subspan(ch.offset, size_t{1} << ch.log);
        if (zk::EvaluateMle(PaddedInt8(part, ch.log), sc->point) != sc->final_evals[1]) {
          return Fail(fmt::format("block {}: public input evaluation", i));
        }
      }
    }
    AddClaim(wc, rho, wl.bias[i], wl.num_vars, bp.evals.back());
    AddClaim(ac, rho, s.qp, al.num_vars, bp.evals[0]);
    for (size_t j = 0; j < limbs; ++j) AddClaim(ac, rho, s.limbs[j], al.num_vars, bp.evals[1 + j]);
    AddClaim(ac, rho, s.shifted, al.num_vars, bp.evals[1 + limbs]);
  }

  zk::LigeroPcs pcs = vk.Pcs();
  auto ar = zk::VerifyBatchedClaims(al.num_vars, ac, proof.advice_batch, t);
  if (!ar.ok()) return ar.status().WithContext("advice claims");
  Status st =
      pcs.Verify(proof.advice, ar->point, std::vector<Fp2>{ar->value}, proof.advice_opening, t);
  if (!st.ok()) return st.WithContext("advice opening");
  auto wr = zk::VerifyBatchedClaims(wl.num_vars, wc, proof.weight_batch, t);
  if (!wr.ok()) return wr.status().WithContext("weight claims");
  st = pcs.Verify(vk.weights, wr->point, std::vector<Fp2>{wr->value}, proof.weight_opening, t);
  if (!st.ok()) return st.WithContext("weight opening");
  return Status();
}

}  // namespace vinet::zkml
