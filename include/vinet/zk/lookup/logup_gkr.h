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

// The statement a prover's inputs correspond to.
LogUpStatement StatementFor(const LookupTable& table, size_t witness_vars);

}  // namespace vinet::zk
