#include "vinet/zk/sumcheck/joint_bank_batch.h"

#include <array>
#include <bit>
#include <optional>

#include <fmt/format.h>

#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/random.h"
#include "vinet/zk/sumcheck/sumcheck.h"
#include "zk/sumcheck/claim_combination.h"
#include "zk/sumcheck/pair_values.h"

namespace vinet::zk {
namespace {

using Values = std::array<Fp2, 3>;  // g(0), g(1), g(2)

Fp2 Pow2(size_t k) {
  return Fp2(Fp(uint64_t{1} << k));
}

Status Invalid(const std::string& what) {
  return Error(Code::kInvalidArgument, "joint bank batch: " + what);
}

// Chunk c's part of T's weights, zero beyond T (2^n2 entries).
std::vector<Fp2> ChunkWeights(std::span<const Fp2> w_t, size_t chunk, size_t n2, Fp2 scale) {
  size_t len = size_t{1} << n2, from = chunk * len;
  std::vector<Fp2> out(len);
  for (size_t i = 0; i < len && from + i < w_t.size(); ++i) out[i] = scale * w_t[from + i];
  return out;
}

// The same chunk's multilinear extension at r' (n2 coordinates), O(2^m) in all.
Fp2 ChunkWeightAt(std::span<const Fp2> w_t, size_t chunk, std::span<const Fp2> r) {
  size_t len = size_t{1} << r.size();
  if (w_t.size() > len) return EvaluateMle(w_t.subspan(chunk * len, len), r);
  size_t m = std::countr_zero(w_t.size());
  Fp2 zero_rest = Fp2::One();  // eq(0, r_{m..}): T is zero beyond its entries
  for (size_t i = m; i < r.size(); ++i) zero_rest *= Fp2::One() - r[i];
  return EvaluateMle(w_t, r.first(m)) * zero_rest;
}

// The bank's entry (both sides alike): T's claim, v and u, G1 and G2, then
// the three combination challenges.
struct Entry {
  BankClaim bank;
  std::vector<Fp2> v, u;
  Fp2 r1_sum, r2_sum;  // G1, G2
  Fp2 beta_t, rho1, rho2;
};

// Absorbs G1 and G2 and draws beta_T, rho1, rho2.
void DrawCombination(Entry& e, Transcript& t) {
  t.AbsorbFp2("jointbank.r1_sum", e.r1_sum);
  t.AbsorbFp2("jointbank.r2_sum", e.r2_sum);
  e.beta_t = t.ChallengeFp2("jointbank.beta");
  e.rho1 = t.ChallengeFp2("jointbank.rho1");
  e.rho2 = t.ChallengeFp2("jointbank.rho2");
}

// What the entry adds to the running claim.
Fp2 EntrySum(const Entry& e) {
  return e.beta_t * e.bank.value + e.rho1 * e.r1_sum + e.rho2 * e.r2_sum;
}

// The prover's secondary side: A's pair, then (after the entry) the bank's.
struct SecondaryPairs {
  std::vector<std::vector<Fp2>> x, y;

