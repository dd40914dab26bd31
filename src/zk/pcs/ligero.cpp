#include "vinet/zk/pcs/ligero.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

#include "vinet/zk/field/ntt.h"
#include "vinet/zk/parallel.h"
#include "vinet/zk/poly/multilinear.h"
#include "zk/common/huge_page_allocator.h"

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
void EncodeRow(std::span<const Fp> msg, std::span<Fp> out) {
  std::copy(msg.begin(), msg.end(), out.begin());
  std::fill(out.begin() + msg.size(), out.end(), Fp::Zero());
  NttBitReversedPadded(out, msg.size());
}

// Encodes an extension-field vector coordinate-wise (the code is F_p-linear).
std::vector<Fp2> EncodeExt(std::span<const Fp2> msg, size_t len) {
  std::vector<Fp> c0(len), c1(len);
  for (size_t j = 0; j < msg.size(); ++j) {
    c0[j] = msg[j].c0();
    c1[j] = msg[j].c1();
  }
  NttBitReversedPadded(c0, msg.size());
  NttBitReversedPadded(c1, msg.size());
  std::vector<Fp2> out(len);
  for (size_t j = 0; j < len; ++j) out[j] = Fp2(c0[j], c1[j]);
  return out;
}

Fp2 Dot(std::span<const Fp2> a, std::span<const Fp2> b) {
  Fp2 acc;
  for (size_t i = 0; i < a.size(); ++i) acc += a[i] * b[i];
  return acc;
}

struct LigeroProverData final : PcsProverData {
  PcsCommitment commitment;
  LigeroPcs::Shape shape{};
  std::vector<std::vector<Fp>> polys;
  std::vector<Fp, detail::HugePageAllocator<Fp>>
      encoded_columns;  // column-major: column j at [j * height, (j+1) * height)
  size_t height = 0;    // num_polys * rows
  size_t codeword_len = 0;
  MerkleTree tree;
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
  size_t cols = size_t{1} << d.shape.cols_log;
  size_t rows = size_t{1} << d.shape.rows_log;
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
  return out;
}

