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
// Challenge field and soundness regime (BasefoldParams::regime, docs/zk.md
// "Basefold soundness"):
// - kJohnsonFp4 (default): batching coefficients, folding challenges, the
//   sumcheck and every folded codeword live in Fp4 (|F| = p^4 ~ 2^256; the
//   point z stays in its subfield Fp2). Proven list-decoding (Johnson)
//   regime: proximity gaps for RS codes up to delta = 1 - sqrt(rho)(1 + 1/2m)
//   (BCIKS20 Thm 1.5 lines / 1.6 affine spaces), Basefold's list-decoding
//   analysis (Haboeck 2024). With L = (m + 1)/rho (list size bound) and
//   eps_J(D) = (m + 1/2)^7 |D|^2 / (rho^{3/2} |F|) (the published constant
//   1/2 or 1/3 replaced by 1), error <=
//     eps_J(D)                                (batching, affine space)
//   + sum_s [eps_J(D_s) + (2m+1)(|D_s|+1)/(sqrt(rho)|F|)]   (one line per fold)
//   + L (2 V + 1) / |F|                       (sumcheck and claimed value, per list element)
//   + (sqrt(rho)(1 + 1/2m) + 1/|D|)^t 2^-g    (queries after g grinding bits);
//   m >= 3 is chosen per shape (ShapeFor) to minimise t.
// - kUniqueFp2 (keys of PcsKind::kBasefold): everything in Fp2 (p^2 ~ 2^128),
//   proven unique-decoding regime, delta < (1 - rho)/2, error <=
//     2 V / |F| + |D| / |F| + sum_s |D_s| / |F| + ((1 + rho)/2 + 1/|D|)^t 2^-g.
//   Its proofs are byte-identical to the first Basefold version's.
// - kConjecturedFp4 (keys of PcsKind kinds 6 and 7; never the default): Fp4
//   as kJohnsonFp4, but the query count relies on a CONJECTURE (docs/zk.md
//   "Conjectured regime"): proximity gaps and bounded lists for the RS codes
//   used here up to delta = 1 - rho - eta with eta = rho (BCIKS20 Conj. 8.4's
//   form, far from capacity, exponents 4), error <=
//     eps_C(D) + sum_s [eps_C(D_s) + 2(|D_s|+1)/(eta|F|)] + L_C (2V + 1)/|F|
//   + (rho + eta + 1/|D|)^t 2^-g,  eps_C(D) = (|D|/eta)^4/|F|, L_C = (|D|/eta)^2.
//   Its bits are conjectured bits, never proven ones.
// t is the smallest count meeting security_bits (or every leaf).
// Hiding (BasefoldParams::hiding, Fp4 regimes only; docs/zk.md "Zero
// knowledge (hiding Basefold)"): each polynomial f_k of n variables is
// committed as f*_k of n + p variables with f*_k(x, 0) = f_k(x) and every
// other value uniform (the codeword is randomised beyond the message degree),
// together with kHidingMasks uniformly random mask polynomials placed first in
// the batch. An opening at z is the plain opening of that batch at (z, 0^p);
// it also sends the masks' values at z. The masks' batching coefficients span
// Fp4 over F_p, so the combined polynomial is uniform given the claims; the
// pad makes the opened first-round symbols uniform. p is the smallest with
// t 2^a0 + 2^a0 <= (2^p - 1) 2^n (HidingPadVars). With sparse_pad (the
// hiding sets), where q = 2^(n-7) covers those symbols (SparsePadCoeffs), the
// pad variable's top half carries only q monomial coefficients and the code is
// Reed-Solomon of degree bound 2^n + 2^V ceil(q / 2^V) on 2^(n+k) points (half
// the domain); the verifier fills the final polynomial's unsent top with
// zeros, and the soundness uses that code's rate (docs/zk.md "The sparse
// pad"). With lifted_mask_first (kind 7) the masks are lifted where the pad
// covers a wider first round: h_j(x_a, ..) + sum_{l<a} x_l c_jl(..), 1 + a
// symbols of a first-round leaf each (docs/zk.md "Lifted masks"). One opening
// per commitment is covered by the simulator argument.
// Thread-safe: the scheme object is immutable.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>

#include "vinet/zk/field/quartic.h"
#include "vinet/zk/pcs/merkle.h"
#include "vinet/zk/pcs/pcs.h"

