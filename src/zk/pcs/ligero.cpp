#include "vinet/zk/pcs/ligero.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <string>

#include "vinet/zk/field/ntt.h"
#include "vinet/zk/field/ntt_at.h"
#include "vinet/zk/parallel.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/random.h"
#include "vinet/zk/huge_page_allocator.h"

namespace vinet::zk {
namespace {

static_assert(sizeof(Fp) == 8 && std::endian::native == std::endian::little,
              "column hashing reads field elements as little-endian u64");

constexpr size_t kRowBlock = 16;

ByteSpan AsByteSpan(std::span<const Fp> values) {
  return {reinterpret_cast<const uint8_t*>(values.data()), values.size() * sizeof(Fp)};
}

// Reed-Solomon encoding: zero-pad the message to its codeword length and
// transform; the symbols stay in bit-reversed order (prover and verifier agree).
// A hiding row's message (cols + pad symbols) is not a power of two long: the
// padded transform then starts from the next power of two.
void EncodeRow(std::span<const Fp> msg, std::span<Fp> out) {
  std::copy(msg.begin(), msg.end(), out.begin());
  std::fill(out.begin() + msg.size(), out.end(), Fp::Zero());
  NttBitReversedPadded(out, std::bit_ceil(msg.size()));
}

Fp2 Dot(std::span<const Fp2> a, std::span<const Fp2> b) {
  Fp2 acc;
  for (size_t i = 0; i < a.size(); ++i) acc += a[i] * b[i];
  return acc;
}

constexpr size_t kMaskRows = 4;  // P0, P1 (proximity), E0, E1 (evaluation)
constexpr size_t kSaltValues = 2;
const Fp2 kX(Fp(0), Fp(1));  // the extension generator: E0 + X E1 spans F_p^2

struct LigeroProverData final : PcsProverData {
  PcsCommitment commitment;
  LigeroPcs::Shape shape{};
  LigeroGeometry g;
  std::vector<std::vector<Fp>> polys;
  std::vector<Fp> pads;                          // hiding: data_height x pad, row-major
  std::array<std::vector<Fp>, kMaskRows> masks;  // hiding: msg_len each
  std::vector<Fp, detail::HugePageAllocator<Fp>>
      encoded_columns;  // column-major: column j at [j * height, (j+1) * height)
  size_t height = 0;    // values per column (g.column_height)
  size_t codeword_len = 0;
  MerkleTree tree;

  // Message of stacked row r (data rows, then mask rows) into out[0, msg_len).
  void Message(size_t r, std::span<Fp> out) const {
    size_t rows = g.rows, cols = g.cols;
    if (r < g.data_height) {
      const Fp* src = polys[r / rows].data() + (r % rows) * cols;
      std::copy(src, src + cols, out.begin());
      if (g.pad > 0) {
        std::copy(pads.begin() + r * g.pad, pads.begin() + (r + 1) * g.pad, out.begin() + cols);
      }
    } else {
      const auto& m = masks[r - g.data_height];
      std::copy(m.begin(), m.end(), out.begin());
    }
  }
};

// A sum of products of two field elements (each < 2^64), reduced once: a
// 128-bit accumulator plus a count of its overflows (2^128 = -2^32 mod p).
struct LazySum {
  unsigned __int128 acc = 0;
  uint64_t wraps = 0;

