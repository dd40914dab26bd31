// Ligero-style multilinear commitment (transparent, hash-based).
//
// A polynomial of n variables is laid out as a matrix of 2^rows_log rows and
// 2^cols_log columns (evaluation index = row * cols + col, so the low
// cols_log variables select the column). Each row is Reed-Solomon encoded at
// rate 1/2^log_inv_rate by zero-padding and an NTT (codeword symbols in
// bit-reversed order); the batch's encoded rows are stacked and every column
// of the encoded matrix is a Merkle leaf. An opening at point z = (z_col,
// z_row) sends two combinations of the message rows: u_prox with random
// coefficients gamma (proximity) and u_eval = sum_k beta^k sum_i eq(z_row, i)
// row_{k,i} (evaluation), then t distinct queried columns (in increasing
// index order) with one Merkle multi-proof. The verifier checks
// <eq(z_col), u_eval> = sum_k beta^k y_k and, at every queried column, that
// the encoding of u_prox + xi u_eval (xi drawn after the queries) matches the
// same combination of the column: one encoding and one dot product per column
// instead of two, at an extra soundness error of 1/|F_ext|.
// t = ceil(lambda / -log2(1 - delta)), delta = (1 - rho) / 2 (docs/zk.md).
//
// Hiding (LigeroParams::hiding, docs/zk.md "Zero knowledge"): every row's
// message is extended by `pad` >= t uniformly random symbols (so any t
// symbols of an encoded row are uniform whatever the row), four random mask
// rows are stacked under the data rows (P0, P1 enter only u_prox, so u_prox
// is uniform; E0 + X*E1 is added to u_eval, whose evaluation `blind_eval` is
// sent, so u_eval is uniform), and every column carries two random salt
// values hashed into its leaf (unopened leaves reveal nothing). An opening
// then reveals only the evaluations it proves. Masks come from the CSPRNG
// (zk/random.h): commitments and openings are not reproducible.
// Thread-safe: the scheme object is immutable.
#pragma once

#include <functional>
#include <optional>

#include "vinet/zk/pcs/merkle.h"
#include "vinet/zk/pcs/pcs.h"

namespace vinet::zk {

struct LigeroParams {
  int security_bits = 100;  // lambda for the query phase
  int log_inv_rate = 2;     // rate 1/4
  unsigned threads = 1;     // prover parallelism
  bool hiding = false;      // zero-knowledge openings (padding, mask rows, salts)
};

// Every size of a commitment and its openings, a function of the parameters,
// num_vars and num_polys alone (prover, verifier and parser agree on it).
struct LigeroGeometry {
  size_t rows = 0, cols = 0;  // message matrix of one polynomial
  size_t data_height = 0;     // num_polys * rows
  size_t combo_height = 0;    // rows in the linear checks: data (+ 4 mask rows if hiding)
  size_t column_height = 0;   // values per opened column (+ 2 salt values if hiding)
  size_t pad = 0;             // random symbols appended to each message row (hiding)
  size_t msg_len = 0;         // cols + pad: length of u_prox and u_eval
  size_t len = 0;             // codeword length = number of Merkle leaves
  size_t depth = 0;           // log2(len)
  size_t queries = 0;         // t
  double rho = 0;             // msg_len / len
  bool hiding = false;
};

// Queries for the query phase at an arbitrary rate rho: ceil(lambda / -log2(1 - (1 - rho)/2)).
size_t LigeroNumQueriesAtRate(int security_bits, double rho);

// Queries for the query phase: ceil(lambda / -log2(1 - (1 - rho)/2)).
size_t LigeroNumQueries(int security_bits, int log_inv_rate);

// The opening proof, as sent.
struct LigeroProof {
  std::vector<Fp2> u_prox;               // cols entries
  std::vector<Fp2> u_eval;               // cols entries (msg_len if hiding)
  std::optional<Fp2> blind_eval;         // hiding only: (E0 + X E1)(z_col), after u_eval
  std::vector<std::vector<Fp>> columns;  // t columns of num_polys * rows values, increasing index
  std::vector<Digest> merkle_nodes;      // multi-proof of the t columns (MerkleTree::MultiProof)