namespace vinet::zk {
namespace detail {
struct LiftedMasks;  // src/zk/pcs/basefold_lifted_masks.h
}  // namespace detail

enum class BasefoldRegime : uint32_t { kUniqueFp2 = 0, kJohnsonFp4 = 1, kConjecturedFp4 = 2 };

struct BasefoldParams {
  int security_bits = 100;  // lambda, including the grinding bits
  int log_inv_rate = 4;     // k: rate 2^-k
  int fold_log = 4;         // variables folded per committed round (coset size 2^a)
  int final_vars = 8;       // variables left for the clear final polynomial
  int grinding_bits = 16;   // proof-of-work bits g
  unsigned threads = 1;     // prover parallelism
  BasefoldRegime regime = BasefoldRegime::kJohnsonFp4;
  // Round schedule. 0: every round folds fold_log variables, the last one
  // the remainder (version 2/3 proofs). > 0: the first round folds
  // first_fold_log variables (its leaves are base-field symbols, 8 bytes),
  // the rest are split into ceil(rest / fold_log) rounds of near-equal size
  // (larger first), so no round folds a single variable (version 4).
  int first_fold_log = 0;
  // Zero-knowledge commitments and openings (ParametersEncoding version 6,
  // 8 with kConjecturedFp4; 9 and 10 with sparse_pad); requires an Fp4 regime.
  bool hiding = false;
  // Bytes kept of every Merkle digest (merkle.h), at most 32: collision
  // resistance 4 * digest_bytes bits, a term of SoundnessFor (below 26 no set
  // can state 100 bits). 32 everywhere but the conjectured sets (26: 104
  // bits, above their 102-bit target; bound by ParametersEncoding).
  int digest_bytes = 32;
  // Hiding sets: a sparse pad where it fits (SparsePadCoeffs; ParametersEncoding
  // versions 9 and 10; docs/zk.md "The sparse pad").
  bool sparse_pad = false;
  // Plain inner sets of a hiding commitment only: the polynomials' last
  // variable is a sparse pad, so the code is Reed-Solomon of degree bound
  // 2^(m-1) + 2^(m-8) on 2^(m-1+k) points (m variables; BasefoldShape::top_coeffs).
  bool sparse_top = false;
  // Sparse hiding conjectured sets and their inner sets only: shapes of at
  // least this many (inner) variables fold first_fold_log + 1 variables in
  // the first round (0: never; ParametersEncoding version 11). The first
  // round's codeword dominates a large opening's prover; from 2^20 inner
  // values a wider first round halves the next codeword at no cost in bytes
  // (docs/zk.md "Round schedule").
  int wide_first_from = 0;
  // Sparse hiding conjectured sets and their inner sets only: a joint
  // secondary's leaves hold at least 2^secondary_leaf_log symbols of each
  // polynomial (0: 2^1, aligned pairs; ParametersEncoding version 12). A
  // secondary entering after its round's last fold reads one symbol a
  // query; wider leaves halve its tree (a kind-7 proof's advice commit
  // hashes half as many leaves and nodes) for a few more symbols a query,
  // which lifted masks no longer pay (SecondaryLifts).
  int secondary_leaf_log = 0;
  // Sparse hiding conjectured sets: where the sparse pad still covers a first
  // round of lifted_mask_first (+ the wide round's 1) variables, the masks are
  // LIFTED (0: never; ParametersEncoding version 13; docs/zk.md "Lifted
  // masks"): mask j is h_j(x_a, ..) + sum_{l<a} x_l c_jl(last variables), so
  // a first-round leaf holds 1 + a symbols of it instead of 2^a, and the first
  // round can fold a variables for the bytes of 3 with whole masks.
  int lifted_mask_first = 0;
  // Plain inner sets of such a commitment only: the first kHidingMasks batch
  // members are lifted masks (BasefoldShape::lifted_masks).
  bool lifted_masks = false;

