// Test helpers: random quantized MLPs built through the runtime (tests only).
#pragma once

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "unit/runtime/onnx_builder.h"
#include "vinet/runtime/model.h"
#include "vinet/runtime/quantized.h"

namespace vinet::zkml::testing {

inline runtime::Tensor RandomTensor(const runtime::Shape& s, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0, scale);
  runtime::Tensor t{s, std::vector<float>(runtime::NumElements(s))};
  for (float& v : t.data) v = d(rng);
  return t;
}

// x[1, dims[0]] -> Gemm -> (Relu) -> ... -> Gemm; ReLU after every hidden
// layer when `relu`, optional Flatten in front.
inline runtime::QuantizedModel RandomMlp(const std::vector<int64_t>& dims, uint32_t seed,
                                         bool relu = true, bool flatten = false) {
  runtime::testing::OnnxBuilder b;
  std::string x = "x";
  if (flatten) {
    b.Input("x", {-1, 1, dims[0]});
    b.Node("Flatten", {"x"}, {"xf"}, "flatten");
    x = "xf";
  } else {
    b.Input("x", {-1, dims[0]});
  }
  for (size_t i = 0; i + 1 < dims.size(); ++i) {
    std::string w = "w" + std::to_string(i), bias = "b" + std::to_string(i);
    std::string y = i + 2 == dims.size() ? "y" : "h" + std::to_string(i);
    b.RandomInit(w, {dims[i], dims[i + 1]}, 1.0f / std::sqrt(float(dims[i])), seed + 2 * i);
    b.RandomInit(bias, {dims[i + 1]}, 0.1f, seed + 2 * i + 1);
    b.Node("Gemm", {x, w, bias}, {relu && i + 2 < dims.size() ? y + "_pre" : y},
           "fc" + std::to_string(i));
    if (relu && i + 2 < dims.size()) b.Node("Relu", {y + "_pre"}, {y}, "relu" + std::to_string(i));
    x = y;
  }
  b.Output("y");
  auto m = runtime::Model::LoadBytes(b.Serialize());
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  runtime::Shape in_shape = flatten ? runtime::Shape{4, 1, dims[0]} : runtime::Shape{4, dims[0]};
  std::vector<runtime::TensorMap> cal = {{{"x", RandomTensor(in_shape, seed + 100)}}};
  auto q = runtime::Quantize(**m, cal);
  EXPECT_TRUE(q.ok()) << q.status().ToString();
  return *q;
}

}  // namespace vinet::zkml::testing
