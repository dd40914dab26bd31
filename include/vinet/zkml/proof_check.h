// Cheap structural check of a model proof, for mempools (CheckTx).
//
// `CheckProofForm` parses `proof` against the counts and sizes fixed by `vk`
// (the same strict parser `Verify` runs first) without any field arithmetic,
// transcript or Merkle work. OK means only "well-formed for this key", never
// "valid": Verify must still run. Errors: kParse naming the field/offset.
#pragma once

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/zkml/zkml.h"

namespace vinet::zkml {

Status CheckProofForm(const VerifyingKey& vk, ByteSpan proof);
// The same for a batch proof of k instances (header, then the body's counts).
Status CheckBatchProofForm(const VerifyingKey& vk, size_t k, ByteSpan proof);

}  // namespace vinet::zkml
