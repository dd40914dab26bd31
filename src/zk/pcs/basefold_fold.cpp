#include "zk/pcs/basefold_fold.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "vinet/zk/field/ntt.h"
#include "vinet/zk/huge_page_allocator.h"
#include "vinet/zk/parallel.h"
#include "zk/common/sha256_fast.h"

namespace vinet::zk::detail {
namespace {

constexpr Fp kInv2 = Fp((Fp::kModulus + 1) / 2);

template <typename F>
void ToMonomialImpl(std::span<F> v) {
  for (size_t half = 1; half < v.size(); half *= 2) {
    for (size_t block = 0; block < v.size(); block += 2 * half) {
      F* lo = v.data() + block;
      for (size_t j = 0; j < half; ++j) lo[half + j] -= lo[j];
    }
  }
}

}  // namespace

size_t BitReverse(size_t x, size_t bits) {
  if (bits == 0) return 0;
  size_t r = 0;
  for (size_t b = 0; b < bits; ++b) r |= ((x >> b) & 1) << (bits - 1 - b);
  return r;
}

std::vector<Fp> FoldTwiddles(size_t log_len) {
  if (log_len == 0) return {};
  // A_s[j] = inv2 * w^-bitrev_s(j), doubled in place: A_s[2j] = A_{s-1}[j],
  // A_s[2j+1] = A_{s-1}[j] * w^-(2^(s-1)).
  size_t half = size_t{1} << (log_len - 1);
  std::vector<Fp> out(half);
  std::vector<Fp> step(log_len);  // w^-(2^i)
  step[0] = Fp::RootOfUnity(static_cast<int>(log_len)).Inverse();
  for (size_t i = 1; i < log_len; ++i) step[i] = step[i - 1] * step[i - 1];
  out[0] = kInv2;
  for (size_t s = 1, size = 1; s < log_len; ++s, size *= 2) {
    for (size_t j = size; j-- > 0;) {
      Fp v = out[j];
      out[2 * j] = v;
      out[2 * j + 1] = v * step[s - 1];
    }
  }
  return out;
}

namespace {

template <typename E>
void FoldCodewordImpl(std::span<const E> src, std::span<E> dst, E r, std::span<const Fp> twiddles,
                      unsigned threads) {
  ParallelFor(
      dst.size(), threads,
      [&](size_t b, size_t e) {
        for (size_t j = b; j < e; ++j) {
          E v0 = src[2 * j], v1 = src[2 * j + 1];
          dst[j] = (v0 + v1) * kInv2 + r * ((v0 - v1) * twiddles[j]);
        }
      },
      8192);
}

// Base-field coordinate c of an extension element, and the element from its coordinates.
Fp Coord(Fp2 v, size_t c) {
  return c == 0 ? v.c0() : v.c1();
}
Fp Coord(Fp4 v, size_t c) {
  return Coord(c < 2 ? v.c0() : v.c1(), c & 1);
}
void SetCoords(Fp2& v, const Fp* c) {
  v = Fp2(c[0], c[1]);
}
void SetCoords(Fp4& v, const Fp* c) {
  v = Fp4(Fp2(c[0], c[1]), Fp2(c[2], c[3]));
}

// `top_delta` empty: evals is the whole table. Else evals is its bottom half
// and the top half is evals plus top_delta tiled (a function of the low
// log2(top_delta.size()) variables), so the top half's monomial coefficients
// are top_delta's, then zeros: the top half is never formed.
template <typename E>
void EncodeMultilinearImpl(std::span<const E> evals, std::span<const E> top_delta, size_t log_len,
                           HugeVector<E>& out, unsigned threads) {
  constexpr size_t kDegree = sizeof(E) / sizeof(Fp);
  size_t bottom = evals.size(), len = size_t{1} << log_len;
  size_t size = top_delta.empty() ? bottom : 2 * bottom;
  // Unwritten columns: the padded transform never reads past the message.
  std::vector<FpWords> words(kDegree);
  std::vector<std::span<Fp>> cols(kDegree);
  // The NTT is F_p-linear: each coordinate is encoded on its own.
  ParallelFor(
      kDegree, threads,
      [&](size_t b, size_t e) {
        for (size_t c = b; c < e; ++c) {
          words[c].words.resize(len);
          cols[c] = words[c].fps();
          std::span<Fp> col = cols[c];
          for (size_t i = 0; i < bottom; ++i) col[i] = Coord(evals[i], c);
          ToMonomial(col.first(bottom));
          if (!top_delta.empty()) {
            std::span<Fp> top = col.subspan(bottom, bottom);
            for (size_t i = 0; i < top_delta.size(); ++i) top[i] = Coord(top_delta[i], c);
            ToMonomial(top.first(top_delta.size()));
            std::fill(top.begin() + static_cast<ptrdiff_t>(top_delta.size()), top.end(),
                      Fp::Zero());
          }
          NttBitReversedPadded(col, size);
        }
      },
      1);
  out.resize(len);
  ParallelFor(len, threads, [&](size_t b, size_t e) {
    for (size_t j = b; j < e; ++j) {
      Fp c[kDegree];
      for (size_t k = 0; k < kDegree; ++k) c[k] = cols[k][j];
      SetCoords(out[j], c);
    }
  });
}

template <typename E>
std::vector<E> EncodeMultilinearCopy(std::span<const E> evals, size_t log_len, unsigned threads) {
  HugeVector<E> out;
  EncodeMultilinearImpl(evals, {}, log_len, out, threads);
  return std::vector<E>(out.begin(), out.end());
}

template <typename E>
E EvaluateMonomialImpl(std::span<const E> coeffs, std::span<const E> point) {
  std::vector<E> mono(coeffs.size());
  mono[0] = E::One();
  for (size_t k = 0; k < point.size(); ++k) {
    size_t half = size_t{1} << k;
    for (size_t i = 0; i < half && half + i < mono.size(); ++i) mono[half + i] = mono[i] * point[k];
  }
  E acc;
  for (size_t i = 0; i < coeffs.size(); ++i) acc += coeffs[i] * mono[i];
  return acc;
}

template <typename E>
E EvaluateUnivariateImpl(std::span<const E> coeffs, Fp x) {
  E acc;
  for (size_t i = coeffs.size(); i-- > 0;) acc = acc * x + coeffs[i];
  return acc;
}

}  // namespace

void FoldCodeword(std::span<const Fp2> src, std::span<Fp2> dst, Fp2 r, std::span<const Fp> twiddles,
                  unsigned threads) {
  FoldCodewordImpl<Fp2>(src, dst, r, twiddles, threads);
}
void FoldCodeword(std::span<const Fp4> src, std::span<Fp4> dst, Fp4 r, std::span<const Fp> twiddles,
                  unsigned threads) {
  FoldCodewordImpl<Fp4>(src, dst, r, twiddles, threads);
}

std::vector<Fp2> EncodeMultilinear(std::span<const Fp2> evals, size_t log_len, unsigned threads) {
  return EncodeMultilinearCopy(evals, log_len, threads);
}
std::vector<Fp4> EncodeMultilinear(std::span<const Fp4> evals, size_t log_len, unsigned threads) {
  return EncodeMultilinearCopy(evals, log_len, threads);
}
void EncodeMultilinear(std::span<const Fp2> evals, size_t log_len, HugeVector<Fp2>& out,
                       unsigned threads) {
  EncodeMultilinearImpl(evals, {}, log_len, out, threads);
}
void EncodeMultilinear(std::span<const Fp4> evals, size_t log_len, HugeVector<Fp4>& out,
                       unsigned threads) {
  EncodeMultilinearImpl(evals, {}, log_len, out, threads);
}
void EncodeSparseTop(std::span<const Fp2> bottom, std::span<const Fp2> top_delta, size_t log_len,
                     HugeVector<Fp2>& out, unsigned threads) {
  EncodeMultilinearImpl(bottom, top_delta, log_len, out, threads);
}
void EncodeSparseTop(std::span<const Fp4> bottom, std::span<const Fp4> top_delta, size_t log_len,
                     HugeVector<Fp4>& out, unsigned threads) {
  EncodeMultilinearImpl(bottom, top_delta, log_len, out, threads);
}

template <typename E>
LeafFolderT<E>::LeafFolderT(size_t log_len, std::span<const E> challenges)
    : log_len_(log_len), challenges_(challenges) {
  size_t a = challenges.size();
  winv_ = Fp::RootOfUnity(static_cast<int>(log_len)).Inverse();
  Fp mu_inv = a == 0 ? Fp::One() : Fp::RootOfUnity(static_cast<int>(a)).Inverse();
  mu_pows_.resize(a == 0 ? 1 : size_t{1} << (a - 1));
  Fp acc = kInv2;
  for (auto& m : mu_pows_) {
    m = acc;
    acc *= mu_inv;
  }
}

template <typename E>
E LeafFolderT<E>::Fold(std::span<E> v, size_t index, size_t inject_level,
                       std::span<const E> inject) const {
  size_t a = challenges_.size();
  // x at level l, pair j: g^(2^l) * mu^(2^l * bitrev_{a-l-1}(j)), g =
  // w^bitrev_{log_len-a}(index), mu = RootOfUnity(a).
  Fp hinv = winv_.Pow(BitReverse(index, log_len_ - a));
  for (size_t l = 0; l < a; ++l) {
    size_t b = a - l, pairs = size_t{1} << (b - 1);
    if (l == inject_level) {  // v[0 .. 2^b) is the coset of the codeword folded l times
      for (size_t j = 0; j < inject.size() && j < (size_t{1} << b); ++j) v[j] += inject[j];
    }
    for (size_t j = 0; j < pairs; ++j) {
      Fp xinv = hinv * mu_pows_[BitReverse(j, b - 1) << l];  // includes 1/2
      E v0 = v[2 * j], v1 = v[2 * j + 1];
      v[j] = (v0 + v1) * kInv2 + challenges_[l] * ((v0 - v1) * xinv);
    }
    hinv *= hinv;
  }
  if (inject_level == a && !inject.empty()) v[0] += inject[0];  // enters after the last fold
  return v[0];
}

template class LeafFolderT<Fp2>;
template class LeafFolderT<Fp4>;

void ToMonomial(std::span<Fp> v) {
  ToMonomialImpl(v);
}
void ToMonomial(std::span<Fp2> v) {
  ToMonomialImpl(v);
}
void ToMonomial(std::span<Fp4> v) {
  ToMonomialImpl(v);
}

size_t MonomialStride(std::span<const Fp> coeffs) {
  size_t size = coeffs.size(), seen = 0;
  for (size_t i = 1; i < size; ++i) {
    if (coeffs[i] != Fp::Zero()) {
      seen |= i;
      if ((seen & 1) != 0) return 0;
    }
  }
  return seen == 0 ? std::countr_zero(size) : std::countr_zero(seen);
}

void EncodeMonomials(std::span<Fp> cw, size_t size, unsigned threads) {
  size_t s = MonomialStride(cw.first(size));
  if (s == 0) return NttBitReversedPadded(cw, size, threads);
  FpWords words(cw.size() >> s);
  std::span<Fp> small = words.fps();
  for (size_t c = 0; c < (size >> s); ++c) small[c] = cw[c << s];
  NttBitReversedPadded(small, size >> s, threads);
  ParallelFor(
      cw.size(), threads,
      [&](size_t b, size_t e) {
        for (size_t p = b; p < e; ++p) cw[p] = small[p >> s];
      },
      4096);
}

Fp2 EvaluateMonomial(std::span<const Fp2> coeffs, std::span<const Fp2> point) {
  return EvaluateMonomialImpl(coeffs, point);
}
Fp4 EvaluateMonomial(std::span<const Fp4> coeffs, std::span<const Fp4> point) {
  return EvaluateMonomialImpl(coeffs, point);
}

Fp2 EvaluateUnivariate(std::span<const Fp2> coeffs, Fp x) {
  return EvaluateUnivariateImpl(coeffs, x);
}
Fp4 EvaluateUnivariate(std::span<const Fp4> coeffs, Fp x) {
  return EvaluateUnivariateImpl(coeffs, x);
}

namespace {

constexpr char kPowTag[] = "vinet.bf.pow";  // 12 + 32 + 8 bytes: one SHA-256 block

// The digest's low `bits` bits (little-endian first word) are zero, bits in 1..64.
bool LowBitsZero(const Digest& h, int bits) {
  uint64_t word = 0;
  for (int i = 0; i < 8; ++i) word |= static_cast<uint64_t>(h[i]) << (8 * i);
  uint64_t mask = bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  return (word & mask) == 0;
}

}  // namespace

bool PowValid(const Digest& state, uint64_t nonce, int bits) {
  if (bits <= 0) return nonce == 0;  // no grinding: the nonce is fixed
  uint8_t le[8];
  for (int i = 0; i < 8; ++i) le[i] = static_cast<uint8_t>(nonce >> (8 * i));
  Digest h = Sha256Parts({ByteSpan(reinterpret_cast<const uint8_t*>(kPowTag), sizeof(kPowTag) - 1),
                          ByteSpan(state), ByteSpan(le, 8)});
  return LowBitsZero(h, bits);
}

uint64_t PowSolve(const Digest& state, int bits, unsigned threads) {
  if (bits <= 0) return 0;
  // The smallest valid nonce (deterministic proofs): each pass scans
  // `threads` consecutive chunks in parallel and stops at the first chunk
  // that holds a valid nonce. Nonces are hashed four at a time from one
  // prepared block (same digests as PowValid).
  constexpr uint64_t kChunk = 4096;
  uint8_t prefix[sizeof(kPowTag) - 1 + 32];
  std::memcpy(prefix, kPowTag, sizeof(kPowTag) - 1);
  std::memcpy(prefix + sizeof(kPowTag) - 1, state.data(), 32);
  const Sha256OneBlockSearch search{ByteSpan(prefix, sizeof(prefix))};
  unsigned t = std::max(1u, threads);
  std::vector<uint64_t> found(t);
  for (uint64_t base = 0;; base += kChunk * t) {
    ParallelFor(
        t, t,
        [&](size_t b, size_t e) {
          for (size_t i = b; i < e; ++i) {
            found[i] = UINT64_MAX;
            constexpr size_t kLanes = Sha256OneBlockSearch::kLanes;  // divides kChunk
            Digest h[kLanes];
            for (uint64_t n = base + i * kChunk;
                 n < base + (i + 1) * kChunk && found[i] == UINT64_MAX; n += kLanes) {
              search.Hash(n, h);
              for (size_t l = 0; l < kLanes; ++l) {
                if (LowBitsZero(h[l], bits)) {
                  found[i] = n + l;
                  break;
                }
              }
            }
          }
        },
        1);
    for (uint64_t n : found) {
      if (n != UINT64_MAX) return n;
    }
  }
}

}  // namespace vinet::zk::detail