  // The parameters of PcsKind::kBasefold keys (unique decoding over Fp2).
  static constexpr BasefoldParams UniqueDecoding(int security_bits, int log_inv_rate,
                                                 unsigned threads = 1) {
    return {security_bits, log_inv_rate, 4, 8, 16, threads, BasefoldRegime::kUniqueFp2, 0};
  }
  // The default (kBasefoldFp4 keys): Johnson regime over Fp4, rate 1/16,
  // first round 5 variables, then rounds of at most 3 (docs/zk.md, "Round
  // schedule": the byte-minimal shape for n = 15..24 within 1%).
  static constexpr BasefoldParams Default(unsigned threads = 1) {
    return {100, 4, 3, 8, 16, threads, BasefoldRegime::kJohnsonFp4, 5};
  }
  // The hiding default (ZKML key kind 5): Default() with hiding on and a first
  // round of 3 variables (its leaves carry five polynomials: 2^3 symbols
  // each; pcs_bench, docs/zk.md "Zero knowledge (hiding Basefold)").
  static constexpr BasefoldParams Hiding(unsigned threads = 1) {
    return {100, 4, 3, 8, 16, threads, BasefoldRegime::kJohnsonFp4, 3, true, 32, true};
  }
  // The conjectured-regime sets (kConjecturedFp4; keys of kinds 6 and 7):
  // Default() / Hiding() with a final polynomial of 2^7 (at t = 29 the
  // byte-minimal final size for the model sizes, docs/zk.md "Conjectured
  // regime").
  // Their digests keep 26 bytes. Both grind 16 bits: 19 (kind 7 in sessions
  // 13-17) saved one query (~2.5 KB) for 2^19 hashes an opening, a fifth of
  // the kind-7 MLP prover's CPU by session 18 (docs/zk.md "Compact digests").
  static constexpr BasefoldParams Conjectured(unsigned threads = 1) {
    return {100, 4, 3, 7, 16, threads, BasefoldRegime::kConjecturedFp4, 5, false, kCompactDigest};
  }
  static constexpr BasefoldParams HidingConjectured(unsigned threads = 1) {
    BasefoldParams p{
        100, 4, 3, 7, 16, threads, BasefoldRegime::kConjecturedFp4, 3, true, kCompactDigest, true};
    p.wide_first_from = kWideFirstFrom;
    p.secondary_leaf_log = kSecondaryLeafLog;
    p.lifted_mask_first = kLiftedMaskFirst;
    return p;
  }
  static constexpr int kSecondaryLeafLog = 2;
  static constexpr int kLiftedMaskFirst = 4;
  static constexpr int kWideFirstFrom = 20;
  static constexpr int kCompactDigest = 26;
};

// Lifted masks: how many of the kHidingMasks carry slope tables (docs/zk.md
// "Lifted masks": three leave the simulator's equations room).
inline constexpr size_t kLiftedSlopeMasks = 3;

// The rounds of one opening, derived from n and the parameters.
struct BasefoldShape {
  size_t num_vars = 0;        // n
  size_t folded_vars = 0;     // V = n - f
  size_t final_vars = 0;      // f
  size_t log_len = 0;         // log2 of the first codeword length n + k
  std::vector<size_t> arity;  // variables folded in each round (sum = V)
  size_t num_queries = 0;     // t (<= number of first-round leaves)
  size_t ext_degree = 4;      // challenge field: 2 (Fp2) or 4 (Fp4)
  size_t digest_bytes = 32;   // Merkle digest bytes sent (roots and nodes)
  size_t johnson_m = 0;       // the Johnson-regime parameter m (0: unique decoding)
  // kConjecturedFp4: log2(1/eta) of the conjectured regime (0: a proven regime).
  size_t conjectured_log_inv_eta = 0;
  // Version 4 (first_fold_log > 0): a later round's leaves omit the symbols
  // the previous round's queries fold to (the verifier computes them and
  // hashes them into the leaf); rd.ext_leaves then holds
  // num_leaves * 2^a - (previous round's num_leaves) values.
  bool implicit_symbols = false;
  // Sparse top (BasefoldParams::sparse_top): the last variable carries at
  // most this many monomial coefficients, 2^(num_vars - 8) (0: no bound);
  // then log_len = num_vars - 1 + k and the final polynomial's top half is
  // zero beyond ceil(top_coeffs / 2^folded_vars).
  size_t top_coeffs = 0;
  // Lifted masks (BasefoldParams::lifted_masks): the first this-many batch
  // members are masks whose first-round leaf part is H, then (the first
  // kLiftedSlopeMasks of them) C_0..C_{a-1}; the symbol at point x is
  // H + sum_l x^(2^l) C_l.
  size_t lifted_masks = 0;

