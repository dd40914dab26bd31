// LogUp internals shared by the prover, the single verifier and the batch
// verifier (private to src/zk/lookup).
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vinet/zk/lookup/logup_gkr.h"

namespace vinet::zk::logup_detail {

constexpr size_t kMaxVars = 30;

// Absorbs an instance's shape (witness_vars, table_vars, columns, closed).
void AbsorbShape(Transcript& t, const LogUpStatement& s);
// kVerification "logup: <what>".
Status Fail(const std::string& what);
// prod_{from <= k < to} (1 - r_k): selects the real rows of a padded region.
Fp2 Selector(std::span<const Fp2> r, size_t from, size_t to);
// The leaf check of one instance at the (shared) point r, tree_vars = |r|:
// its padded leaves' p and q MLEs, from the claimed evaluations, equal the
// layer claims (claim_p, claim_q). table_evals: the committed table's
// claimed values or the closed form's own.
bool LeavesMatch(const LogUpStatement& st, std::span<const Fp2> r, Fp2 alpha, Fp2 beta,
                 const std::vector<Fp2>& witness_evals, Fp2 m_eval,
                 const std::vector<Fp2>& table_evals, Fp2 claim_p, Fp2 claim_q);
// The claims one instance leaves to the caller at the shared leaf point r
// (prefixes for witness and table), or nullopt when its leaf evaluations do
// not match the layer claims (LeavesMatch; a closed table is evaluated here).
std::optional<LogUpClaims> LeafClaims(const LogUpStatement& st, std::span<const Fp2> r, Fp2 alpha,
                                      Fp2 beta, const LogUpLeafEvals& leaves, Fp2 claim_p,
                                      Fp2 claim_q);
// The layer-1 claims at mu from each instance's p(0), p(1), q(0), q(1).
void LayerOneClaims(std::span<const std::array<Fp2, 4>> layer1, Fp2 mu, std::vector<Fp2>& claim_p,
                    std::vector<Fp2>& claim_q);
// kInvalidArgument for an unsupported shape or a closed table that does not
// match the statement.
Status CheckStatement(const LogUpStatement& st);

}  // namespace vinet::zk::logup_detail
