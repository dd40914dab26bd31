// vinet._native.zkml: local verification of ZKML proofs (include/vinet/zkml/zkml.h),
// the same verifier the validators run.
//
//   key_info(vk) -> {"zkml_model_id": hex, "input_shape", "output_shape",
//                    "input_scale", "output_scale"}
//   verify(vk, input_f32, output_i8, proof) -> None: `input_f32` is the
//       request's one float32 input (little-endian bytes, the key's input
//       shape), quantized here with the key's input scale (the runtime's
//       rule); `output_i8` the receipt's int8 output bytes.
//   verify_batch(vk, inputs_f32, outputs_i8, proof) -> None: a batch proof
//       (zkml::VerifyBatch) of k inferences, their inputs and outputs as
//       above, in the batch's order.
// Failures (a key or proof that does not parse, a proof that does not verify,
// sizes that do not fit the key) raise ValueError with "<code>: <message>".
#include <pybind11/stl.h>

#include <cstring>

#include "bindings.h"
#include "vinet/zkml/zkml.h"

namespace vinet::py {
namespace {

namespace pyb = pybind11;

[[noreturn]] void Raise(const Status& s) {
  throw pyb::value_error(s.ToString());
}

ByteSpan Span(const pyb::bytes& b, std::string_view& keep) {
  keep = std::string_view(b);
  return ByteSpan(reinterpret_cast<const uint8_t*>(keep.data()), keep.size());
}

zkml::VerifyingKey ParseKey(const pyb::bytes& vk) {
  std::string_view keep;
  auto key = zkml::VerifyingKey::Parse(Span(vk, keep));
  if (!key.ok()) Raise(key.status());
  return std::move(*key);
}

pyb::dict KeyInfo(const pyb::bytes& vk) {
  zkml::VerifyingKey key = ParseKey(vk);
  pyb::dict out;
  out["zkml_model_id"] = ToHex(key.ModelId());
  out["input_shape"] = key.spec.input_shape;
  out["output_shape"] = key.spec.output_shape;
  out["input_scale"] = key.spec.input_scale;
  out["output_scale"] = key.spec.output_scale;
  return out;
}

// The request's float32 input, quantized with the key's input scale.
runtime::Int8Tensor QuantizedInput(const zkml::VerifyingKey& key, std::string_view in) {
  if (in.size() != key.spec.input_size() * 4) {
    Raise(Error(Code::kInvalidArgument, "input: " + std::to_string(in.size()) +
                                            " bytes, the key wants " +
                                            std::to_string(key.spec.input_size()) + " float32"));
  }
  runtime::Tensor x{key.spec.input_shape, std::vector<float>(key.spec.input_size())};
  if (!in.empty()) std::memcpy(x.data.data(), in.data(), in.size());
  auto q = zkml::QuantizeInput(key.spec, x);
  if (!q.ok()) Raise(q.status());
  return std::move(*q);
}

runtime::Int8Tensor Output(const zkml::VerifyingKey& key, std::string_view out) {
  if (out.size() != key.spec.output_size()) {
    Raise(Error(Code::kInvalidArgument, "output: " + std::to_string(out.size()) +
                                            " bytes, the key wants " +
                                            std::to_string(key.spec.output_size()) + " int8"));
  }
  runtime::Int8Tensor y{key.spec.output_shape, std::vector<int8_t>(out.size())};
  if (!out.empty()) std::memcpy(y.data.data(), out.data(), out.size());
  return y;
}

void Verify(const pyb::bytes& vk, const pyb::bytes& input_f32, const pyb::bytes& output_i8,
            const pyb::bytes& proof) {
  zkml::VerifyingKey key = ParseKey(vk);
  runtime::Int8Tensor q = QuantizedInput(key, std::string_view(input_f32));
  runtime::Int8Tensor y = Output(key, std::string_view(output_i8));
  std::string_view keep;
  Status s;
  {
    pyb::gil_scoped_release release;
    s = zkml::Verify(key, q, y, Span(proof, keep));
  }
  if (!s.ok()) Raise(s);
}

void VerifyBatch(const pyb::bytes& vk, const std::vector<pyb::bytes>& inputs_f32,
                 const std::vector<pyb::bytes>& outputs_i8, const pyb::bytes& proof) {
  zkml::VerifyingKey key = ParseKey(vk);
  if (inputs_f32.size() != outputs_i8.size() || inputs_f32.empty()) {
    Raise(Error(Code::kInvalidArgument, "batch: " + std::to_string(inputs_f32.size()) +
                                            " inputs and " + std::to_string(outputs_i8.size()) +
                                            " outputs (one each, at least one)"));
  }
  std::vector<runtime::Int8Tensor> xs, ys;
  for (size_t i = 0; i < inputs_f32.size(); ++i) {
    xs.push_back(QuantizedInput(key, std::string_view(inputs_f32[i])));
    ys.push_back(Output(key, std::string_view(outputs_i8[i])));
  }
  std::string_view keep;
  Status s;
  {
    pyb::gil_scoped_release release;
    s = zkml::VerifyBatch(key, xs, ys, Span(proof, keep));
  }
  if (!s.ok()) Raise(s);
}

}  // namespace

void BindZkml(pyb::module_& m) {
  auto z = m.def_submodule("zkml", "ZKML proof verification");
  z.def("key_info", &KeyInfo, pyb::arg("vk"));
  z.def("verify", &Verify, pyb::arg("vk"), pyb::arg("input_f32"), pyb::arg("output_i8"),
        pyb::arg("proof"));
  z.def("verify_batch", &VerifyBatch, pyb::arg("vk"), pyb::arg("inputs_f32"),
        pyb::arg("outputs_i8"), pyb::arg("proof"));
}

}  // namespace vinet::py