  void Serialize(ByteWriter& w) const;
  Bytes ToBytes() const;
  // Shape checked against the commitment (u lengths, t, column height, at
  // most MultiProofMaxSize(depth, t) Merkle nodes); wrong counts are kParse
  // errors. The exact
  // node count depends on the queries and is checked by the verifier.
  static Result<LigeroProof> Parse(ByteSpan bytes, size_t cols, size_t column_height,
                                   size_t num_queries, size_t depth);
  // The same for any geometry (a hiding one expects blind_eval).
  static Result<LigeroProof> Parse(ByteSpan bytes, const LigeroGeometry& g);
};

class LigeroPcs final : public MultilinearPcs {
 public:
  explicit LigeroPcs(LigeroParams params = {});

  struct Shape {
    size_t rows_log, cols_log;
  };
  // The matrix shape used for n variables (balances proof size and verify time).
  static Shape ShapeFor(size_t num_vars);
  size_t num_queries(size_t num_vars) const;
  LigeroGeometry Geometry(size_t num_vars, size_t num_polys) const;
  bool hiding() const override { return params_.hiding; }

  std::string_view name() const override {
    return params_.hiding ? "ligero-sha256-rs4-zk" : "ligero-sha256-rs4";
  }
  // name || u32 security_bits || u32 log_inv_rate || u32 format version
  // (2; 3 when hiding, whose name also differs).
  Bytes ParametersEncoding() const override;
  double SoundnessBits(size_t num_vars) const override;
  // Hiding: masks from a fresh RandomSeed().
  Result<PcsCommitted> Commit(std::vector<std::vector<Fp>> polys) const override;
  // Hiding: every mask (pads, mask rows, salts) from MaskStream(mask_seed)
  // (MultilinearPcs). Without hiding the seed is ignored.
  Result<PcsCommitted> CommitWithMaskSeed(std::vector<std::vector<Fp>> polys,
                                          const Digest& mask_seed) const override;
  Result<PcsOpening> Open(const PcsProverData& data, std::span<const Fp2> point,
                          Transcript& transcript) const override;
  Status Verify(const PcsCommitment& commitment, std::span<const Fp2> point,
                std::span<const Fp2> evals, ByteSpan proof, Transcript& transcript) const override;

  // Structured forms of Open/Verify, used by the tests that alter components.
  Result<LigeroProof> OpenProof(const PcsProverData& data, std::span<const Fp2> point,
                                Transcript& transcript, std::vector<Fp2>* evals) const;
  Status VerifyProof(const PcsCommitment& commitment, std::span<const Fp2> point,
                     std::span<const Fp2> evals, const LigeroProof& proof,
                     Transcript& transcript) const;

  // Tensor openings: the value sum_{i,j} eq(row_point, i) w_j P[i * cols + j]
  // for arbitrary column weights w (cols = Geometry(...).cols entries) and a
  // row point of rows_log coordinates; an MLE evaluation is the case
  // w = eq(z_col). Used for inner products with public vectors (the masked
  // sumcheck's mask polynomial, laid out in row 0). Same proof format.
  Result<PcsOpening> OpenTensor(const PcsProverData& data, std::span<const Fp2> row_point,
                                std::span<const Fp2> col_weights, Transcript& transcript) const;
  Status VerifyTensor(const PcsCommitment& commitment, std::span<const Fp2> row_point,
                      std::span<const Fp2> col_weights, std::span<const Fp2> evals, ByteSpan proof,
                      Transcript& transcript) const;

 private:
  Result<LigeroProof> OpenWeighted(const PcsProverData& data, std::span<const Fp2> eq_row,
                                   std::span<const Fp2> eq_col,
                                   const std::function<void(std::span<const Fp2>)>& absorb,
                                   Transcript& transcript, std::vector<Fp2>* evals) const;
  Status VerifyWeighted(const PcsCommitment& c, std::span<const Fp2> eq_row,
                        std::span<const Fp2> eq_col, std::span<const Fp2> evals,
                        const LigeroProof& proof, Transcript& transcript,
                        const std::function<void()>& absorb) const;

  LigeroParams params_;
};

}  // namespace vinet::zk