  [[gnu::always_inline]] void AddProduct(uint64_t a, uint64_t b) {
    unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
    acc += p;
    wraps += acc < p;
  }
  Fp Value() const {
    constexpr Fp kTwoTo128(Fp::kModulus - (uint64_t{1} << 32));
    return Fp::Reduce(acc) + Fp(wraps) * kTwoTo128;
  }
};

// sum_i coeffs[i] * row_i over the stacked message rows, in parallel over
// columns; each column block accumulates lazily and reduces once.
std::vector<Fp2> CombineRows(const LigeroProverData& d, std::span<const Fp2> coeffs,
                             unsigned threads) {
  constexpr size_t kBlock = 64;
  size_t cols = d.g.cols;
  size_t rows = d.g.rows;
  std::vector<Fp2> out(cols);
  ParallelFor(
      cols, threads,
      [&](size_t b, size_t e) {
        for (size_t j0 = b; j0 < e; j0 += kBlock) {
          size_t j1 = std::min(e, j0 + kBlock);
          LazySum s0[kBlock], s1[kBlock];
          for (size_t k = 0; k < d.polys.size(); ++k) {
            for (size_t i = 0; i < rows; ++i) {
              Fp2 c = coeffs[k * rows + i];
              uint64_t c0 = c.c0().value(), c1 = c.c1().value();
              const Fp* row = d.polys[k].data() + i * cols;
              for (size_t j = j0; j < j1; ++j) {
                s0[j - j0].AddProduct(c0, row[j].value());
                s1[j - j0].AddProduct(c1, row[j].value());
              }
            }
          }
          for (size_t j = j0; j < j1; ++j) out[j] = Fp2(s0[j - j0].Value(), s1[j - j0].Value());
        }
      },
      256);
  if (!d.g.hiding) return out;
  // Padding symbols of the data rows, then the mask rows (full messages).
  out.resize(d.g.msg_len);
  for (size_t r = 0; r < d.g.data_height; ++r) {
    Fp2 c = coeffs[r];
    if (c == Fp2::Zero()) continue;
    const Fp* pad = d.pads.data() + r * d.g.pad;
    for (size_t j = 0; j < d.g.pad; ++j) out[cols + j] += c * pad[j];
  }
  for (size_t m = 0; m < kMaskRows; ++m) {
    Fp2 c = coeffs[d.g.data_height + m];
    if (c == Fp2::Zero()) continue;
    for (size_t j = 0; j < d.g.msg_len; ++j) out[j] += c * d.masks[m][j];
  }
  return out;
}

void AbsorbStatement(Transcript& t, const PcsCommitment& c, std::span<const Fp2> point,
                     std::span<const Fp2> evals) {
  c.AbsorbInto(t);
  t.AbsorbFp2s("ligero.point", point);
  t.AbsorbFp2s("ligero.evals", evals);
}

// A tensor opening's statement: the weights replace the point.
void AbsorbTensorStatement(Transcript& t, const PcsCommitment& c, std::span<const Fp2> row_point,
                           std::span<const Fp2> col_weights, std::span<const Fp2> evals) {
  c.AbsorbInto(t);
  t.AbsorbFp2s("ligero.row_point", row_point);
  t.AbsorbFp2s("ligero.col_weights", col_weights);
  t.AbsorbFp2s("ligero.evals", evals);
}

// The t distinct column queries, in increasing order (the multi-proof order).
std::vector<size_t> SortedQueries(Transcript& t, size_t count, size_t len) {
  std::vector<size_t> q = t.ChallengeDistinctIndices("ligero.queries", count, len);
  std::sort(q.begin(), q.end());
  return q;
}

Status Fail(const std::string& what) {
  return Error(Code::kVerification, "ligero: " + what);
}

}  // namespace

size_t LigeroNumQueriesAtRate(int security_bits, double rho) {
  double delta = (1.0 - rho) / 2.0;
  return static_cast<size_t>(std::ceil(security_bits / -std::log2(1.0 - delta)));
}

size_t LigeroNumQueries(int security_bits, int log_inv_rate) {
  return LigeroNumQueriesAtRate(security_bits, std::ldexp(1.0, -log_inv_rate));
}

LigeroPcs::LigeroPcs(LigeroParams params) : params_(params) {}

Bytes LigeroPcs::ParametersEncoding() const {
  ByteWriter w;
  w.U32(static_cast<uint32_t>(name().size()));
  w.Raw(AsBytes(name()));
  w.U32(static_cast<uint32_t>(params_.security_bits));
  w.U32(static_cast<uint32_t>(params_.log_inv_rate));
  // version: 1 = ShapeFor rule; 2 = + multi-proof, combined column check;
  // 3 = hiding (padded rows, four mask rows, salted leaves).
  w.U32(params_.hiding ? 3 : 2);
  return w.Take();
}

LigeroPcs::Shape LigeroPcs::ShapeFor(size_t num_vars) {
  size_t rows_log = num_vars >= 4 ? (num_vars - 4) / 2 : 0;
  return {rows_log, num_vars - rows_log};
}

LigeroGeometry LigeroPcs::Geometry(size_t num_vars, size_t num_polys) const {
  Shape s = ShapeFor(num_vars);
  LigeroGeometry g;
  g.rows = size_t{1} << s.rows_log;
  g.cols = size_t{1} << s.cols_log;
  g.data_height = num_polys * g.rows;
  g.hiding = params_.hiding;
  g.len = g.cols << params_.log_inv_rate;
  if (!g.hiding) {
    g.combo_height = g.column_height = g.data_height;
    g.msg_len = g.cols;
    g.rho = std::ldexp(1.0, -params_.log_inv_rate);
    g.queries = std::min(g.len, LigeroNumQueries(params_.security_bits, params_.log_inv_rate));
  } else {
    // pad >= t random symbols per row, and t computed at the padded rate
    // (cols + pad) / len: raise pad until it covers t; keep the rate <= 1/2
    // by doubling the codeword (only small polynomials need it).
    g.combo_height = g.data_height + kMaskRows;
    g.column_height = g.combo_height + kSaltValues;
    size_t pad = LigeroNumQueries(params_.security_bits, params_.log_inv_rate);
    for (;;) {
      if (2 * (g.cols + pad) > g.len) {
        g.len *= 2;  // and search again from the plain count: the rate dropped
        pad = LigeroNumQueries(params_.security_bits, params_.log_inv_rate);
        continue;
      }
      size_t t =
          LigeroNumQueriesAtRate(params_.security_bits, static_cast<double>(g.cols + pad) / g.len);
      if (t <= pad) {
        g.queries = t;
        break;
      }
      pad = t;
    }
    g.pad = pad;
    g.msg_len = g.cols + pad;
    g.rho = static_cast<double>(g.msg_len) / static_cast<double>(g.len);
  }
  g.depth = static_cast<size_t>(std::countr_zero(g.len));
  return g;
}

size_t LigeroPcs::num_queries(size_t num_vars) const {
  return Geometry(num_vars, 1).queries;
}

double LigeroPcs::SoundnessBits(size_t num_vars) const {
  LigeroGeometry g = Geometry(num_vars, 1);
  double delta = (1.0 - g.rho) / 2.0;
  size_t len = g.len, t = g.queries;
  // Opening every column leaves no query error.
  double query = t >= len ? 0.0 : std::pow(1.0 - delta, static_cast<double>(t));
  // Proximity and evaluation combinations: |codeword| / |F_ext| each, plus
  // batching up to 2^16 polynomials: 2^16 / |F_ext| (the hiding blind
  // evaluation enters the batch with coefficient 1: the degree does not grow).
  // |F_ext| = p^2 > 2^127.99.
  double field = std::ldexp(1.0, -127);
  // The verifier's combination xi of the two column checks adds 1 / |F_ext|.
  double comb = (2.0 * static_cast<double>(len) + 65536.0 + 1.0) * field;
  return -std::log2(query + comb);
}

Result<PcsCommitted> LigeroPcs::Commit(std::vector<std::vector<Fp>> polys) const {
  return CommitWithMaskSeed(std::move(polys), params_.hiding ? RandomSeed() : Digest{});
}

Result<PcsCommitted> LigeroPcs::CommitWithMaskSeed(std::vector<std::vector<Fp>> polys,
                                                   const Digest& mask_seed) const {
  if (polys.empty() || polys.size() > (1u << 16)) {
    return Error(Code::kInvalidArgument, "ligero: commit 1 to 65536 polynomials");
  }
  size_t size = polys[0].size();
  if (size < 2 || !std::has_single_bit(size) || size > (size_t{1} << 40)) {
    return Error(Code::kInvalidArgument, "ligero: polynomial size must be 2^n, 1 <= n <= 40");
  }
  for (const auto& p : polys) {
    if (p.size() != size) return Error(Code::kInvalidArgument, "ligero: sizes differ");
  }
  auto d = std::make_shared<LigeroProverData>();
  size_t num_vars = std::countr_zero(size);
  d->shape = ShapeFor(num_vars);
  d->g = Geometry(num_vars, polys.size());
  const LigeroGeometry& g = d->g;
  size_t combo = g.combo_height;
  d->height = g.column_height;
  d->codeword_len = g.len;
  d->polys = std::move(polys);
  MaskStream stream(mask_seed);  // secret randomness, never from a transcript
  if (g.hiding) {
    d->pads = stream.Take(g.data_height * g.pad);
    for (auto& m : d->masks) m = stream.Take(g.msg_len);
  }
  d->encoded_columns.resize(d->codeword_len * d->height);
  size_t blocks = (combo + kRowBlock - 1) / kRowBlock;
  ParallelFor(
      blocks, params_.threads,
      [&](size_t b, size_t e) {
        std::vector<Fp> tmp(kRowBlock * d->codeword_len), msg(g.msg_len);
        for (size_t blk = b; blk < e; ++blk) {
          size_t r0 = blk * kRowBlock, r1 = std::min(combo, r0 + kRowBlock);
          for (size_t r = r0; r < r1; ++r) {
            d->Message(r, msg);
            EncodeRow(msg, std::span<Fp>(tmp).subspan((r - r0) * d->codeword_len, d->codeword_len));
          }
          for (size_t j = 0; j < d->codeword_len; ++j) {
            Fp* dst = d->encoded_columns.data() + j * d->height + r0;
            for (size_t r = r0; r < r1; ++r) dst[r - r0] = tmp[(r - r0) * d->codeword_len + j];
          }
        }
      },
      1);
  if (g.hiding) {  // leaf salts: the last values of every column
    std::vector<Fp> salts = stream.Take(d->codeword_len * kSaltValues);
    for (size_t j = 0; j < d->codeword_len; ++j) {
      for (size_t k = 0; k < kSaltValues; ++k) {
        d->encoded_columns[j * d->height + combo + k] = salts[j * kSaltValues + k];
      }
    }
  }
  std::vector<Digest> leaves(d->codeword_len);
  ParallelFor(
      d->codeword_len, params_.threads,
      [&](size_t b, size_t e) {
        for (size_t j = b; j < e; ++j) {
          leaves[j] = MerkleLeafHash(AsByteSpan(
              std::span<const Fp>(d->encoded_columns.data() + j * d->height, d->height)));
        }
      },
      64);
  d->tree = MerkleTree::Build(std::move(leaves), params_.threads);
  d->commitment = {d->tree.root(), static_cast<uint32_t>(num_vars),
                   static_cast<uint32_t>(d->polys.size())};
  PcsCommitted out{d->commitment, d};
  return out;
}

Result<LigeroProof> LigeroPcs::OpenProof(const PcsProverData& data, std::span<const Fp2> point,
                                         Transcript& transcript, std::vector<Fp2>* evals) const {
  const auto* d = dynamic_cast<const LigeroProverData*>(&data);
  if (d == nullptr || d->g.hiding != params_.hiding) {
    return Error(Code::kInvalidArgument, "ligero: prover data of another scheme");
  }
  if (point.size() != d->commitment.num_vars) {
    return Error(Code::kInvalidArgument, "ligero: point has the wrong number of variables");
  }
  std::vector<Fp2> eq_row = EqTable(point.subspan(d->shape.cols_log));
  std::vector<Fp2> eq_col = EqTable(point.first(d->shape.cols_log), params_.threads);
  return OpenWeighted(
      data, eq_row, eq_col,
      [&](std::span<const Fp2> ys) { AbsorbStatement(transcript, d->commitment, point, ys); },
      transcript, evals);
}

Result<LigeroProof> LigeroPcs::OpenWeighted(const PcsProverData& data, std::span<const Fp2> eq_row,
                                            std::span<const Fp2> eq_col,
                                            const std::function<void(std::span<const Fp2>)>& absorb,
                                            Transcript& transcript, std::vector<Fp2>* evals) const {
  const auto& d = dynamic_cast<const LigeroProverData&>(data);
  const LigeroGeometry& g = d.g;
  size_t rows = g.rows;
  // Per-polynomial evaluation rows u_k = sum_i eq_row[i] row_{k,i}; y_k = <eq_col, u_k>.
  std::vector<std::vector<Fp2>> u(d.polys.size());
  std::vector<Fp2> ys(d.polys.size());
  for (size_t k = 0; k < d.polys.size(); ++k) {
    std::vector<Fp2> coeffs(g.combo_height);
    std::copy(eq_row.begin(), eq_row.end(), coeffs.begin() + k * rows);
    u[k] = CombineRows(d, coeffs, params_.threads);
    ys[k] = Dot(eq_col, std::span<const Fp2>(u[k]).first(g.cols));
  }
  LigeroProof proof;
  std::vector<Fp2> blind_row;  // E0 + X E1 (hiding)
  absorb(ys);
  if (g.hiding) {
    blind_row.resize(g.msg_len);
    const auto& e0 = d.masks[2];
    const auto& e1 = d.masks[3];
    for (size_t j = 0; j < g.msg_len; ++j) blind_row[j] = Fp2(e0[j], e1[j]);
    proof.blind_eval = Dot(eq_col, std::span<const Fp2>(blind_row).first(g.cols));
    transcript.AbsorbFp2("ligero.blind_eval", *proof.blind_eval);
  }
  std::vector<Fp2> gamma = transcript.ChallengeFp2s("ligero.gamma", g.combo_height);
  proof.u_prox = CombineRows(d, gamma, params_.threads);
  transcript.AbsorbFp2s("ligero.u_prox", proof.u_prox);
  Fp2 beta = transcript.ChallengeFp2("ligero.beta");
  proof.u_eval.assign(g.msg_len, Fp2::Zero());
  Fp2 power = Fp2::One();
  for (size_t k = 0; k < u.size(); ++k) {
    for (size_t j = 0; j < u[k].size(); ++j) proof.u_eval[j] += power * u[k][j];
    power *= beta;
  }
  for (size_t j = 0; j < blind_row.size(); ++j) proof.u_eval[j] += blind_row[j];
  transcript.AbsorbFp2s("ligero.u_eval", proof.u_eval);
  std::vector<size_t> queries = SortedQueries(transcript, g.queries, d.codeword_len);
  for (size_t q : queries) {
    const Fp* col = d.encoded_columns.data() + q * d.height;
    proof.columns.emplace_back(col, col + d.height);
  }
  proof.merkle_nodes = d.tree.MultiProof(queries);
  (void)transcript.ChallengeFp2("ligero.xi");  // the verifier's; kept for transcript agreement
  if (evals != nullptr) *evals = std::move(ys);
  return proof;
}

Status LigeroPcs::VerifyProof(const PcsCommitment& c, std::span<const Fp2> point,
                              std::span<const Fp2> evals, const LigeroProof& proof,
                              Transcript& transcript) const {
  if (point.size() != c.num_vars || evals.size() != c.num_polys) {
    return Error(Code::kInvalidArgument, "ligero: point or evaluations do not fit the commitment");
  }
  Shape s = ShapeFor(c.num_vars);
  std::vector<Fp2> eq_col = EqTable(point.first(s.cols_log));
  std::vector<Fp2> eq_row = EqTable(point.subspan(s.cols_log));
  return VerifyWeighted(c, eq_row, eq_col, evals, proof, transcript,
                        [&] { AbsorbStatement(transcript, c, point, evals); });
}

Status LigeroPcs::VerifyWeighted(const PcsCommitment& c, std::span<const Fp2> eq_row,
                                 std::span<const Fp2> eq_col, std::span<const Fp2> evals,
                                 const LigeroProof& proof, Transcript& transcript,
                                 const std::function<void()>& absorb) const {
  LigeroGeometry g = Geometry(c.num_vars, c.num_polys);
  size_t rows = g.rows, cols = g.cols;
  size_t len = g.len, t = g.queries, depth = g.depth;
  if (proof.u_prox.size() != g.msg_len || proof.u_eval.size() != g.msg_len ||
      proof.columns.size() != t || proof.blind_eval.has_value() != g.hiding) {
    return Fail("proof has the wrong shape");
  }
  for (size_t n = 0; n < t; ++n) {
    if (proof.columns[n].size() != g.column_height) {
      return Fail("query " + std::to_string(n) + " has the wrong shape");
    }
  }
  absorb();
  if (g.hiding) transcript.AbsorbFp2("ligero.blind_eval", *proof.blind_eval);
  std::vector<Fp2> gamma = transcript.ChallengeFp2s("ligero.gamma", g.combo_height);
  transcript.AbsorbFp2s("ligero.u_prox", proof.u_prox);
  Fp2 beta = transcript.ChallengeFp2("ligero.beta");
  transcript.AbsorbFp2s("ligero.u_eval", proof.u_eval);
  std::vector<size_t> queries = SortedQueries(transcript, t, len);
  Fp2 xi = transcript.ChallengeFp2("ligero.xi");

  size_t want_nodes = MerkleTree::MultiProofSize(depth, queries);
  if (proof.merkle_nodes.size() != want_nodes) {
    return Fail("Merkle multi-proof has " + std::to_string(proof.merkle_nodes.size()) +
                " nodes, the queries need " + std::to_string(want_nodes));
  }
  std::vector<Digest> leaves(t);
  for (size_t n = 0; n < t; ++n) leaves[n] = MerkleLeafHash(AsByteSpan(proof.columns[n]));
  if (!MerkleTree::VerifyMultiProof(c.root, depth, queries, leaves, proof.merkle_nodes)) {
    return Fail("Merkle multi-proof does not reach the root");
  }

  Fp2 claimed, power = Fp2::One();
  std::vector<Fp2> beta_pows(c.num_polys);
  for (size_t k = 0; k < c.num_polys; ++k) {
    beta_pows[k] = power;
    claimed += power * evals[k];
    power *= beta;
  }
  if (g.hiding) claimed += *proof.blind_eval;
  if (Dot(eq_col, std::span<const Fp2>(proof.u_eval).first(cols)) != claimed) {
    return Fail("u_eval does not give the evaluations");
  }
  // One combined check per column: Enc(u_prox + xi u_eval)[q] against
  // sum_i (gamma_i + xi beta^k eq_row[i]) col_i, row (k, i) stacked; the
  // hiding mask rows P0, P1 have evaluation coefficient 0, E0 1 and E1 X.
  // Only the queried symbols of Enc(u_prox + xi u_eval).
  std::vector<Fp2> encoded =
      NttBitReversedPaddedAt(g.msg_len, len, queries, [&](std::span<Fp2> combined) {
        for (size_t j = 0; j < g.msg_len; ++j) {
          combined[j] = proof.u_prox[j] + xi * proof.u_eval[j];
        }
      });
  std::vector<Fp2> coeffs(g.combo_height);
  for (size_t k = 0; k < c.num_polys; ++k) {
    Fp2 scale = xi * beta_pows[k];
    for (size_t i = 0; i < rows; ++i)
      coeffs[k * rows + i] = gamma[k * rows + i] + scale * eq_row[i];
  }
  if (g.hiding) {
    size_t h = g.data_height;
    coeffs[h] = gamma[h];
    coeffs[h + 1] = gamma[h + 1];
    coeffs[h + 2] = gamma[h + 2] + xi;
    coeffs[h + 3] = gamma[h + 3] + xi * kX;
  }
  for (size_t n = 0; n < t; ++n) {
    const std::vector<Fp>& col = proof.columns[n];
    LazySum a0, a1;
    for (size_t i = 0; i < g.combo_height; ++i) {  // the salt values are not checked
      a0.AddProduct(coeffs[i].c0().value(), col[i].value());
      a1.AddProduct(coeffs[i].c1().value(), col[i].value());
    }
    if (Fp2(a0.Value(), a1.Value()) != encoded[n]) {
      return Fail("query " + std::to_string(n) + " (column " + std::to_string(queries[n]) +
                  "): column disagrees with u_prox + xi u_eval");
    }
  }
  return Status::Ok();
}

Result<PcsOpening> LigeroPcs::OpenTensor(const PcsProverData& data, std::span<const Fp2> row_point,
                                         std::span<const Fp2> col_weights,
                                         Transcript& transcript) const {
  const auto* d = dynamic_cast<const LigeroProverData*>(&data);
  if (d == nullptr || d->g.hiding != params_.hiding) {
    return Error(Code::kInvalidArgument, "ligero: prover data of another scheme");
  }
  if (row_point.size() != d->shape.rows_log || col_weights.size() != d->g.cols) {
    return Error(Code::kInvalidArgument, "ligero: tensor weights do not fit the matrix");
  }
  std::vector<Fp2> eq_row = EqTable(row_point);
  PcsOpening out;
  VINET_ASSIGN_OR_RETURN(LigeroProof proof, OpenWeighted(
                                                data, eq_row, col_weights,
                                                [&](std::span<const Fp2> ys) {
                                                  AbsorbTensorStatement(transcript, d->commitment,
                                                                        row_point, col_weights, ys);
                                                },
                                                transcript, &out.evals));
  out.proof = proof.ToBytes();
  return out;
}

Status LigeroPcs::VerifyTensor(const PcsCommitment& c, std::span<const Fp2> row_point,
                               std::span<const Fp2> col_weights, std::span<const Fp2> evals,
                               ByteSpan proof_bytes, Transcript& transcript) const {
  Shape s = ShapeFor(c.num_vars);
  LigeroGeometry g = Geometry(c.num_vars, c.num_polys);
  if (row_point.size() != s.rows_log || col_weights.size() != g.cols ||
      evals.size() != c.num_polys) {
    return Error(Code::kInvalidArgument, "ligero: tensor weights do not fit the commitment");
  }
  VINET_ASSIGN_OR_RETURN(LigeroProof proof, LigeroProof::Parse(proof_bytes, g));
  std::vector<Fp2> eq_row = EqTable(row_point);
  return VerifyWeighted(c, eq_row, col_weights, evals, proof, transcript, [&] {
    AbsorbTensorStatement(transcript, c, row_point, col_weights, evals);
  });
}

Result<PcsOpening> LigeroPcs::Open(const PcsProverData& data, std::span<const Fp2> point,
                                   Transcript& transcript) const {
  PcsOpening out;
  VINET_ASSIGN_OR_RETURN(LigeroProof proof, OpenProof(data, point, transcript, &out.evals));
  out.proof = proof.ToBytes();
  return out;
}

Status LigeroPcs::Verify(const PcsCommitment& c, std::span<const Fp2> point,
                         std::span<const Fp2> evals, ByteSpan proof_bytes,
                         Transcript& transcript) const {
  if (point.size() != c.num_vars) {
    return Error(Code::kInvalidArgument, "ligero: point has the wrong number of variables");
  }
  VINET_ASSIGN_OR_RETURN(LigeroProof proof,
                         LigeroProof::Parse(proof_bytes, Geometry(c.num_vars, c.num_polys)));
  return VerifyProof(c, point, evals, proof, transcript);
}

}  // namespace vinet::zk