void AbsorbStatement(Transcript& t, const PcsCommitment& c, std::span<const Fp2> point,
                     std::span<const Fp2> evals) {
  c.AbsorbInto(t);
  t.AbsorbFp2s("ligero.point", point);
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

size_t LigeroNumQueries(int security_bits, int log_inv_rate) {
  double rho = std::ldexp(1.0, -log_inv_rate);
  double delta = (1.0 - rho) / 2.0;
  return static_cast<size_t>(std::ceil(security_bits / -std::log2(1.0 - delta)));
}

LigeroPcs::LigeroPcs(LigeroParams params) : params_(params) {}

Bytes LigeroPcs::ParametersEncoding() const {
  ByteWriter w;
  w.U32(static_cast<uint32_t>(name().size()));
  w.Raw(AsBytes(name()));
  w.U32(static_cast<uint32_t>(params_.security_bits));
  w.U32(static_cast<uint32_t>(params_.log_inv_rate));
  w.U32(2);  // version: 1 = ShapeFor rule; 2 = + multi-proof, combined column check
  return w.Take();
}

LigeroPcs::Shape LigeroPcs::ShapeFor(size_t num_vars) {
  size_t rows_log = num_vars >= 4 ? (num_vars - 4) / 2 : 0;
  return {rows_log, num_vars - rows_log};
}

size_t LigeroPcs::num_queries(size_t num_vars) const {
  size_t len = size_t{1} << (ShapeFor(num_vars).cols_log + params_.log_inv_rate);
  return std::min(len, LigeroNumQueries(params_.security_bits, params_.log_inv_rate));
}

double LigeroPcs::SoundnessBits(size_t num_vars) const {
  Shape s = ShapeFor(num_vars);
  double rho = std::ldexp(1.0, -params_.log_inv_rate);
  double delta = (1.0 - rho) / 2.0;
  size_t len = size_t{1} << (s.cols_log + params_.log_inv_rate);
  size_t t = num_queries(num_vars);
  // Opening every column leaves no query error.
  double query = t >= len ? 0.0 : std::pow(1.0 - delta, static_cast<double>(t));
  // Proximity and evaluation combinations: |codeword| / |F_ext| each, plus
  // batching up to 2^16 polynomials: 2^16 / |F_ext|. |F_ext| = p^2 > 2^127.99.
  double field = std::ldexp(1.0, -127);
  // The verifier's combination xi of the two column checks adds 1 / |F_ext|.
  double comb = (2.0 * static_cast<double>(len) + 65536.0 + 1.0) * field;
  return -std::log2(query + comb);
}

Result<PcsCommitted> LigeroPcs::Commit(std::vector<std::vector<Fp>> polys) const {
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
  size_t rows = size_t{1} << d->shape.rows_log, cols = size_t{1} << d->shape.cols_log;
  d->height = polys.size() * rows;
  d->codeword_len = cols << params_.log_inv_rate;
  d->polys = std::move(polys);
  d->encoded_columns.resize(d->codeword_len * d->height);
  size_t blocks = (d->height + kRowBlock - 1) / kRowBlock;
  ParallelFor(
      blocks, params_.threads,
      [&](size_t b, size_t e) {
        std::vector<Fp> tmp(kRowBlock * d->codeword_len);
        for (size_t blk = b; blk < e; ++blk) {
          size_t r0 = blk * kRowBlock, r1 = std::min(d->height, r0 + kRowBlock);
          for (size_t r = r0; r < r1; ++r) {
            std::span<const Fp> msg(d->polys[r / rows].data() + (r % rows) * cols, cols);
            EncodeRow(msg, std::span<Fp>(tmp).subspan((r - r0) * d->codeword_len, d->codeword_len));
          }
          for (size_t j = 0; j < d->codeword_len; ++j) {
            Fp* dst = d->encoded_columns.data() + j * d->height + r0;
            for (size_t r = r0; r < r1; ++r) dst[r - r0] = tmp[(r - r0) * d->codeword_len + j];
          }
        }
      },
      1);
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
  if (d == nullptr) return Error(Code::kInvalidArgument, "ligero: prover data of another scheme");
  if (point.size() != d->commitment.num_vars) {
    return Error(Code::kInvalidArgument, "ligero: point has the wrong number of variables");
  }
  size_t rows = size_t{1} << d->shape.rows_log;
  std::span<const Fp2> z_col = point.first(d->shape.cols_log);
  std::span<const Fp2> z_row = point.subspan(d->shape.cols_log);
  std::vector<Fp2> eq_row = EqTable(z_row), eq_col = EqTable(z_col, params_.threads);
  // Per-polynomial evaluation rows u_k = sum_i eq_row[i] row_{k,i}; y_k = <eq_col, u_k>.
  std::vector<std::vector<Fp2>> u(d->polys.size());
  std::vector<Fp2> ys(d->polys.size());
  for (size_t k = 0; k < d->polys.size(); ++k) {
    std::vector<Fp2> coeffs(d->height);
    std::copy(eq_row.begin(), eq_row.end(), coeffs.begin() + k * rows);
    u[k] = CombineRows(*d, coeffs, params_.threads);
    ys[k] = Dot(eq_col, u[k]);
  }
  AbsorbStatement(transcript, d->commitment, point, ys);
  LigeroProof proof;
  std::vector<Fp2> gamma = transcript.ChallengeFp2s("ligero.gamma", d->height);
  proof.u_prox = CombineRows(*d, gamma, params_.threads);
  transcript.AbsorbFp2s("ligero.u_prox", proof.u_prox);
  Fp2 beta = transcript.ChallengeFp2("ligero.beta");
  proof.u_eval.assign(eq_col.size(), Fp2::Zero());
  Fp2 power = Fp2::One();
  for (size_t k = 0; k < u.size(); ++k) {
    for (size_t j = 0; j < u[k].size(); ++j) proof.u_eval[j] += power * u[k][j];
    power *= beta;
  }
  transcript.AbsorbFp2s("ligero.u_eval", proof.u_eval);
  std::vector<size_t> queries =
      SortedQueries(transcript, num_queries(d->commitment.num_vars), d->codeword_len);
  for (size_t q : queries) {
    const Fp* col = d->encoded_columns.data() + q * d->height;
    proof.columns.emplace_back(col, col + d->height);
  }
  proof.merkle_nodes = d->tree.MultiProof(queries);
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
  size_t rows = size_t{1} << s.rows_log, cols = size_t{1} << s.cols_log;
  size_t height = rows * c.num_polys, len = cols << params_.log_inv_rate;
  size_t t = num_queries(c.num_vars), depth = s.cols_log + params_.log_inv_rate;
  if (proof.u_prox.size() != cols || proof.u_eval.size() != cols || proof.columns.size() != t) {
    return Fail("proof has the wrong shape");
  }
  for (size_t n = 0; n < t; ++n) {
    if (proof.columns[n].size() != height) {
      return Fail("query " + std::to_string(n) + " has the wrong shape");
    }
  }
  AbsorbStatement(transcript, c, point, evals);
  std::vector<Fp2> gamma = transcript.ChallengeFp2s("ligero.gamma", height);
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

  std::vector<Fp2> eq_col = EqTable(point.first(s.cols_log));
  std::vector<Fp2> eq_row = EqTable(point.subspan(s.cols_log));
  Fp2 claimed, power = Fp2::One();
  std::vector<Fp2> beta_pows(c.num_polys);
  for (size_t k = 0; k < c.num_polys; ++k) {
    beta_pows[k] = power;
    claimed += power * evals[k];
    power *= beta;
  }
  if (Dot(eq_col, proof.u_eval) != claimed) return Fail("u_eval does not give the evaluations");
  // One combined check per column: Enc(u_prox + xi u_eval)[q] against
  // sum_i (gamma_i + xi beta^k eq_row[i]) col_i, row (k, i) stacked.
  std::vector<Fp2> combined(cols);
  for (size_t j = 0; j < cols; ++j) combined[j] = proof.u_prox[j] + xi * proof.u_eval[j];
  std::vector<Fp2> encoded = EncodeExt(combined, len);
  std::vector<Fp2> coeffs(height);
  for (size_t k = 0; k < c.num_polys; ++k) {
    Fp2 scale = xi * beta_pows[k];
    for (size_t i = 0; i < rows; ++i)
      coeffs[k * rows + i] = gamma[k * rows + i] + scale * eq_row[i];
  }
  for (size_t n = 0; n < t; ++n) {
    const std::vector<Fp>& col = proof.columns[n];
    LazySum a0, a1;
    for (size_t i = 0; i < height; ++i) {
      a0.AddProduct(coeffs[i].c0().value(), col[i].value());
      a1.AddProduct(coeffs[i].c1().value(), col[i].value());
    }
    if (Fp2(a0.Value(), a1.Value()) != encoded[queries[n]]) {
      return Fail("query " + std::to_string(n) + " (column " + std::to_string(queries[n]) +
                  "): column disagrees with u_prox + xi u_eval");
    }
  }
  return Status::Ok();
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
  Shape s = ShapeFor(c.num_vars);
  VINET_ASSIGN_OR_RETURN(
      LigeroProof proof,
      LigeroProof::Parse(proof_bytes, size_t{1} << s.cols_log,
                         c.num_polys * (size_t{1} << s.rows_log), num_queries(c.num_vars),
                         s.cols_log + params_.log_inv_rate));
  return VerifyProof(c, point, evals, proof, transcript);
}

}  // namespace vinet::zk
