// zkml_bench MODEL.onnx [REPS] [THREADS] [PCS] [LOG_INV_RATE]: quantizes the
// model on 16 random N(0,1) inputs, commits it, then proves and verifies REPS
// random inputs and prints one JSON line per PCS (PCS = basefold (Basefold
// over Fp4, the default kind), basefold_ud (Basefold over Fp2, the
// unique-decoding kind 2), ligero, hiding (hiding Ligero: private weights,
// ZkmlParams::hiding) or both, the default: basefold, basefold_ud and ligero
// in the same run; `plain` = both; `zk`: kinds 4, 3, 5; `regimes`: kinds 4, 6,
// 5, 7, the Johnson and the conjectured Basefold sets): medians in ms,
// the prover's phase breakdown (phases_ms: wall, one even rep; phases_cpu_ms:
// process CPU, median of the odd reps), proof and key bytes with the proof's breakdown
// (PCS openings, LogUp proofs, the rest: layer and batching sumchecks,
// commitments), and the float-vs-int8 argmax agreement on 64 random inputs.
// LOG_INV_RATE (default 0: each kind's DefaultLogInvRate) sets the code rate 2^-LOG_INV_RATE.
// Environment: VINET_VERIFY_REPEAT=N verifies each proof N times (verify_ms and
// verify_cpu_ms are then the mean of the N, median over the proofs).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string_view>

#include "bench_timing.h"
#include "vinet/zk/heap.h"
#include "vinet/zk/pcs/basefold.h"
#include "vinet/zkml/zkml.h"
#include "zkml/layout.h"
#include "zkml/proof.h"

using namespace vinet;
using bench::CpuMs;
using bench::Fail;
using bench::Median;
using bench::Ms;
using bench::RandomTensor;

