// The prover's package (private): the quantized model, its circuit, the
// weight polynomial and the Ligero prover data of its commitment.
#pragma once

#include <functional>

#include "vinet/zk/pcs/ligero.h"
#include "vinet/zkml/zkml.h"
#include "zkml/layout.h"

namespace vinet::zkml {

class ProverPackage {
 public:
  runtime::QuantizedModel model;
  ModelCircuit circuit;
  detail::WeightLayout weight_layout;
  detail::AdviceLayout advice_layout;
  std::vector<zk::Fp> weights;  // the committed polynomial
  zk::PcsCommitted committed;
  zk::Digest mask_seed{};  // hiding keys: the secret seed of the weight commitment's masks
  VerifyingKey vk;
  unsigned threads = 2;
  // Tests only (a cheating prover): edits the advice after the witness and
  // the lookups' multiplicities are filled, before it is committed; every
  // later message is an honest function of the edited advice.
  std::function<void(const detail::AdviceLayout&, std::vector<zk::Fp>&)> edit_advice;
};

namespace detail {
// Commit with the weight commitment's masks from `mask_seed` (hiding keys;
// LoadPackage passes the stored seed to recompute the registered commitment).
Result<Committed> CommitWithSeed(runtime::QuantizedModel model, const ZkmlParams& params,
                                 const zk::Digest& mask_seed);
// The transcript both sides start from: protocol, model id, input, output.
zk::Transcript StartTranscript(const VerifyingKey& vk, const runtime::Int8Tensor& input,
                               const runtime::Int8Tensor& output);
// Int8 values as field elements, zero-padded to 2^log.
std::vector<zk::Fp> PaddedInt8(std::span<const int8_t> v, size_t log);
// The verifier's cost of one PCS opening of num_vars variables under `vk`.
void AddPcsVerifyCost(const VerifyingKey& vk, size_t num_vars, VerifyCost& cost);
void AddLigeroVerifyCost(const zk::LigeroPcs& pcs, size_t num_vars, VerifyCost& cost);
// The hiding scheme that commits and opens a hiding key's mask bank: the
// key's hiding Basefold at rate 1/32 for kHidingBasefold, hiding Ligero at
// rate 1/8 for kHidingLigero (the key's rate if lower).
std::unique_ptr<zk::MultilinearPcs> MaskBankPcs(const VerifyingKey& vk, unsigned threads);
// Checks a tensor against the key's shape (batch of one).
Status CheckShape(std::string_view what, const runtime::Int8Tensor& t,
                  const std::vector<int64_t>& shape);
}  // namespace detail

}  // namespace vinet::zkml