  size_t Rounds() const { return arity.size(); }
  // Base-field symbols of one first-round leaf of a batch of num_polys.
  size_t FirstLeafSymbols(size_t num_polys) const {
    size_t a = arity.empty() ? 0 : arity[0];
    return LiftedMaskSymbols() + ((num_polys - std::min(num_polys, lifted_masks)) << a);
  }
  // The lifted masks' part of a first-round leaf.
  size_t LiftedMaskSymbols() const {
    size_t a = arity.empty() ? 0 : arity[0];
    return lifted_masks + std::min(lifted_masks, kLiftedSlopeMasks) * a;
  }
  // The code's rate: degree bound over the first domain's size (with a
  // sparse top, the bound the final polynomial enforces).
  double Rate() const;
  // Coefficients of the final polynomial's top half that may be nonzero.
  size_t FinalTopCoeffs() const;
  // Final-polynomial coefficients sent: 2^f, or with a sparse top the bottom
  // half and FinalTopCoeffs() (the rest are zero and not sent).
  size_t FinalSent() const;
  // log2 of the codeword length at round r (r == Rounds(): the final codeword).
  size_t LogLen(size_t r) const;
  // log2 of the number of leaves of round r's tree.
  size_t LeafDepth(size_t r) const { return LogLen(r) - arity[r]; }
};

// Joint openings: a SECONDARY commitment of n2 <= n variables opened together
// with a primary one of n variables, at the suffix z_{j..} (j = n - n2) of
// the primary's point z, in ONE folding: the batch is f = sum alpha_k f_k +
// sum beta_k lift(s_k) with lift(s)(x) = s(x_j, ..), constant in the first j
// variables (so sum_b eq(z, b) lift(s)(b) = s(z_{j..})). Folding lift(s)'s
// codeword j times gives s's own codeword whatever the challenges, so the
// secondary's codeword (length 2^(n2 + k)) enters the folding after j
// variables: in round `round`, after `level` of its arity[round] folds; its
// tree's leaves are cosets of `arity` = arity[round] - level symbols, as many
// leaves as that round's tree, queried at the same indices. The verifier folds
// each queried coset `level` times, adds the secondary's beta-combined leaf
// values and folds on (docs/zk.md "Joint openings"). An entry after a round's
// last fold (arity 0) reads single symbols; its leaves are then aligned pairs
// of symbols (leaf_log 1: half the leaves and tree nodes to hash, one level
// less per Merkle path), so every secondary leaf holds >= 2 symbols.
struct BasefoldEntry {
  size_t round = 0;     // the primary round the secondary enters
  size_t level = 0;     // folds of that round before it enters
  size_t arity = 0;     // log2 of the coset a query reads (0: single symbols,
                        // entering after the round's last fold)
  size_t leaf_log = 1;  // log2 of the secondary's leaf: max(arity, 1, secondary_leaf_log)
  size_t compact = 0;   // trailing secondary polynomials with ONE symbol a leaf (SecondaryLifts)

  // Leaves hold more symbols than a query reads: aligned groups of cosets.
  bool PairLeaves() const { return leaf_log > arity; }
  // Symbols of one secondary leaf of `polys` polynomials.
  size_t LeafSymbols(size_t polys) const { return ((polys - compact) << leaf_log) + compact; }
  // Leaf index and offset in the leaf of the coset read for the round's leaf i.
  size_t LeafOf(size_t i) const { return i >> (leaf_log - arity); }
  size_t OffsetOf(size_t i) const { return (i & ((size_t{1} << (leaf_log - arity)) - 1)) << arity; }
};

// The trailing `count` polynomials of a joint secondary of n2 variables are
// lifts of tables of `vars` variables to its last variables (value at x is
// table[x >> (n2 - vars)]), committed without a pad (the caller's
// zero-knowledge argument: docs/zk.md "Masks lifted to the last
// variables"). A lift is Q(X^(2^(n2-vars))): its codeword repeats every
// symbol 2^(n2-vars) times, so it is encoded by a shorter transform and, when
// n2 - vars >= the leaf's log, a leaf holds one symbol of it (compact).
struct SecondaryLifts {
  size_t count = 0;
  size_t vars = 0;
};

// The opening proof, as sent. Extension elements are held as Fp4; with
// ext_degree 2 they lie in Fp2 and are encoded as Fp2 (16 bytes), else as
// (c0, c1) pairs of Fp2 (32 bytes).
struct BasefoldProof {
  struct Round {
    std::vector<Fp> base_leaves;  // round 0: leaves * num_polys * 2^a values
    std::vector<Fp4> ext_leaves;  // rounds >= 1: leaves * 2^a values (less the implicit ones)
    size_t num_leaves = 0;        // distinct queried leaves, increasing index
    std::vector<Digest> merkle_nodes;
  };
  size_t ext_degree = 4;
  size_t digest_bytes = 32;     // bytes of each root and node on the wire
  std::vector<Fp4> sumcheck;    // (g(0), g(2)) for each folded variable
  std::vector<Digest> roots;    // trees of rounds 1 .. R-1
  std::vector<Fp4> final_poly;  // the first FinalSent() of 2^f monomial coefficients
  uint64_t pow_nonce = 0;
  std::vector<Round> rounds;  // R entries
  // Joint openings: the secondary's queried leaves (base-field symbols;
  // num_leaves = rounds[entry.round].num_leaves, not sent, when arity ==
  // leaf_log; else the distinct pairs, sent as a u32) and multi-proof.
  bool joint = false;
  bool pair_leaves = false;  // the entry's leaf_log exceeds its arity
  Round secondary;

