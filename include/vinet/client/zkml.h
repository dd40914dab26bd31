// ZKML checks for the C++ client: the proof of a ZKML inference, verified
// locally against the model's verifying key from the chain.
//
// `FetchZkmlKey` reads /zkml_key/<model id> from the chain (kNotFound when
// the model has none) and parses it strictly. `FetchProof` polls the node's
// GET /v1/inferences/<id>/proof until the proof exists (kTimeout after
// `timeout_ms`; kVerification when the node reports it will never have one).
// `VerifyZkml` checks that `proof` proves the result's int8 output for its one
// f32 input (quantized with the key's input scale) under `vk`.
#pragma once

#include <string>

#include "vinet/client/client.h"
#include "vinet/zkml/zkml.h"

namespace vinet::client {

Result<zkml::VerifyingKey> FetchZkmlKey(const std::string& chain_rpc, const std::string& model_id);
Result<Bytes> FetchProof(const std::string& node_url, const std::string& inference_id,
                         int64_t timeout_ms);
Status VerifyZkml(const zkml::VerifyingKey& vk, const InferResult& result, ByteSpan proof);

}  // namespace vinet::client
