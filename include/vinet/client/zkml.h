// ZKML checks for the C++ client: the proof of a ZKML inference, verified
// locally against the model's verifying key from the chain.
//
// `FetchZkmlKey` reads /zkml_key/<model id> from the chain (kNotFound when
// the model has none) and parses it strictly. `FetchProof` polls the node's
// GET /v1/inferences/<id>/proof until the proof exists (kTimeout after
// `timeout_ms`; kVerification when the node reports it will never have one).
// `VerifyZkml` checks that `proof` proves the result's int8 output for its one
// f32 input (quantized with the key's input scale) under `vk`. When the node
// proved the inference in a batch with others (`NodeProof::batch`), the other
// members' inputs (their proof jobs) and outputs (their stored answers) come
// from the node at `node_url`; a node that lies about them makes the proof
// fail, never pass, and a batch that does not hold the result once is refused.
#pragma once

#include <string>

#include "vinet/client/client.h"
#include "vinet/zkml/zkml.h"

namespace vinet::client {

Result<zkml::VerifyingKey> FetchZkmlKey(const std::string& chain_rpc, const std::string& model_id);
// The node's proof of an inference: a single-instance proof, or (batch of 2
// or more ids, in the proof's order) the batch proof of all of them.
struct NodeProof {
  Bytes proof;
  std::vector<std::string> batch;
  // The inferences the proof covers (1 for a single proof).
  size_t instances() const { return batch.empty() ? 1 : batch.size(); }
};
Result<NodeProof> FetchProof(const std::string& node_url, const std::string& inference_id,
                             int64_t timeout_ms);
// A past ZKML inference as the node stored it (its proof job's inputs, its
// stored answer's outputs, its model id), to check with VerifyZkml (`vinet
// status --verify-proof`): it proves what the node answered, whoever asked.
struct StoredInference {
  std::string model_id;
  InferResult result;  // inference_id, inputs and outputs only
};
Result<StoredInference> FetchStoredInference(const std::string& node_url,
                                             const std::string& inference_id);
Status VerifyZkml(const zkml::VerifyingKey& vk, const InferResult& result, const NodeProof& proof,
                  const std::string& node_url);

}  // namespace vinet::client
