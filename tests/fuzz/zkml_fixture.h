// Fuzz fixture: a tiny committed MLP, one input, its honest proof and key.
#pragma once

#include <cstdlib>

#include "../unit/runtime/onnx_builder.h"
#include "vinet/zkml/zkml.h"

namespace vinet::fuzz {

struct ZkmlFixture {
  zkml::Committed committed;
  runtime::Int8Tensor input, output;
  Bytes proof, key;

  ZkmlFixture() {
    runtime::testing::OnnxBuilder b;
    b.Input("x", {-1, 6}).Output("y");
    b.RandomInit("w1", {6, 5}, 0.4f, 1).RandomInit("b1", {5}, 0.1f, 2);
    b.RandomInit("w2", {5, 3}, 0.4f, 3).RandomInit("b2", {3}, 0.1f, 4);
    b.Node("Gemm", {"x", "w1", "b1"}, {"h"}, "fc1");
    b.Node("Relu", {"h"}, {"r"}, "relu");
    b.Node("Gemm", {"r", "w2", "b2"}, {"y"}, "fc2");
    auto m = runtime::Model::LoadBytes(b.Serialize());
    if (!m.ok()) std::abort();
    runtime::Tensor cal{{2, 6}, {0.5f, -1, 0.25f, 1, -0.75f, 0.1f, -0.3f, 0.9f, 1.2f, -1, 0, 0.4f}};
    auto q = runtime::Quantize(**m, std::vector<runtime::TensorMap>{{{"x", cal}}});
    if (!q.ok()) std::abort();
    auto c = zkml::Commit(*q, {100, 2, 1});
    if (!c.ok()) std::abort();
    committed = *c;
    input = {{1, 6}, {10, -20, 30, 127, -127, 0}};
    auto p = zkml::Prove(*committed.package, input);
    if (!p.ok()) std::abort();
    output = p->output;
    proof = p->proof;
    key = committed.vk.Encode();
    if (!zkml::Verify(committed.vk, input, output, proof).ok()) std::abort();
  }
};

}  // namespace vinet::fuzz
