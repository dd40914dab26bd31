// Verifying key, model id, package encoding and the shared transcript start.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/pcs/ligero.h"
#include "vinet/zk/soundness.h"
#include "zkml/gather.h"
#include "zkml/package.h"
#include "zkml/proof.h"

namespace vinet::zkml {

using zk::ByteReader;
using zk::ByteWriter;

namespace {
constexpr uint32_t kVkMagic = 0x4b565a56;   // "VZVK"
constexpr uint32_t kPkgMagic = 0x4b505a56;  // "VZPK"
// Key versions: 2: CNN blocks (kind, window) in the spec; 3: + u32 PCS kind
// after the rate (2 Basefold, 3 hiding Ligero). Plain Ligero keys (kind 1)
// are still written as version 2 (their bytes and ids unchanged), so a
// version-3 key naming kind 1 is refused (one encoding per key).
constexpr uint32_t kVersion = 3;
constexpr uint32_t kLigeroVersion = 2;
// Package versions: 2 and 3 hold a plain key; 4 holds a hiding key and, after
// the version, the hiding weight commitment's secret mask seed.
constexpr uint32_t kPackageVersion = 3;
constexpr uint32_t kLegacyPackageVersion = 2;
constexpr uint32_t kHidingPackageVersion = 4;
constexpr std::string_view kModelIdDomain = "vinet.zkml.model_id.v1";
}  // namespace

Bytes VerifyingKey::Encode() const {
  ByteWriter w;
  bool ligero = pcs == PcsKind::kLigero;
  w.U32(kVkMagic);
  w.U32(ligero ? kLigeroVersion : kVersion);
  spec.Encode(w);
  weights.Serialize(w);
  w.U32(static_cast<uint32_t>(security_bits));
  w.U32(static_cast<uint32_t>(log_inv_rate));
  if (!ligero) w.U32(static_cast<uint32_t>(pcs));
  return w.Take();
}

Result<VerifyingKey> VerifyingKey::Parse(ByteSpan bytes, KeyPolicy policy) {
  ByteReader r(bytes);
  VINET_ASSIGN_OR_RETURN(uint32_t magic, r.U32("vk.magic"));
  if (magic != kVkMagic) return Error(Code::kParse, "vk.magic at byte 0: not a verifying key");
  VINET_ASSIGN_OR_RETURN(uint32_t version, r.U32("vk.version"));
  if (version != kVersion && version != kLigeroVersion) {
    return Error(Code::kParse, fmt::format("vk.version at byte 4: {} is not {} or {}", version,
                                           kLigeroVersion, kVersion));
  }
  VerifyingKey vk;
  VINET_ASSIGN_OR_RETURN(vk.spec, ModelSpec::Parse(r));
  VINET_ASSIGN_OR_RETURN(vk.weights, zk::PcsCommitment::Parse(r));
  size_t want_vars = detail::MakeWeightLayout(vk.spec).num_vars;
  if (vk.weights.num_vars != want_vars || vk.weights.num_polys != 1) {
    return Error(Code::kParse, fmt::format("vk.weights: commitment shape ({}, {}) is not ({}, 1)",
                                           vk.weights.num_vars, vk.weights.num_polys, want_vars));
  }
  size_t at = r.offset();
  VINET_ASSIGN_OR_RETURN(uint32_t bits, r.U32("vk.security_bits"));
  VINET_ASSIGN_OR_RETURN(uint32_t rate, r.U32("vk.log_inv_rate"));
  if (bits < 80 || bits > 256 || rate < 1 || rate > static_cast<uint32_t>(kMaxLogInvRate)) {
    return Error(
        Code::kParse,
        fmt::format("vk.pcs at byte {}: security {} / rate 2^-{} not allowed", at, bits, rate));
  }
  vk.security_bits = static_cast<int>(bits);
  vk.log_inv_rate = static_cast<int>(rate);
  vk.pcs = PcsKind::kLigero;
  if (version == kVersion) {
    at = r.offset();
    VINET_ASSIGN_OR_RETURN(uint32_t kind, r.U32("vk.pcs_kind"));
    if (kind != static_cast<uint32_t>(PcsKind::kBasefold) &&
        kind != static_cast<uint32_t>(PcsKind::kHidingLigero) &&
        kind != static_cast<uint32_t>(PcsKind::kBasefoldFp4) &&
        kind != static_cast<uint32_t>(PcsKind::kHidingBasefold) &&
        kind != static_cast<uint32_t>(PcsKind::kBasefoldFp4Conjectured) &&
        kind != static_cast<uint32_t>(PcsKind::kHidingBasefoldConjectured)) {
      return Error(Code::kParse,
                   fmt::format("vk.pcs_kind at byte {}: {} is not a version-3 scheme (2 = "
                               "Basefold over Fp2, 3 = hiding Ligero, 4 = Basefold over Fp4, "
                               "5 = hiding Basefold over Fp4, 6 / 7 = 4 / 5 in the conjectured "
                               "regime; Ligero keys are version 2)",
                               at, kind));
    }
    vk.pcs = static_cast<PcsKind>(kind);
  }
  if (vk.log_inv_rate > MaxLogInvRate(vk.pcs)) {
    return Error(
        Code::kParse,
        fmt::format("vk.log_inv_rate: rate 2^-{} is for Basefold over Fp4 (kinds 4 to 7) "
                    "only; kind {} allows 1..{}",
                    vk.log_inv_rate, static_cast<uint32_t>(vk.pcs), MaxLogInvRate(vk.pcs)));
  }
  VINET_RETURN_IF_ERROR(r.Finish("verifying key"));
  if (policy == KeyPolicy::kEnforceFloor) {
    if (Status floor = CheckSecurityFloor(vk); !floor.ok()) {
      return Error(Code::kParse,
                   fmt::format("vk.security_bits at byte {}: {}", at, floor.message()));
    }
  }
  return vk;
}

namespace {

// Kind 7's lifted weight masks (docs/zk.md "Lifted masks"): the first round
// folds 5 variables where the advice joins the opening after two folds or
// more and the sparse pad covers that round, else 4: an advice joining
// earlier has leaves of 2^(a - j) symbols (LeNet-5, advice as large as its
// weights: 91.6 KB at 5 against 75.3 at 4; the MLP 54.3-55.0 against
// 56.1-56.4 KB and a round-1 codeword half as long). A function of the spec
// and the set, so the key's parameters (and model id) follow from the key.
int LiftedMaskFirstFor(const ModelSpec& spec, zk::BasefoldParams p) {
  size_t n = detail::MakeWeightLayout(spec).num_vars;
  size_t n2 = detail::MakeAdviceLayout(spec).num_vars;
  p.lifted_mask_first = 5;
  bool wide = n2 + 2 <= n && zk::BasefoldPcs(p).LiftedMaskArity(n) > 0;
  return wide ? 5 : zk::BasefoldParams::kLiftedMaskFirst;
}

}  // namespace

std::unique_ptr<zk::MultilinearPcs> VerifyingKey::Pcs(unsigned threads) const {
  if (pcs == PcsKind::kLigero || pcs == PcsKind::kHidingLigero) {
    return std::make_unique<zk::LigeroPcs>(
        zk::LigeroParams{security_bits, log_inv_rate, threads, pcs == PcsKind::kHidingLigero});
  }
  if (pcs == PcsKind::kBasefold) {
    return std::make_unique<zk::BasefoldPcs>(
        zk::BasefoldParams::UniqueDecoding(security_bits, log_inv_rate, threads));
  }
  // kBasefoldFp4: the default (Johnson-regime) parameters and round schedule;
  // kHidingBasefold: the same, hiding; kinds 6 and 7: the conjectured-regime sets.
  zk::BasefoldParams p = zk::BasefoldParams::Default();
  if (pcs == PcsKind::kHidingBasefold) p = zk::BasefoldParams::Hiding();
  if (pcs == PcsKind::kBasefoldFp4Conjectured) p = zk::BasefoldParams::Conjectured();
  if (pcs == PcsKind::kHidingBasefoldConjectured) p = zk::BasefoldParams::HidingConjectured();
  p.security_bits = security_bits;
  p.log_inv_rate = log_inv_rate;
  p.threads = threads;
  if (pcs == PcsKind::kHidingBasefoldConjectured) p.lifted_mask_first = LiftedMaskFirstFor(spec, p);
  return std::make_unique<zk::BasefoldPcs>(p);
}

crypto::Digest256 VerifyingKey::ModelId() const {
  ByteWriter w;
  spec.Encode(w);  // architecture and quantization parameters
  w.DigestValue(weights.root);
  w.U32(weights.num_vars);
  w.U32(weights.num_polys);
  Bytes params = Pcs()->ParametersEncoding();
  w.U32(static_cast<uint32_t>(params.size()));
  w.Raw(params);
  crypto::Sha256Hasher h;
  h.Update(AsBytes(kModelIdDomain));
  h.Update(w.bytes());
  return h.Finish();
}

Bytes EncodePackage(const ProverPackage& p) {
  ByteWriter w;
  w.U32(kPkgMagic);
  w.U32(p.vk.hiding() ? kHidingPackageVersion : kPackageVersion);
  if (p.vk.hiding()) w.DigestValue(p.mask_seed);  // secret: the package is the prover's
  Bytes model = p.model.CanonicalEncoding();
  Bytes vk = p.vk.Encode();
  w.U64(model.size());
  w.Raw(model);
  w.U64(vk.size());
  w.Raw(vk);
  return w.Take();
}

Result<Committed> LoadPackage(ByteSpan bytes, unsigned threads) {
  auto fail = [](std::string m) { return Error(Code::kParse, "package: " + m); };
  if (bytes.size() < 16) return fail("truncated header");
  ByteReader r(bytes);
  VINET_ASSIGN_OR_RETURN(uint32_t magic, r.U32("package.magic"));
  VINET_ASSIGN_OR_RETURN(uint32_t version, r.U32("package.version"));
  if (magic != kPkgMagic || (version != kPackageVersion && version != kLegacyPackageVersion &&
                             version != kHidingPackageVersion)) {
    return fail("not a version-2, -3 or -4 prover package");
  }
  zk::Digest seed{};
  if (version == kHidingPackageVersion) {
    VINET_ASSIGN_OR_RETURN(seed, r.ReadDigest("package.mask_seed"));
  }
  size_t head = r.offset() + 8;
  VINET_ASSIGN_OR_RETURN(uint64_t mlen, r.U64("package.model_length"));
  if (mlen > bytes.size() - head) return fail("model length past the end");
  ByteSpan model_bytes = bytes.subspan(head, mlen);
  size_t at = head + mlen;
  if (bytes.size() - at < 8) return fail("truncated key length");
  ByteReader r2(bytes.subspan(at));
  VINET_ASSIGN_OR_RETURN(uint64_t vlen, r2.U64("package.key_length"));
  if (vlen != bytes.size() - at - 8) return fail("key length does not end the file");
  VINET_ASSIGN_OR_RETURN(runtime::QuantizedModel model,
                         runtime::QuantizedModel::Decode(model_bytes));
  // An experiment's package may hold a key below the floor: it can prove,
  // nothing verifies its proofs.
  VINET_ASSIGN_OR_RETURN(VerifyingKey stored,
                         VerifyingKey::Parse(bytes.subspan(at + 8), KeyPolicy::kAllowBelowFloor));
  if (stored.hiding() != (version == kHidingPackageVersion)) {
    return fail("package version and key version disagree on hiding");
  }
  ZkmlParams params;
  params.security_bits = stored.security_bits;
  params.log_inv_rate = stored.log_inv_rate;
  params.threads = threads;
  params.pcs = stored.pcs;
  params.hiding = stored.hiding();
  params.insecure_experiment = true;
  VINET_ASSIGN_OR_RETURN(Committed c, detail::CommitWithSeed(std::move(model), params, seed));
  if (c.vk.Encode() != stored.Encode()) {
    return Error(Code::kVerification, "package: recommitted weights do not match the stored key");
  }
  return c;
}

const runtime::QuantizedModel& PackageModel(const ProverPackage& p) {
  return p.model;
}
const VerifyingKey& PackageKey(const ProverPackage& p) {
  return p.vk;
}

namespace {

// Per block: the advice and weight claims it adds, the gathers' entries, and
// its sumchecks (rounds, degree), all from the key.
struct BlockCounts {
  size_t advice_claims = 0, weight_claims = 0, gather_entries = 0, eq_entries = 0;
  std::vector<std::pair<size_t, size_t>> sumchecks;  // (rounds, degree)
  size_t batch_terms = 0;                            // random-combination terms (γ, δ)
};

BlockCounts CountBlock(const ModelSpec& spec, const detail::AdviceLayout& a, size_t i) {
  const LinearBlock& b = spec.blocks[i];
  const detail::BlockSegments& s = a.blocks[i];
  detail::BlockShape sh = detail::ShapeOf(b, s);
  BlockCounts c;
  size_t sources = b.kind == BlockKind::kAdd ? 2 : 1;
  size_t input_reads = (b.input < 0) + (b.kind == BlockKind::kAdd && b.input_b < 0);
  size_t bl = s.batch_log;
  c.eq_entries += input_reads * (size_t{1} << (s.in_log + bl));
  if (b.requantizes()) c.advice_claims += b.num_limbs() + 2;
  for (size_t log : sh.matmul_logs) c.sumchecks.push_back({log, 2});
  c.advice_claims += b.kind == BlockKind::kLinear ? s.chunks.size() : sources;
  if (b.kind == BlockKind::kLinear) c.weight_claims = s.chunks.size() + 1;
  if (b.kind == BlockKind::kConv) c.weight_claims = 2;
  for (size_t g = 0; g < sh.gathers; ++g) c.sumchecks.push_back({sh.gather_log, 2});
  // Gather entries: at most one per (channel, window slot, output position).
  const Window& w = b.win;
  size_t slots = size_t{w.c} * w.kh * w.kw * w.oh * w.ow;
  if (b.kind == BlockKind::kConv) {
    size_t plog = CeilLog2(uint64_t{w.oh} * w.ow);
    c.gather_entries = slots;
    c.eq_entries += (size_t{1} << (plog + detail::ConvKLog(b))) + (size_t{1} << s.in_log) +
                    (size_t{1} << s.out_log);
  } else if (b.kind == BlockKind::kAvgPool || b.kind == BlockKind::kMaxPool) {
    c.gather_entries = slots;
    c.eq_entries += (size_t{1} << s.out_log) + (size_t{1} << s.in_log);
  }
  if (b.kind == BlockKind::kMaxPool) {
    size_t kk = size_t{b.win.kh} * b.win.kw;
    c.advice_claims += 1 + 4 * (kk - 1);
    c.sumchecks.push_back({s.out_log + bl, 3});
    c.eq_entries += 2 * (size_t{1} << (s.out_log + bl));
    c.batch_terms = 2 * kk;
  }
  return c;
}

// Basefold opening of n variables: the sumcheck rounds, folding every queried
// coset, the final polynomial at each final query; leaf hashes and the inner
// nodes of each round's multi-proof (one compression per node).
void AddBasefoldSchemeCost(const zk::BasefoldPcs& bf, size_t n, VerifyCost& c) {
  zk::BasefoldShape s = bf.ShapeFor(n);
  size_t t = s.num_queries;
  // An Fp4 product is three Fp2 products (Karatsuba): count Fp2-equivalent operations.
  size_t ext = s.ext_degree == 4 ? 3 : 1;
  size_t ops = 8 * s.folded_vars + 2 * (size_t{1} << s.final_vars);
  // Hiding: the first-round leaves also hold the mask polynomials (lifted
  // masks: LiftedMaskSymbols, each mask symbol a product per point).
  size_t polys = bf.hiding() ? 1 + zk::BasefoldPcs::kHidingMasks : 1;
  for (size_t r = 0; r < s.Rounds(); ++r) {
    size_t w = size_t{1} << s.arity[r];
    size_t leaf_bytes = r == 0 ? 8 * s.FirstLeafSymbols(polys) : 8 * s.ext_degree * w;
    if (r == 0) ops += t * 4 * w * (polys - 1);  // the batch combination per symbol
    ops += t * (4 * w + 64);
    c.hashes +=
        t * ((leaf_bytes + 1 + 8 + 63) / 64) + zk::MerkleTree::MultiProofMaxSize(s.LeafDepth(r), t);
  }
  ops += t * 2 * (size_t{1} << s.final_vars);
  c.field_ops += ext * ops;
}

void AddBasefoldCost(const VerifyingKey& vk, size_t n, VerifyCost& c) {
  std::unique_ptr<zk::MultilinearPcs> pcs = vk.Pcs();
  AddBasefoldSchemeCost(static_cast<const zk::BasefoldPcs&>(*pcs), n, c);
}

}  // namespace

VerifyCost EstimateVerifyCost(const VerifyingKey& vk) {
  return EstimateBatchVerifyCost(vk, 1);
}

VerifyCost EstimateBatchVerifyCost(const VerifyingKey& vk, size_t k) {
  size_t bl = CeilLog2(std::max<size_t>(1, k));
  detail::AdviceLayout a = detail::MakeAdviceLayout(vk.spec, bl);
  detail::WeightLayout wl = detail::MakeWeightLayout(vk.spec);
  VerifyCost c;
  size_t claims = 0, weight_claims = 0;
  size_t lookup_l = 0, lookups = 0;  // one LogUp batch: its layers once, leaves per lookup
  for (const detail::LookupSlot& s : detail::LookupSlots(a)) {
    lookup_l = std::max(lookup_l, 1 + std::max(s.x.log, s.table->num_vars()));
    c.field_ops += 8 * s.table->num_vars();
    claims += s.two_columns ? 3 : 2;
    ++lookups;
  }
  c.field_ops += 12 * lookup_l * lookup_l + 16 * lookups * lookup_l;
  for (size_t i = 0; i < vk.spec.blocks.size(); ++i) {
    BlockCounts bc = CountBlock(vk.spec, a, i);
    c.field_ops += 16 + 4 * vk.spec.blocks[i].num_limbs() + 4 * bc.eq_entries +
                   5 * bc.gather_entries + 2 * bc.batch_terms;
    for (auto [rounds, degree] : bc.sumchecks) c.field_ops += 4 * (degree + 2) * rounds;
    claims += bc.advice_claims;
    weight_claims += bc.weight_claims;
  }
  // The public output's and input's MLEs over the whole batch.
  c.field_ops += 4 * (size_t{1} << (a.blocks[vk.spec.output_block].out_log + bl));
  if (bl > 0) c.field_ops += 4 * (size_t{1} << (vk.spec.StorageOf(-1).log() + bl));
  c.field_ops += 8 * claims * a.num_vars + 8 * weight_claims * wl.num_vars;
  for (size_t n : {a.num_vars, wl.num_vars}) detail::AddPcsVerifyCost(vk, n, c);
  if (vk.hiding()) {  // zero knowledge: the mask bank's column weights and its one opening
    const detail::ProofForm form = detail::FormOf(vk, a, wl);
    std::vector<zk::MaskShape> shapes = detail::MaskShapes(vk.spec, a, wl, form.joint);
    for (const zk::MaskShape& s : shapes) c.field_ops += 4 * s.num_vars * (s.degree + 1) + 8;
    size_t m = zk::MaskBankVars(shapes);
    if (form.bank_in_joint) {  // T's weights at r', eq(u, r'), the bank's leaf symbols
      size_t polys = detail::AdvicePolys(vk.spec, a, wl, form);
      c.field_ops += 8 * (size_t{1} << m) + 8 * a.num_vars + 16 * polys;
      std::unique_ptr<zk::MultilinearPcs> pcs = vk.Pcs();
      const auto& bf = static_cast<const zk::BasefoldPcs&>(*pcs);
      c.field_ops += bf.ShapeFor(wl.num_vars).num_queries * 8 * (polys - 1);
      return c;
    }
    c.field_ops += 8 * (size_t{1} << (m - 1)) + 16 * m;  // w'(r') and the inner sumcheck
    std::unique_ptr<zk::MultilinearPcs> bank = detail::MaskBankPcs(vk, 1);
    if (const auto* basefold = dynamic_cast<const zk::BasefoldPcs*>(bank.get())) {
      AddBasefoldSchemeCost(*basefold, m, c);
    } else {
      detail::AddLigeroVerifyCost(static_cast<const zk::LigeroPcs&>(*bank), m, c);
    }
  }
  return c;
}

namespace detail {
constexpr int kBankLigeroLogInvRate = 3;
constexpr int kBankBasefoldLogInvRate = 7;

std::unique_ptr<zk::MultilinearPcs> MaskBankPcs(const VerifyingKey& vk, unsigned threads) {
  // The bank's one small opening (T, 11-13 variables; the key's rate if lower).
  // Kinds 5 and 7: hiding Basefold as the key's (its regime) but at rate 1/128
  // (session 15: T is 2^11-2^13 entries, so the 128x codeword is at most the
  // size of a 2^16 advice's; kind 7, `zkml_bench MODEL 9 2 hiding_basefold_conj`,
  // the bank's part at 1/32 / 1/64 / 1/128: MLP 24.5-25.1 / 22.6-22.7 /
  // 21.1 KB for 147-154 / 148-171 / 157-167 ms prove CPU, LeNet-5 33.1-33.2 /
  // 29.7-30.0 / 27.7-28.1 KB for 237-248 / 241-265 / 275-287 ms;
  // docs/benchmarks.md "Session 15"). Kind 3: hiding Ligero at rate 1/8.
  if (vk.pcs == PcsKind::kHidingBasefold || vk.pcs == PcsKind::kHidingBasefoldConjectured) {
    zk::BasefoldParams p = vk.pcs == PcsKind::kHidingBasefold
                               ? zk::BasefoldParams::Hiding(threads)
                               : zk::BasefoldParams::HidingConjectured(threads);
    p.security_bits = vk.security_bits;
    p.log_inv_rate = std::max(kBankBasefoldLogInvRate, vk.log_inv_rate);
    return std::make_unique<zk::BasefoldPcs>(p);
  }
  int rate = std::max(kBankLigeroLogInvRate, vk.log_inv_rate);
  return std::make_unique<zk::LigeroPcs>(zk::LigeroParams{vk.security_bits, rate, threads, true});
}

void AddPcsVerifyCost(const VerifyingKey& vk, size_t n, VerifyCost& c) {
  if (vk.pcs == PcsKind::kBasefold || IsBasefoldFp4Kind(vk.pcs)) {
    AddBasefoldCost(vk, n, c);
    return;
  }
  std::unique_ptr<zk::MultilinearPcs> pcs = vk.Pcs();
  AddLigeroVerifyCost(static_cast<const zk::LigeroPcs&>(*pcs), n, c);
}

void AddLigeroVerifyCost(const zk::LigeroPcs& pcs, size_t n, VerifyCost& c) {
  zk::LigeroGeometry g = pcs.Geometry(n, 1);
  size_t len = g.len, t = g.queries, rows = g.column_height, depth = g.depth;
  // One encoding of u_prox + xi u_eval, one dot product per queried column.
  c.field_ops += 2 * len * depth + 2 * t * rows + 4 * (len / 4);
  // Leaf hashes plus at most MultiProofMaxSize inner nodes (the multi-proof).
  c.hashes += t * ((rows * 8 + 63) / 64) + zk::MerkleTree::MultiProofMaxSize(depth, t);
}
}  // namespace detail

double SoundnessBits(const VerifyingKey& vk) {
  return BatchSoundnessBits(vk, 1);
}

double BatchSoundnessBits(const VerifyingKey& vk, size_t k) {
  size_t bl = CeilLog2(std::max<size_t>(1, k));
  detail::AdviceLayout a = detail::MakeAdviceLayout(vk.spec, bl);
  detail::WeightLayout wl = detail::MakeWeightLayout(vk.spec);
  double f = zk::ExtensionFieldBits();
  double err = 0;
  auto add = [&](double bits) { err += std::exp2(-bits); };
  size_t advice_claims = 1, weight_claims = 0;
  std::vector<std::array<size_t, 2>> lookup_vars;  // one LogUp batch for all the lookups
  for (const detail::LookupSlot& s : detail::LookupSlots(a)) {
    lookup_vars.push_back({s.x.log, s.table->num_vars()});
    advice_claims += s.two_columns ? 3 : 2;
  }
  add(zk::LogUpBatchSoundnessBits(lookup_vars));
  for (size_t i = 0; i < vk.spec.blocks.size(); ++i) {
    BlockCounts bc = CountBlock(vk.spec, a, i);
    for (auto [rounds, degree] : bc.sumchecks) {
      add(zk::SumcheckSoundnessBits(degree, std::max<size_t>(1, rounds)));
    }
    // Max-pool: the γ and δ combinations ((kk − 1)/|F| each) and the
    // zero-check's random point (out_log/|F|, Schwartz–Zippel on eq·Σ).
    if (bc.batch_terms > 0) {
      err +=
          std::exp2(std::log2(static_cast<double>(bc.batch_terms + a.blocks[i].out_log + bl)) - f);
    }
    advice_claims += bc.advice_claims;
    weight_claims += bc.weight_claims;
  }
  // Claim batching: (K − 1)/|F| for beta plus the degree-2 sumcheck.
  const bool joint = detail::FormOf(vk, a, wl).joint;
  std::unique_ptr<zk::MultilinearPcs> pcs = vk.Pcs();
  if (joint) {  // one batch of both claim lists, one opening of the weights' shape
    err += std::exp2(std::log2(static_cast<double>(advice_claims + weight_claims)) - f);
    add(zk::SumcheckSoundnessBits(2, wl.num_vars));
    add(pcs->SoundnessBits(wl.num_vars));
  } else {
    err += std::exp2(std::log2(static_cast<double>(advice_claims)) - f);
    err += std::exp2(std::log2(static_cast<double>(std::max<size_t>(1, weight_claims))) - f);
    add(zk::SumcheckSoundnessBits(2, a.num_vars));
    add(zk::SumcheckSoundnessBits(2, wl.num_vars));
    add(pcs->SoundnessBits(a.num_vars));
    add(pcs->SoundnessBits(wl.num_vars));
  }
  if (vk.hiding()) {  // zero knowledge: rho per masked sumcheck, lambda, the mask opening
    std::vector<zk::MaskShape> shapes = detail::MaskShapes(vk.spec, a, wl, joint);
    err += std::exp2(std::log2(static_cast<double>(2 * shapes.size())) - f);
    // The bank inside the joint batch: beta_T, rho1, rho2; T is opened by the
    // joint opening, already counted.
    if (joint) {
      err += std::exp2(std::log2(3.0) - f);
      // Lifted masks (docs/zk.md "Masks lifted to the last variables"): a
      // committed R that is not a lift acts as a fixed mask one degree higher
      // in the slot's last n2 - k variables, and T as a fixed combination of
      // its slices: at most n2 + n more points of failure over F.
      err += std::exp2(std::log2(static_cast<double>(a.num_vars + wl.num_vars)) - f);
      return -std::log2(err);
    }
    size_t m = zk::MaskBankVars(shapes);  // the inner product: sigma, a sumcheck, one opening
    add(zk::SumcheckSoundnessBits(2, m));
    err += std::exp2(-f);
    std::unique_ptr<zk::MultilinearPcs> bank = detail::MaskBankPcs(vk, 1);
    add(bank->SoundnessBits(m));
  }
  return -std::log2(err);
}

Status CheckSecurityFloor(const VerifyingKey& vk) {
  double bits = SoundnessBits(vk);
  if (bits >= kMinSecurityBits) return Status();
  return Error(Code::kInvalidArgument,
               fmt::format("security {} / rate 2^-{} give {:.1f} bits of soundness, below the "
                           "{:.0f}-bit floor",
                           vk.security_bits, vk.log_inv_rate, bits, kMinSecurityBits));
}

namespace detail {

zk::Transcript StartTranscript(const VerifyingKey& vk, const runtime::Int8Tensor& input,
                               const runtime::Int8Tensor& output) {
  zk::Transcript t("vinet.zkml.inference.v1");
  crypto::Digest256 id = vk.ModelId();
  t.Absorb("model_id", id);
  t.Absorb("input",
           ByteSpan(reinterpret_cast<const uint8_t*>(input.data.data()), input.data.size()));
  t.Absorb("output",
           ByteSpan(reinterpret_cast<const uint8_t*>(output.data.data()), output.data.size()));
  return t;
}

std::vector<zk::Fp> PaddedInt8(std::span<const int8_t> v, size_t log) {
  std::vector<zk::Fp> out(size_t{1} << log);
  for (size_t i = 0; i < v.size(); ++i) out[i] = zk::Fp::FromSigned(v[i]);
  return out;
}

Status CheckShape(std::string_view what, const runtime::Int8Tensor& t,
                  const std::vector<int64_t>& shape) {
  size_t n = 1;
  for (int64_t d : shape) n *= static_cast<size_t>(d);
  if (t.data.size() != n) {
    return Error(Code::kInvalidArgument,
                 fmt::format("{}: {} values, the key expects {} (shape {})", what, t.data.size(), n,
                             runtime::ShapeToString(shape)));
  }
  for (int8_t v : t.data) {
    if (v == -128) return Error(Code::kInvalidArgument, fmt::format("{}: holds -128", what));
  }
  return Status();
}

}  // namespace detail

Result<runtime::Int8Tensor> QuantizeInput(const ModelSpec& spec, const runtime::Tensor& x) {
  if (x.data.size() != spec.input_size()) {
    return Error(Code::kInvalidArgument,
                 fmt::format("input: {} values, the key expects {} (shape {})", x.data.size(),
                             spec.input_size(), runtime::ShapeToString(spec.input_shape)));
  }
  runtime::Int8Tensor q{spec.input_shape, std::vector<int8_t>(x.data.size())};
  for (size_t i = 0; i < x.data.size(); ++i) {
    if (!std::isfinite(x.data[i])) {
      return Error(Code::kInvalidArgument, fmt::format("input: element {} is not finite", i));
    }
    float r = std::round(x.data[i] / spec.input_scale);
    q.data[i] = static_cast<int8_t>(std::clamp(r, -127.0f, 127.0f));
  }
  return q;
}

}  // namespace vinet::zkml