namespace {

// Per round: " [t leaves: leaf bytes, node bytes]".
std::string RoundsText(const zk::BasefoldProof& p, size_t ext_bytes) {
  std::string out;
  for (const auto& rd : p.rounds) {
    out += fmt::format(" [{} leaves: {} B leaf, {} B nodes]", rd.num_leaves,
                       rd.base_leaves.size() * 8 + rd.ext_leaves.size() * ext_bytes,
                       rd.merkle_nodes.size() * p.digest_bytes);
  }
  return out;
}

// One Basefold opening's bytes by part (stderr): sumcheck, roots, final
// polynomial, nonce, then per round leaves / Merkle nodes.
void PrintBasefoldBreakdown(const char* what, const zkml::VerifyingKey& vk, size_t num_vars,
                            ByteSpan opening) {
  std::unique_ptr<zk::MultilinearPcs> pcs = vk.Pcs();
  const auto* bf = dynamic_cast<const zk::BasefoldPcs*>(pcs.get());
  if (bf == nullptr) return;
  zk::BasefoldShape s = bf->ShapeFor(num_vars);
  Result<zk::BasefoldProof> p = Error(Code::kParse, "unparsed");
  if (bf->hiding()) {  // the mask values first, then the plain opening of n + p variables
    auto h = bf->ParseHidingProof(opening, num_vars, 1);
    if (!h.ok()) return;
    p = std::move(h->inner);
  } else {
    p = zk::BasefoldProof::Parse(opening, s, 1);
  }
  if (!p.ok()) return;
  size_t e = 8 * s.ext_degree;
  std::string rounds = RoundsText(*p, e);
  fmt::print(stderr,
             "  {} opening n={} t={} arity={} total {} B: sumcheck {} B, roots {} B, final {} B,"
             " nonce 8 B,{}\n",
             what, num_vars, s.num_queries, fmt::join(s.arity, ","), opening.size(),
             p->sumcheck.size() * e, p->roots.size() * p->digest_bytes, p->final_poly.size() * e,
             rounds);
}

// A joint opening's bytes by part (stderr): the rounds as above, then the
// secondary's leaves and Merkle nodes.
void PrintJointBreakdown(const zkml::VerifyingKey& vk, size_t n, size_t n2, size_t polys2,
                         ByteSpan opening, zk::SecondaryLifts lifts) {
  std::unique_ptr<zk::MultilinearPcs> pcs = vk.Pcs();
  const auto* bf = dynamic_cast<const zk::BasefoldPcs*>(pcs.get());
  if (bf == nullptr) return;
  zk::BasefoldPcs inner(bf->InnerParamsFor(n));
  size_t pad = bf->hiding() ? bf->HidingPadVars(n) : 0;
  if (lifts.count > 0) lifts.vars += pad;  // the inner secondary's lifts
  auto entry = inner.JointEntry(n + pad, n2 + pad, lifts);
  if (!entry.ok()) return;
  size_t masks = bf->hiding() ? zk::BasefoldPcs::kHidingMasks : 0;
  ByteSpan body = opening.subspan(std::min(opening.size(), masks * 16));
  zk::BasefoldShape s = inner.ShapeFor(n + pad);
  auto p = zk::BasefoldProof::Parse(body, s, 1 + masks, &*entry, polys2);
  if (!p.ok()) return;
  size_t e = 8 * s.ext_degree;
  std::string rounds = RoundsText(*p, e);
  fmt::print(stderr,
             "  joint opening n={} n2={} t={} arity={} enters round {} after {} folds (leaves of "
             "2^{}, {} compact), total {} B: mask values {} B, sumcheck {} B, roots {} B, final {} "
             "B,{}; secondary {} B leaf, {} B nodes\n",
             n, n2, s.num_queries, fmt::join(s.arity, ","), entry->round, entry->level,
             entry->leaf_log, entry->compact, opening.size(), masks * 16, p->sumcheck.size() * e,
             p->roots.size() * p->digest_bytes, p->final_poly.size() * e, rounds,
             p->secondary.base_leaves.size() * 8,
             p->secondary.merkle_nodes.size() * p->digest_bytes);
}

runtime::TensorMap RandomInput(const runtime::Model& m, uint32_t seed) {
  return {{m.inputs()[0].name, RandomTensor(m, seed)}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2)
    return fmt::print(stderr,
                      "usage: zkml_bench MODEL.onnx [REPS] [THREADS] [basefold|ligero|hiding|both] "
                      "[LOG_INV_RATE]\n"),
           2;
  zk::KeepFreedHeapMapped();  // as a node's prover pool does
  int reps = argc > 2 ? std::atoi(argv[2]) : 5;
  // VINET_VERIFY_REPEAT=N verifies each proof N times (the mean per proof), for
  // profiling and for CPU times finer than one verification's.
  const char* repeat_env = std::getenv("VINET_VERIFY_REPEAT");
  int verify_repeat = std::max(1, repeat_env != nullptr ? std::atoi(repeat_env) : 1);
  unsigned threads = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : 2;
  auto model = runtime::Model::LoadFile(argv[1]);
  if (!model.ok()) return Fail(model.status());
  std::vector<runtime::TensorMap> cal, held_out;
  for (uint32_t i = 0; i < 16; ++i) cal.push_back(RandomInput(**model, i));
  for (uint32_t i = 0; i < 64; ++i) held_out.push_back(RandomInput(**model, 1000 + i));
  auto q = runtime::Quantize(**model, cal);
  if (!q.ok()) return Fail(q.status());
  auto acc = runtime::CompareWithFloat(**model, *q, held_out);
  std::string which = argc > 4 ? argv[4] : "both";  // "plain": both
  int log_inv_rate = argc > 5 ? std::atoi(argv[5]) : zkml::ZkmlParams{}.log_inv_rate;
  std::vector<std::pair<const char*, zkml::PcsKind>> schemes;
  if (which == "hiding") {
    schemes.push_back({"hiding_ligero", zkml::PcsKind::kHidingLigero});
  } else if (which == "hiding_basefold") {
    schemes.push_back({"hiding_basefold", zkml::PcsKind::kHidingBasefold});
  } else if (which == "zk") {  // both zero-knowledge kinds and kind 4, interleaved per model
    schemes.push_back({"basefold", zkml::PcsKind::kBasefoldFp4});
    schemes.push_back({"hiding_ligero", zkml::PcsKind::kHidingLigero});
    schemes.push_back({"hiding_basefold", zkml::PcsKind::kHidingBasefold});
  } else if (which == "regimes") {  // kinds 4, 6, 5, 7: both Basefold regimes side by side
    schemes.push_back({"basefold", zkml::PcsKind::kBasefoldFp4});
    schemes.push_back({"basefold_conj", zkml::PcsKind::kBasefoldFp4Conjectured});
    schemes.push_back({"hiding_basefold", zkml::PcsKind::kHidingBasefold});
    schemes.push_back({"hiding_basefold_conj", zkml::PcsKind::kHidingBasefoldConjectured});
  } else if (which == "hiding_basefold_conj") {
    schemes.push_back({"hiding_basefold_conj", zkml::PcsKind::kHidingBasefoldConjectured});
  } else {
    bool all = which == "both" || which == "plain";
    if (all || which == "basefold") schemes.push_back({"basefold", zkml::PcsKind::kBasefoldFp4});
    if (all || which == "basefold_ud") schemes.push_back({"basefold_ud", zkml::PcsKind::kBasefold});
    if (all || which == "ligero") schemes.push_back({"ligero", zkml::PcsKind::kLigero});
  }
  for (auto [name, pcs] : schemes) {
    auto t0 = std::chrono::steady_clock::now();
    zkml::ZkmlParams params;
    params.threads = threads;
    params.pcs = pcs;
    params.log_inv_rate = log_inv_rate;
    auto c = zkml::Commit(*q, params);
    double setup = Ms(t0);
    if (!c.ok()) return Fail(c.status());
    std::vector<double> prove, verify, prove_cpu, verify_cpu;
    zkml::ProveTimings phases;
    std::vector<zkml::ProveTimings> cpu_phases;
    size_t proof_bytes = 0, pcs_bytes = 0, lookup_bytes = 0;
    for (int r = 0; r < reps; ++r) {
      auto x = zkml::QuantizeInput(c->vk.spec, RandomInput(**model, 500 + r).begin()->second);
      if (!x.ok()) return Fail(x.status());
      zkml::ProveTimings t;
      t.process_cpu = r % 2 == 1;  // odd reps time the phases in process CPU
      t0 = std::chrono::steady_clock::now();
      std::clock_t c0 = std::clock();
      auto p = zkml::Prove(*c->package, *x, &t);
      prove.push_back(Ms(t0));
      prove_cpu.push_back(CpuMs(c0));
      if (!p.ok()) return Fail(p.status());
      if (r == (reps / 2) / 2 * 2) phases = t;
      if (t.process_cpu) cpu_phases.push_back(t);
      proof_bytes = p->proof.size();
      auto parsed = zkml::detail::ModelProof::Parse(
          p->proof, c->vk.spec, zkml::detail::MakeAdviceLayout(c->vk.spec),
          zkml::detail::MakeWeightLayout(c->vk.spec),
          zkml::detail::FormOf(c->vk, zkml::detail::MakeAdviceLayout(c->vk.spec),
                               zkml::detail::MakeWeightLayout(c->vk.spec)));
      if (!parsed.ok()) return Fail(parsed.status());
      pcs_bytes = parsed->advice_opening.size() + parsed->weight_opening.size();
      lookup_bytes = parsed->lookups.ToBytes().size();  // one LogUp batch
      if (r == 0) {
        size_t layers = 0;
        for (const auto& b : parsed->blocks) {
          for (const auto* v : {&b.matmul, &b.gather, &b.zero}) {
            for (const auto& sc : *v) {
              zk::ByteWriter w;
              sc.Serialize(w);
              layers += w.Take().size();
            }
          }
          layers += 16 * (b.evals.size() + b.chunk_sums.size());
        }
        fmt::print(stderr,
                   "{} {}: proof {} B = {} opening {} + weight opening {} + lookups {} + layer "
                   "sumchecks and evals {} + rest {}\n",
                   argv[1], name, proof_bytes, parsed->joint ? "joint" : "advice",
                   parsed->advice_opening.size(), parsed->weight_opening.size(), lookup_bytes,
                   layers, proof_bytes - pcs_bytes - lookup_bytes - layers);
        if (parsed->joint) {
          zkml::detail::AdviceLayout al = zkml::detail::MakeAdviceLayout(c->vk.spec);
          zkml::detail::WeightLayout wl = zkml::detail::MakeWeightLayout(c->vk.spec);
          zk::SecondaryLifts lifts =
              parsed->bank_in_joint ? zkml::detail::JointMaskLifts(
                                          zkml::detail::JointMaskVarsOf(c->vk.spec, al, wl), al)
                                    : zk::SecondaryLifts{};
          PrintJointBreakdown(c->vk, c->vk.weights.num_vars, parsed->advice.num_vars,
                              parsed->advice.num_polys, parsed->advice_opening, lifts);
        } else {
          PrintBasefoldBreakdown("advice", c->vk, parsed->advice.num_vars, parsed->advice_opening);
          PrintBasefoldBreakdown("weight", c->vk, c->vk.weights.num_vars, parsed->weight_opening);
        }
      }
      t0 = std::chrono::steady_clock::now();
      c0 = std::clock();
      for (int v = 0; v < verify_repeat; ++v) {
        Status st = zkml::Verify(c->vk, *x, p->output, p->proof);
        if (!st.ok()) return Fail(st);
      }
      verify.push_back(Ms(t0) / verify_repeat);
      verify_cpu.push_back(CpuMs(c0) / verify_repeat);
    }
    // Median process CPU per phase over the odd reps (-1 with a single rep).
    auto CpuPhase = [&](double zkml::ProveTimings::*slot) {
      std::vector<double> v;
      for (const zkml::ProveTimings& t : cpu_phases) v.push_back(t.*slot);
      return v.empty() ? -1.0 : Median(v);
    };
    zkml::VerifyCost cost = zkml::EstimateVerifyCost(c->vk);
    // The circuit, for reading the phases: kind, output elements, shift, ReLU.
    std::string blocks;
    for (const zkml::LinearBlock& b : c->vk.spec.blocks) {
      blocks += fmt::format("{}{}:{}:s{}{}", blocks.empty() ? "" : " ", static_cast<int>(b.kind),
                            b.out_size, b.shift, b.relu ? "r" : "");
    }
    fmt::print(stderr, "blocks (kind:out:shift): {}, clamp_bits {}\n", blocks,
               c->vk.spec.clamp_bits);
    fmt::print(
        "{{\"model\": \"{}\", \"pcs\": \"{}\", \"log_inv_rate\": {}, \"threads\": {}, \"reps\": "
        "{}, \"setup_ms\": "
        "{:.1f}, "
        "\"prove_ms\": {:.1f}, \"prove_cpu_ms\": {:.1f}, \"verify_ms\": {:.2f}, "
        "\"verify_cpu_ms\": {:.2f}, \"proof_bytes\": {}, \"proof_pcs_bytes\": {}, "
        "\"proof_lookup_bytes\": {}, \"proof_other_bytes\": {}, \"vk_bytes\": {}, "
        "\"weight_vars\": {}, \"argmax_agreement\": {:.4f}, \"verify_cost_units\": {}, "
        "\"soundness_bits\": {:.1f}, "
        "\"phases_ms\": {{\"witness\": {:.1f}, \"advice_commit\": {:.1f}, \"lookups\": {:.1f}, "
        "\"layers\": {:.1f}, \"advice_open\": {:.1f}, \"weight_open\": {:.1f}}}, "
        "\"phases_cpu_ms\": {{\"witness\": {:.1f}, \"advice_commit\": {:.1f}, \"lookups\": "
        "{:.1f}, \"layers\": {:.1f}, \"advice_open\": {:.1f}, \"weight_open\": {:.1f}}}}}\n",
        argv[1], name, c->vk.log_inv_rate, threads, reps, setup, Median(prove), Median(prove_cpu),
        Median(verify), Median(verify_cpu), proof_bytes, pcs_bytes, lookup_bytes,
        proof_bytes - pcs_bytes - lookup_bytes, c->vk.Encode().size(), c->vk.weights.num_vars,
        acc.ok() ? acc->argmax_agreement : -1.0, cost.units(), zkml::SoundnessBits(c->vk),
        phases.witness, phases.advice_commit, phases.lookups, phases.layers, phases.advice_open,
        phases.weight_open, CpuPhase(&zkml::ProveTimings::witness),
        CpuPhase(&zkml::ProveTimings::advice_commit), CpuPhase(&zkml::ProveTimings::lookups),
        CpuPhase(&zkml::ProveTimings::layers), CpuPhase(&zkml::ProveTimings::advice_open),
        CpuPhase(&zkml::ProveTimings::weight_open));
  }
  return 0;
}
