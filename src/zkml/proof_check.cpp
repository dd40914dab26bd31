#include "vinet/zkml/proof_check.h"

#include "zkml/layout.h"
#include "zkml/proof.h"

namespace vinet::zkml {

Status CheckProofForm(const VerifyingKey& vk, ByteSpan proof) {
  detail::AdviceLayout advice = detail::MakeAdviceLayout(vk.spec);
  detail::WeightLayout weights = detail::MakeWeightLayout(vk.spec);
  auto parsed = detail::ModelProof::Parse(proof, vk.spec, advice, weights,
                                          detail::FormOf(vk, advice, weights));
  if (!parsed.ok()) return parsed.status();
  return Status::Ok();
}

}  // namespace vinet::zkml
