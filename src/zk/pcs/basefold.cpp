#include "vinet/zk/pcs/basefold.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "vinet/zk/field/ntt.h"
#include "vinet/zk/huge_page_allocator.h"
#include "vinet/zk/parallel.h"
#include "vinet/zk/poly/multilinear.h"
#include "zk/field/lazy_sum.h"
#include "zk/pcs/basefold_fold.h"
#include "zk/pcs/basefold_hiding_data.h"
#include "zk/pcs/basefold_lifted_masks.h"

namespace vinet::zk {
namespace {

static_assert(sizeof(Fp) == 8 && sizeof(Fp2) == 16 && sizeof(Fp4) == 32 &&
                  std::endian::native == std::endian::little,
              "leaf hashing reads field elements as little-endian u64 words");

// Inner nodes: one SHA-256 compression (merkle.h).
constexpr MerkleNode kNode = MerkleNode::kSha256Compress;

template <typename F>
ByteSpan AsByteSpan(std::span<const F> values) {
  return {reinterpret_cast<const uint8_t*>(values.data()), values.size() * sizeof(F)};
}

struct BasefoldProverData final : PcsProverData {
  PcsCommitment commitment;
  BasefoldShape shape;
  std::vector<std::vector<Fp>> polys;  // evaluations
  // One per polynomial, bit-reversed order (the padded transform writes
  // every entry, so they are allocated unwritten).
  std::vector<detail::FpWords> codewords;
  MerkleTree tree;
  size_t leaf_arity = 0;    // log2 of the first tree's leaf coset (a joint secondary's own)
  size_t compact_tail = 0;  // the last polynomials: one symbol a leaf (constant on leaves)
  // Lifted masks, first in the batch before `polys` (lifted_masks sets).
  std::shared_ptr<const detail::LiftedMasks> masks;

  size_t BatchSize() const { return (masks ? masks->Masks() : 0) + polys.size(); }
};

// Leaf i of the first tree: every polynomial's 2^a symbols of coset i; the
// last `compact` polynomials (constant on the coset) one symbol each.
void GatherBaseLeaf(const std::vector<detail::FpWords>& codewords, size_t a, size_t i,
                    std::vector<Fp>& out, size_t compact = 0) {
  size_t w = size_t{1} << a, full = codewords.size() - compact;
  for (size_t k = 0; k < codewords.size(); ++k) {
    std::span<const Fp> cw = codewords[k].fps();
    if (k < full) {
      out.insert(out.end(), cw.begin() + i * w, cw.begin() + (i + 1) * w);
    } else {
      out.push_back(cw[i * w]);
    }
  }
}

// Leaf i of a commitment's first tree: the lifted masks' symbols, then
// every polynomial's.
void GatherFirstLeaf(const BasefoldProverData& d, size_t i, std::vector<Fp>& out) {
  if (d.masks) detail::AppendLiftedLeaf(*d.masks, i, out);
  GatherBaseLeaf(d.codewords, d.leaf_arity, i, out, d.compact_tail);
}

template <typename E>
MerkleTree BuildExtTree(const detail::HugeVector<E>& cw, size_t a, unsigned threads,
                        size_t digest_bytes) {
  size_t w = size_t{1} << a, leaves = cw.size() / w;
  return MerkleTree::BuildFromLeaves(
      leaves,
      [&](size_t b, size_t e, std::span<Digest> out) {
        MerkleLeafHashes(AsByteSpan(std::span<const E>(cw.data() + b * w, (e - b) * w)),
                         w * sizeof(E), out);
      },
      threads, kNode, digest_bytes);
}

void AbsorbStatement(Transcript& t, const PcsCommitment& c, std::span<const Fp2> point,
                     std::span<const Fp2> evals) {
  c.AbsorbInto(t);
  t.AbsorbFp2s("basefold.point", point);
  t.AbsorbFp2s("basefold.evals", evals);
}

// Challenge-field plumbing: Fp2 elements go through the transcript as they
// are (the first version's bytes); an Fp4 element as its two Fp2 halves.
void AbsorbExt(Transcript& t, std::string_view label, std::span<const Fp2> v) {
  t.AbsorbFp2s(label, v);
}
void AbsorbExt(Transcript& t, std::string_view label, std::span<const Fp4> v) {
  std::vector<Fp2> flat;
  flat.reserve(2 * v.size());
  for (Fp4 x : v) {
    flat.push_back(x.c0());
    flat.push_back(x.c1());
  }
  t.AbsorbFp2s(label, flat);
}

template <typename E>
std::vector<E> ChallengeExts(Transcript& t, std::string_view label, size_t count) {
  if constexpr (std::is_same_v<E, Fp2>) {
    return t.ChallengeFp2s(label, count);
  } else {
    std::vector<Fp2> halves = t.ChallengeFp2s(label, 2 * count);
    std::vector<E> out(count);
    for (size_t i = 0; i < count; ++i) out[i] = Fp4(halves[2 * i], halves[2 * i + 1]);
    return out;
  }
}

template <typename E>
E ChallengeExt(Transcript& t, std::string_view label) {
  if constexpr (std::is_same_v<E, Fp2>) {
    return t.ChallengeFp2(label);
  } else {
    return ChallengeExts<E>(t, label, 1)[0];
  }
}

// Proof elements are held as Fp4; E = Fp2 proofs must stay in the subfield.
template <typename E>
bool FromFp4(Fp4 v, E& out) {
  if constexpr (std::is_same_v<E, Fp2>) {
    out = v.c0();
    return v.InFp2();
  } else {
    out = v;
    return true;
  }
}
template <typename E>
bool FromFp4(std::span<const Fp4> v, std::vector<E>& out) {
  out.resize(v.size());
  bool ok = true;
  for (size_t i = 0; i < v.size(); ++i) ok &= FromFp4(v[i], out[i]);
  return ok;
}

template <typename E>
std::vector<E> BatchCoefficients(Transcript& t, size_t num_polys) {
  std::vector<E> alpha{E::One()};
  if (num_polys > 1) {
    std::vector<E> rest = ChallengeExts<E>(t, "basefold.batch", num_polys - 1);
    alpha.insert(alpha.end(), rest.begin(), rest.end());
  }
  return alpha;
}

// The degree-2 round polynomial through g(0), g(1) = claim - g(0), g(2), at r.
template <typename E>
E RoundValue(E g0, E g1, E g2, E r) {
  const Fp inv2((Fp::kModulus + 1) / 2);
  E rm1 = r - E::One(), rm2 = r - E(Fp(2));
  return g0 * (rm1 * rm2) * inv2 - g1 * (r * rm2) + g2 * (r * rm1) * inv2;
}

// eq(z, r) = prod_i (z_i r_i + (1 - z_i)(1 - r_i)), z in Fp2, r in E.
template <typename E>
E EqEvalExt(std::span<const Fp2> z, std::span<const E> r) {
  E acc = E::One();
  for (size_t i = 0; i < z.size(); ++i) {
    acc *= z[i] * r[i] + (Fp2::One() - z[i]) * (E::One() - r[i]);
  }
  return acc;
}

// f(r, x_1, ...) of a table (base or extension) into `out` (resized to half;
// a reused buffer keeps its pages).
template <typename E, typename F>
void FoldFirst(std::span<const F> f, E r, detail::HugeVector<E>& out, unsigned threads) {
  out.resize(f.size() / 2);
  ParallelFor(
      out.size(), threads,
      [&](size_t b, size_t e) {
        for (size_t j = b; j < e; ++j) out[j] = r * (f[2 * j + 1] - f[2 * j]) + E(f[2 * j]);
      },
      8192);
}

// sum_k e_k v_k with e_k in Fp2 and v_k in the challenge field, as exact
// per-coordinate sums reduced once (lazy_sum.h): equal to the field sum.
template <typename E>
class ExtDotSum;
template <>
class ExtDotSum<Fp2> {
 public:
  [[gnu::always_inline]] void Add(Fp2 e, Fp2 v) { s_.Add(v, e); }
  Fp2 Value() const { return s_.Value(); }

 private:
  detail::Fp2Sum s_;
};
template <>
class ExtDotSum<Fp4> {
 public:
  [[gnu::always_inline]] void Add(Fp2 e, Fp4 v) {
    s0_.Add(v.c0(), e);
    s1_.Add(v.c1(), e);
  }
  Fp4 Value() const { return Fp4(s0_.Value(), s1_.Value()); }

