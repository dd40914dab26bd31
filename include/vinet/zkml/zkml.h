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
#include <span>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/crypto/hash.h"
#include "vinet/runtime/quantized.h"
#include "vinet/zk/pcs/pcs.h"
#include "vinet/zkml/spec.h"

namespace vinet::zkml {

// The soundness floor: a key whose overall bound (`SoundnessBits`: every
// lookup, sumcheck, batching and PCS term, not just the key's PCS field) is
// below it is refused by `VerifyingKey::Parse`, `Verify`, `Commit` (unless
// the caller asks for an insecure experiment) and the chain's RegisterModel.
inline constexpr double kMinSecurityBits = 100.0;

// The polynomial commitment a key names (its u32 code in the key encoding).
// Keys of version 2 predate the field and are (plain) Ligero keys; version-3
// keys carry the code: 2 Basefold over Fp2 (unique-decoding regime), 3 hiding
// Ligero (docs/zk.md "Zero knowledge"), 4 Basefold over Fp4 (Johnson regime,
// the default: smaller openings; zk/pcs/basefold.h), 5 hiding Basefold over
// Fp4 (BasefoldParams::Hiding; its mask bank uses hiding Ligero at rate 1/8);
// 6 and 7 are kinds 4 and 5 with the query count of the CONJECTURED regime
// (BasefoldParams::Conjectured / HidingConjectured, docs/zk.md "Conjectured
// regime"): smaller openings, soundness bits that rest on a named conjecture.
enum class PcsKind : uint32_t {
  kLigero = 1,
  kBasefold = 2,
  kHidingLigero = 3,
  kBasefoldFp4 = 4,
  kHidingBasefold = 5,
  kBasefoldFp4Conjectured = 6,
  kHidingBasefoldConjectured = 7
};

// Kinds 4 to 7: Basefold over Fp4.
constexpr bool IsBasefoldFp4Kind(PcsKind kind) {
  return kind == PcsKind::kBasefoldFp4 || kind == PcsKind::kHidingBasefold ||
         kind == PcsKind::kBasefoldFp4Conjectured || kind == PcsKind::kHidingBasefoldConjectured;
}

// Kinds 6 and 7: the soundness bits rest on the conjectured regime.
constexpr bool IsConjecturedKind(PcsKind kind) {
  return kind == PcsKind::kBasefoldFp4Conjectured || kind == PcsKind::kHidingBasefoldConjectured;
}

// The rate a key of `kind` gets when ZkmlParams::log_inv_rate is 0: 2^-4 for
// Basefold over Fp4 (kinds 4 to 7), 2^-2 otherwise.
constexpr int DefaultLogInvRate(PcsKind kind) {
  return IsBasefoldFp4Kind(kind) ? 4 : 2;
}

// The lowest rate a key may name: 2^-5 for Basefold over Fp4 (kinds 4 to 7;
// rate 1/32 is never a default, docs/zk.md "Conjectured regime"), 2^-4
// otherwise.
inline constexpr int kMaxLogInvRate = 5;
constexpr int MaxLogInvRate(PcsKind kind) {
  return IsBasefoldFp4Kind(kind) ? 5 : 4;
}

// Whether keys of `kind` bind a hiding commitment (kinds 3, 5 and 7).
constexpr bool IsHidingKind(PcsKind kind) {
  return kind == PcsKind::kHidingLigero || kind == PcsKind::kHidingBasefold ||
         kind == PcsKind::kHidingBasefoldConjectured;
}

struct ZkmlParams {
  int security_bits = 102;  // PCS query phase (two openings: >= 100 bits overall)
  int log_inv_rate = 0;     // code rate 2^-k; 0: DefaultLogInvRate(pcs)
  unsigned threads = 2;     // prover threads
  PcsKind pcs = PcsKind::kBasefoldFp4;
  // Commit keys below kMinSecurityBits (experiments only: nothing verifies them).
  bool insecure_experiment = false;
  // Private weights: hiding weight and advice commitments and a mask bank
  // (docs/zk.md "Zero knowledge"); the key then binds a hiding commitment:
  // kind kHidingLigero for pcs kLigero / kHidingLigero, kHidingBasefold for
  // pcs kBasefoldFp4 / kHidingBasefold (Basefold over Fp2 has no hiding mode:
  // Commit is kInvalidArgument); pcs kHidingLigero or kHidingBasefold implies it.
  bool hiding = false;