  void Serialize(ByteWriter& w) const;
  Bytes ToBytes() const;
  // Every count is checked against the shape before anything is allocated
  // (kParse naming the field and offset); the exact leaf and node counts
  // depend on the queries and are checked by the verifier. `entry` and
  // `secondary_polys`: a joint opening (its secondary part follows the rounds).
  static Result<BasefoldProof> Parse(ByteSpan bytes, const BasefoldShape& shape, size_t num_polys,
                                     const BasefoldEntry* entry = nullptr,
                                     size_t secondary_polys = 0);
};

class BasefoldPcs final : public MultilinearPcs {
 public:
  explicit BasefoldPcs(BasefoldParams params = BasefoldParams::Default());

  // The shape of an opening of n variables (hiding: of the committed n + p
  // variables, HidingPadVars).
  BasefoldShape ShapeFor(size_t num_vars) const;

  std::string_view name() const override {
    return params_.hiding ? "basefold-sha256-zk" : "basefold-sha256";
  }
  bool hiding() const override { return params_.hiding; }
  // name || u32 security_bits || log_inv_rate || fold_log || final_vars ||
  // grinding_bits || u32 version (2: kUniqueFp2; 3: kJohnsonFp4; 4: kJohnsonFp4
  // with first_fold_log > 0; 5: kUniqueFp2 with first_fold_log > 0, no key
  // kind uses it; 6: hiding kJohnsonFp4; 7: kConjecturedFp4; 8: hiding
  // kConjecturedFp4) [|| u32 first_fold_log, versions 4 to 8] [|| u32
  // log2(1/eta) of the conjecture, versions 7 and 8] [|| u32 digest_bytes,
  // any version, when it is not 32].
  Bytes ParametersEncoding() const override;

  // Hiding: the random mask polynomials committed before the caller's.
  static constexpr size_t kHidingMasks = 4;
  // Hiding: the pad variables p for n (0 if no p fits the 2^32 domain); 1
  // with a sparse pad.
  size_t HidingPadVars(size_t num_vars) const;
  // Hiding with sparse_pad: the pad's monomial coefficients q = 2^(n-7) when
  // they cover (t + 1) first-round cosets of the sparse shape, else 0 (the
  // whole-variable pad of HidingPadVars).
  size_t SparsePadCoeffs(size_t num_vars) const;
  // Hiding with lifted_mask_first: the first round's arity a of the lifted-mask
  // inner shape of n + 1 variables when its sparse pad covers (t + 1) 2^a
  // symbols and the masks' slope tables fit below the pad variable; else 0
  // (whole masks, the usual first round).
  size_t LiftedMaskArity(size_t num_vars) const;
  // The plain set a commitment of n variables is opened with: itself when
  // plain; a hiding set's inner set (sparse top where the sparse pad fits,
  // lifted masks where they apply).
  BasefoldParams InnerParamsFor(size_t num_vars) const;
  // Hiding opening bytes: kHidingMasks Fp2 mask values at z, then the plain
  // opening of the (n + p)-variable batch.
  struct HidingProof {
    std::vector<Fp2> mask_evals;
    BasefoldProof inner;
  };
  Result<HidingProof> ParseHidingProof(ByteSpan bytes, size_t num_vars, size_t num_polys) const;
  double SoundnessBits(size_t num_vars) const override;
  Result<PcsCommitted> Commit(std::vector<std::vector<Fp>> polys) const override;
  // Hiding only (MultilinearPcs): the masks and pads expanded from the seed;
  // kInvalidArgument without the hiding mode.
  Result<PcsCommitted> CommitWithMaskSeed(std::vector<std::vector<Fp>> polys,
                                          const Digest& seed) const override;
  Result<PcsOpening> Open(const PcsProverData& data, std::span<const Fp2> point,
                          Transcript& transcript) const override;
  Status Verify(const PcsCommitment& commitment, std::span<const Fp2> point,
                std::span<const Fp2> evals, ByteSpan proof, Transcript& transcript) const override;