 private:
  detail::Fp2Sum s0_, s1_;
};

// FoldFirst into `out` fused with the next variable's half sums over the
// folded table (HalfSums<E, E>(out, e), e of out.size() / 2 entries): one pass.
// Only e[0, live) may be nonzero (a point ending in zero coordinates, as the
// hiding openings' (z, 0^p)): the sums skip the rest, the fold does not.
// With `lifted` (a joint opening's secondary batch g lifted by shift + 1
// variables), out[i] also gains g[i >> shift] before it is summed.
template <typename E, typename F>
std::pair<E, E> FoldFirstWithSums(std::span<const F> f, E r, detail::HugeVector<E>& out,
                                  std::span<const Fp2> e, size_t live, unsigned threads,
                                  std::span<const E> lifted = {}, size_t shift = 0) {
  out.resize(f.size() / 2);
  size_t pairs = out.size() / 2;
  live = std::min(live, pairs);
  size_t chunks = std::max<size_t>(1, std::min<size_t>(threads, pairs / 4096));
  std::vector<E> h0(chunks), h1(chunks);
  auto fold = [&](size_t i) {  // out[i]
    E v = r * (f[2 * i + 1] - f[2 * i]) + E(f[2 * i]);
    return lifted.empty() ? v : v + lifted[i >> shift];
  };
  ParallelFor(
      chunks, static_cast<unsigned>(chunks),
      [&](size_t b, size_t end) {
        for (size_t c = b; c < end; ++c) {
          ExtDotSum<E> a0, a1;
          // Each chunk takes a share of the summed pairs and of the others.
          for (size_t k = live * c / chunks; k < live * (c + 1) / chunks; ++k) {
            E lo = fold(2 * k), hi = fold(2 * k + 1);
            out[2 * k] = lo;
            out[2 * k + 1] = hi;
            a0.Add(e[k], lo);
            a1.Add(e[k], hi);
          }
          size_t rest = pairs - live;
          for (size_t k = live + rest * c / chunks; k < live + rest * (c + 1) / chunks; ++k) {
            out[2 * k] = fold(2 * k);
            out[2 * k + 1] = fold(2 * k + 1);
          }
          h0[c] = a0.Value();
          h1[c] = a1.Value();
        }
      },
      1);
  E s0, s1;
  for (size_t c = 0; c < chunks; ++c) {
    s0 += h0[c];
    s1 += h1[c];
  }
  return {s0, s1};
}

// The entries of an eq table over the point's last log2(size) coordinates
// that can be nonzero when the point ends in `trailing_zeros` zero
// coordinates: eq(0, x) = 0 for x = 1, so only the prefix of the table
// whose top bits are 0 (exact zeros elsewhere; skipping them changes no sum).
size_t LiveEntries(size_t size, size_t trailing_zeros) {
  size_t vars = static_cast<size_t>(std::countr_zero(size));
  return size >> std::min(vars, trailing_zeros);
}

// The base-field coordinates of an extension element, and back.
constexpr size_t Degree(const Fp2*) {
  return 2;
}
constexpr size_t Degree(const Fp4*) {
  return 4;
}
void Coords(Fp2 v, uint64_t* out) {
  out[0] = v.c0().value();
  out[1] = v.c1().value();
}
void Coords(Fp4 v, uint64_t* out) {
  Coords(v.c0(), out);
  Coords(v.c1(), out + 2);
}
void FromCoords(const Fp* c, Fp2& v) {
  v = Fp2(c[0], c[1]);
}
void FromCoords(const Fp* c, Fp4& v) {
  v = Fp4(Fp2(c[0], c[1]), Fp2(c[2], c[3]));
}

// f[b] += g[b >> shift]: a secondary batch g lifted by `shift` variables.
template <typename E, typename Alloc>
void AddLifted(std::vector<E, Alloc>& f, const std::vector<E>& g, size_t shift) {
  for (size_t b = 0; b < f.size(); ++b) f[b] += g[b >> shift];
}

// sum_b e[b] g[b >> shift]: the share of a secondary batch g, lifted by
// shift + 1 variables, in each of the first variable's half sums over e.
template <typename E>
E LiftedSum(const std::vector<E>& g, std::span<const Fp2> e, size_t shift) {
  E acc;
  size_t width = size_t{1} << shift;
  for (size_t hi = 0; hi < g.size(); ++hi) {
    Fp2 block;
    for (size_t lo = 0; lo < width; ++lo) block += e[(hi << shift) + lo];
    acc += g[hi] * block;
  }
  return acc;
}

// f = sum_k alpha_k f_k (the f_k base-field tables; alpha_0 = 1 unless lifted
// masks come first, whose combination is then added) on the
// first `size` entries: each coordinate of f[j] is a dot product over F_p,
// summed exactly in 128 bits and reduced once (lazy_sum.h; equal to the
// term-by-term field sum).
template <typename E>
void CombineBatch(const std::vector<std::vector<Fp>>& polys, std::span<const E> alpha,
                  detail::HugeVector<E>& f, unsigned threads, size_t size,
                  const detail::CombinedLiftedMasks<E>* masks = nullptr) {
  bool first_is_one = masks == nullptr;  // lifted masks come first in the batch
  constexpr size_t kDeg = Degree(static_cast<const E*>(nullptr));
  size_t count = polys.size();
  std::vector<uint64_t> coef(count * kDeg);
  for (size_t k = 0; k < count; ++k) Coords(alpha[k], &coef[k * kDeg]);
  f.resize(size);
  ParallelFor(
      size, threads,
      [&](size_t b, size_t e) {
        for (size_t j = b; j < e; ++j) {
          detail::WideSum acc[kDeg];
          for (size_t k = first_is_one ? 1 : 0; k < count; ++k) {
            uint64_t v = polys[k][j].value();
            for (size_t c = 0; c < kDeg; ++c) acc[c].Add(coef[k * kDeg + c], v);
          }
          Fp out[kDeg];
          for (size_t c = 0; c < kDeg; ++c) out[c] = acc[c].Value();
          if (first_is_one) out[0] += polys[0][j];
          FromCoords(out, f[j]);
          if (masks != nullptr) f[j] += masks->At(j);
        }
      },
      8192);
}

// Sparse-top batches (docs/zk.md "The sparse pad"). Every word the verifier
// accepts from a sparse-top set has a top half (last variable 1) equal to
// its bottom half plus a function of the low log2(P) variables, P = 2^V
// times the final polynomial's top bound, and folding keeps that form. So
// the opening holds the batch's bottom half and `delta` = top - bottom over
// one period, and never forms the top half. Returns P, or 0 where the batch
// is held whole: a dense set, a single polynomial (it folds from the base
// table), a point whose last coordinate is not 0 (the sums read the top),
// or a period too long to gain.
size_t SparseTopPeriod(const BasefoldShape& s, size_t table_size, bool single,
                       size_t trailing_zeros) {
  if (s.top_coeffs == 0 || single || trailing_zeros == 0) return 0;
  size_t period = s.FinalTopCoeffs() << s.folded_vars;
  return 4 * period <= table_size ? period : 0;
}

// delta = sum_k alpha_k (top_k - bottom_k) over the first `period` entries.
template <typename E>
detail::HugeVector<E> TopDelta(const std::vector<std::vector<Fp>>& polys, std::span<const E> alpha,
                               size_t period) {
  size_t half = polys[0].size() / 2;
  detail::HugeVector<E> delta(period);
  for (size_t k = 0; k < polys.size(); ++k) {
    for (size_t i = 0; i < period; ++i) delta[i] += alpha[k] * (polys[k][half + i] - polys[k][i]);
  }
  return delta;
}

// delta after the first variable is bound to r (a period of one stays).
template <typename E>
void FoldTopDelta(detail::HugeVector<E>& delta, E r) {
  if (delta.size() < 2) return;
  detail::HugeVector<E> folded;
  FoldFirst<E, E>(std::span<const E>(delta), r, folded, 1);
  delta.swap(folded);
}

// Distinct leaves of each round, increasing: round 0 = the queries, round
// r+1 = the leaves holding round r's folded symbols.
std::vector<std::vector<size_t>> LeafSets(const BasefoldShape& s, std::vector<size_t> queries) {
  std::vector<std::vector<size_t>> sets{std::move(queries)};
  for (size_t r = 1; r < s.Rounds(); ++r) {
    std::vector<size_t> next;
    for (size_t i : sets.back()) {
      size_t leaf = i >> s.arity[r];
      if (next.empty() || next.back() != leaf) next.push_back(leaf);
    }
    sets.push_back(std::move(next));
  }
  return sets;
}

// The secondary's distinct leaves, increasing, for its entry round's leaf set.
std::vector<size_t> SecondaryLeaves(const BasefoldEntry& entry, const std::vector<size_t>& set) {
  std::vector<size_t> out;
  for (size_t i : set) {
    size_t leaf = entry.LeafOf(i);
    if (out.empty() || out.back() != leaf) out.push_back(leaf);
  }
  return out;
}

Status Fail(const std::string& what) {
  return Error(Code::kVerification, "basefold: " + what);
}

}  // namespace

size_t BasefoldShape::LogLen(size_t r) const {
  size_t l = log_len;
  for (size_t s = 0; s < r; ++s) l -= arity[s];
  return l;
}

double BasefoldShape::Rate() const {
  double degree = std::ldexp(1.0, static_cast<int>(num_vars));
  // A sparse top: the bound the final polynomial enforces, 2^(m-1) + 2^V
  // ceil(q / 2^V) (>= q).
  if (top_coeffs > 0) {
    degree = degree / 2 +
             std::ldexp(static_cast<double>(FinalTopCoeffs()), static_cast<int>(folded_vars));
  }
  return degree / std::ldexp(1.0, static_cast<int>(log_len));
}

size_t BasefoldShape::FinalTopCoeffs() const {
  size_t half = final_vars == 0 ? 0 : size_t{1} << (final_vars - 1);
  if (top_coeffs == 0) return half;
  size_t per = size_t{1} << folded_vars;
  return std::min(half, (top_coeffs + per - 1) / per);
}

size_t BasefoldShape::FinalSent() const {
  size_t full = size_t{1} << final_vars;
  return top_coeffs == 0 ? full : full / 2 + FinalTopCoeffs();
}

BasefoldPcs::BasefoldPcs(BasefoldParams params) : params_(params) {}

Bytes BasefoldPcs::ParametersEncoding() const {
  ByteWriter w;
  w.U32(static_cast<uint32_t>(name().size()));
  w.Raw(AsBytes(name()));
  w.U32(static_cast<uint32_t>(params_.security_bits));
  w.U32(static_cast<uint32_t>(params_.log_inv_rate));
  w.U32(static_cast<uint32_t>(params_.fold_log));
  w.U32(static_cast<uint32_t>(params_.final_vars));
  w.U32(static_cast<uint32_t>(params_.grinding_bits));
  // version: 1 = first protocol; 2 = one-compression Merkle nodes (kUniqueFp2);
  // 3 = challenge field Fp4, Johnson-regime query count (kJohnsonFp4).
  // 4 = kJohnsonFp4 with the first-round schedule (first_fold_log follows).
  // 6 = hiding kJohnsonFp4 (first_fold_log follows, whatever its value).
  // 7 / 8 = kConjecturedFp4 plain / hiding (first_fold_log, then log2(1/eta)).
  // 9 / 10 = hiding kJohnsonFp4 / kConjecturedFp4 with the sparse pad.
  // 11 = 10 with a wider first round from wide_first_from variables (a u32
  // after log2(1/eta)).
  // 12 = 11 with wider joint-secondary leaves (a u32 secondary_leaf_log
  // after wide_first_from).
  // 13 = a sparse hiding kConjecturedFp4 set with lifted masks (the fields
  // of its version without them, then a u32 lifted_mask_first).
  // Any version: a trailing u32 digest_bytes when it is not 32.
  bool conjectured = params_.regime == BasefoldRegime::kConjecturedFp4;
  bool sparse = params_.hiding && params_.sparse_pad;
  bool wide = WideFirstApplies();
  bool wide_leaves = wide && params_.hiding && MinSecondaryLeafLog() > 1;
  bool lifted = LiftedMasksConfigured();
  if (lifted) {
    w.U32(13);
  } else if (conjectured) {
    w.U32(params_.hiding ? (sparse ? (wide ? (wide_leaves ? 12 : 11) : 10) : 8) : 7);
  } else if (params_.hiding) {
    w.U32(sparse ? 9 : 6);
  } else if (params_.regime == BasefoldRegime::kUniqueFp2) {
    w.U32(params_.first_fold_log > 0 ? 5 : 2);
  } else {
    w.U32(params_.first_fold_log > 0 ? 4 : 3);
  }
  if (params_.first_fold_log > 0 || params_.hiding || conjectured) {
    w.U32(static_cast<uint32_t>(params_.first_fold_log));
  }
  if (conjectured) w.U32(static_cast<uint32_t>(ConjecturedLogInvEta()));
  if (wide && params_.hiding) w.U32(static_cast<uint32_t>(params_.wide_first_from));
  if (wide_leaves) w.U32(static_cast<uint32_t>(params_.secondary_leaf_log));
  if (lifted) w.U32(static_cast<uint32_t>(params_.lifted_mask_first));
  if (params_.digest_bytes != static_cast<int>(kFullDigestBytes)) {
    w.U32(static_cast<uint32_t>(params_.digest_bytes));
  }
  return w.Take();
}

namespace {

// log2 |F| of the challenge field of `degree` over F_p.
double FieldBits(size_t degree) {
  return static_cast<double>(degree) * std::log2(static_cast<double>(Fp::kModulus));
}

// Per-query acceptance probability of a far word (before grinding).
double QueryFraction(const BasefoldShape& s) {
  double rho = s.Rate();
  double inv_len = std::ldexp(1.0, -static_cast<int>(s.log_len));
  if (s.conjectured_log_inv_eta > 0) {
    // Conjectured regime: delta = 1 - rho - eta.
    return rho + std::ldexp(1.0, -static_cast<int>(s.conjectured_log_inv_eta)) + inv_len;
  }
  if (s.johnson_m == 0) return (1.0 + rho) / 2.0 + inv_len;
  double m = static_cast<double>(s.johnson_m);
  return std::sqrt(rho) * (1.0 + 1.0 / (2.0 * m)) + inv_len;
}

}  // namespace

double BasefoldPcs::SoundnessFor(const BasefoldShape& s, size_t t) const {
  double field = std::exp2(-FieldBits(s.ext_degree));
  double len = std::ldexp(1.0, static_cast<int>(s.log_len));
  double rho = s.Rate();
  size_t leaves = size_t{1} << s.LeafDepth(0);
  double query = t >= leaves ? 0.0
                             : std::pow(QueryFraction(s), static_cast<double>(t)) *
                                   std::exp2(-params_.grinding_bits);
  double commit = 0;
  if (s.conjectured_log_inv_eta > 0) {
    // Conjectured regime (basefold.h, docs/zk.md "Conjectured regime"):
    // eps_C(D) = (|D|/eta)^4/|F|, list size L_C = (|D|/eta)^2.
    double inv_eta = std::ldexp(1.0, static_cast<int>(s.conjectured_log_inv_eta));
    auto eps = [&](double d) { return std::pow(d * inv_eta, 4) * field; };
    double folds = 0;
    for (size_t v = 0; v < s.folded_vars; ++v) {
      double d = std::ldexp(1.0, static_cast<int>(s.log_len - v));
      folds += eps(d) + 2.0 * (d + 1.0) * inv_eta * field;
    }
    double list = std::pow(len * inv_eta, 2);
    double sumcheck = list * (2.0 * static_cast<double>(s.folded_vars) + 1.0) * field;
    commit = eps(len) + folds + sumcheck;
  } else if (s.johnson_m == 0) {
    double sumcheck = 2.0 * static_cast<double>(s.folded_vars) * field;
    commit = sumcheck + 2.0 * len * field;  // batching + one line per fold
  } else {
    // Johnson regime (basefold.h): eps_J(D) = (m + 1/2)^7 |D|^2 / (rho^1.5 |F|).
    double m = static_cast<double>(s.johnson_m);
    double gap = std::pow(m + 0.5, 7) / std::pow(rho, 1.5) * field;
    double batch = gap * len * len;
    double folds = 0;
    for (size_t v = 0; v < s.folded_vars; ++v) {
      double d = std::ldexp(1.0, static_cast<int>(s.log_len - v));
      folds += gap * d * d + (2.0 * m + 1.0) * (d + 1.0) / std::sqrt(rho) * field;
    }
    double list = (m + 1.0) / rho;
    double sumcheck = list * (2.0 * static_cast<double>(s.folded_vars) + 1.0) * field;
    commit = batch + folds + sumcheck;
  }
  // Merkle binding: a collision of digests of w bytes costs 2^(4w) hashes.
  double collision = std::ldexp(1.0, -4 * static_cast<int>(s.digest_bytes));
  return -std::log2(commit + query + collision);
}

BasefoldShape BasefoldPcs::ShapeFor(size_t num_vars) const {
  if (!params_.hiding) return PlainShapeFor(num_vars);
  detail::HidingInner in = detail::InnerOf(*this, num_vars);
  return BasefoldPcs(in.plain).PlainShapeFor(num_vars + in.pad_vars);
}

size_t BasefoldPcs::LiftedMaskArity(size_t n) const {
  if (!LiftedMasksConfigured() || params_.log_inv_rate < 1 ||
      n + static_cast<size_t>(params_.log_inv_rate) > static_cast<size_t>(Fp::kTwoAdicity)) {
    return 0;
  }
  BasefoldShape s = BasefoldPcs(detail::LiftedPlainOf(params_)).PlainShapeFor(n + 1);
  if (s.arity.empty() || s.top_coeffs == 0) return 0;
  size_t a = s.arity[0], t = s.num_queries, leaves = size_t{1} << s.LeafDepth(0);
  // The pad covers the opened symbols and one more leaf's (docs/zk.md "The
  // sparse pad"), and the slope tables sit above the first a variables.
  bool covers = t < leaves && (t + 1) << a <= s.top_coeffs;
  bool fits = a + detail::SlopeVars(t) <= n;
  return covers && fits ? a : 0;
}

BasefoldParams BasefoldPcs::InnerParamsFor(size_t n) const {
  if (!params_.hiding) return params_;
  if (LiftedMaskArity(n) > 0) return detail::LiftedPlainOf(params_);
  return detail::PlainOf(params_, SparsePadCoeffs(n) > 0);
}

size_t BasefoldPcs::SparsePadCoeffs(size_t n) const {
  if (LiftedMaskArity(n) > 0) {
    return BasefoldPcs(detail::LiftedPlainOf(params_)).PlainShapeFor(n + 1).top_coeffs;
  }
  if (!params_.hiding || !params_.sparse_pad || params_.log_inv_rate < 1 ||
      n + static_cast<size_t>(params_.log_inv_rate) > static_cast<size_t>(Fp::kTwoAdicity)) {
    return 0;
  }
  BasefoldShape s = BasefoldPcs(detail::PlainOf(params_, true)).PlainShapeFor(n + 1);
  if (s.arity.empty() || s.top_coeffs == 0) return 0;
  size_t w = size_t{1} << s.arity[0], leaves = size_t{1} << s.LeafDepth(0);
  // Every opened first-round symbol and one more leaf's worth are independent
  // of the message (docs/zk.md "The sparse pad").
  bool covers = s.num_queries < leaves && (s.num_queries + 1) * w <= s.top_coeffs;
  return covers ? s.top_coeffs : 0;
}

size_t BasefoldPcs::HidingPadVars(size_t n) const {
  if (SparsePadCoeffs(n) > 0) return 1;
  size_t k = static_cast<size_t>(std::max(0, params_.log_inv_rate));
  for (size_t p = 1; n + p + k <= static_cast<size_t>(Fp::kTwoAdicity); ++p) {
    BasefoldShape s = PlainShapeFor(n + p);
    if (s.arity.empty()) continue;
    size_t w = size_t{1} << s.arity[0];
    size_t leaves = size_t{1} << s.LeafDepth(0);
    // Every opened first-round symbol and one more leaf's worth are
    // independent of the message: the pad has (2^p - 1) 2^n coefficients.
    if (s.num_queries < leaves && (s.num_queries + 1) * w <= ((size_t{1} << p) - 1) << n) {
      return p;
    }
  }
  return 0;
}

BasefoldShape BasefoldPcs::PlainShapeFor(size_t num_vars) const {
  BasefoldShape s;
  s.num_vars = num_vars;
  size_t f = static_cast<size_t>(std::max(0, params_.final_vars));
  s.final_vars = num_vars == 0 ? 0 : std::min(f, num_vars - 1);
  s.folded_vars = num_vars - s.final_vars;
  s.log_len = num_vars + static_cast<size_t>(params_.log_inv_rate);
  if (params_.sparse_top && num_vars >= 2 && params_.log_inv_rate >= 1) {
    s.top_coeffs = size_t{1} << (num_vars >= 9 ? num_vars - 8 : 0);
    s.log_len -= 1;
  }
  s.ext_degree = params_.regime == BasefoldRegime::kUniqueFp2 ? 2 : 4;
  s.digest_bytes =
      static_cast<size_t>(std::clamp(params_.digest_bytes, 1, static_cast<int>(kFullDigestBytes)));
  s.implicit_symbols = params_.first_fold_log > 0;
  s.lifted_masks = params_.lifted_masks ? kHidingMasks : 0;
  size_t a = static_cast<size_t>(std::max(1, params_.fold_log));
  if (params_.first_fold_log <= 0) {
    for (size_t left = s.folded_vars; left > 0;) {
      size_t step = std::min(a, left);
      s.arity.push_back(step);
      left -= step;
    }
  } else if (s.folded_vars > 0) {
    size_t first =
        std::min(static_cast<size_t>(params_.first_fold_log + WideFirst(num_vars)), s.folded_vars);
    s.arity.push_back(first);
    size_t rest = s.folded_vars - first;
    size_t rounds = (rest + a - 1) / a;
    for (size_t i = 0; i < rounds; ++i) s.arity.push_back(rest / rounds + (i < rest % rounds));
  }
  if (s.arity.empty()) return s;
  size_t leaves = size_t{1} << s.LeafDepth(0);
  // The smallest t whose query error fits in what the other terms leave of
  // 2^-lambda; every leaf if they leave nothing.
  auto queries_for = [&](BasefoldShape& shape) {
    double other = std::exp2(-SoundnessFor(shape, leaves));
    double room = std::exp2(-params_.security_bits) - other;
    double per_query = std::log2(QueryFraction(shape));
    size_t t = leaves;
    // A query that cannot reject (the conjectured regime at rate 1/2) opens
    // every leaf, without a search.
    if (room > 0 && per_query < 0) {
      double need = (std::log2(room) + params_.grinding_bits) / per_query;
      t = std::min<size_t>(leaves, static_cast<size_t>(std::max(1.0, std::ceil(need))));
      while (t < leaves && SoundnessFor(shape, t) < params_.security_bits) ++t;  // rounding
    }
    return t;
  };
  if (params_.regime == BasefoldRegime::kUniqueFp2) {
    s.num_queries = queries_for(s);
    return s;
  }
  if (params_.regime == BasefoldRegime::kConjecturedFp4) {
    s.conjectured_log_inv_eta = ConjecturedLogInvEta();
    s.num_queries = queries_for(s);
    return s;
  }
  // Johnson regime: the m (3 .. 512) with the fewest queries, the smallest on ties.
  size_t best_t = SIZE_MAX, best_m = 3;
  for (size_t m = 3; m <= 512; m = m < 16 ? m + 1 : m * 2) {
    s.johnson_m = m;
    size_t t = queries_for(s);
    if (t < best_t) {
      best_t = t;
      best_m = m;
    }
  }
  s.johnson_m = best_m;
  s.num_queries = best_t;
  return s;
}

int BasefoldPcs::GrindingBits(const BasefoldShape& s) const {
  return s.num_queries >= (size_t{1} << s.LeafDepth(0)) ? 0 : params_.grinding_bits;
}

double BasefoldPcs::SoundnessBits(size_t num_vars) const {
  BasefoldShape s = ShapeFor(num_vars);
  return SoundnessFor(s, s.num_queries);
}

Result<PcsCommitted> BasefoldPcs::Commit(std::vector<std::vector<Fp>> polys) const {
  if (params_.hiding) return CommitHiding(std::move(polys), nullptr);
  return CommitPlain(std::move(polys), std::nullopt);
}

Result<PcsCommitted> BasefoldPcs::CommitPlain(std::vector<std::vector<Fp>> polys,
                                              std::optional<size_t> leaf_arity, size_t compact_tail,
                                              std::shared_ptr<detail::LiftedMasks> masks) const {
  if (polys.empty() || polys.size() > (1u << 16)) {
    return Error(Code::kInvalidArgument, "basefold: commit 1 to 65536 polynomials");
  }
  size_t size = polys[0].size();
  if (size < 2 || !std::has_single_bit(size) ||
      std::countr_zero(size) + params_.log_inv_rate > Fp::kTwoAdicity) {
    return Error(Code::kInvalidArgument,
                 "basefold: polynomial size must be 2^n, 1 <= n <= 32 - log_inv_rate");
  }
  for (const auto& p : polys) {
    if (p.size() != size) return Error(Code::kInvalidArgument, "basefold: sizes differ");
  }
  if (compact_tail >= polys.size()) {
    return Error(Code::kInvalidArgument, "basefold: every polynomial compact");
  }
  auto d = std::make_shared<BasefoldProverData>();
  size_t n = std::countr_zero(size);
  d->shape = ShapeFor(n);
  size_t len = size_t{1} << d->shape.log_len;
  if (len < size) return Error(Code::kInvalidArgument, "basefold: a sparse top needs rate < 1/2");
  size_t a = leaf_arity.value_or(d->shape.arity[0]), leaves = len >> a;
  if (a > d->shape.log_len) return Error(Code::kInvalidArgument, "basefold: leaf arity too large");
  d->codewords.resize(polys.size());
  std::atomic<bool> not_constant{false};  // a compact polynomial's codeword varies on a leaf
  // Polynomials in parallel when there are many. A few (one, or a hiding
  // batch of five over two threads, which would split 3 : 2) are prepared in
  // parallel (first touch of fresh pages), then transformed one after the
  // other with the threads inside each transform (same output).
  bool inner = params_.threads > 1 && polys.size() < 4 * params_.threads;
  unsigned outer = polys.size() == 1 ? 1 : params_.threads;
  ParallelFor(
      polys.size(), outer,
      [&](size_t b, size_t e) {
        for (size_t k = b; k < e; ++k) {
          d->codewords[k].words.resize(len);  // beyond `size`: written by the transform
          std::span<Fp> cw = d->codewords[k].fps();
          std::copy(polys[k].begin(), polys[k].end(), cw.begin());
          detail::ToMonomial(cw.first(size));
          if (k + compact_tail >= polys.size() && detail::MonomialStride(cw.first(size)) < a) {
            not_constant = true;
          }
          if (!inner) detail::EncodeMonomials(cw, size, 1);
        }
      },
      1);
  if (not_constant) {
    return Error(Code::kInvalidArgument, "basefold: a compact polynomial varies on its leaves");
  }
  if (inner) {
    for (auto& cw : d->codewords) detail::EncodeMonomials(cw.fps(), size, params_.threads);
  }
  d->leaf_arity = a;
  d->compact_tail = compact_tail;
  if (masks != nullptr) {
    if (!params_.lifted_masks || masks->vars != n || masks->arity != a || masks->SlopeShift() < a ||
        leaf_arity.has_value() || compact_tail != 0) {
      return Error(Code::kInvalidArgument, "basefold: lifted masks do not fit the shape");
    }
    detail::EncodeLiftedMasks(*masks, d->shape.log_len, params_.threads);
    d->masks = std::move(masks);
  } else if (params_.lifted_masks) {
    return Error(Code::kInvalidArgument, "basefold: a lifted-mask set commits with its masks");
  }
  auto hash_leaves = [&](size_t b, size_t e, std::span<Digest> out) {
    if (d->codewords.size() == 1 && !d->masks) {
      MerkleLeafHashes(
          AsByteSpan(std::as_const(*d).codewords[0].fps().subspan(b << a, (e - b) << a)),
          sizeof(Fp) << a, out);
      return;
    }
    // Several polynomials: gather a run of leaves side by side and hash
    // them four at a time (same digests as one MerkleLeafHash each).
    constexpr size_t kRun = 64;
    std::vector<Fp> buf;
    for (size_t i = b; i < e; i += kRun) {
      size_t end = std::min(e, i + kRun);
      buf.clear();
      for (size_t j = i; j < end; ++j) GatherFirstLeaf(*d, j, buf);
      size_t leaf_bytes = buf.size() / (end - i) * sizeof(Fp);  // GatherBaseLeaf's layout
      MerkleLeafHashes(AsByteSpan(std::span<const Fp>(buf)), leaf_bytes,
                       out.subspan(i - b, end - i));
    }
  };
  d->tree = MerkleTree::BuildFromLeaves(leaves, hash_leaves, params_.threads, kNode,
                                        d->shape.digest_bytes);
  d->polys = std::move(polys);
  d->commitment = {d->tree.root(), static_cast<uint32_t>(n), static_cast<uint32_t>(d->BatchSize())};
  PcsCommitted out{d->commitment, d};
  return out;
}

namespace {

// (h(0), h(1)) = (sum_b f[2b] E[b], sum_b f[2b+1] E[b]): the round's sums
// without the eq factor of the variable being bound (f base or extension).
// Acc is the accumulator (Fp2 for a base table, else the table's field).
template <typename F, typename Acc>
std::pair<Acc, Acc> HalfSums(std::span<const F> f, std::span<const Fp2> e, size_t live,
                             unsigned threads) {
  size_t half = std::min(f.size() / 2, live);  // e[j] = 0 for j >= live (LiveEntries)
  size_t chunks = std::max<size_t>(1, std::min<size_t>(threads, half / 4096));
  std::vector<Acc> h0(chunks), h1(chunks);
  ParallelFor(
      chunks, static_cast<unsigned>(chunks),
      [&](size_t b, size_t end) {
        for (size_t c = b; c < end; ++c) {
          size_t j0 = half * c / chunks, j1 = half * (c + 1) / chunks;
          if constexpr (std::is_same_v<F, Fp> && std::is_same_v<Acc, Fp2>) {
            // Base table: exact 128-bit sums per coordinate, reduced once.
            detail::Fp2Sum a0, a1;
            for (size_t j = j0; j < j1; ++j) {
              a0.Add(e[j], f[2 * j]);
              a1.Add(e[j], f[2 * j + 1]);
            }
            h0[c] = a0.Value();
            h1[c] = a1.Value();
          } else {
            ExtDotSum<Acc> a0, a1;
            for (size_t j = j0; j < j1; ++j) {
              a0.Add(e[j], f[2 * j]);
              a1.Add(e[j], f[2 * j + 1]);
            }
            h0[c] = a0.Value();
            h1[c] = a1.Value();
          }
        }
      },
      1);
  Acc s0, s1;
  for (size_t c = 0; c < chunks; ++c) {
    s0 += h0[c];
    s1 += h1[c];
  }
  return {s0, s1};
}

}  // namespace

Result<BasefoldProof> BasefoldPcs::OpenProof(const PcsProverData& data, std::span<const Fp2> point,
                                             Transcript& transcript,
                                             std::vector<Fp2>* evals) const {
  if (params_.hiding) {
    return Error(Code::kInvalidArgument, "basefold: structured openings are plain only");
  }
  if (params_.regime == BasefoldRegime::kUniqueFp2) {
    return OpenAs<Fp2>(data, point, transcript, evals);
  }
  return OpenAs<Fp4>(data, point, transcript, evals);
}

template <typename E>
Result<BasefoldProof> BasefoldPcs::OpenAs(const PcsProverData& data, std::span<const Fp2> point,
                                          Transcript& transcript, std::vector<Fp2>* evals,
                                          const JointProver* joint) const {
  const auto* d = dynamic_cast<const BasefoldProverData*>(&data);
  if (d == nullptr) return Error(Code::kInvalidArgument, "basefold: prover data of another scheme");
  const BasefoldShape& s = d->shape;
  if (point.size() != s.num_vars) {
    return Error(Code::kInvalidArgument, "basefold: point has the wrong number of variables");
  }
  const BasefoldProverData* sec = nullptr;
  size_t lift = 0;  // j: the secondary's polynomials ignore the first j variables
  if (joint != nullptr) {
    sec = dynamic_cast<const BasefoldProverData*>(joint->data);
    if (sec == nullptr || sec->shape.num_vars > s.num_vars ||
        sec->leaf_arity != joint->entry.leaf_log || sec->compact_tail != joint->entry.compact) {
      return Error(Code::kInvalidArgument, "basefold: secondary data does not fit the joint shape");
    }
    lift = s.num_vars - sec->shape.num_vars;
  }
  unsigned threads = params_.threads;
  // E = eq(z_{>0}, .): the evaluations from the first round's half sums
  // (f(z) = (1 - z_0) h(0) + z_0 h(1)), which a single polynomial reuses.
  std::vector<Fp2> e_table = EqTable(point.subspan(1), threads);
  size_t trailing_zeros = 0;  // zero coordinates at the end of the point
  while (trailing_zeros < point.size() && point[point.size() - 1 - trailing_zeros] == Fp2::Zero()) {
    ++trailing_zeros;
  }
  // The batch: lifted masks (their values from their small tables), then polys.
  size_t num_masks = d->masks ? d->masks->Masks() : 0;
  std::vector<Fp2> ys(d->BatchSize());
  for (size_t j = 0; j < num_masks; ++j) ys[j] = detail::EvaluateLiftedMask(*d->masks, j, point);
  std::pair<Fp2, Fp2> first_sums;
  for (size_t k = 0; k < d->polys.size(); ++k) {
    first_sums = HalfSums<Fp, Fp2>(d->polys[k], e_table,
                                   LiveEntries(e_table.size(), trailing_zeros), threads);
    ys[num_masks + k] = (Fp2::One() - point[0]) * first_sums.first + point[0] * first_sums.second;
  }
  AbsorbStatement(transcript, d->commitment, point, ys);
  std::vector<Fp2> ys2;  // the secondary's values at the suffix point
  if (sec != nullptr) {
    std::span<const Fp2> high = point.subspan(lift);
    std::vector<Fp2> eq_high = EqTable(high, threads);
    for (const auto& poly : sec->polys) {
      detail::Fp2Sum acc;
      for (size_t i = 0; i < poly.size(); ++i) acc.Add(eq_high[i], poly[i]);
      ys2.push_back(acc.Value());
    }
    AbsorbStatement(transcript, sec->commitment, high, ys2);
  }
  size_t m1 = d->BatchSize();
  std::vector<E> alpha = BatchCoefficients<E>(transcript, m1 + (sec ? sec->polys.size() : 0));

  // f = sum_k alpha_k f_k (+ the lifted secondary batch); a single polynomial
  // stays in the base field until the first fold. With a secondary lifted by
  // j >= 1 variables the lift ignores x_0: its share of the first half sums is
  // one value for both, and it joins f after the first fold.
  bool single = m1 == 1 && (sec == nullptr || lift >= 1);
  size_t table_size = d->polys[0].size();
  size_t period = SparseTopPeriod(s, table_size, single, trailing_zeros);
  // f and the buffer the next fold writes (swapped after each fold); with a
  // period, f is the bottom half and delta the top's difference.
  detail::HugeVector<E> f, spare;
  detail::HugeVector<E> delta;
  if (!single) {
    std::span<const E> mask_alpha = std::span<const E>(alpha).first(num_masks);
    std::span<const E> poly_alpha = std::span<const E>(alpha).subspan(num_masks, m1 - num_masks);
    std::optional<detail::CombinedLiftedMasks<E>> masks;
    if (d->masks) masks = detail::CombineLiftedMasks(*d->masks, mask_alpha);
    CombineBatch<E>(d->polys, poly_alpha, f, threads, period ? table_size / 2 : table_size,
                    masks ? &*masks : nullptr);
    if (period != 0) {
      delta = TopDelta<E>(d->polys, poly_alpha, period);
      for (size_t i = 0; masks && i < period; ++i) delta[i] += masks->TopDelta(i);
    }
  }
  std::vector<E> g;  // the secondary batch sum_k beta_k s_k (joint openings)
  if (sec != nullptr) {
    std::span<const E> beta = std::span<const E>(alpha).subspan(m1);
    g.resize(sec->polys[0].size());
    ParallelFor(
        g.size(), threads,
        [&](size_t b, size_t e) {
          for (size_t i = b; i < e; ++i) {
            E acc;
            for (size_t k = 0; k < beta.size(); ++k) acc += beta[k] * sec->polys[k][i];
            g[i] = acc;
          }
        },
        8192);
    if (!single) AddLifted(f, g, lift);
    for (size_t i = 0; i < delta.size(); ++i) {
      delta[i] += g[(f.size() + i) >> lift] - g[i >> lift];
    }
  }
  // A single primary with a secondary: the lifted batch's share of each first
  // half sum, and the batch the first fold adds (nothing without a secondary).
  std::span<const E> lifted_g =
      sec != nullptr && single ? std::span<const E>(g) : std::span<const E>();
  size_t lifted_shift = lifted_g.empty() ? 0 : lift - 1;  // after the first fold
  E lifted_sum = lifted_g.empty() ? E() : LiftedSum<E>(g, e_table, lifted_shift);
  // The sumcheck of f(x) eq(z, x) binding x_i: g(X) = P eq(z_i, X) h(X) with
  // P = prod_{j<i} eq(z_j, r_j) and h(X) = sum_b f(.., X, b) E[b], E = eq(z_{>i}, .);
  // E for the next variable is E[2c] + E[2c+1].
  E prefix = E::One();
  BasefoldProof proof;
  proof.ext_degree = s.ext_degree;
  proof.digest_bytes = s.digest_bytes;
  std::vector<detail::HugeVector<E>> round_cws;
  std::vector<E> sumcheck;
  std::vector<MerkleTree> trees;
  bool first = true;
  std::pair<E, E> next_sums;  // the next variable's half sums, from the last fold
  size_t var = 0;
  for (size_t r = 0; r < s.Rounds(); ++r) {
    for (size_t v = 0; v < s.arity[r]; ++v, ++var) {
      E h0, h1;
      if (single && first) {
        h0 = E(first_sums.first) + lifted_sum;
        h1 = E(first_sums.second) + lifted_sum;
      } else if (!first) {
        std::tie(h0, h1) = next_sums;  // from the previous fold
      } else {
        std::tie(h0, h1) =
            HalfSums<E, E>(f, e_table, LiveEntries(e_table.size(), trailing_zeros), threads);
      }
      Fp2 zi = point[var];
      E s0 = prefix * (Fp2::One() - zi) * h0;
      E s2 = prefix * (zi + zi + zi - Fp2::One()) * (h1 + h1 - h0);
      sumcheck.push_back(s0);
      sumcheck.push_back(s2);
      E pair[2] = {s0, s2};
      AbsorbExt(transcript, "basefold.sumcheck", std::span<const E>(pair));
      E c = ChallengeExt<E>(transcript, "basefold.fold");
      prefix *= zi * c + (Fp2::One() - zi) * (E::One() - c);
      size_t e_half = e_table.size() / 2;
      for (size_t j = 0; j < e_half; ++j) e_table[j] = e_table[2 * j] + e_table[2 * j + 1];
      e_table.resize(std::max<size_t>(e_half, 1));
      if (var + 1 < s.folded_vars) {
        // The fold also sums the next variable's h(0), h(1).
        size_t live = LiveEntries(e_table.size(), trailing_zeros);
        if (single && first) {
          next_sums = FoldFirstWithSums<E, Fp>(std::span<const Fp>(d->polys[0]), c, spare, e_table,
                                               live, threads, lifted_g, lifted_shift);
        } else {
          next_sums =
              FoldFirstWithSums<E, E>(std::span<const E>(f), c, spare, e_table, live, threads);
        }
      } else if (single && first) {
        FoldFirst<E, Fp>(std::span<const Fp>(d->polys[0]), c, spare, threads);
        if (!lifted_g.empty()) AddLifted(spare, g, lifted_shift);
      } else {
        FoldFirst<E, E>(std::span<const E>(f), c, spare, threads);
      }
      f.swap(spare);
      FoldTopDelta(delta, c);
      first = false;
    }
    if (r + 1 < s.Rounds()) {
      // The folded codeword is the encoding of the folded polynomial (the
      // honest codeword folds to it), so it is encoded from f directly.
      detail::HugeVector<E> current;
      if (sec != nullptr && r + 1 <= joint->entry.round) {
        // The secondary enters in a later round: this round's tree holds the
        // primary's part alone, f minus the still-lifted secondary.
        detail::HugeVector<E> primary_only(f.begin(), f.end());
        if (period != 0) detail::AppendTiledTop(primary_only, std::span<const E>(delta));
        size_t shift = lift - var;
        for (size_t b = 0; b < primary_only.size(); ++b) primary_only[b] -= g[b >> shift];
        detail::EncodeMultilinear(std::span<const E>(primary_only), s.LogLen(r + 1), current,
                                  threads);
      } else if (period != 0) {
        detail::EncodeSparseTop(std::span<const E>(f), std::span<const E>(delta), s.LogLen(r + 1),
                                current, threads);
      } else {
        detail::EncodeMultilinear(std::span<const E>(f), s.LogLen(r + 1), current, threads);
      }
      trees.push_back(BuildExtTree(current, s.arity[r + 1], threads, s.digest_bytes));
      proof.roots.push_back(trees.back().root());
      transcript.AbsorbDigest("basefold.root", trees.back().root());
      round_cws.push_back(std::move(current));
    }
  }
  if (period != 0) detail::AppendTiledTop(f, std::span<const E>(delta));
  detail::ToMonomial(std::span<E>(f));
  AbsorbExt(transcript, "basefold.final", std::span<const E>(f));
  proof.final_poly.assign(f.begin(), f.begin() + static_cast<ptrdiff_t>(s.FinalSent()));
  proof.sumcheck.assign(sumcheck.begin(), sumcheck.end());
  proof.pow_nonce = detail::PowSolve(transcript.state(), GrindingBits(s), threads);
  transcript.AbsorbU64("basefold.pow", proof.pow_nonce);

  std::vector<size_t> queries = transcript.ChallengeDistinctIndices(
      "basefold.queries", s.num_queries, size_t{1} << s.LeafDepth(0));
  std::vector<std::vector<size_t>> sets = LeafSets(s, std::move(queries));
  proof.rounds.resize(s.Rounds());
  for (size_t r = 0; r < s.Rounds(); ++r) {
    BasefoldProof::Round& out = proof.rounds[r];
    out.num_leaves = sets[r].size();
    size_t w = size_t{1} << s.arity[r];
    if (r == 0) {
      for (size_t i : sets[0]) GatherFirstLeaf(*d, i, out.base_leaves);
      out.merkle_nodes = d->tree.MultiProof(sets[0]);
    } else {
      const detail::HugeVector<E>& c = round_cws[r - 1];
      if (!s.implicit_symbols) {
        for (size_t i : sets[r])
          out.ext_leaves.insert(out.ext_leaves.end(), c.begin() + i * w, c.begin() + (i + 1) * w);
      } else {
        // Skip the positions round r - 1's queries fold to (increasing, like
        // the leaves' positions).
        const std::vector<size_t>& known = sets[r - 1];
        size_t k = 0;
        for (size_t i : sets[r]) {
          for (size_t pos = i * w; pos < (i + 1) * w; ++pos) {
            if (k < known.size() && known[k] == pos) {
              ++k;
            } else {
              out.ext_leaves.push_back(c[pos]);
            }
          }
        }
      }
      out.merkle_nodes = trees[r - 1].MultiProof(sets[r]);
    }
  }
  if (sec != nullptr) {
    std::vector<size_t> set = SecondaryLeaves(joint->entry, sets[joint->entry.round]);
    proof.joint = true;
    proof.pair_leaves = joint->entry.PairLeaves();
    proof.secondary.num_leaves = set.size();
    for (size_t i : set) {
      GatherBaseLeaf(sec->codewords, sec->leaf_arity, i, proof.secondary.base_leaves,
                     sec->compact_tail);
    }
    proof.secondary.merkle_nodes = sec->tree.MultiProof(set);
    if (joint->evals != nullptr) *joint->evals = std::move(ys2);
  }
  if (evals != nullptr) *evals = std::move(ys);
  return proof;
}

namespace {

// The proof's component counts against the shape (structured proofs in tests
// bypass Parse).
bool ShapeMatches(const BasefoldProof& p, const BasefoldShape& s, size_t num_polys) {
  if (p.sumcheck.size() != 2 * s.folded_vars || p.roots.size() + 1 != s.Rounds() ||
      p.final_poly.size() != s.FinalSent() || p.rounds.size() != s.Rounds()) {
    return false;
  }
  for (size_t r = 0; r < s.Rounds(); ++r) {
    const BasefoldProof::Round& rd = p.rounds[r];
    size_t w = size_t{1} << s.arity[r];
    if (rd.num_leaves > s.num_queries) return false;
    if (r == 0 && (rd.base_leaves.size() != rd.num_leaves * s.FirstLeafSymbols(num_polys) ||
                   !rd.ext_leaves.empty())) {
      return false;
    }
    if (r > 0) {
      size_t implicit = s.implicit_symbols ? p.rounds[r - 1].num_leaves : 0;
      if (rd.num_leaves * w < implicit || rd.ext_leaves.size() != rd.num_leaves * w - implicit ||
          !rd.base_leaves.empty()) {
        return false;
      }
    }
  }
  return true;
}

// The secondary's leaves of a joint opening for the entry round's query set
// `set`: hashed and checked against its root, then combined with its batching
// coefficients beta (one value per symbol of the coset each query reads).
template <typename E>
Result<std::vector<std::vector<E>>> SecondaryValues(const BasefoldProof::Round& rd,
                                                    const PcsCommitment& c,
                                                    const BasefoldEntry& entry,
                                                    const std::vector<size_t>& set, size_t depth,
                                                    std::span<const E> beta, size_t digest_bytes) {
  std::vector<size_t> leaves = SecondaryLeaves(entry, set);
  size_t lw = size_t{1} << entry.leaf_log, m = c.num_polys, per_leaf = entry.LeafSymbols(m);
  size_t full = m - entry.compact;  // polynomials with 2^leaf_log symbols a leaf
  depth -= entry.leaf_log - entry.arity;
  if (rd.num_leaves != leaves.size() || rd.base_leaves.size() != leaves.size() * per_leaf ||
      !rd.ext_leaves.empty()) {
    return Fail("the secondary opens " + std::to_string(rd.num_leaves) +
                " leaves, the queries need " + std::to_string(leaves.size()));
  }
  if (rd.merkle_nodes.size() != MerkleTree::MultiProofSize(depth, leaves)) {
    return Fail("the secondary's Merkle multi-proof has the wrong size");
  }
  std::vector<Digest> digests(leaves.size());
  for (size_t n = 0; n < leaves.size(); ++n) {
    digests[n] = MerkleLeafHash(
        AsByteSpan(std::span<const Fp>(rd.base_leaves.data() + n * per_leaf, per_leaf)));
  }
  if (!MerkleTree::VerifyMultiProof(c.root, depth, leaves, digests, rd.merkle_nodes, kNode,
                                    digest_bytes)) {
    return Fail("the secondary's Merkle multi-proof does not reach its root");
  }
  size_t w = size_t{1} << entry.arity, n = 0;
  std::vector<std::vector<E>> values(set.size(), std::vector<E>(w));
  for (size_t q = 0; q < set.size(); ++q) {
    while (leaves[n] != entry.LeafOf(set[q])) ++n;  // both increasing
    const Fp* leaf = rd.base_leaves.data() + n * per_leaf;
    size_t off = entry.OffsetOf(set[q]);
    E constant;  // the compact polynomials: one symbol, the same at every j
    for (size_t k = full; k < m; ++k) constant += beta[k] * leaf[full * lw + (k - full)];
    for (size_t j = 0; j < w; ++j) {
      E acc = constant;
      for (size_t k = 0; k < full; ++k) acc += beta[k] * leaf[k * lw + off + j];
      values[q][j] = acc;
    }
  }
  return values;
}

}  // namespace

Status BasefoldPcs::CheckOpening(const PcsCommitment& c, size_t point_vars, size_t num_evals,
                                 const BasefoldProof& proof, bool joint) const {
  if (point_vars != c.num_vars || num_evals != c.num_polys) {
    return Error(Code::kInvalidArgument,
                 "basefold: point or evaluations do not fit the commitment");
  }
  if (c.num_vars + params_.log_inv_rate > static_cast<uint32_t>(Fp::kTwoAdicity)) {
    return Fail("commitment of " + std::to_string(c.num_vars) +
                " variables exceeds the field's 2^32 evaluation domain");
  }
  if (proof.joint != joint || !ShapeMatches(proof, ShapeFor(c.num_vars), c.num_polys)) {
    return Fail("proof has the wrong shape");
  }
  return Status::Ok();
}

Status BasefoldPcs::VerifyProof(const PcsCommitment& c, std::span<const Fp2> point,
                                std::span<const Fp2> evals, const BasefoldProof& proof,
                                Transcript& transcript) const {
  if (params_.hiding) {
    return Error(Code::kInvalidArgument, "basefold: structured openings are plain only");
  }
  VINET_RETURN_IF_ERROR(CheckOpening(c, point.size(), evals.size(), proof, false));
  if (params_.regime == BasefoldRegime::kUniqueFp2) {
    return VerifyAs<Fp2>(c, point, evals, proof, transcript);
  }
  return VerifyAs<Fp4>(c, point, evals, proof, transcript);
}

template <typename E>
Status BasefoldPcs::VerifyAs(const PcsCommitment& c, std::span<const Fp2> point,
                             std::span<const Fp2> evals, const BasefoldProof& proof,
                             Transcript& transcript, const JointVerifier* joint) const {
  BasefoldShape s = ShapeFor(c.num_vars);
  std::vector<E> sumcheck, final_poly;
  std::vector<std::vector<E>> ext_leaves(proof.rounds.size());
  bool in_field = FromFp4<E>(proof.sumcheck, sumcheck) && FromFp4<E>(proof.final_poly, final_poly);
  for (size_t r = 1; r < proof.rounds.size(); ++r) {
    in_field = in_field && FromFp4<E>(proof.rounds[r].ext_leaves, ext_leaves[r]);
  }
  if (!in_field) return Fail("proof element outside the challenge field Fp2");
  AbsorbStatement(transcript, c, point, evals);
  size_t m1 = c.num_polys, m2 = 0;
  if (joint != nullptr) {
    m2 = joint->commitment->num_polys;
    AbsorbStatement(transcript, *joint->commitment,
                    point.subspan(c.num_vars - joint->commitment->num_vars), joint->evals);
  }
  std::vector<E> alpha = BatchCoefficients<E>(transcript, m1 + m2);
  E claim;
  for (size_t k = 0; k < m1; ++k) claim += alpha[k] * evals[k];
  for (size_t k = 0; k < m2; ++k) claim += alpha[m1 + k] * joint->evals[k];

  std::vector<E> chals;
  for (size_t r = 0; r < s.Rounds(); ++r) {
    for (size_t v = 0; v < s.arity[r]; ++v) {
      size_t i = chals.size();
      E s0 = sumcheck[2 * i], s2 = sumcheck[2 * i + 1];
      E pair[2] = {s0, s2};
      AbsorbExt(transcript, "basefold.sumcheck", std::span<const E>(pair));
      E ch = ChallengeExt<E>(transcript, "basefold.fold");
      claim = RoundValue(s0, claim - s0, s2, ch);
      chals.push_back(ch);
    }
    if (r + 1 < s.Rounds()) transcript.AbsorbDigest("basefold.root", proof.roots[r]);
  }
  // A sparse top: the coefficients beyond the code's degree bound are zero,
  // not sent.
  if (final_poly.size() != s.FinalSent()) return Fail("final polynomial has the wrong length");
  final_poly.resize(size_t{1} << s.final_vars);
  AbsorbExt(transcript, "basefold.final", std::span<const E>(final_poly));
  if (!detail::PowValid(transcript.state(), proof.pow_nonce, GrindingBits(s))) {
    return Fail("proof-of-work nonce does not meet " + std::to_string(GrindingBits(s)) + " bits");
  }
  transcript.AbsorbU64("basefold.pow", proof.pow_nonce);
  std::vector<size_t> queries = transcript.ChallengeDistinctIndices(
      "basefold.queries", s.num_queries, size_t{1} << s.LeafDepth(0));

  std::vector<E> z_high(point.begin() + s.folded_vars, point.end());
  E expect = EqEvalExt<E>(point.first(s.folded_vars), chals) *
             detail::EvaluateMonomial(std::span<const E>(final_poly), std::span<const E>(z_high));
  if (claim != expect) return Fail("sumcheck does not end at the final polynomial");

  std::vector<std::vector<size_t>> sets = LeafSets(s, std::move(queries));
  if (s.implicit_symbols) {
    // Full later-round leaves: the sent symbols in order, the positions round
    // r - 1's queries fold to left for that round's fold to fill in (so the
    // leaf hashes only if the fold is right).
    for (size_t r = 1; r < s.Rounds(); ++r) {
      size_t w = size_t{1} << s.arity[r];
      const std::vector<size_t>& known = sets[r - 1];
      if (proof.rounds[r].num_leaves != sets[r].size() ||
          proof.rounds[r - 1].num_leaves != known.size()) {
        return Fail("round " + std::to_string(r) + " opens " +
                    std::to_string(proof.rounds[r].num_leaves) + " leaves, the queries need " +
                    std::to_string(sets[r].size()));
      }
      std::vector<E> full;
      full.reserve(sets[r].size() * w);
      size_t k = 0, sent = 0;
      for (size_t i : sets[r]) {
        for (size_t pos = i * w; pos < (i + 1) * w; ++pos) {
          if (k < known.size() && known[k] == pos) {
            ++k;
            full.push_back(E());
          } else {
            full.push_back(ext_leaves[r][sent++]);
          }
        }
      }
      ext_leaves[r] = std::move(full);
    }
  }
  size_t chal_at = 0;
  // First-round leaves: the lifted masks' symbols, then every polynomial's.
  size_t first_leaf = s.FirstLeafSymbols(c.num_polys), masks = s.lifted_masks;
  size_t mask_syms = s.LiftedMaskSymbols();
  for (size_t r = 0; r < s.Rounds(); ++r) {
    const BasefoldProof::Round& rd = proof.rounds[r];
    const std::vector<size_t>& set = sets[r];
    size_t a = s.arity[r], w = size_t{1} << a, depth = s.LeafDepth(r);
    if (rd.num_leaves != set.size()) {
      return Fail("round " + std::to_string(r) + " opens " + std::to_string(rd.num_leaves) +
                  " leaves, the queries need " + std::to_string(set.size()));
    }
    if (rd.merkle_nodes.size() != MerkleTree::MultiProofSize(depth, set)) {
      return Fail("round " + std::to_string(r) + " Merkle multi-proof has the wrong size");
    }
    std::vector<Digest> digests(set.size());
    std::vector<std::vector<E>> values(set.size(), std::vector<E>(w));
    for (size_t n = 0; n < set.size(); ++n) {
      if (r == 0) {
        std::span<const Fp> leaf(rd.base_leaves.data() + n * first_leaf, first_leaf);
        digests[n] = MerkleLeafHash(AsByteSpan(leaf));
        // The lifted masks' symbols (folded below), then every polynomial's 2^a.
        std::span<const Fp> polys = leaf.subspan(mask_syms);
        for (size_t j = 0; j < w; ++j) {
          E acc;
          for (size_t k = masks; k < c.num_polys; ++k) {
            acc += alpha[k] * polys[(k - masks) * w + j];
          }
          values[n][j] = acc;
        }
      } else {
        std::span<const E> leaf(ext_leaves[r].data() + n * w, w);
        digests[n] = MerkleLeafHash(AsByteSpan(leaf));
        std::copy(leaf.begin(), leaf.end(), values[n].begin());
      }
    }
    const Digest& root = r == 0 ? c.root : proof.roots[r - 1];
    if (!MerkleTree::VerifyMultiProof(root, depth, set, digests, rd.merkle_nodes, kNode,
                                      s.digest_bytes)) {
      return Fail("round " + std::to_string(r) + " Merkle multi-proof does not reach the root");
    }
    // A joint opening's secondary enters this round: its leaves, beta-combined.
    bool entering = joint != nullptr && joint->entry.round == r;
    std::vector<std::vector<E>> injected;
    if (entering) {
      VINET_ASSIGN_OR_RETURN(
          injected,
          SecondaryValues<E>(proof.secondary, *joint->commitment, joint->entry, set, depth,
                             std::span<const E>(alpha).subspan(m1), s.digest_bytes));
    }
    std::span<const E> round_chals(chals.data() + chal_at, a);
    chal_at += a;
    size_t log_len = s.LogLen(r);
    bool last = r + 1 == s.Rounds();
    size_t next_at = 0;  // walks sets[r + 1], which is increasing like `set`
    detail::LeafFolderT<E> folder(log_len, round_chals);
    size_t final_log = s.LogLen(s.Rounds());
    Fp final_root = Fp::RootOfUnity(static_cast<int>(final_log));
    for (size_t n = 0; n < set.size(); ++n) {
      E folded = entering ? folder.Fold(values[n], set[n], joint->entry.level, injected[n])
                          : folder.Fold(values[n], set[n]);
      if (r == 0 && masks > 0) {  // the lifted masks' folded share (linear in the leaf)
        folded += detail::FoldedLiftedMasks(
            std::span<const Fp>(rd.base_leaves).subspan(n * first_leaf, mask_syms),
            std::span<const E>(alpha).first(masks), round_chals);
      }
      E want;
      if (last) {
        Fp x = final_root.Pow(detail::BitReverse(set[n], final_log));
        want = detail::EvaluateUnivariate(std::span<const E>(final_poly), x);
      } else {
        size_t a1 = s.arity[r + 1], leaf = set[n] >> a1;
        while (sets[r + 1][next_at] != leaf) ++next_at;
        E& next =
            ext_leaves[r + 1][next_at * (size_t{1} << a1) + (set[n] & ((size_t{1} << a1) - 1))];
        if (s.implicit_symbols) {
          next = folded;  // checked when round r + 1's leaf is hashed
          continue;
        }
        want = next;
      }
      if (folded != want) {
        return Fail("round " + std::to_string(r) + " leaf " + std::to_string(set[n]) +
                    " does not fold to the next round");
      }
    }
  }
  return Status::Ok();
}

Result<BasefoldPcs::JointOpening> BasefoldPcs::OpenJointPlain(const PcsProverData& primary,
                                                              const PcsProverData& secondary,
                                                              std::span<const Fp2> point,
                                                              Transcript& transcript) const {
  if (params_.regime == BasefoldRegime::kUniqueFp2) {
    return Error(Code::kInvalidArgument, "basefold joint: joint openings need an Fp4 regime");
  }
  const auto* d2 = dynamic_cast<const BasefoldProverData*>(&secondary);
  if (d2 == nullptr) return Error(Code::kInvalidArgument, "basefold joint: secondary data");
  VINET_ASSIGN_OR_RETURN(BasefoldEntry entry, JointEntry(point.size(), d2->shape.num_vars));
  entry.compact = d2->compact_tail;  // as committed (CommitSecondary checked it fits)
  JointOpening out;
  JointProver joint{&secondary, entry, &out.secondary_evals};
  VINET_ASSIGN_OR_RETURN(BasefoldProof proof,
                         OpenAs<Fp4>(primary, point, transcript, &out.primary_evals, &joint));
  out.proof = proof.ToBytes();
  return out;
}

Status BasefoldPcs::VerifyJointPlain(const PcsCommitment& c, const PcsCommitment& c2,
                                     std::span<const Fp2> point, std::span<const Fp2> evals,
                                     std::span<const Fp2> evals2, const BasefoldProof& proof,
                                     Transcript& transcript, SecondaryLifts lifts) const {
  if (evals2.size() != c2.num_polys) {
    return Error(Code::kInvalidArgument,
                 "basefold: the secondary's evaluations do not fit its commitment");
  }
  VINET_RETURN_IF_ERROR(CheckOpening(c, point.size(), evals.size(), proof, true));
  if (lifts.count >= c2.num_polys) return Fail("every secondary polynomial is a lift");
  VINET_ASSIGN_OR_RETURN(BasefoldEntry entry, JointEntry(c.num_vars, c2.num_vars, lifts));
  if (proof.pair_leaves != entry.PairLeaves()) {
    return Fail("the secondary's leaves do not have the entry's width");
  }
  JointVerifier joint{&c2, evals2, entry};
  return VerifyAs<Fp4>(c, point, evals, proof, transcript, &joint);
}

Result<PcsOpening> BasefoldPcs::Open(const PcsProverData& data, std::span<const Fp2> point,
                                     Transcript& transcript) const {
  if (params_.hiding) return OpenHiding(data, point, transcript);
  PcsOpening out;
  VINET_ASSIGN_OR_RETURN(BasefoldProof proof, OpenProof(data, point, transcript, &out.evals));
  out.proof = proof.ToBytes();
  return out;
}

Status BasefoldPcs::Verify(const PcsCommitment& c, std::span<const Fp2> point,
                           std::span<const Fp2> evals, ByteSpan proof_bytes,
                           Transcript& transcript) const {
  if (params_.hiding) return VerifyHiding(c, point, evals, proof_bytes, transcript);
  if (point.size() != c.num_vars) {
    return Error(Code::kInvalidArgument, "basefold: point has the wrong number of variables");
  }
  if (c.num_vars + params_.log_inv_rate > static_cast<uint32_t>(Fp::kTwoAdicity)) {
    return Fail("commitment of " + std::to_string(c.num_vars) +
                " variables exceeds the field's 2^32 evaluation domain");
  }
  VINET_ASSIGN_OR_RETURN(BasefoldProof proof,
                         BasefoldProof::Parse(proof_bytes, ShapeFor(c.num_vars), c.num_polys));
  return VerifyProof(c, point, evals, proof, transcript);
}

}  // namespace vinet::zk
