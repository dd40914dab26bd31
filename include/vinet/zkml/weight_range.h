// Weight-range proof: the committed weight polynomial holds a real int8
// model. Proved once at commit, published with the key's registration and
// checked by the chain's RegisterModel, so that "bit-exact with the runtime"
// holds for hostile registrants too: every weight entry is in [−127, 127]
// (padding entries count as weights) and every bias entry is an int32 up to
// a slack of 127: in [−2^31 − 127, 2^31 + 127), since W − B ∈ [−127, 127]
// also holds on the bias segments (honest provers refuse anything outside
// int32; the slack cannot move an accumulator past the circuit's own
// requantization range checks).
//
// Protocol (transcript "vinet.zkml.weight_range.v1", bound to the model id):
// the prover commits, with the key's PCS, a range polynomial R holding the
// 4 byte limbs of every bias segment (bias + 2^31, little-endian) and two
// multiplicity vectors. B is the vector equal to Σ_j 2^{8j}·limb_j − 2^31 on
// the bias segments and 0 elsewhere. One LogUp shows every entry of W − B
// is in [−127, 127] (a closed-form 8-variable table), a second one every limb
// in [0, 256); the verifier evaluates B̃ at the first lookup's point from
// the limbs' claimed values (bias segments are aligned powers of two), the
// weight commitment is opened there and all R claims are batched into one
// opening of R. Sizes and counts are fixed by the key; the verifier's work
// is a function of the key alone (`EstimateWeightRangeCost`).
#pragma once

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/zkml/zkml.h"

namespace vinet::zkml {

// Proves the package's weights are in range (kInvalidArgument naming the
// first entry out of range: an honest committer never hits it).
Result<Bytes> ProveWeightRange(const ProverPackage& package);

// OK iff `proof` shows the key's committed weights are in range. kParse for
// malformed bytes (naming the field), kVerification naming the failed check.
Status VerifyWeightRange(const VerifyingKey& vk, ByteSpan proof);

// Verifier work, from the key alone (the chain meters it before verifying).
VerifyCost EstimateWeightRangeCost(const VerifyingKey& vk);

// -log2 of the range proof's soundness error under `vk`.
double WeightRangeSoundnessBits(const VerifyingKey& vk);

namespace detail {
// The prover over any committed weight vector (tests build a modified
// committer with it). With check_range false, out-of-range entries are
// proved anyway (their lookup rows are simply not counted), which yields a
// proof the verifier must reject.
Result<Bytes> ProveWeightRangeOf(const VerifyingKey& vk, std::span<const zk::Fp> weights,
                                 const zk::PcsCommitted& committed, unsigned threads,
                                 bool check_range);
}  // namespace detail

}  // namespace vinet::zkml
