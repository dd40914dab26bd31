// Shared by the distinguishing tests of hiding Basefold's first round (the
// sparse pad, lifted masks): openings of each of two candidate polynomials,
// the test of whether a candidate's unpadded codeword holds a leaf's opened
// symbols, and every value an opening shows.
#pragma once

#include <array>
#include <random>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "unit/zk/chi_square.h"
#include "vinet/zk/field/ntt.h"
#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/random.h"
#include "vinet/zk/transcript/transcript.h"
#include "zk/pcs/basefold_fold.h"

namespace vinet::zk::testing {

// The transcript label of OpenEachCandidate's openings.
inline constexpr std::string_view kCandidateTranscript = "candidate-openings";

// [f | f]: f with an unpadded (zero) sparse top, n + 1 variables.
inline std::vector<Fp> Unpadded(const std::vector<Fp>& f) {
  std::vector<Fp> out(f);
  out.insert(out.end(), f.begin(), f.end());
  return out;
}

// The cosets of 2^arity symbols of the codeword of `table` on 2^log_len
// points, looked up by their first symbol.
class CandidateCosets {
 public:
  CandidateCosets(const std::vector<Fp>& table, size_t log_len, size_t arity)
      : width_(size_t{1} << arity), codeword_(size_t{1} << log_len) {
    std::vector<Fp> coeffs(table);
    detail::ToMonomial(coeffs);
    std::copy(coeffs.begin(), coeffs.end(), codeword_.begin());
    NttBitReversedPadded(codeword_, coeffs.size());
    for (size_t i = 0; i < codeword_.size(); i += width_) first_[codeword_[i].value()] = i;
  }
  // Whether the 2^arity symbols at `col` are one of the cosets.
  bool Holds(const Fp* col) const {
    auto it = first_.find(col[0].value());
    if (it == first_.end()) return false;
    for (size_t j = 0; j < width_; ++j)
      if (codeword_[it->second + j] != col[j]) return false;
    return true;
  }

 private:
  size_t width_;
  std::vector<Fp> codeword_;
  std::unordered_map<uint64_t, size_t> first_;
};

// One coordinate of every value an opening shows: the sumcheck, the final
// polynomial, every opened leaf symbol.
inline void AppendShownValues(const BasefoldProof& proof, std::vector<uint64_t>& v) {
  for (Fp4 x : proof.sumcheck) v.push_back(x.c0().c0().value());
  for (Fp4 x : proof.final_poly) v.push_back(x.c1().c0().value());
  for (const auto& rd : proof.rounds) {
    for (Fp x : rd.base_leaves) v.push_back(x.value());
    for (Fp4 x : rd.ext_leaves) v.push_back(x.c0().c1().value());
  }
}

// `proofs` times: commits candidate 0 and opens it at `point`, then
// candidate 1; visit(side, opening, commitment) after each.
template <typename Visit>
void OpenEachCandidate(const BasefoldPcs& pcs, const std::array<std::vector<Fp>, 2>& tables,
                       std::span<const Fp2> point, size_t proofs, Visit visit) {
  for (size_t p = 0; p < proofs; ++p) {
    for (size_t side = 0; side < 2; ++side) {
      PcsCommitted c = pcs.Commit({tables[side]}).value();
      Transcript t(kCandidateTranscript);
      PcsOpening op = pcs.Open(*c.data, point, t).value();
      visit(side, op, c.commitment);
    }
  }
}

// The distinguishing test over OpenEachCandidate's openings, masks from a
// generator seeded per run: classify(side, opening, commitment, coin, shown)
// answers a candidate and appends the values the opening shows; judged by
// ExpectDistinguisherVerdictOverSeeds (hidden: chance and homogeneous values;
// else always right).
template <typename Classify>
void ExpectCandidateVerdict(bool hidden, const BasefoldPcs& pcs,
                            const std::array<std::vector<Fp>, 2>& tables,
                            std::span<const Fp2> point, size_t proofs, uint64_t seed,
                            Classify classify) {
  ExpectDistinguisherVerdictOverSeeds(
      hidden, 2 * proofs, seed,
      [&](uint64_t run_seed, size_t& correct, std::array<std::vector<uint64_t>, 2>& shown) {
        ScopedSeededMasksForTesting seeded(run_seed);
        std::mt19937_64 coin(5);
        OpenEachCandidate(pcs, tables, point, proofs,
                          [&](size_t side, const PcsOpening& op, const PcsCommitment& c) {
                            correct += classify(side, op, c, coin, shown[side]) == side;
                          });
      });
}

}  // namespace vinet::zk::testing
