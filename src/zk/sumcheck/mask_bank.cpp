#include "vinet/zk/sumcheck/mask_bank.h"

#include <bit>

#include <fmt/format.h>

#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/random.h"

namespace vinet::zk {
namespace {

const Fp2 kX(Fp(0), Fp(1));

// Per slot: one constant (g_s's constant term, held by g_{s,0}), then
// c_{s,i,j} for every variable i and power j = 1..d_s (the other g_{s,i} have
// constant 0: only the sum of the constants ever shows).
size_t Coefficients(std::span<const MaskShape> shapes) {
  size_t k = 0;
  for (const MaskShape& s : shapes) k += 1 + s.num_vars * s.degree;
  return k;
}

// The public vector w (cols entries): <M, w> = sum_s lambda^s g_s(r_s).
std::vector<Fp2> BankWeights(std::span<const MaskShape> shapes,
                             const std::vector<std::vector<Fp2>>& points, Fp2 lambda, size_t cols) {
  size_t total = Coefficients(shapes);
  std::vector<Fp2> w(cols);
  Fp2 ls = Fp2::One();
  size_t at = 0;
  auto put = [&](Fp2 weight) {
    w[at] = weight;
    w[total + at] = kX * weight;
    ++at;
  };
  for (size_t s = 0; s < shapes.size(); ++s, ls *= lambda) {
    put(ls);  // the constant
    for (size_t i = 0; i < shapes[s].num_vars; ++i) {
      Fp2 power = ls;
      for (size_t j = 1; j <= shapes[s].degree; ++j) {
        power *= points[s][i];
        put(power);
      }
    }
  }
  return w;
}

Fp2 Combined(std::span<const Fp2> evals, Fp2 lambda) {
  Fp2 sum, ls = Fp2::One();
  for (const Fp2& v : evals) {
    sum += ls * v;
    ls *= lambda;
  }
  return sum;
}

const std::vector<ProductTerm>& Product() {
  static const std::vector<ProductTerm> t = {{Fp2::One(), {0, 1}}};
  return t;
}

// w' = w interleaved with sigma w: the weights of T = M interleaved with H.
std::vector<Fp2> BlindedWeights(std::span<const Fp2> w, Fp2 sigma) {
  std::vector<Fp2> out(2 * w.size());
  for (size_t k = 0; k < w.size(); ++k) {
    out[2 * k] = w[k];
    out[2 * k + 1] = sigma * w[k];
  }
  return out;
}

// Draws lambda; V and T's weights (w at M's even entries, 0 at H's odd ones).
BankClaim ClaimOnTable(std::span<const MaskShape> shapes,
                       const std::vector<std::vector<Fp2>>& points, std::span<const Fp2> evals,
                       Transcript& transcript) {
  Fp2 lambda = transcript.ChallengeFp2("maskbank.lambda");
  size_t half = size_t{1} << (MaskBankVars(shapes) - 1);
  std::vector<Fp2> w = BankWeights(shapes, points, lambda, half);
  BankClaim c{Combined(evals, lambda), std::vector<Fp2>(2 * half)};
  for (size_t k = 0; k < half; ++k) c.weights[2 * k] = w[k];
  return c;
}

// u32 length ‖ that many bytes at *at; `last`: they must end `all`.
Result<ByteSpan> TakeBlob(ByteSpan all, size_t* at, std::string_view field, bool last) {
  if (all.size() - *at < 4) {
    return Error(Code::kParse, fmt::format("{} at byte {}: missing length", field, *at));
  }
  size_t len = size_t{all[*at]} | size_t{all[*at + 1]} << 8 | size_t{all[*at + 2]} << 16 |
               size_t{all[*at + 3]} << 24;
  *at += 4;
  if (len > all.size() - *at || (last && len != all.size() - *at)) {
    return Error(Code::kParse,
                 fmt::format("{} at byte {}: length {} does not fit the {} bytes left", field,
                             *at - 4, len, all.size() - *at));
  }
  ByteSpan out = all.subspan(*at, len);
  *at += len;
  return out;
}

Status CheckShapes(std::span<const MaskShape> shapes) {
  for (size_t s = 0; s < shapes.size(); ++s) {
    if (shapes[s].num_vars == 0 || shapes[s].degree == 0 || shapes[s].degree > kMaxSumcheckDegree) {
      return Error(Code::kInvalidArgument,
                   fmt::format("mask bank: slot {} has {} variables, degree {}", s,
                               shapes[s].num_vars, shapes[s].degree));
    }
  }
  return Status();
}

}  // namespace

size_t MaskBankVars(std::span<const MaskShape> shapes) {
  size_t need = 2 * Coefficients(shapes);  // M's entries; H doubles the table
  return 1 + std::max<size_t>(1, std::bit_width(std::max<size_t>(need, 1) - 1));
}

Result<MaskBankProver> MaskBankProver::Commit(std::vector<MaskShape> shapes,
                                              const MultilinearPcs& pcs) {
  if (!pcs.hiding()) return Error(Code::kInvalidArgument, "mask bank: the PCS must be hiding");
  VINET_ASSIGN_OR_RETURN(MaskBankProver b, Draw(std::move(shapes)));
  b.pcs_ = &pcs;
  VINET_ASSIGN_OR_RETURN(b.committed_, pcs.Commit({b.table_}));
  return b;
}

Result<MaskBankProver> MaskBankProver::Draw(std::vector<MaskShape> shapes) {
  VINET_RETURN_IF_ERROR(CheckShapes(shapes));
  MaskBankProver b(std::move(shapes), nullptr);
  // T is uniformly random: M's entries (coefficient halves, then padding) at
  // the even positions, H at the odd ones.
  size_t total = Coefficients(b.shapes_);
  std::vector<Fp> table = RandomFps(size_t{1} << MaskBankVars(b.shapes_));
  size_t at = 0;
  auto next = [&] {
    Fp2 x(table[2 * at], table[2 * (total + at)]);
    ++at;
    return x;
  };
  // Each slot's constant makes its mask sum to zero over the cube (so G_s = 0
  // is never sent): sum_x g(x) = 2^(n-1) (2 c + sum_{i, j >= 1} c_{i,j}).
  const Fp2 half = Fp2(Fp(2)).Inverse();
  for (const MaskShape& s : b.shapes_) {
    auto& c = b.coeffs_.emplace_back(s.num_vars, std::vector<Fp2>(s.degree + 1, Fp2::Zero()));
    size_t constant_at = at++;
    Fp2 rest;
    for (auto& row : c) {
      for (size_t j = 1; j <= s.degree; ++j) rest += row[j] = next();
    }
    c[0][0] = -(rest * half);
    table[2 * constant_at] = c[0][0].c0();
    table[2 * (total + constant_at)] = c[0][0].c1();
  }
  b.table_ = std::move(table);
  return b;
}

Result<SumcheckProverOutput> MaskBankProver::Prove(std::vector<std::vector<Fp2>> polys,
                                                   std::span<const ProductTerm> terms,
                                                   Transcript& transcript, unsigned threads) {
  size_t n = polys.empty() ? 0 : std::countr_zero(polys[0].size());
  if (n == 0) return ProveSumcheck(std::move(polys), terms, transcript, threads);
  VINET_ASSIGN_OR_RETURN(SumcheckMask mask, Begin(n, SumcheckDegree(terms), transcript));
  VINET_ASSIGN_OR_RETURN(SumcheckProverOutput out,
                         ProveSumcheck(std::move(polys), terms, transcript, threads, &mask));
  End(out.point, transcript);
  return out;
}

Result<SumcheckMask> MaskBankProver::Begin(size_t num_vars, size_t degree, Transcript& transcript) {
  size_t s = points_.size();
  if (s >= shapes_.size() || shapes_[s].num_vars != num_vars || shapes_[s].degree != degree) {
    return Error(Code::kInternal,
                 fmt::format("mask bank: sumcheck {} ({} variables, degree {}) is not the "
                             "next slot of the statement",
                             s, num_vars, degree));
  }
  if (begun_ != s) {
    return Error(Code::kInternal, fmt::format("mask bank: slot {} begun twice", s));
  }
  ++begun_;
  SumcheckMask mask;
  mask.coeffs = coeffs_[s];
  mask.rho = transcript.ChallengeFp2("maskbank.rho");
  return mask;
}

void MaskBankProver::End(std::span<const Fp2> point, Transcript& transcript) {
  size_t s = points_.size();
  evals_.push_back(MaskEval(coeffs_[s], point));
  transcript.AbsorbFp2("maskbank.mask_eval", evals_.back());
  points_.emplace_back(point.begin(), point.end());
}

Result<Bytes> MaskBankProver::Open(Transcript& transcript) {
  if (pcs_ == nullptr) return Error(Code::kInternal, "mask bank: drawn, not committed");
  if (evals_.size() != shapes_.size()) {
    return Error(Code::kInternal,
                 fmt::format("mask bank: {} of {} slots used", evals_.size(), shapes_.size()));
  }
  Fp2 lambda = transcript.ChallengeFp2("maskbank.lambda");
  size_t m = MaskBankVars(shapes_);
  std::vector<Fp2> w = BankWeights(shapes_, points_, lambda, size_t{1} << (m - 1));
  VINET_ASSIGN_OR_RETURN(detail::BlindedSumcheck b,
                         detail::ProveBlindedSumcheck(table_, w, transcript));
  SumcheckProverOutput& sc = b.sumcheck;
  VINET_ASSIGN_OR_RETURN(PcsOpening to, pcs_->Open(*committed_.data, sc.point, transcript));
  ByteWriter out;
  out.Field(b.blind_sum);
  sc.proof.Serialize(out);
  out.U32(static_cast<uint32_t>(to.proof.size()));
  out.Raw(to.proof);
  return out.Take();
}

Result<BankClaim> MaskBankProver::Claim(Transcript& transcript) const {
  if (evals_.size() != shapes_.size()) {
    return Error(Code::kInternal,
                 fmt::format("mask bank: {} of {} slots used", evals_.size(), shapes_.size()));
  }
  return ClaimOnTable(shapes_, points_, evals_, transcript);
}

MaskBankVerifier::MaskBankVerifier(std::vector<MaskShape> shapes) : shapes_(std::move(shapes)) {}

MaskBankVerifier::MaskBankVerifier(std::vector<MaskShape> shapes, const PcsCommitment& commitment,
                                   const MultilinearPcs& pcs)
    : shapes_(std::move(shapes)), commitment_(commitment), pcs_(&pcs) {}

Result<SumcheckClaim> MaskBankVerifier::Verify(size_t num_vars, size_t num_polys,
                                               std::span<const ProductTerm> terms, Fp2 claimed_sum,
                                               const SumcheckProof& proof, Transcript& transcript) {
  if (num_vars == 0) {
    return VerifySumcheck(num_vars, num_polys, terms, claimed_sum, proof, transcript);
  }
  return VerifyRounds(num_vars, num_polys, terms, claimed_sum, proof, transcript,
                      [&](const SumcheckClaim& c) { return EvaluateTerms(terms, c.final_evals); });
}

Result<SumcheckClaim> MaskBankVerifier::VerifyRounds(size_t num_vars, size_t num_polys,
                                                     std::span<const ProductTerm> terms,
                                                     Fp2 claimed_sum, const SumcheckProof& proof,
                                                     Transcript& transcript,
                                                     const FinalValue& f_value) {
  size_t s = points_.size();
  VINET_ASSIGN_OR_RETURN(Fp2 rho, Begin(num_vars, SumcheckDegree(terms), transcript));
  Fp2 last;
  VINET_ASSIGN_OR_RETURN(
      SumcheckClaim claim,
      VerifySumcheckRounds(num_vars, num_polys, terms, claimed_sum, proof, transcript, &last));
  // last = f(r) + rho g(r): v_s = g(r) follows; the claim on T checks it.
  if (rho.IsZero()) {
    return Error(Code::kVerification, fmt::format("mask bank: sumcheck {}: rho is zero", s));
  }
  End(claim.point, (last - f_value(claim)) * rho.Inverse(), transcript);
  return claim;
}

Result<Fp2> MaskBankVerifier::Begin(size_t num_vars, size_t degree, Transcript& transcript) {
  size_t s = points_.size();
  if (num_vars == 0 || s >= shapes_.size() || shapes_[s].num_vars != num_vars ||
      shapes_[s].degree != degree) {
    return Error(Code::kVerification,
                 fmt::format("mask bank: sumcheck {} ({} variables, degree {}) has no slot", s,
                             num_vars, degree));
  }
  return transcript.ChallengeFp2("maskbank.rho");
}

void MaskBankVerifier::End(std::span<const Fp2> point, Fp2 eval, Transcript& transcript) {
  transcript.AbsorbFp2("maskbank.mask_eval", eval);
  evals_.push_back(eval);
  points_.emplace_back(point.begin(), point.end());
}

Result<BankClaim> MaskBankVerifier::Claim(Transcript& transcript) const {
  if (points_.size() != shapes_.size()) {
    return Error(Code::kVerification,
                 fmt::format("mask bank: {} of {} slots used", points_.size(), shapes_.size()));
  }
  return ClaimOnTable(shapes_, points_, evals_, transcript);
}

Status MaskBankVerifier::Finish(ByteSpan opening, Transcript& transcript) const {
  if (pcs_ == nullptr) return Error(Code::kInternal, "mask bank: no commitment of its own");
  size_t m = MaskBankVars(shapes_);
  if (points_.size() != shapes_.size()) {
    return Error(Code::kVerification,
                 fmt::format("mask bank: {} of {} slots used", points_.size(), shapes_.size()));
  }
  if (commitment_.num_vars != m || commitment_.num_polys != 1) {
    return Error(Code::kVerification, "mask bank: the mask commitment has the wrong shape");
  }
  // Parse: V_H ‖ sumcheck ‖ T's opening.
  ByteReader r(opening);
  VINET_ASSIGN_OR_RETURN(Fp2 blind_sum, r.ReadFp2("maskbank.blind_sum"));
  VINET_ASSIGN_OR_RETURN(SumcheckProof sc, SumcheckProof::Parse(r, m, 2, 2));
  size_t at = r.offset();
  VINET_ASSIGN_OR_RETURN(ByteSpan t_opening, TakeBlob(opening, &at, "maskbank.opening", true));
  // Verify in the prover's transcript order.
  Fp2 lambda = transcript.ChallengeFp2("maskbank.lambda");
  Fp2 value = Combined(evals_, lambda);
  transcript.AbsorbFp2("maskbank.blind_sum", blind_sum);
  Fp2 sigma = transcript.ChallengeFp2("maskbank.sigma");
  auto claim = VerifySumcheck(m, 2, Product(), value + sigma * blind_sum, sc, transcript);
  if (!claim.ok()) return claim.status().WithContext("mask bank inner product");
  // w'(r') = ((1 - r'_0) + r'_0 sigma) w(r'_1, ..): the weights of M and H.
  std::vector<Fp2> w = BankWeights(shapes_, points_, lambda, size_t{1} << (m - 1));
  Fp2 r0 = claim->point[0];
  Fp2 wr = (Fp2::One() - r0 + r0 * sigma) *
           EvaluateMle(w, std::span<const Fp2>(claim->point).subspan(1));
  if (claim->final_evals[1] != wr) {
    return Error(Code::kVerification, "mask bank: wrong evaluation of the public weights");
  }
  Fp2 tv[1] = {claim->final_evals[0]};
  Status st = pcs_->Verify(commitment_, claim->point, tv, t_opening, transcript);
  if (!st.ok()) return st.WithContext("mask opening");
  return Status();
}

namespace detail {
Result<BlindedSumcheck> ProveBlindedSumcheck(std::span<const Fp> table, std::span<const Fp2> w,
                                             Transcript& transcript) {
  if (table.size() != 2 * w.size() || !std::has_single_bit(table.size())) {
    return Error(Code::kInternal, "mask bank: the table is not twice the weights");
  }
  BlindedSumcheck b;
  for (size_t k = 0; k < w.size(); ++k) b.blind_sum += w[k] * table[2 * k + 1];
  transcript.AbsorbFp2("maskbank.blind_sum", b.blind_sum);
  b.sigma = transcript.ChallengeFp2("maskbank.sigma");
  VINET_ASSIGN_OR_RETURN(b.sumcheck, ProveSumcheck({ToExtension(table), BlindedWeights(w, b.sigma)},
                                                   Product(), transcript, 1));
  return b;
}
}  // namespace detail

Result<SumcheckProverOutput> ProveMaybeMasked(MaskBankProver* bank,
                                              std::vector<std::vector<Fp2>> polys,
                                              std::span<const ProductTerm> terms,
                                              Transcript& transcript, unsigned threads) {
  if (bank == nullptr) return ProveSumcheck(std::move(polys), terms, transcript, threads);
  return bank->Prove(std::move(polys), terms, transcript, threads);
}

Result<SumcheckClaim> VerifyMaybeMasked(MaskBankVerifier* bank, size_t num_vars, size_t num_polys,
                                        std::span<const ProductTerm> terms, Fp2 claimed_sum,
                                        const SumcheckProof& proof, Transcript& transcript) {
  if (bank == nullptr) {
    return VerifySumcheck(num_vars, num_polys, terms, claimed_sum, proof, transcript);
  }
  return bank->Verify(num_vars, num_polys, terms, claimed_sum, proof, transcript);
}

Result<SumcheckClaim> VerifyRoundsMaybeMasked(MaskBankVerifier* bank, size_t num_vars,
                                              size_t num_polys, std::span<const ProductTerm> terms,
                                              Fp2 claimed_sum, const SumcheckProof& proof,
                                              Transcript& transcript, const FinalValue& f_value) {
  if (bank != nullptr) {
    return bank->VerifyRounds(num_vars, num_polys, terms, claimed_sum, proof, transcript, f_value);
  }
  Fp2 last;
  VINET_ASSIGN_OR_RETURN(
      SumcheckClaim claim,
      VerifySumcheckRounds(num_vars, num_polys, terms, claimed_sum, proof, transcript, &last));
  if (f_value(claim) != last) {
    return Error(Code::kVerification, "sumcheck: final evaluations do not match the last round");
  }
  return claim;
}

}  // namespace vinet::zk
