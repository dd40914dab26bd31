// Internal helpers of the Basefold PCS (src/zk/pcs/basefold*.cpp): codeword
// folding on bit-reversed Reed-Solomon domains, the monomial basis of
// multilinear polynomials, and proof-of-work grinding.
//
// A codeword of length 2^l holds P(w^bitrev_l(j)) at position j (w =
// Fp::RootOfUnity(l)); positions 2j and 2j+1 hold P(x) and P(-x) with
// x = w^bitrev_{l-1}(j). Fold with r: P'(x^2) = (P(x) + P(-x))/2 +
// r (P(x) - P(-x))/(2x), which is the codeword (length 2^(l-1)) of
// P_even + r P_odd.
// The extension-field helpers exist for E = Fp2 and E = Fp4 (the challenge
// field of the unique-decoding and list-decoding parameter sets).
#pragma once

#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

#include "vinet/zk/codec.h"
#include "vinet/zk/field/extension.h"
#include "vinet/zk/field/quartic.h"
#include "vinet/zk/huge_page_allocator.h"

namespace vinet::zk::detail {

// Prover storage of F_p values that is allocated unwritten: 64-bit words in
// huge-page blocks viewed as Fp (a HugeUninitVector<Fp> would still zero
// them: Fp's member initializer). For buffers written in full before they
// are read (codewords, the transforms' columns).
struct FpWords {
  static_assert(sizeof(Fp) == sizeof(uint64_t) && std::is_trivially_copyable_v<Fp>);
  HugeUninitVector<uint64_t> words;

  FpWords() = default;
  explicit FpWords(size_t size) : words(size) {}
  std::span<Fp> fps() { return {reinterpret_cast<Fp*>(words.data()), words.size()}; }
  std::span<const Fp> fps() const {
    return {reinterpret_cast<const Fp*>(words.data()), words.size()};
  }
};

size_t BitReverse(size_t x, size_t bits);

// inv2 * w^-bitrev_{l-1}(j) for j < 2^(l-1), w = RootOfUnity(l). Its first
// 2^(m-1) entries are the table of length 2^m for every m <= l.
std::vector<Fp> FoldTwiddles(size_t log_len);

// Folds `src` (length 2^m, m <= l of `twiddles`) into `dst` (length 2^(m-1)).
void FoldCodeword(std::span<const Fp2> src, std::span<Fp2> dst, Fp2 r, std::span<const Fp> twiddles,
                  unsigned threads);
void FoldCodeword(std::span<const Fp4> src, std::span<Fp4> dst, Fp4 r, std::span<const Fp> twiddles,
                  unsigned threads);

// The Reed-Solomon codeword (length 2^log_len, bit-reversed order) of the
// multilinear polynomial with evaluations `evals` over {0,1}^n, n <= log_len:
// its monomial coefficients through the padded NTT, one base-field
// coordinate at a time. Equals folding the polynomial's original codeword
// with the challenges that folded the polynomial to `evals` (the prover's
// later-round codewords without touching the longer ones).
std::vector<Fp2> EncodeMultilinear(std::span<const Fp2> evals, size_t log_len, unsigned threads);
std::vector<Fp4> EncodeMultilinear(std::span<const Fp4> evals, size_t log_len, unsigned threads);
// The same into `out` (resized; a block from the huge-page cache, so a
// prover's later-round codewords take no fresh pages proof after proof).
void EncodeMultilinear(std::span<const Fp2> evals, size_t log_len, HugeVector<Fp2>& out,
                       unsigned threads);
void EncodeMultilinear(std::span<const Fp4> evals, size_t log_len, HugeVector<Fp4>& out,
                       unsigned threads);
// The same for a sparse-top table given as its bottom half and `top_delta`
// (top half minus bottom half: a function of the low log2(top_delta.size())
// variables, tiled; 1 <= top_delta.size() <= bottom.size(), both powers of
// two), without forming the top half. Equals EncodeMultilinear of the table.
void EncodeSparseTop(std::span<const Fp2> bottom, std::span<const Fp2> top_delta, size_t log_len,
                     HugeVector<Fp2>& out, unsigned threads);
void EncodeSparseTop(std::span<const Fp4> bottom, std::span<const Fp4> top_delta, size_t log_len,
                     HugeVector<Fp4>& out, unsigned threads);

// The verifier's folding of coset leaves of one round: leaves of 2^a symbols
// of a codeword of length 2^log_len, challenges r_0..r_{a-1}.
template <typename E>
class LeafFolderT {
 public:
  LeafFolderT(size_t log_len, std::span<const E> challenges);
  // Folds leaf `index` (2^a values, overwritten) into the next codeword's
  // symbol at `index`. With `inject` (2^(a - inject_level) values): after
  // inject_level levels the partly folded coset gains them, entry by entry
  // (a joint opening's secondary codeword entering mid-round).
  E Fold(std::span<E> values, size_t index, size_t inject_level = 0,
         std::span<const E> inject = {}) const;

 private:
  size_t log_len_;
  std::span<const E> challenges_;
  Fp winv_;
  std::vector<Fp> mu_pows_;  // inv2 * mu^-e, mu = RootOfUnity(a)
};
using LeafFolder = LeafFolderT<Fp2>;

// Evaluations over {0,1}^n -> multilinear monomial coefficients, in place.
void ToMonomial(std::span<Fp> v);
void ToMonomial(std::span<Fp2> v);
void ToMonomial(std::span<Fp4> v);

// log2 of the largest stride 2^s (s <= log2 of the length) such that every
// nonzero coefficient sits at a multiple of 2^s: the polynomial is
// Q(X^(2^s)), a multilinear lift from the last variables with no pad. Stops
// at the first nonzero coefficient at an odd index (0: no stride).
size_t MonomialStride(std::span<const Fp> coeffs);
// The bit-reversed Reed-Solomon codeword over all of `cw` of the monomial
// coefficients in cw[0, size) (size a power of two); the rest of cw need not
// be initialized. Same output as NttBitReversedPadded(cw, size); for
// Q(X^(2^s)) (MonomialStride) it is Q's codeword on cw.size() / 2^s points
// with every symbol repeated 2^s times (position p reads Q at
// w^(2^s rev(p)), entry p >> s of Q's own bit-reversed codeword): a
// transform 2^s times shorter.
void EncodeMonomials(std::span<Fp> cw, size_t size, unsigned threads);
// Multilinear monomial form evaluated at a point.
Fp2 EvaluateMonomial(std::span<const Fp2> coeffs, std::span<const Fp2> point);
Fp4 EvaluateMonomial(std::span<const Fp4> coeffs, std::span<const Fp4> point);
// Univariate sum_i coeffs[i] x^i (Horner).
Fp2 EvaluateUnivariate(std::span<const Fp2> coeffs, Fp x);
Fp4 EvaluateUnivariate(std::span<const Fp4> coeffs, Fp x);

// Proof of work: SHA-256("vinet.bf.pow" || state || u64 nonce) has its
// low `bits` bits (little-endian first word) zero. With bits <= 0 only
// nonce 0 is valid, so the proof stays canonical.
bool PowValid(const Digest& state, uint64_t nonce, int bits);
// The smallest valid nonce, searched with `threads` threads.
uint64_t PowSolve(const Digest& state, int bits, unsigned threads = 1);

}  // namespace vinet::zk::detail
