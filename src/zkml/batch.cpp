// Batch proofs: one proof for k inferences of one model (instances.h).
//
// Encoding: u32 magic "VZBP" ‖ u32 version 1 ‖ u32 count k (1..kMaxBatch) ‖
// the model proof of the layout with batch_log = ⌈log2 k⌉ (proof.h). The k
// instances are padded to 2^batch_log by repeating the last one, on both
// sides, so every padded instance is a true statement about public values.
// Transcript "vinet.zkml.batch.v1": model id, k, then every (input, output).
#include <fmt/format.h>

#include "vinet/zkml/proof_check.h"
#include "zkml/instances.h"

namespace vinet::zkml {

using namespace detail;

namespace {

constexpr uint32_t kBatchMagic = 0x50425a56;  // "VZBP"
constexpr uint32_t kBatchVersion = 1;
constexpr size_t kHeaderBytes = 12;

Status CheckCount(size_t k) {
  if (k == 0 || k > kMaxBatch) {
    return Error(Code::kInvalidArgument,
                 fmt::format("batch: {} instances, want 1..{}", k, kMaxBatch));
  }
  return Status();
}

// The instances padded to a power of two with the last one.
std::vector<runtime::Int8Tensor> Padded(std::span<const runtime::Int8Tensor> v) {
  std::vector<runtime::Int8Tensor> out(v.begin(), v.end());
  while (out.size() & (out.size() - 1)) out.push_back(v.back());
  return out;
}

zk::Transcript StartBatchTranscript(const VerifyingKey& vk, size_t k,
                                    std::span<const runtime::Int8Tensor> inputs,
                                    std::span<const runtime::Int8Tensor> outputs) {
  zk::Transcript t("vinet.zkml.batch.v1");
  crypto::Digest256 id = vk.ModelId();
  t.Absorb("model_id", id);
  uint8_t count[4] = {static_cast<uint8_t>(k), static_cast<uint8_t>(k >> 8),
                      static_cast<uint8_t>(k >> 16), static_cast<uint8_t>(k >> 24)};
  t.Absorb("count", ByteSpan(count, 4));
  auto bytes = [](const runtime::Int8Tensor& x) {
    return ByteSpan(reinterpret_cast<const uint8_t*>(x.data.data()), x.data.size());
  };
  for (size_t n = 0; n < inputs.size(); ++n) {
    t.Absorb("input", bytes(inputs[n]));
    t.Absorb("output", bytes(outputs[n]));
  }
  return t;
}

// Header checks, then the body against the batch layout.
Result<ModelProof> ParseBatch(const VerifyingKey& vk, size_t k, ByteSpan bytes,
                              const AdviceLayout& al, const WeightLayout& wl) {
  zk::ByteReader r(bytes);
  VINET_ASSIGN_OR_RETURN(uint32_t magic, r.U32("batch.magic"));
  if (magic != kBatchMagic) {
    return Error(Code::kParse, "batch.magic at byte 0: not a batch proof");
  }
  VINET_ASSIGN_OR_RETURN(uint32_t version, r.U32("batch.version"));
  if (version != kBatchVersion) {
    return Error(Code::kParse,
                 fmt::format("batch.version at byte 4: {} is not {}", version, kBatchVersion));
  }
  VINET_ASSIGN_OR_RETURN(uint32_t count, r.U32("batch.count"));
  if (count != k) {
    return Error(
        Code::kParse,
        fmt::format("batch.count at byte 8: {} instances, the statement has {}", count, k));
  }
  auto p = ModelProof::Parse(bytes.subspan(kHeaderBytes), vk.spec, al, wl, FormOf(vk, al, wl));
  if (!p.ok()) return p.status().WithContext("batch proof body (from byte 12)");
  return p;
}

}  // namespace

Result<BatchProved> ProveBatch(const ProverPackage& pkg,
                               std::span<const runtime::Int8Tensor> inputs, ProveTimings* timings) {
  VINET_RETURN_IF_ERROR(CheckCount(inputs.size()));
  std::vector<runtime::Int8Tensor> padded = Padded(inputs);
  size_t k = inputs.size();
  auto start = [&](std::span<const runtime::Int8Tensor> outputs) {
    return StartBatchTranscript(pkg.vk, k, padded, outputs);
  };
  VINET_ASSIGN_OR_RETURN(ProvedInstances p, ProveInstances(pkg, padded, start, timings));
  zk::ByteWriter w;
  w.U32(kBatchMagic);
  w.U32(kBatchVersion);
  w.U32(static_cast<uint32_t>(k));
  Bytes out = w.Take();
  Bytes body = p.proof.Encode();
  out.insert(out.end(), body.begin(), body.end());
  p.outputs.resize(k);
  return BatchProved{std::move(p.outputs), std::move(out)};
}

Status VerifyBatch(const VerifyingKey& vk, std::span<const runtime::Int8Tensor> inputs,
                   std::span<const runtime::Int8Tensor> outputs, ByteSpan proof_bytes) {
  VINET_RETURN_IF_ERROR(CheckCount(inputs.size()));
  if (outputs.size() != inputs.size()) {
    return Error(Code::kInvalidArgument,
                 fmt::format("batch: {} inputs but {} outputs", inputs.size(), outputs.size()));
  }
  size_t k = inputs.size(), batch_log = CeilLog2(k);
  if (double bits = BatchSoundnessBits(vk, k); bits < kMinSecurityBits) {
    return Error(Code::kInvalidArgument,
                 fmt::format("batch of {}: {:.1f} bits of soundness, below the {:.0f}-bit floor", k,
                             bits, kMinSecurityBits));
  }
  for (size_t n = 0; n < k; ++n) {
    VINET_RETURN_IF_ERROR(CheckShape(fmt::format("inputs[{}]", n), inputs[n], vk.spec.input_shape));
    VINET_RETURN_IF_ERROR(
        CheckShape(fmt::format("outputs[{}]", n), outputs[n], vk.spec.output_shape));
  }
  AdviceLayout al = MakeAdviceLayout(vk.spec, batch_log);
  WeightLayout wl = MakeWeightLayout(vk.spec);
  VINET_ASSIGN_OR_RETURN(ModelProof proof, ParseBatch(vk, k, proof_bytes, al, wl));
  std::vector<runtime::Int8Tensor> in = Padded(inputs), out = Padded(outputs);
  zk::Transcript t = StartBatchTranscript(vk, k, in, out);
  return VerifyInstances(vk, in, out, proof, al, wl, t);
}

Status CheckBatchProofForm(const VerifyingKey& vk, size_t k, ByteSpan proof) {
  VINET_RETURN_IF_ERROR(CheckCount(k));
  AdviceLayout al = MakeAdviceLayout(vk.spec, CeilLog2(k));
  WeightLayout wl = MakeWeightLayout(vk.spec);
  return ParseBatch(vk, k, proof, al, wl).status();
}

}  // namespace vinet::zkml