  // Joint openings (docs/zk.md "Joint openings"). Where a secondary of n2
  // variables enters the folding of a primary of n (hiding: of the inner
  // n + p and n2 + p variables); kInvalidArgument if n2 > n or the
  // secondary would enter after the last committed round.
  Result<BasefoldEntry> JointEntry(size_t primary_vars, size_t secondary_vars,
                                   SecondaryLifts lifts = {}) const;
  // log2 of a secondary leaf's minimum width: secondary_leaf_log in the sets
  // with a wide first round (version 12 extends 11), else 1 (pairs). A
  // hiding set's openings use its inner set's (where the sparse pad fits).
  size_t MinSecondaryLeafLog() const;
  // Commits polynomials of n2 variables as the secondary of a primary of
  // `primary_vars` variables (leaves of 2^leaf_log symbols; hiding: the
  // primary's pad and no masks: the primary's kHidingMasks mask the whole
  // batch, and a leaf of >= 2 padded symbols hashes >= 128 bits of entropy).
  // Its prover data opens only jointly, with a primary that carries the masks.
  // `lifts`: the last lifts.count of `polys` are tables of lifts.vars
  // variables, committed as their lifts (no pad; one symbol a leaf where the
  // lift is constant on leaves); kInvalidArgument if they do not fit.
  Result<PcsCommitted> CommitSecondary(std::vector<std::vector<Fp>> polys, size_t primary_vars,
                                       SecondaryLifts lifts = {}) const;
  struct JointOpening {
    std::vector<Fp2> primary_evals, secondary_evals;
    Bytes proof;  // hiding: the primary's kHidingMasks mask values, then the
                  // plain joint opening
  };
  // Opens the primary at `point` (n coordinates) and the secondary at its
  // suffix of n2 coordinates, in one opening.
  Result<JointOpening> OpenJoint(const PcsProverData& primary, const PcsProverData& secondary,
                                 std::span<const Fp2> point, Transcript& transcript) const;
  // kParse for malformed bytes, kVerification naming the failed check.
  // `lifts` as committed (the statement fixes it).
  Status VerifyJoint(const PcsCommitment& primary, const PcsCommitment& secondary,
                     std::span<const Fp2> point, std::span<const Fp2> primary_evals,
                     std::span<const Fp2> secondary_evals, ByteSpan proof, Transcript& transcript,
                     SecondaryLifts lifts = {}) const;

  // Structured forms, used by tests that alter components (plain only).
  Result<BasefoldProof> OpenProof(const PcsProverData& data, std::span<const Fp2> point,
                                  Transcript& transcript, std::vector<Fp2>* evals) const;
  Status VerifyProof(const PcsCommitment& commitment, std::span<const Fp2> point,
                     std::span<const Fp2> evals, const BasefoldProof& proof,
                     Transcript& transcript) const;

