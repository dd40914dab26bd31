// ZKML helpers shared by SubmitClaims and SubmitProofs (private).
//
// LoadZkmlKey: the model's stored verifying key, parsed (kNotFound when the
// model has none, kInternal when the stored bytes do not parse).
// ZkmlReceiptOutput: a ZKML receipt's outputs must be exactly one int8 ("i8")
// tensor of the key's output shape whose TensorsHash is the receipt's
// output_hash; returns their canonical encoding (what the proof must match),
// kInvalidArgument naming the problem otherwise.
// DecodeZkmlOutput / DecodeZkmlInput: the recorded output and a proof's
// float inputs (one "f32" tensor of the key's input shape) as the verifier's
// int8 tensors; kInvalidArgument naming the problem.
#pragma once

#include <optional>

#include "vinet/chain/state.h"
#include "vinet/protocol/receipt.h"
#include "vinet/zkml/zkml.h"

namespace vinet::chain {

Result<zkml::VerifyingKey> LoadZkmlKey(const State& state, const std::string& model_id);

Result<std::string> ZkmlReceiptOutput(const zkml::VerifyingKey& vk, const protocol::Receipt& r);

Result<runtime::Int8Tensor> DecodeZkmlOutput(const zkml::VerifyingKey& vk,
                                             const std::string& encoded);
Result<runtime::Int8Tensor> DecodeZkmlInput(const zkml::VerifyingKey& vk,
                                            const std::vector<protocol::NamedTensor>& inputs);

}  // namespace vinet::chain
