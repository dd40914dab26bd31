// Verify: replays the transcript from the key, the public input and output.
// The verifier reads no weights: it holds only the key's weight commitment.
#include <fmt/format.h>

#include <optional>

#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/poly/multilinear.h"
#include "zkml/block_verifier.h"
#include "zkml/instances.h"
#include "zkml/package.h"
#include "zkml/proof.h"

namespace vinet::zkml {

using zk::EvalClaim;
using zk::Fp;
using zk::Fp2;
using namespace detail;

namespace {

void AddClaim(std::vector<EvalClaim>& claims, std::span<const Fp2> z, Segment s, size_t total,
              Fp2 value) {
  claims.push_back({EmbedPoint(z, s, total), value});
}

// A public int8 tensor (flat NCHW) in its storage layout.
std::vector<Fp> StorageVector(std::span<const int8_t> flat, Storage st) {
  std::vector<Fp> v(size_t{1} << st.log());
  for (size_t i = 0; i < flat.size(); ++i) v[st.Index(i)] = Fp::FromSigned(flat[i]);
  return v;
}

}  // namespace

namespace detail {

Status VerifyInstances(const VerifyingKey& vk, std::span<const runtime::Int8Tensor> inputs,
                       std::span<const runtime::Int8Tensor> outputs, const ModelProof& proof,
                       const AdviceLayout& al, const WeightLayout& wl, zk::Transcript& t,
                       std::vector<std::vector<zk::Fp2>>* block_points) {
  const ModelSpec& spec = vk.spec;
  proof.advice.AbsorbInto(t);
  std::unique_ptr<zk::MultilinearPcs> pcs = vk.Pcs();
  const ProofForm form = FormOf(vk, al, wl);
  if (proof.joint != form.joint) {
    return Error(Code::kVerification, "proof and key disagree on the joint opening");
  }
  // Zero knowledge (hiding keys): every sumcheck is a slot of the mask bank.
  if (proof.masked != vk.hiding()) {
    return Error(Code::kVerification, "proof and key disagree on zero knowledge (mask bank)");
  }
  if (proof.bank_in_joint != form.bank_in_joint) {
    return Error(Code::kVerification, "proof and key disagree on where the mask bank is");
  }
  std::optional<zk::MaskBankVerifier> bank;
  std::unique_ptr<zk::MultilinearPcs> bank_pcs;  // outlives the bank
  if (form.bank_in_joint) {                      // the table is in the advice commitment
    bank.emplace(MaskShapes(spec, al, wl, true));
  } else if (proof.masked) {
    proof.mask.AbsorbInto(t);
    bank_pcs = MaskBankPcs(vk, 1);
    bank.emplace(MaskShapes(spec, al, wl, form.joint), proof.mask, *bank_pcs);
  }
  zk::MaskBankVerifier* vb = bank ? &*bank : nullptr;
  std::vector<EvalClaim> ac, wc;
  std::vector<LookupSlot> slots = LookupSlots(al);
  auto lcs = zk::VerifyLogUpBatch(LookupStatements(al), proof.lookups, t, vb);
  if (!lcs.ok()) {
    std::string names;  // instance i of the batch is slots[i]
    for (const LookupSlot& s : slots) names += (names.empty() ? "" : ", ") + std::string(s.name);
    return lcs.status().WithContext("lookups (" + names + ")");
  }
  for (size_t i = 0; i < slots.size(); ++i) {
    const LookupSlot& s = slots[i];
    const zk::LogUpClaims& lc = (*lcs)[i];
    AddClaim(ac, lc.witness_point, s.x, al.num_vars, lc.witness_evals[0]);
    if (s.two_columns) AddClaim(ac, lc.witness_point, s.y, al.num_vars, lc.witness_evals[1]);
    AddClaim(ac, lc.table_point, s.m, al.num_vars, lc.multiplicity_eval);
  }

  // The public tensors, batched: instance n at n·2^log.
  std::vector<Fp> out_vec, in_vec;
  for (const runtime::Int8Tensor& o : outputs) {
    std::vector<Fp> v = StorageVector(o.data, spec.StorageOf(spec.output_block));
    out_vec.insert(out_vec.end(), v.begin(), v.end());
  }
  for (const runtime::Int8Tensor& x : inputs) {
    std::vector<Fp> v = StorageVector(x.data, spec.StorageOf(-1));
    in_vec.insert(in_vec.end(), v.begin(), v.end());
  }
  const BlockSegments& ob = al.blocks[spec.output_block];
  std::vector<Fp2> tau = t.ChallengeFp2s("zkml.output_point", ob.y.log);
  AddClaim(ac, tau, ob.y, al.num_vars, zk::EvaluateMle(out_vec, tau));

  BlockVerifier bv{spec, al, wl, in_vec, t, ac, wc, vb, block_points};
  size_t pi = 0;
  for (size_t i = spec.blocks.size(); i-- > 0; ++pi) {
    VINET_RETURN_IF_ERROR(bv.Verify(i, proof.blocks[pi]));
  }

  if (form.joint) {
    EvalClaim primary;
    std::vector<Fp2> secondary;  // the advice's evaluation, then the bank's
    zk::SecondaryLifts lifts;
    if (form.bank_in_joint) {
      size_t mask_vars = JointMaskVarsOf(spec, al, wl);
      lifts = JointMaskLifts(mask_vars, al);
      auto jr = zk::VerifyJointBankBatch(wl.num_vars, wc, al.num_vars, mask_vars, ac,
                                         proof.joint_bank, *bank, t);
      if (!jr.ok()) return jr.status().WithContext("joint claims");
      primary = std::move(jr->primary);
      secondary = std::move(jr->secondary_evals);
    } else {
      auto jr =
          zk::VerifyJointBatchedClaims(wl.num_vars, wc, al.num_vars, ac, proof.advice_batch, t, vb);
      if (!jr.ok()) return jr.status().WithContext("joint claims");
      primary = std::move(jr->primary);
      secondary = {jr->secondary.value};
    }
    const auto* bf = dynamic_cast<const zk::BasefoldPcs*>(pcs.get());
    if (bf == nullptr) return Error(Code::kInternal, "joint form without Basefold");
    Status st =
        bf->VerifyJoint(vk.weights, proof.advice, primary.point, std::vector<Fp2>{primary.value},
                        secondary, proof.advice_opening, t, lifts);
    if (!st.ok()) return st.WithContext("joint opening");
    return Status();
  }
  auto ar = zk::VerifyBatchedClaims(al.num_vars, ac, proof.advice_batch, t, vb);
  if (!ar.ok()) return ar.status().WithContext("advice claims");
  Status st =
      pcs->Verify(proof.advice, ar->point, std::vector<Fp2>{ar->value}, proof.advice_opening, t);
  if (!st.ok()) return st.WithContext("advice opening");
  auto wr = zk::VerifyBatchedClaims(wl.num_vars, wc, proof.weight_batch, t, vb);
  if (!wr.ok()) return wr.status().WithContext("weight claims");
  st = pcs->Verify(vk.weights, wr->point, std::vector<Fp2>{wr->value}, proof.weight_opening, t);
  if (!st.ok()) return st.WithContext("weight opening");
  if (bank) VINET_RETURN_IF_ERROR(bank->Finish(proof.mask_opening, t));
  return Status();
}

}  // namespace detail

Status Verify(const VerifyingKey& vk, const runtime::Int8Tensor& input,
              const runtime::Int8Tensor& output, ByteSpan proof_bytes) {
  const ModelSpec& spec = vk.spec;
  VINET_RETURN_IF_ERROR(CheckSecurityFloor(vk));
  VINET_RETURN_IF_ERROR(CheckShape("input", input, spec.input_shape));
  VINET_RETURN_IF_ERROR(CheckShape("output", output, spec.output_shape));
  AdviceLayout al = MakeAdviceLayout(spec);
  WeightLayout wl = MakeWeightLayout(spec);
  VINET_ASSIGN_OR_RETURN(ModelProof proof,
                         ModelProof::Parse(proof_bytes, spec, al, wl, FormOf(vk, al, wl)));
  zk::Transcript t = StartTranscript(vk, input, output);
  return VerifyInstances(vk, {&input, 1}, {&output, 1}, proof, al, wl, t);
}

}  // namespace vinet::zkml