  // The private-weights configuration: hiding Basefold over Fp4 (key kind 5)
  // at rate 1/16, the smallest zero-knowledge proofs (MLP 784-128-10: 271 KB
  // against 370 KB for hiding Ligero at rate 1/8; docs/benchmarks.md).
  static constexpr ZkmlParams PrivateWeights() {
    ZkmlParams p;
    p.pcs = PcsKind::kHidingBasefold;
    p.hiding = true;
    return p;
  }
  // The previous preset: hiding Ligero (kind 3) at rate 1/8.
  static constexpr ZkmlParams PrivateWeightsLigero() {
    ZkmlParams p;
    p.log_inv_rate = 3;
    p.pcs = PcsKind::kHidingLigero;
    p.hiding = true;
    return p;
  }
};

// Parse's treatment of the soundness floor. kAllowBelowFloor is for callers
// that report a weak key themselves (the chain's result code, a prover
// package of an experiment); verification always enforces the floor.
enum class KeyPolicy { kEnforceFloor, kAllowBelowFloor };

struct VerifyingKey {
  ModelSpec spec;
  zk::PcsCommitment weights;
  int security_bits = 102;
  int log_inv_rate = 4;
  PcsKind pcs = PcsKind::kBasefoldFp4;
  // Key version 3, PCS kind 3, 5 or 7: the weight commitment is hiding.
  bool hiding() const { return IsHidingKind(pcs); }

  Bytes Encode() const;
  // Strict: kParse naming the field; the commitment's shape must match the
  // spec; a key below kMinSecurityBits is kParse naming its bits (policy).
  static Result<VerifyingKey> Parse(ByteSpan bytes, KeyPolicy policy = KeyPolicy::kEnforceFloor);
  crypto::Digest256 ModelId() const;
  // The scheme the key names, with its parameters (never null).
  std::unique_ptr<zk::MultilinearPcs> Pcs(unsigned threads = 1) const;
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
// Kinds 6 and 7: the PCS terms are those of the conjectured regime, so the
// result is a conjectured bound (IsConjecturedKind).
double SoundnessBits(const VerifyingKey& vk);
// kInvalidArgument naming the key's bits if SoundnessBits(vk) < kMinSecurityBits.
Status CheckSecurityFloor(const VerifyingKey& vk);

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
  bool process_cpu = false;  // set by the caller: the fields are process CPU ms (all threads)
};
// Input: int8, batch of one, the model's input shape.
Result<Proved> Prove(const ProverPackage& package, const runtime::Int8Tensor& input,
                     ProveTimings* timings = nullptr);

Status Verify(const VerifyingKey& vk, const runtime::Int8Tensor& input,
              const runtime::Int8Tensor& output, ByteSpan proof);

// Batch proofs (docs/zkml.md "Batch proofs"): one proof that
// outputs[n] = model(inputs[n]) for all n < k, 1 <= k <= kMaxBatch; the
// instances share one advice commitment and the layer arguments run over the
// batch as extra variables, so the proof grows ~log k. Its own encoding
// (magic "VZBP", version, k) and transcript: a batch proof never verifies as a
// single proof or for another k. Errors as Prove/Verify; kInvalidArgument for
// k outside 1..kMaxBatch or inputs/outputs of different counts.
inline constexpr size_t kMaxBatch = 32;
struct BatchProved {
  std::vector<runtime::Int8Tensor> outputs;  // one per input, in order
  Bytes proof;
};
Result<BatchProved> ProveBatch(const ProverPackage& package,
                               std::span<const runtime::Int8Tensor> inputs,
                               ProveTimings* timings = nullptr);
Status VerifyBatch(const VerifyingKey& vk, std::span<const runtime::Int8Tensor> inputs,
                   std::span<const runtime::Int8Tensor> outputs, ByteSpan proof);
// The verifier's cost and soundness bound for a batch of k under `vk`
// (k = 1 of a batch proof: the single proof's figures plus the header).
VerifyCost EstimateBatchVerifyCost(const VerifyingKey& vk, size_t k);
double BatchSoundnessBits(const VerifyingKey& vk, size_t k);

// Float input -> int8 with the key's input scale (the runtime's rule).
Result<runtime::Int8Tensor> QuantizeInput(const ModelSpec& spec, const runtime::Tensor& x);

}  // namespace vinet::zkml