  Values Sum(unsigned threads) const {
    Values v{};
    for (size_t p = 0; p < x.size(); ++p) {
      Values pv = detail::PairValues<Fp2>(x[p], y[p], threads);
      for (size_t k = 0; k < 3; ++k) v[k] += pv[k];
    }
    return v;
  }
  void Fold(Fp2 r, unsigned threads) {
    for (size_t p = 0; p < x.size(); ++p) {
      FoldFirstVariable(x[p], r, threads);
      FoldFirstVariable(y[p], r, threads);
    }
  }
};

Status CheckTables(std::span<const Fp> w, std::span<const Fp2> e_w, std::span<const Fp> a,
                   std::span<const Fp2> e_a, std::span<const std::vector<Fp>> bank_polys,
                   size_t table_size) {
  if (w.size() < 2 || w.size() != e_w.size() || a.size() < 2 || a.size() != e_a.size() ||
      !std::has_single_bit(w.size()) || !std::has_single_bit(a.size()) || a.size() > w.size()) {
    return Invalid("tables must be 2^n >= 2^n2 >= 2");
  }
  size_t want = JointBankPolyCount(std::countr_zero(table_size), std::countr_zero(a.size()));
  if (bank_polys.size() != want) {
    return Invalid(fmt::format("{} bank polynomials, want {}", bank_polys.size(), want));
  }
  size_t masks = bank_polys[0].size();
  if (!std::has_single_bit(masks) || bank_polys[1].size() != masks ||
      !JointMasksFit(std::countr_zero(table_size), std::countr_zero(masks),
                     std::countr_zero(a.size()))) {
    return Invalid("R1 and R2 must be two tables of 2^k <= 2^n2 values that hold T");
  }
  for (size_t c = 2; c < bank_polys.size(); ++c) {
    if (bank_polys[c].size() != a.size())
      return Invalid("a chunk of T is not the secondary's size");
  }
  return Status();
}

// Round i < j: the lifted A pair's constant share.
Values LiftedShare(Fp2 lifted_sum, size_t lift, size_t i) {
  Fp2 c = lifted_sum * Pow2(lift - i - 1);
  return {c, c, c};
}

// Adds the slot's mask round i to `s`.
void AddMaskRound(Values& s, const MaskRounds& masked, size_t i) {
  UnivariatePoly m = masked.Round(i);
  for (size_t k = 0; k < 3; ++k) s[k] += m.Evaluate(Fp2(Fp(static_cast<uint64_t>(k))));
}

// The bank's entry on the prover's side: draws it and adds the bank's pairs
// (R1, R2 of k variables, T's chunks of n2).
Result<Entry> EnterBank(std::span<const std::vector<Fp>> polys, size_t n2, MaskBankProver& bank,
                        SecondaryPairs& pairs, Transcript& t, unsigned threads) {
  Entry e;
  size_t k = std::countr_zero(polys[0].size());
  VINET_ASSIGN_OR_RETURN(e.bank, bank.Claim(t));
  e.v = t.ChallengeFp2s("jointbank.v", k);
  e.u = t.ChallengeFp2s("jointbank.u", k);
  size_t table_vars = std::countr_zero(e.bank.weights.size());
  std::array<std::vector<Fp2>, 2> eqs = {EqTable(e.v, threads), EqTable(e.u, threads)};
  e.r1_sum = EvaluateMle(polys[0], e.v);  // sum_b R1(b) eq(v, b)
  e.r2_sum = EvaluateMle(polys[1], e.u);
  DrawCombination(e, t);
  for (Fp2& x : eqs[0]) x *= e.rho1;
  for (Fp2& x : eqs[1]) x *= e.rho2;
  if (TableInMask(table_vars, k)) {  // T's weights join R1's
    std::vector<Fp2> wt = ChunkWeights(e.bank.weights, 0, k, e.beta_t);
    for (size_t b = 0; b < wt.size(); ++b) eqs[0][b] += wt[b];
  }
  for (size_t k = 0; k < 2; ++k) {
    pairs.x.push_back(ToExtension(polys[k]));
    pairs.y.push_back(std::move(eqs[k]));
  }
  for (size_t c = 0; c + 2 < polys.size(); ++c) {
    pairs.x.push_back(ToExtension(polys[2 + c]));
    pairs.y.push_back(ChunkWeights(e.bank.weights, c, n2, e.beta_t));
  }
  return e;
}

}  // namespace

bool TableInMask(size_t table_vars, size_t secondary_vars) {
  return table_vars < secondary_vars && secondary_vars >= 4;
}

size_t JointBankChunks(size_t table_vars, size_t secondary_vars) {
  if (TableInMask(table_vars, secondary_vars)) return 0;
  return table_vars > secondary_vars ? size_t{1} << (table_vars - secondary_vars) : 1;
}

size_t JointBankPolyCount(size_t table_vars, size_t secondary_vars) {
  return 2 + JointBankChunks(table_vars, secondary_vars);
}

bool JointMasksFit(size_t table_vars, size_t mask_vars, size_t secondary_vars) {
  return mask_vars >= 1 && mask_vars <= secondary_vars &&
         (mask_vars == secondary_vars || TableInMask(table_vars, mask_vars));
}

size_t JointMaskVars(std::span<const MaskShape> other_slots, size_t num_vars,
                     size_t secondary_vars) {
  std::vector<MaskShape> shapes(other_slots.begin(), other_slots.end());
  for (size_t k = kMinJointMaskVars; k < secondary_vars && k <= num_vars; ++k) {
    shapes.resize(other_slots.size());
    if (num_vars > k) shapes.push_back({num_vars - k, 2});
    if (TableInMask(MaskBankVars(shapes), k)) return k;
  }
  return secondary_vars;
}

Result<std::vector<std::vector<Fp>>> JointBankPolys(std::span<const Fp> table,
                                                    size_t secondary_vars, size_t mask_vars) {
  if (table.empty() || !std::has_single_bit(table.size()) || secondary_vars == 0 ||
      secondary_vars > 30) {
    return Invalid("T must have 2^m values and the secondary 1..30 variables");
  }
  size_t len = size_t{1} << secondary_vars, table_vars = std::countr_zero(table.size());
  if (!JointMasksFit(table_vars, mask_vars, secondary_vars)) {
    return Invalid("R1, R2 must have 1..n2 variables and, below n2, hold T");
  }
  size_t mask_len = size_t{1} << mask_vars;
  std::vector<std::vector<Fp>> out = {RandomFps(mask_len), RandomFps(mask_len)};  // R1, R2
  if (TableInMask(table_vars, mask_vars)) {
    std::copy(table.begin(), table.end(), out[0].begin());
    return out;
  }
  for (size_t c = 0; c < JointBankChunks(table_vars, secondary_vars); ++c) {
    std::vector<Fp>& p = out.emplace_back(len, Fp::Zero());
    for (size_t i = 0; i < len && c * len + i < table.size(); ++i) p[i] = table[c * len + i];
  }
  return out;
}

void JointBankBatchProof::Serialize(ByteWriter& w) const {
  if (slot_eval) w.Field(*slot_eval);
  w.Field(r1_sum);
  w.Field(r2_sum);
  sumcheck.Serialize(w);
}

Result<JointBankBatchProof> JointBankBatchProof::Parse(ByteReader& r, size_t num_vars,
                                                       size_t bank_polys, bool slot) {
  JointBankBatchProof p;
  if (slot) {
    VINET_ASSIGN_OR_RETURN(p.slot_eval, r.ReadFp2("jointbank.slot_eval"));
  }
  VINET_ASSIGN_OR_RETURN(p.r1_sum, r.ReadFp2("jointbank.r1_sum"));
  VINET_ASSIGN_OR_RETURN(p.r2_sum, r.ReadFp2("jointbank.r2_sum"));
  VINET_ASSIGN_OR_RETURN(p.sumcheck, SumcheckProof::Parse(r, num_vars, 2, 2 + bank_polys));
  return p;
}

Result<JointBankBatchProof> ProveJointBankTables(std::span<const Fp> w, std::span<const Fp2> e_w,
                                                 std::span<const Fp> a, std::span<const Fp2> e_a,
                                                 std::span<const std::vector<Fp>> bank_polys,
                                                 MaskBankProver& bank, Transcript& t,
                                                 JointBankClaims* reduced, unsigned threads) {
  VINET_RETURN_IF_ERROR(CheckTables(w, e_w, a, e_a, bank_polys, bank.table().size()));
  size_t n = std::countr_zero(w.size()), n2 = std::countr_zero(a.size()), lift = n - n2;
  size_t k = std::countr_zero(bank_polys[0].size()), slot = n - k;
  // Rounds 0..n-k-1: the bank's slot of n - k variables, constant in the last k.
  std::optional<SumcheckMask> mask;
  std::optional<MaskRounds> masked;
  if (slot > 0) {
    VINET_ASSIGN_OR_RETURN(mask, bank.Begin(slot, 2, t));
    mask->rho *= Pow2(k);
    masked.emplace(*mask);
  }
  detail::FoldingPair<std::vector<Fp2>> wt{w, e_w};
  Values w_values = detail::PairValues<Fp>(w, e_w, threads);
  SecondaryPairs pairs{{ToExtension(a)}, {{e_a.begin(), e_a.end()}}};
  Values a_values = pairs.Sum(threads);
  Fp2 lifted_sum = a_values[0] + a_values[1];  // sum_y A(y) E_A(y)
  JointBankBatchProof proof;
  SumcheckProverOutput out;
  Fp2 claim;
  std::optional<Entry> entry;
  if (slot == 0) {
    VINET_ASSIGN_OR_RETURN(entry, EnterBank(bank_polys, n2, bank, pairs, t, threads));
  }
  for (size_t i = 0; i < n; ++i) {
    Values v = w_values;
    Values s = i < lift ? LiftedShare(lifted_sum, lift, i) : pairs.Sum(threads);
    if (i < slot) AddMaskRound(s, *masked, i);
    for (size_t c = 0; c < 3; ++c) v[c] += s[c];
    if (i == 0) {
      out.claimed_sum = v[0] + v[1];
      t.AbsorbFp2("sumcheck.claim", out.claimed_sum);
    } else {
      v[1] = claim - v[0];  // g(1) from the running claim
    }
    Fp2 r = SendRound(std::span<const Fp2>(v.data(), 3), t, out, claim);
    w_values = wt.Fold(i, r, threads);
    if (i < slot) masked->Bind(i, r);
    if (i >= lift) pairs.Fold(r, threads);
    if (i + 1 == slot) {  // the slot ends; the bank enters
      bank.End(out.point, t);
      proof.slot_eval = bank.evals().back();
      claim -= mask->rho * *proof.slot_eval;
      VINET_ASSIGN_OR_RETURN(entry, EnterBank(bank_polys, n2, bank, pairs, t, threads));
      claim += EntrySum(*entry);
    }
  }
  proof.r1_sum = entry->r1_sum;
  proof.r2_sum = entry->r2_sum;
  std::vector<Fp2> finals = {wt.a[0]};  // W(r), then A and the bank's at r'
  for (const auto& x : pairs.x) finals.push_back(x[0]);
  t.AbsorbFp2s("sumcheck.final_evals", finals);
  out.proof.final_evals = finals;
  proof.sumcheck = std::move(out.proof);
  if (reduced != nullptr) {
    reduced->primary = {out.point, finals[0]};
    reduced->secondary_point.assign(out.point.begin() + static_cast<ptrdiff_t>(lift),
                                    out.point.end());
    reduced->secondary_evals.assign(finals.begin() + 1, finals.end());
  }
  return proof;
}

Result<JointBankBatchProof> ProveJointBankBatch(
    std::span<const Fp> w, std::span<const EvalClaim> w_claims, std::span<const Fp> a,
    std::span<const EvalClaim> a_claims, std::span<const std::vector<Fp>> bank_polys,
    MaskBankProver& bank, Transcript& t, JointBankClaims* reduced, unsigned threads) {
  if (w.size() < 2 || a.size() < 2 || !std::has_single_bit(w.size()) ||
      !std::has_single_bit(a.size()) || a.size() > w.size()) {
    return Invalid("tables must be 2^n >= 2^n2 >= 2");
  }
  VINET_ASSIGN_OR_RETURN(
      detail::JointEqTables e,
      detail::BuildJointEqTables(std::countr_zero(w.size()), w_claims, std::countr_zero(a.size()),
                                 a_claims, t, threads));
  return ProveJointBankTables(w, e.e_w, a, e.e_a, bank_polys, bank, t, reduced, threads);
}

Result<JointBankClaims> VerifyJointBankBatch(size_t num_vars, std::span<const EvalClaim> w_claims,
                                             size_t secondary_vars, size_t mask_vars,
                                             std::span<const EvalClaim> a_claims,
                                             const JointBankBatchProof& proof,
                                             MaskBankVerifier& bank, Transcript& t) {
  if (secondary_vars == 0 || mask_vars == 0 || mask_vars > secondary_vars) {
    return Invalid("the secondary has no variables or the masks do not fit it");
  }
  VINET_ASSIGN_OR_RETURN(
      detail::JointCombination jc,
      detail::CombineJointClaims(num_vars, w_claims, secondary_vars, a_claims, t));
  const SumcheckProof& sc = proof.sumcheck;
  if (sc.rounds.size() != num_vars) {
    return Error(Code::kVerification, "joint bank batch: wrong number of rounds");
  }
  size_t lift = jc.lift, k = mask_vars, slot = num_vars - k;
  if ((slot > 0) != proof.slot_eval.has_value()) {
    return Error(Code::kVerification, "joint bank batch: the slot's value is missing or extra");
  }
  Fp2 claim = jc.sum, rho;  // the slot's mask sums to zero: the claim stays
  if (slot > 0) {           // rounds 0..n-k-1: the bank's slot, constant in the last k variables
    VINET_ASSIGN_OR_RETURN(rho, bank.Begin(slot, 2, t));
    rho *= Pow2(k);
  }
  Entry e;
  auto enter = [&]() -> Status {
    VINET_ASSIGN_OR_RETURN(e.bank, bank.Claim(t));
    size_t table_vars = std::countr_zero(e.bank.weights.size());
    if (!JointMasksFit(table_vars, k, secondary_vars)) {
      return Error(Code::kVerification, "joint bank batch: T does not fit the masks");
    }
    size_t polys = JointBankPolyCount(table_vars, secondary_vars);
    if (sc.final_evals.size() != 2 + polys) {
      return Error(Code::kVerification,
                   fmt::format("joint bank batch: {} final evaluations, want {}",
                               sc.final_evals.size(), 2 + polys));
    }
    e.v = t.ChallengeFp2s("jointbank.v", k);
    e.u = t.ChallengeFp2s("jointbank.u", k);
    e.r1_sum = proof.r1_sum;
    e.r2_sum = proof.r2_sum;
    DrawCombination(e, t);
    claim += EntrySum(e);
    return Status();
  };
  if (slot == 0) VINET_RETURN_IF_ERROR(enter());
  t.AbsorbFp2("sumcheck.claim", claim);
  std::vector<Fp2> point;
  for (size_t i = 0; i < num_vars; ++i) {
    VINET_ASSIGN_OR_RETURN(Fp2 r, ReceiveRound(sc.rounds[i], 2, i, t, claim));
    point.push_back(r);
    if (i + 1 == slot) {  // v_s is sent: the rounds go on past the slot
      bank.End(point, *proof.slot_eval, t);
      claim -= rho * *proof.slot_eval;
      VINET_RETURN_IF_ERROR(enter());
    }
  }
  t.AbsorbFp2s("sumcheck.final_evals", sc.final_evals);
  // The last claim: W E_W + A E_A + rho1 R1 eq(v, .) + rho2 R2 eq(u, .) +
  // beta_T (T's weights on R1, or on each chunk).
  std::span<const Fp2> high = std::span<const Fp2>(point).subspan(lift);
  std::span<const Fp2> last_k = std::span<const Fp2>(point).subspan(slot);
  std::span<const Fp2> f = sc.final_evals;
  Fp2 want = jc.EwAt(point) * f[0] + jc.EaAt(point) * f[1];
  Fp2 r1_weight = e.rho1 * EqEval(e.v, last_k);
  if (TableInMask(std::countr_zero(e.bank.weights.size()), k)) {
    r1_weight += e.beta_t * ChunkWeightAt(e.bank.weights, 0, last_k);
  }
  want += r1_weight * f[2] + e.rho2 * EqEval(e.u, last_k) * f[3];
  for (size_t c = 0; c + 4 < f.size(); ++c) {
    want += e.beta_t * ChunkWeightAt(e.bank.weights, c, high) * f[4 + c];
  }
  if (want != claim) {
    return Error(Code::kVerification,
                 "joint bank batch: final evaluations do not match the last round");
  }
  return JointBankClaims{{point, f[0]}, {high.begin(), high.end()}, {f.begin() + 1, f.end()}};
}

}  // namespace vinet::zk
