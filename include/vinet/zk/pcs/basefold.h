// Basefold-style multilinear commitment: FRI folding of a Reed-Solomon
// codeword interleaved with the evaluation sumcheck (transparent, hash-based).
//
// Commit: each polynomial (2^n evaluations, little-endian variables) is
// turned into its multilinear monomial coefficients c (Moebius transform);
// P(X) = sum_i c_i X^i is Reed-Solomon encoded on the 2^(n+k) roots of unity
// (rate 2^-k, symbols in bit-reversed order, so positions 2j, 2j+1 hold P(x),
// P(-x) and 2^a consecutive positions form a coset). One SHA-256 Merkle tree
// commits the whole batch: leaf i holds every polynomial's 2^a symbols of
// coset i (polynomial-major).
// Open at z: the verifier draws independent batching coefficients alpha_k
// (alpha_0 = 1); f = sum_k alpha_k f_k, claim = sum_k alpha_k y_k. A sumcheck
// for claim = sum_b f(b) eq(z, b) binds x_0, x_1, ... in order; every
// challenge r also folds the codeword (P -> P_even + r P_odd, which is
// f(r, x_1, ...) in monomial form). Folding goes in rounds of `fold_log`
// variables; after each round but the last the folded codeword is committed
// in its own tree (leaves: cosets of the next round's arity). The last
// 2^final_vars monomial coefficients are sent in the clear; the sumcheck ends
// with claim == eq(z_low, r) * Q(z_high). After optional proof-of-work
// (grinding_bits), t distinct leaf queries of the first tree are drawn; at
// every round the verifier folds each queried coset and compares with the
// next round's symbol (or with the final polynomial on its domain). Merkle
// multi-proofs prune shared nodes.
// Soundness (SoundnessBits, docs/zk.md): proven unique-decoding regime,
// delta < (1 - rho)/2 (BCIKS20 proximity gaps for RS codes), error <=
//   2 V / |F|                          (sumcheck, V folded variables)
// + |D| / |F|                          (batching, affine space of codewords)
// + sum_s |D_s| / |F| <= |D| / |F|     (one line per fold)
// + ((1 + rho)/2 + 1/|D|)^t * 2^-g     (queries after g grinding bits).
// t is the smallest count meeting security_bits (or every leaf).
// Hiding hook: a hiding variant can commit an extra random polynomial in the
// same batch (its alpha masks f) and randomise codewords; not done here.
// Thread-safe: the scheme object is immutable.
#pragma once

#include <cstdint>

#include "vinet/zk/pcs/merkle.h"
#include "vinet/zk/pcs/pcs.h"

namespace vinet::zk {

struct BasefoldParams {
  int security_bits = 100;  // lambda, including the grinding bits
  int log_inv_rate = 2;     // k: rate 2^-k
  int fold_log = 4;         // variables folded per committed round (coset size 2^a)
  int final_vars = 8;       // variables left for the clear final polynomial
  int grinding_bits = 16;   // proof-of-work bits g
  unsigned threads = 1;     // prover parallelism
};

// The rounds of one opening, derived from n and the parameters.
struct BasefoldShape {
  size_t num_vars = 0;        // n
  size_t folded_vars = 0;     // V = n - f
  size_t final_vars = 0;      // f
  size_t log_len = 0;         // log2 of the first codeword length n + k
  std::vector<size_t> arity;  // variables folded in each round (sum = V)
  size_t num_queries = 0;     // t (<= number of first-round leaves)

  size_t Rounds() const { return arity.size(); }
  // log2 of the codeword length at round r (r == Rounds(): the final codeword).
  size_t LogLen(size_t r) const;
  // log2 of the number of leaves of round r's tree.
  size_t LeafDepth(size_t r) const { return LogLen(r) - arity[r]; }
};

// The opening proof, as sent.
struct BasefoldProof {
  struct Round {
    std::vector<Fp> base_leaves;  // round 0: leaves * num_polys * 2^a values
    std::vector<Fp2> ext_leaves;  // rounds >= 1: leaves * 2^a values
    size_t num_leaves = 0;        // distinct queried leaves, increasing index
    std::vector<Digest> merkle_nodes;
  };
  std::vector<Fp2> sumcheck;    // (g(0), g(2)) for each folded variable
  std::vector<Digest> roots;    // trees of rounds 1 .. R-1
  std::vector<Fp2> final_poly;  // 2^f monomial coefficients
  uint64_t pow_nonce = 0;
  std::vector<Round> rounds;  // R entries

  void Serialize(ByteWriter& w) const;
  Bytes ToBytes() const;
  // Every count is checked against the shape before anything is allocated
  // (kParse naming the field and offset); the exact leaf and node counts
  // depend on the queries and are checked by the verifier.
  static Result<BasefoldProof> Parse(ByteSpan bytes, const BasefoldShape& shape, size_t num_polys);
};

class BasefoldPcs final : public MultilinearPcs {
 public:
  explicit BasefoldPcs(BasefoldParams params = {});

  BasefoldShape ShapeFor(size_t num_vars) const;

  std::string_view name() const override { return "basefold-sha256"; }
  // name || u32 security_bits || log_inv_rate || fold_log || final_vars ||
  // grinding_bits || u32 version.
  Bytes ParametersEncoding() const override;
  double SoundnessBits(size_t num_vars) const override;
  Result<PcsCommitted> Commit(std::vector<std::vector<Fp>> polys) const override;
  Result<PcsOpening> Open(const PcsProverData& data, std::span<const Fp2> point,
                          Transcript& transcript) const override;
  Status Verify(const PcsCommitment& commitment, std::span<const Fp2> point,
                std::span<const Fp2> evals, ByteSpan proof, Transcript& transcript) const override;

  // Structured forms, used by tests that alter components.
  Result<BasefoldProof> OpenProof(const PcsProverData& data, std::span<const Fp2> point,
                                  Transcript& transcript, std::vector<Fp2>* evals) const;
  Status VerifyProof(const PcsCommitment& commitment, std::span<const Fp2> point,
                     std::span<const Fp2> evals, const BasefoldProof& proof,
                     Transcript& transcript) const;

  const BasefoldParams& params() const { return params_; }
  // Grinding bits used for this shape: 0 when every leaf is queried (no
  // query error to reduce; the nonce must then be 0).
  int GrindingBits(const BasefoldShape& shape) const;

 private:
  double SoundnessFor(const BasefoldShape& shape, size_t t) const;

  BasefoldParams params_;
};

}  // namespace vinet::zk
