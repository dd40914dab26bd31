// ZKML: commit a quantized model once, prove each inference, verify with the
// verifying key alone.
//
//   Commit(model)             -> ProverPackage (keeps the weights) + VerifyingKey
//   Prove(package, input)     -> output + ModelProof
//   Verify(vk, input, output, proof) -> Status (OK only for exactly this model,
//                                input and output)
//
// The statement is the runtime's int8 execution (QuantizedModel::Run), bit for
// bit: the proved output is the runtime's output. The verifying key holds the
// architecture, quantization parameters, the weight commitment and the PCS
// parameters; `ModelId` is SHA-256 over all of them. The verifier's API has
// no way to receive weights. Its work is a function of the key alone
// (`VerifyCost`), so a chain can meter it before verifying.
// With ZkmlParams::hiding the PCS openings are zero-knowledge, the sumcheck
// messages are not yet (docs/zkml.md, docs/zk.md "Zero knowledge").
// Every parser is strict: kParse naming the field, values >= p, wrong lengths
// and trailing bytes rejected. Verification failures are kVerification naming
// the failed check.
#pragma once

#include <memory>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/crypto/hash.h"
#include "vinet/runtime/quantized.h"
#include "vinet/zk/pcs/ligero.h"
#include "vinet/zkml/spec.h"

namespace vinet::zkml {

struct ZkmlParams {
  int security_bits = 102;  // Ligero query phase (two openings: >= 100 bits overall)
  int log_inv_rate = 2;     // Ligero code rate 1/4
  unsigned threads = 2;     // prover threads
  // Private weights: hiding Ligero for the weight and advice commitments
  // (docs/zk.md "Zero knowledge"); the key then binds a hiding commitment.
  bool hiding = false;

  // The private-weights configuration: hiding at rate 1/8, which keeps the
  // MLP 784-128-10 proof under 300 KiB with the masks (docs/benchmarks.md).
  static constexpr ZkmlParams PrivateWeights() { return ZkmlParams{102, 3, 2, true}; }
};

struct VerifyingKey {
  ModelSpec spec;
  zk::PcsCommitment weights;
  int security_bits = 102;
  int log_inv_rate = 2;
  bool hiding = false;  // key version 3, PCS kind 3: the weight commitment is hiding

  Bytes Encode() const;
  // Strict: kParse naming the field; the commitment's shape must match the spec.
  static Result<VerifyingKey> Parse(ByteSpan bytes);
  crypto::Digest256 ModelId() const;
  zk::LigeroPcs Pcs(unsigned threads = 1) const;
};

struct VerifyCost {
  uint64_t field_ops = 0;  // extension-field operations, estimated from the key
  uint64_t hashes = 0;     // SHA-256 compressions of Merkle paths and leaves
  uint64_t units() const { return field_ops + 64 * hashes; }
};
// The verifier's cost for any proof under `vk` (not a function of the proof).
VerifyCost EstimateVerifyCost(const VerifyingKey& vk);

// -log2 of the proof's soundness error under `vk` (union bound over the
// lookups, matmul sumchecks, claim batching and both PCS openings; docs/zkml.md).
double SoundnessBits(const VerifyingKey& vk);

class ProverPackage;
struct Committed {
  std::shared_ptr<const ProverPackage> package;
  VerifyingKey vk;
};

// Builds the circuit (kUnsupported naming the first layer it cannot prove)
// and commits the weights once.
Result<Committed> Commit(runtime::QuantizedModel model, const ZkmlParams& params = {});

// Package bytes: the quantized model's canonical encoding and the key; Load
// recommits the weights and checks that the root matches the key.
Bytes EncodePackage(const ProverPackage& package);
Result<Committed> LoadPackage(ByteSpan bytes, unsigned threads = 2);
const runtime::QuantizedModel& PackageModel(const ProverPackage& package);
const VerifyingKey& PackageKey(const ProverPackage& package);

struct Proved {
  runtime::Int8Tensor output;
  Bytes proof;
};
// Where the prover's time went (milliseconds), for benchmarks.
struct ProveTimings {
  double witness = 0, advice_commit = 0, lookups = 0, layers = 0, advice_open = 0, weight_open = 0;
};
// Input: int8, batch of one, the model's input shape.
Result<Proved> Prove(const ProverPackage& package, const runtime::Int8Tensor& input,
                     ProveTimings* timings = nullptr);

Status Verify(const VerifyingKey& vk, const runtime::Int8Tensor& input,
              const runtime::Int8Tensor& output, ByteSpan proof);

// Float input -> int8 with the key's input scale (the runtime's rule).
Result<runtime::Int8Tensor> QuantizeInput(const ModelSpec& spec, const runtime::Tensor& x);

}  // namespace vinet::zkml
