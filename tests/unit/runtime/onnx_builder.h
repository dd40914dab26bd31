// Test helper: builds small ONNX ModelProtos in C++ (header-only, tests only).
#pragma once

#include <onnx/onnx_pb.h>

#include <random>
#include <string>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/runtime/tensor.h"

namespace vinet::runtime::testing {

class OnnxBuilder {
 public:
  explicit OnnxBuilder(int64_t opset = 17) {
    model_.set_ir_version(8);
    auto* o = model_.add_opset_import();
    o->set_domain("");
    o->set_version(opset);
    model_.mutable_graph()->set_name("test");
  }

  // A float input; -1 dims become the symbolic "N".
  OnnxBuilder& Input(const std::string& name, const Shape& shape) {
    auto* v = model_.mutable_graph()->add_input();
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : shape) {
      auto* dim = tt->mutable_shape()->add_dim();
      if (d < 0) {
        dim->set_dim_param("N");
      } else {
        dim->set_dim_value(d);
      }
    }
    return *this;
  }
  OnnxBuilder& Output(const std::string& name) {
    model_.mutable_graph()->add_output()->set_name(name);
    model_.mutable_graph()
        ->mutable_output()
        ->rbegin()
        ->mutable_type()
        ->mutable_tensor_type()
        ->set_elem_type(onnx::TensorProto::FLOAT);
    return *this;
  }
  OnnxBuilder& Init(const std::string& name, const Shape& shape, const std::vector<float>& data,
                    bool raw = true) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : shape) t->add_dims(d);
    if (raw) {
      t->set_raw_data(std::string(reinterpret_cast<const char*>(data.data()), data.size() * 4));
    } else {
      for (float f : data) t->add_float_data(f);
    }
    return *this;
  }
  OnnxBuilder& InitInts(const std::string& name, const std::vector<int64_t>& data) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<int64_t>(data.size()));
    for (int64_t v : data) t->add_int64_data(v);
    return *this;
  }
  // Random N(0, scale) weights from a fixed seed.
  OnnxBuilder& RandomInit(const std::string& name, const Shape& shape, float scale, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, scale);
    std::vector<float> d(NumElements(shape));
    for (float& v : d) v = dist(rng);
    return Init(name, shape, d);
  }
  onnx::NodeProto& Node(const std::string& op, const std::vector<std::string>& in,
                        const std::vector<std::string>& out, const std::string& name = "") {
    auto* n = model_.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const auto& s : in) n->add_input(s);
    for (const auto& s : out) n->add_output(s);
    return *n;
  }
  static void Ints(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
  }
  static void Int(onnx::NodeProto& n, const std::string& name, int64_t v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void Str(onnx::NodeProto& n, const std::string& name, const std::string& v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
  }

  onnx::ModelProto& proto() { return model_; }
  Bytes Serialize() const {
    std::string s;
    model_.SerializeToString(&s);
    return ToBytes(s);
  }

 private:
  onnx::ModelProto model_;
};

// x[N,1,8,8] -> Conv(4,3x3,pad1)+Relu -> MaxPool 2 -> Conv(4,3x3) -> AvgPool -> Add(skip) ...
// A small CNN covering every int8 op: Conv, Relu, MaxPool, AveragePool,
// GlobalAveragePool, Add, Flatten, Gemm, Reshape.
inline OnnxBuilder SmallCnn(uint32_t seed = 1) {
  OnnxBuilder b;
  b.Input("x", {-1, 1, 8, 8}).Output("y");
  b.RandomInit("w1", {4, 1, 3, 3}, 0.5f, seed).RandomInit("b1", {4}, 0.1f, seed + 1);
  b.RandomInit("w2", {4, 4, 3, 3}, 0.2f, seed + 2).RandomInit("b2", {4}, 0.1f, seed + 3);
  b.RandomInit("w3", {16, 5}, 0.3f, seed + 4).RandomInit("b3", {5}, 0.1f, seed + 5);
  b.InitInts("shape", {-1, 16});
  auto& c1 = b.Node("Conv", {"x", "w1", "b1"}, {"c1"}, "conv1");
  OnnxBuilder::Ints(c1, "pads", {1, 1, 1, 1});
  b.Node("Relu", {"c1"}, {"r1"}, "relu1");
  auto& p1 = b.Node("MaxPool", {"r1"}, {"p1"}, "pool1");
  OnnxBuilder::Ints(p1, "kernel_shape", {2, 2});
  OnnxBuilder::Ints(p1, "strides", {2, 2});
  auto& c2 = b.Node("Conv", {"p1", "w2", "b2"}, {"c2"}, "conv2");
  OnnxBuilder::Ints(c2, "pads", {1, 1, 1, 1});
  b.Node("Add", {"c2", "p1"}, {"s"}, "residual");
  b.Node("Relu", {"s"}, {"r2"}, "relu2");
  auto& p2 = b.Node("AveragePool", {"r2"}, {"p2"}, "pool2");
  OnnxBuilder::Ints(p2, "kernel_shape", {3, 3});
  OnnxBuilder::Ints(p2, "strides", {2, 2});
  OnnxBuilder::Ints(p2, "pads", {1, 1, 1, 1});
  b.Node("GlobalAveragePool", {"r2"}, {"g"}, "gap");
  b.Node("Reshape", {"p2", "shape"}, {"f"}, "flatten");
  b.Node("MatMul", {"f", "w3"}, {"m"}, "fc");
  b.Node("Flatten", {"g"}, {"gf"}, "gap_flat");  // [N,4]
  b.Node("Relu", {"m"}, {"y"}, "out_relu");
  return b;
}

}  // namespace vinet::runtime::testing
