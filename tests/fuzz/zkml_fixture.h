// Fuzz fixture: a tiny committed CNN (Conv, ReLU, MaxPool, Flatten, Gemm), one
// input, its honest proof, key and weight-range proof; a batch proof of two
// inputs (the first and another); the same model under a private-weights
// (hiding, zero-knowledge) key with one proof, masks from a fixed seed so the
// proof is reproducible (its seed is pinned like the others).
#pragma once

#include <cstdlib>

#include "../unit/runtime/onnx_builder.h"
#include "vinet/zk/random.h"
#include "vinet/zkml/weight_range.h"
#include "vinet/zkml/zkml.h"

namespace vinet::fuzz {

struct ZkmlFixture {
  zkml::Committed committed;
  runtime::Int8Tensor input, output;
  Bytes proof, key, range_proof;
  std::vector<runtime::Int8Tensor> batch_inputs, batch_outputs;
  Bytes batch_proof;
  zkml::Committed hiding;  // hiding Ligero key (kind 3): the proof carries a mask bank
  runtime::Int8Tensor hiding_output;
  Bytes hiding_proof;

  ZkmlFixture() {
    runtime::testing::OnnxBuilder b;
    using B = runtime::testing::OnnxBuilder;
    b.Input("x", {-1, 1, 4, 4}).Output("y");
    b.RandomInit("w1", {2, 1, 3, 3}, 0.4f, 1).RandomInit("b1", {2}, 0.1f, 2);
    b.RandomInit("w2", {3, 8}, 0.4f, 3).RandomInit("b2", {3}, 0.1f, 4);
    B::Ints(b.Node("Conv", {"x", "w1", "b1"}, {"h"}, "conv1"), "pads", {1, 1, 1, 1});
    b.Node("Relu", {"h"}, {"r"}, "relu");
    auto& pool = b.Node("MaxPool", {"r"}, {"p"}, "pool");
    B::Ints(pool, "kernel_shape", {2, 2});
    B::Ints(pool, "strides", {2, 2});
    b.Node("Flatten", {"p"}, {"f"}, "flatten");
    B::Int(b.Node("Gemm", {"f", "w2", "b2"}, {"y"}, "fc2"), "transB", 1);
    auto m = runtime::Model::LoadBytes(b.Serialize());
    if (!m.ok()) std::abort();
    runtime::Tensor cal{{2, 1, 4, 4}, {}};
    for (size_t i = 0; i < 32; ++i)
      cal.data.push_back(static_cast<float>((i * 7) % 11) / 5.0f - 1.0f);
    auto q = runtime::Quantize(**m, std::vector<runtime::TensorMap>{{{"x", cal}}});
    if (!q.ok()) std::abort();
    auto c = zkml::Commit(*q, zkml::ZkmlParams{.threads = 1});  // default (>= 100-bit) key
    if (!c.ok()) std::abort();
    committed = *c;
    input = {{1, 1, 4, 4}, {10, -20, 30, 127, -127, 0, 5, 9, -9, 60, 1, 2, 3, -4, 100, -100}};
    auto p = zkml::Prove(*committed.package, input);
    if (!p.ok()) std::abort();
    output = p->output;
    proof = p->proof;
    key = committed.vk.Encode();
    if (!zkml::Verify(committed.vk, input, output, proof).ok()) std::abort();
    auto range = zkml::ProveWeightRange(*committed.package);
    if (!range.ok() || !zkml::VerifyWeightRange(committed.vk, *range).ok()) std::abort();
    range_proof = *range;
    batch_inputs = {input,
                    {{1, 1, 4, 4}, {-5, 7, 0, 1, 2, 3, -60, 90, 4, 4, -4, 127, 0, 0, 8, -1}}};
    auto bp = zkml::ProveBatch(*committed.package, batch_inputs);
    if (!bp.ok()) std::abort();
    batch_outputs = bp->outputs;
    batch_proof = bp->proof;
    if (!zkml::VerifyBatch(committed.vk, batch_inputs, batch_outputs, batch_proof).ok())
      std::abort();
    zk::ScopedSeededMasksForTesting seeded(5);  // this thread only: threads = 1 below
    zkml::ZkmlParams hp = zkml::ZkmlParams::PrivateWeightsLigero();  // kind 3: the stored seeds
    hp.threads = 1;
    auto h = zkml::Commit(*q, hp);
    if (!h.ok()) std::abort();
    hiding = *h;
    auto hpf = zkml::Prove(*hiding.package, input);
    if (!hpf.ok()) std::abort();
    hiding_output = hpf->output;
    hiding_proof = hpf->proof;
    if (!zkml::Verify(hiding.vk, input, hiding_output, hiding_proof).ok()) std::abort();
  }
};

}  // namespace vinet::fuzz
