// LogUp lookups proved with a GKR tree of fractional sums.
//
// Statement: every witness row (w_0[i], w_1[i]) (one or two columns of 2^n_w
// base-field values) is a row of the table (2^n_t rows), with multiplicities
// m_j. With transcript challenges beta (column combination) and alpha, this
// is the identity sum_i 1/(alpha - f_i) - sum_j m_j/(alpha - t_j) = 0, where
// f_i = w_0[i] + beta w_1[i] and t_j = T_0[j] + beta T_1[j]. The fractions are
// the leaves of one binary tree of 2^L leaves, L = 1 + max(n_w, n_t) (the top
// variable selects witness or table side; unused leaves are 0/1), and each
// layer is reduced to the one below by a degree-3 sumcheck, so no inverse or
// helper column is ever committed. The verifier checks that the root
// numerator is 0 (and the denominator nonzero) and ends with claims on the
// witness columns' MLEs at r_w, on m's MLE at r_t and, for a committed table,
// on the table columns at r_t, which the caller discharges (PCS openings).
// A closed-form table is evaluated by the verifier itself.
// Batches (ProveLogUpBatch): I lookups, each with its own table, witness and
// multiplicities, share beta, alpha and ONE tree depth L = max_i L_i (each
// tree padded with 0/1 leaves, which leaves its root sum unchanged), and each
// GKR layer k = 1..L-1 is ONE sumcheck over k variables of
// eq(rho, y) sum_i [lambda^{2i} (p_e q_o + p_o q_e) + lambda^{2i+1} q_e q_o]_i
// (one lambda per layer), so the rounds are paid once, not I times.
// The caller must absorb the commitments to the witness, the multiplicities
// (and a committed table) into the transcript before calling Prove/Verify.
#pragma once

#include <array>
#include <span>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/zk/lookup/tables.h"
#include "vinet/zk/sumcheck/mask_bank.h"
#include "vinet/zk/sumcheck/sumcheck.h"
#include "vinet/zk/transcript/transcript.h"

namespace vinet::zk {

// The public shape of a lookup, known to the verifier.
struct LogUpStatement {
  size_t witness_vars = 0;
  size_t table_vars = 0;
  size_t num_columns = 1;
  const LookupTable* closed_table = nullptr;  // null: committed table, claims returned

  size_t tree_vars() const { return 1 + std::max(witness_vars, table_vars); }
};

struct LogUpProof {
  std::array<Fp2, 4> layer1{};        // p(0), p(1), q(0), q(1) of the layer under the root
  std::vector<SumcheckProof> layers;  // tree_vars - 1 layer reductions
  std::vector<Fp2> witness_evals;     // w_c(r_w) per column
  Fp2 multiplicity_eval;              // m(r_t)
  std::vector<Fp2> table_evals;       // T_c(r_t) per column, committed tables only

  void Serialize(ByteWriter& w) const;
  Bytes ToBytes() const;
  // Counts are fixed by the statement; anything else is kParse.
  static Result<LogUpProof> Parse(ByteSpan bytes, const LogUpStatement& statement);
};

// Per instance of a batch: the leaf evaluations at the shared point.
struct LogUpLeafEvals {
  std::vector<Fp2> witness_evals;  // w_c(r_w) per column
  Fp2 multiplicity_eval;           // m(r_t)
  std::vector<Fp2> table_evals;    // T_c(r_t) per column, committed tables only
};

// Encoding: per instance p(0), p(1), q(0), q(1) of its layer 1 ‖ per layer
// k = 1..L-1 a SumcheckProof (k rounds of degree 3; final values p_e, p_o,
// q_e, q_o per instance, eq(rho, r) not sent: the verifier computes it) ‖ per
// instance its witness evaluations, m(r_t) and committed-table evaluations.
// Every count is fixed by the statements, none is sent.
struct LogUpBatchProof {
  std::vector<std::array<Fp2, 4>> layer1;  // per instance
  std::vector<SumcheckProof> layers;       // L - 1 layer reductions
  std::vector<LogUpLeafEvals> leaves;      // per instance

  void Serialize(ByteWriter& w) const;
  Bytes ToBytes() const;
  // Counts are fixed by the statements; anything else is kParse naming the field.
  static Result<LogUpBatchProof> Parse(ByteReader& r, std::span<const LogUpStatement> statements);
  static Result<LogUpBatchProof> Parse(ByteSpan bytes, std::span<const LogUpStatement> statements);
};

// The shared tree depth of a batch: max_i tree_vars_i (0 for no instance).
size_t BatchTreeVars(std::span<const LogUpStatement> statements);

// The claims the caller must still check (e.g. with PCS openings).
struct LogUpClaims {
  std::vector<Fp2> witness_point;  // n_w coordinates
  std::vector<Fp2> witness_evals;
  std::vector<Fp2> table_point;  // n_t coordinates
  Fp2 multiplicity_eval;
  std::vector<Fp2> table_evals;  // empty for closed-form tables
};

// m_j = number of witness rows equal to table row j. kInvalidArgument naming
// the first witness row that is not in the table.
Result<std::vector<Fp>> ComputeMultiplicities(const LookupTable& table,
                                              std::span<const std::vector<Fp>> witness);

// Proves the lookup for the given multiplicities (not re-checked: a wrong
// witness yields a proof the verifier rejects). kInvalidArgument for shape
// errors or a zero denominator (probability ~ 2^-100). If `claims` is not
// null it receives the claims the verifier will end with (points and values),
// which the prover then proves, e.g. with PCS openings. With `bank` (zero
// knowledge) every layer sumcheck k = 1..L-1 is the bank's next slot
// (k variables, degree 3; sumcheck/mask_bank.h); VerifyLogUp likewise.
Result<LogUpProof> ProveLogUp(const LookupTable& table, std::span<const std::vector<Fp>> witness,
                              std::span<const Fp> multiplicities, Transcript& transcript,
                              unsigned threads = 1, LogUpClaims* claims = nullptr,
                              MaskBankProver* bank = nullptr);

// kVerification naming the failed check; on success, claims to discharge.
Result<LogUpClaims> VerifyLogUp(const LogUpStatement& statement, const LogUpProof& proof,
                                Transcript& transcript, MaskBankVerifier* bank = nullptr);

// One lookup of a batch, prover side (spans must outlive the call).
struct LogUpInstance {
  const LookupTable* table = nullptr;
  std::span<const std::vector<Fp>> witness;
  std::span<const Fp> multiplicities;
};

// Proves I >= 1 lookups in one batch (see above); kInvalidArgument as
// ProveLogUp, naming the instance. `claims` receives one LogUpClaims per
// instance (its points are prefixes of the shared point). With `bank` every
// layer k = 1..L-1 is ONE bank slot (k variables, degree 3).
Result<LogUpBatchProof> ProveLogUpBatch(std::span<const LogUpInstance> instances,
                                        Transcript& transcript, unsigned threads = 1,
                                        std::vector<LogUpClaims>* claims = nullptr,
                                        MaskBankProver* bank = nullptr);

// kVerification naming the failed check (and the instance, for a root or
// leaf check); on success one LogUpClaims per statement, in order.
Result<std::vector<LogUpClaims>> VerifyLogUpBatch(std::span<const LogUpStatement> statements,
                                                  const LogUpBatchProof& proof,
                                                  Transcript& transcript,
                                                  MaskBankVerifier* bank = nullptr);

// The statement a prover's inputs correspond to.
LogUpStatement StatementFor(const LookupTable& table, size_t witness_vars);

}  // namespace vinet::zk
