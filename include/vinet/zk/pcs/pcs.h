// The multilinear polynomial commitment interface.
//
// A scheme commits to a batch of base-field multilinear polynomials with the
// same number of variables (given by their 2^n evaluations) and later opens
// all of them at one extension-field point. Commit returns the public
// commitment and the prover's private data (for Ligero the encoded matrix),
// which the prover keeps and may open any number of times (commit once, open
// many). Open and Verify absorb the commitment, the point and the claimed
// evaluations into the caller's transcript before drawing any challenge, so
// an opening is bound to everything the caller absorbed before it.
// Implementations: LigeroPcs (pcs/ligero.h, square-root openings) and
// BasefoldPcs (pcs/basefold.h, polylogarithmic openings); one conformance
// suite (tests/unit/zk/pcs_conformance_test.cpp) runs against both.
//
// Hiding (zero knowledge, docs/zk.md "Zero knowledge"): a scheme may offer a
// hiding mode (a parameter of the scheme, e.g. LigeroParams::hiding). Then
// hiding() is true; name() and ParametersEncoding() differ from the plain
// mode (ids bind the mode); Commit draws its masks from zk/random.h (never
// from a transcript); and an opening of a commitment is simulatable from the
// point and the evaluations alone, for one opening per commitment (a scheme
// that hides more openings says so). Protocols that need hiding (the masked
// sumcheck, private weights) check hiding() instead of naming a scheme.
// Both schemes have one (LigeroParams::hiding, BasefoldParams::hiding).
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/zk/codec.h"
#include "vinet/zk/transcript/transcript.h"

namespace vinet::zk {

// Public commitment: what a verifier stores (e.g. with a model id).
struct PcsCommitment {
  Digest root{};
  uint32_t num_vars = 0;
  uint32_t num_polys = 0;

  void Serialize(ByteWriter& w) const;
  // Errors (kParse): truncation, num_vars > 40, num_polys == 0 or > 2^16.
  static Result<PcsCommitment> Parse(ByteReader& r);
  void AbsorbInto(Transcript& t) const;
  friend bool operator==(const PcsCommitment&, const PcsCommitment&) = default;
};

// Scheme-specific prover state, opaque to callers.
class PcsProverData {
 public:
  virtual ~PcsProverData() = default;
};

struct PcsCommitted {
  PcsCommitment commitment;
  std::shared_ptr<const PcsProverData> data;
};

struct PcsOpening {
  std::vector<Fp2> evals;  // one per committed polynomial, in commit order
  Bytes proof;             // canonical encoding of the scheme's opening proof
};

class MultilinearPcs {
 public:
  virtual ~MultilinearPcs() = default;

  virtual std::string_view name() const = 0;
  // Canonical bytes naming the scheme and every parameter that changes a
  // commitment or an opening, for binding into ids (e.g. the model id).
  virtual Bytes ParametersEncoding() const = 0;
  // True if commitments and openings are hiding (see above).
  virtual bool hiding() const { return false; }
  // -log2 of the opening's soundness error for polynomials of num_vars variables.
  virtual double SoundnessBits(size_t num_vars) const = 0;

  // polys: equal sizes 2^n with n >= 1. kInvalidArgument otherwise.
  virtual Result<PcsCommitted> Commit(std::vector<std::vector<Fp>> polys) const = 0;
  // Commit with every mask (pads, mask polynomials or rows, salts) drawn from
  // MaskStream(mask_seed), so a prover that keeps the secret seed recomputes
  // the same commitment (a registered model's weights). The seed must be
  // secret and used for one commitment only. kUnsupported unless the scheme
  // has a hiding mode (each scheme states what it does with it otherwise).
  virtual Result<PcsCommitted> CommitWithMaskSeed(std::vector<std::vector<Fp>> polys,
                                                  const Digest& mask_seed) const;

  // Evaluates every committed polynomial at `point` (length n) and proves it.
  // kInvalidArgument if the data is not this scheme's or the point is wrong.
  virtual Result<PcsOpening> Open(const PcsProverData& data, std::span<const Fp2> point,
                                  Transcript& transcript) const = 0;

  // Accepts iff `proof` shows that the committed polynomials evaluate to
  // `evals` at `point`. kParse for malformed bytes, kVerification otherwise.
  virtual Status Verify(const PcsCommitment& commitment, std::span<const Fp2> point,
                        std::span<const Fp2> evals, ByteSpan proof,
                        Transcript& transcript) const = 0;
};

}  // namespace vinet::zk
