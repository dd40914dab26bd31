// The ONNX loader: valid models load; every kind of bad model is rejected
// with a precise error code and a message naming what is wrong.
#include <gtest/gtest.h>

#include "onnx_builder.h"
#include "vinet/runtime/model.h"

namespace vinet::runtime {
namespace {

using testing::OnnxBuilder;

OnnxBuilder Linear() {
  OnnxBuilder b;
  b.Input("x", {-1, 3}).Output("y");
  b.Init("w", {3, 2}, {1, 2, 3, 4, 5, 6}).Init("b", {2}, {0.5f, -0.5f});
  b.Node("Gemm", {"x", "w", "b"}, {"y"}, "fc");
  return b;
}

Status LoadStatus(const Bytes& bytes) {
  return Model::LoadBytes(bytes).status();
}

TEST(Loader, LoadsAndDescribesAModel) {
  auto m = Model::LoadBytes(Linear().Serialize());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const Model& model = **m;
  ASSERT_EQ(model.inputs().size(), 1u);
  EXPECT_EQ(model.inputs()[0].name, "x");
  EXPECT_EQ(model.inputs()[0].shape, (Shape{-1, 3}));
  EXPECT_EQ(model.outputs()[0].name, "y");
  EXPECT_EQ(model.parameter_count(), 8);
  EXPECT_EQ(model.op_histogram().at("Gemm"), 1);
  EXPECT_EQ(model.id_hex().size(), 64u);
}

TEST(Loader, RejectsTruncatedAndGarbageBytes) {
  Bytes good = Linear().Serialize();
  for (size_t cut : {size_t{1}, good.size() / 3, good.size() - 1}) {
    Bytes bad(good.begin(), good.begin() + static_cast<long>(cut));
    Status s = LoadStatus(bad);
    EXPECT_FALSE(s.ok()) << "cut " << cut;
  }
  Bytes third(good.begin(), good.begin() + static_cast<long>(good.size() / 3));
  Status cut = LoadStatus(third);
  EXPECT_EQ(cut.code(), Code::kParse);
  EXPECT_NE(cut.message().find("byte offset"), std::string::npos) << cut.message();
  Status s = LoadStatus(ToBytes("\xff\xff\xff\xff not a protobuf"));
  EXPECT_EQ(s.code(), Code::kParse);
  EXPECT_NE(s.message().find("ModelProto"), std::string::npos) << s.message();
  EXPECT_EQ(LoadStatus({}).code(), Code::kParse);  // empty: no graph
}

TEST(Loader, MissingInitializerNamesNodeAndInput) {
  OnnxBuilder b;
  b.Input("x", {1, 3}).Output("y");
  b.Node("MatMul", {"x", "w_missing"}, {"y"}, "fc1");
  Status s = LoadStatus(b.Serialize());
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_NE(s.message().find("fc1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("w_missing"), std::string::npos) << s.message();
}

TEST(Loader, RejectsCycles) {
  OnnxBuilder b;
  b.Input("x", {1, 3}).Output("y");
  b.Node("Add", {"x", "z"}, {"y"}, "a");
  b.Node("Relu", {"y"}, {"z"}, "b");
  Status s = LoadStatus(b.Serialize());
  EXPECT_EQ(s.code(), Code::kParse);
  EXPECT_NE(s.message().find("cycle"), std::string::npos) << s.message();
}

TEST(Loader, UnsupportedOpAndAttributeAreNamed) {
  OnnxBuilder b;
  b.Input("x", {1, 3}).Output("y");
  b.Node("Celu", {"x"}, {"y"}, "act");
  Status s = LoadStatus(b.Serialize());
  EXPECT_EQ(s.code(), Code::kUnsupported);
  EXPECT_NE(s.message().find("'act' (Celu)"), std::string::npos) << s.message();

  OnnxBuilder c;
  c.Input("x", {1, 1, 4, 4}).Output("y");
  c.Init("w", {1, 1, 3, 3}, std::vector<float>(9, 1.0f));
  auto& conv = c.Node("Conv", {"x", "w"}, {"y"}, "conv");
  OnnxBuilder::Str(conv, "auto_pad", "SAME_UPPER");
  s = LoadStatus(c.Serialize());
  EXPECT_EQ(s.code(), Code::kUnsupported);
  EXPECT_NE(s.message().find("auto_pad"), std::string::npos) << s.message();

  OnnxBuilder d;
  d.Input("x", {1, 3}).Output("y");
  auto& r = d.Node("Relu", {"x"}, {"y"}, "r");
  OnnxBuilder::Int(r, "bogus", 1);
  s = LoadStatus(d.Serialize());
  EXPECT_EQ(s.code(), Code::kUnsupported);
  EXPECT_NE(s.message().find("'bogus'"), std::string::npos) << s.message();
}

TEST(Loader, RejectsHugeDeclaredShapes) {
  OnnxBuilder b;
  b.Input("x", {1000000, 1000000}).Output("y");
  b.Node("Relu", {"x"}, {"y"});
  EXPECT_EQ(LoadStatus(b.Serialize()).code(), Code::kOutOfRange);

  OnnxBuilder c;  // initializer claims 2^40 elements with 12 bytes of data
  c.Input("x", {1, 3}).Output("y");
  c.Init("w", {1 << 20, 1 << 20}, {1, 2, 3});
  c.Node("Add", {"x", "w"}, {"y"});
  Status s = LoadStatus(c.Serialize());
  EXPECT_EQ(s.code(), Code::kOutOfRange) << s.ToString();
}

TEST(Loader, RejectsRawDataOfTheWrongLength) {
  OnnxBuilder b;
  b.Input("x", {1, 3}).Output("y");
  b.Init("w", {3}, {1, 2, 3});
  b.proto().mutable_graph()->mutable_initializer(0)->mutable_raw_data()->resize(7);
  b.Node("Add", {"x", "w"}, {"y"});
  Status s = LoadStatus(b.Serialize());
  EXPECT_EQ(s.code(), Code::kParse);
  EXPECT_NE(s.message().find("initializer 'w'"), std::string::npos) << s.message();
}

TEST(Loader, RejectsShapeMismatchAtLoad) {
  OnnxBuilder b;
  b.Input("x", {1, 3}).Output("y");
  b.Init("w", {4, 2}, std::vector<float>(8, 1.0f));
  b.Node("MatMul", {"x", "w"}, {"y"}, "mm");
  Status s = LoadStatus(b.Serialize());
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("'mm' (MatMul)"), std::string::npos) << s.message();
}

TEST(Loader, RejectsUnsupportedOpsetAndUndefinedOutput) {
  OnnxBuilder b(/*opset=*/7);
  b.Input("x", {1, 3}).Output("y");
  b.Node("Relu", {"x"}, {"y"});
  EXPECT_EQ(LoadStatus(b.Serialize()).code(), Code::kUnsupported);

  OnnxBuilder c;
  c.Input("x", {1, 3}).Output("nope");
  c.Node("Relu", {"x"}, {"y"});
  Status s = LoadStatus(c.Serialize());
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_NE(s.message().find("'nope'"), std::string::npos);
}

TEST(Loader, RejectsNonConstantShapeInputs) {
  OnnxBuilder b;
  b.Input("x", {1, 4}).Input("s", {2}).Output("y");
  b.Node("Reshape", {"x", "s"}, {"y"}, "rs");
  Status s = LoadStatus(b.Serialize());
  EXPECT_EQ(s.code(), Code::kUnsupported);
  EXPECT_NE(s.message().find("constant"), std::string::npos) << s.message();
}

TEST(ModelId, IgnoresEncodingAndMetadataButNotWeights) {
  OnnxBuilder raw = Linear();
  OnnxBuilder typed;
  typed.Input("x", {-1, 3}).Output("y");
  typed.Init("w", {3, 2}, {1, 2, 3, 4, 5, 6}, /*raw=*/false).Init("b", {2}, {0.5f, -0.5f}, false);
  typed.Node("Gemm", {"x", "w", "b"}, {"y"}, "fc");
  typed.proto().set_producer_name("someone");
  typed.proto().set_doc_string("documentation does not change the model");
  auto a = Model::LoadBytes(raw.Serialize());
  auto b = Model::LoadBytes(typed.Serialize());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->id(), (*b)->id());

  OnnxBuilder changed;
  changed.Input("x", {-1, 3}).Output("y");
  changed.Init("w", {3, 2}, {1, 2, 3, 4, 5, 6.0001f}).Init("b", {2}, {0.5f, -0.5f});
  changed.Node("Gemm", {"x", "w", "b"}, {"y"}, "fc");
  auto c = Model::LoadBytes(changed.Serialize());
  ASSERT_TRUE(c.ok());
  EXPECT_NE((*a)->id(), (*c)->id());

  OnnxBuilder attr = Linear();
  OnnxBuilder::Int(*attr.proto().mutable_graph()->mutable_node(0), "transB", 0);
  auto d = Model::LoadBytes(attr.Serialize());
  ASSERT_TRUE(d.ok());
  EXPECT_NE((*a)->id(), (*d)->id());  // an explicit default attribute is a different file
}

}  // namespace
}  // namespace vinet::runtime