  const BasefoldParams& params() const { return params_; }
  // kConjecturedFp4: log2(1/eta) with eta = rho (the conjecture's distance
  // from capacity; bound into ParametersEncoding); 0 for the proven regimes.
  size_t ConjecturedLogInvEta() const {
    return params_.regime == BasefoldRegime::kConjecturedFp4
               ? static_cast<size_t>(std::max(1, params_.log_inv_rate))
               : 0;
  }
  // wide_first_from is honoured (and bound by ParametersEncoding) by the
  // sparse hiding conjectured sets and their inner sets only.
  bool WideFirstApplies() const {
    return params_.wide_first_from > 0 && params_.regime == BasefoldRegime::kConjecturedFp4 &&
           ((params_.hiding && params_.sparse_pad) || params_.sparse_top);
  }
  // lifted_mask_first is honoured (and bound by ParametersEncoding version
  // 13) by the sparse hiding conjectured sets only.
  bool LiftedMasksConfigured() const {
    return params_.lifted_mask_first > 0 && params_.hiding && params_.sparse_pad &&
           params_.regime == BasefoldRegime::kConjecturedFp4;
  }
  // The extra variable of the first round for a shape of num_vars variables.
  int WideFirst(size_t num_vars) const {
    return WideFirstApplies() && num_vars >= static_cast<size_t>(params_.wide_first_from) ? 1 : 0;
  }
  // Grinding bits used for this shape: 0 when every leaf is queried (no
  // query error to reduce; the nonce must then be 0).
  int GrindingBits(const BasefoldShape& shape) const;

 private:
  double SoundnessFor(const BasefoldShape& shape, size_t t) const;
  BasefoldShape PlainShapeFor(size_t num_vars) const;
  // pad_vars 0: HidingPadVars(n); no leaf_arity: the shape's first arity;
  // `masks` uniform polynomials first (kHidingMasks but for secondaries);
  // top_coeffs: a sparse pad of that many coefficients (0: the whole-variable
  // pad; none: SparsePadCoeffs(n)); unpadded_tail: the last polynomials,
  // committed without a pad (their top half is their bottom half);
  // compact_tail: CommitPlain's.
  Result<PcsCommitted> CommitHiding(std::vector<std::vector<Fp>> polys, const Digest* seed,
                                    size_t pad_vars = 0,
                                    std::optional<size_t> leaf_arity = std::nullopt,
                                    size_t masks = kHidingMasks,
                                    std::optional<size_t> top_coeffs = std::nullopt,
                                    size_t unpadded_tail = 0, size_t compact_tail = 0) const;
  Result<PcsOpening> OpenHiding(const PcsProverData& data, std::span<const Fp2> point,
                                Transcript& transcript) const;
  Status VerifyHiding(const PcsCommitment& commitment, std::span<const Fp2> point,
                      std::span<const Fp2> evals, ByteSpan proof, Transcript& transcript) const;
  // The secondary of a joint opening, on each side.
  struct JointProver {
    const PcsProverData* data;
    BasefoldEntry entry;
    std::vector<Fp2>* evals;  // receives the secondary's evaluations
  };
  struct JointVerifier {
    const PcsCommitment* commitment;
    std::span<const Fp2> evals;
    BasefoldEntry entry;
  };
  // What every plain verification checks first: the point and evaluation
  // counts fit the commitment, its domain fits the field, and the proof has
  // the shape of an opening of it (a joint one when `joint`).
  Status CheckOpening(const PcsCommitment& c, size_t point_vars, size_t num_evals,
                      const BasefoldProof& proof, bool joint) const;
  // compact_tail: the last polynomials, whose codewords are constant on
  // every leaf (checked), hash one symbol a leaf. `masks` (lifted_masks sets
  // only): lifted masks committed first in the batch (encoded here).
  Result<PcsCommitted> CommitPlain(std::vector<std::vector<Fp>> polys,
                                   std::optional<size_t> leaf_arity, size_t compact_tail = 0,
                                   std::shared_ptr<detail::LiftedMasks> masks = nullptr) const;
  template <typename E>
  Result<BasefoldProof> OpenAs(const PcsProverData& data, std::span<const Fp2> point,
                               Transcript& transcript, std::vector<Fp2>* evals,
                               const JointProver* joint = nullptr) const;
  template <typename E>
  Status VerifyAs(const PcsCommitment& commitment, std::span<const Fp2> point,
                  std::span<const Fp2> evals, const BasefoldProof& proof, Transcript& transcript,
                  const JointVerifier* joint = nullptr) const;
  Result<JointOpening> OpenJointPlain(const PcsProverData& primary, const PcsProverData& secondary,
                                      std::span<const Fp2> point, Transcript& transcript) const;
  Status VerifyJointPlain(const PcsCommitment& primary, const PcsCommitment& secondary,
                          std::span<const Fp2> point, std::span<const Fp2> primary_evals,
                          std::span<const Fp2> secondary_evals, const BasefoldProof& proof,
                          Transcript& transcript, SecondaryLifts lifts = {}) const;

  BasefoldParams params_;
};

}  // namespace vinet::zk
