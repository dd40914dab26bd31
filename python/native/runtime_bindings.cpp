// vinet._native runtime bindings: load ONNX models, run them on numpy arrays
// (float32), quantize them and replay the int8 path. Errors raise
// RuntimeError with the vinet Status text; the GIL is released while running.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstring>

#include "bindings.h"
#include "vinet/runtime/model.h"
#include "vinet/runtime/quantized.h"

namespace py = pybind11;

namespace vinet::py {
namespace {

using runtime::ExecutionContext;
using runtime::Model;
using runtime::Shape;
using FloatArray = ::py::array_t<float, ::py::array::c_style | ::py::array::forcecast>;

Shape ShapeOf(const ::py::array& a) {
  Shape s;
  for (::py::ssize_t i = 0; i < a.ndim(); ++i) s.push_back(a.shape(i));
  return s;
}

// Shared state of one Python-side context: the model keeps living while the
// context does.
class PyContext {
 public:
  explicit PyContext(std::shared_ptr<const Model> model) : ctx_(std::move(model)) {}

  ::py::dict Run(const ::py::dict& feeds) {
    const auto& info = ctx_.model().inputs();
    if (feeds.size() != info.size()) {
      throw std::runtime_error("invalid_argument: model takes " + std::to_string(info.size()) +
                               " inputs, got " + std::to_string(feeds.size()));
    }
    std::vector<FloatArray> arrays;
    std::vector<const float*> ptrs;
    shapes_.clear();
    for (const auto& in : info) {
      if (!feeds.contains(in.name))
        throw std::runtime_error("invalid_argument: missing input '" + in.name + "'");
      arrays.push_back(FloatArray::ensure(feeds[in.name.c_str()]));
      if (!arrays.back())
        throw std::runtime_error("invalid_argument: input '" + in.name + "' is not a float array");
      ptrs.push_back(arrays.back().data());
      shapes_.push_back(ShapeOf(arrays.back()));
    }
    Status st;
    {
      ::py::gil_scoped_release release;
      st = ctx_.RunInPlace(ptrs, shapes_);
    }
    Check(st);
    ::py::dict out;
    const auto& g = ctx_.model().graph();
    for (size_t i = 0; i < g.outputs.size(); ++i) {
      const Shape& s = ctx_.OutputShape(i);
      FloatArray a(std::vector<::py::ssize_t>(s.begin(), s.end()));
      std::memcpy(a.mutable_data(), ctx_.OutputData(i), sizeof(float) * runtime::NumElements(s));
      out[::py::str(g.values[g.outputs[i]].name)] = std::move(a);
    }
    return out;
  }

 private:
  ExecutionContext ctx_;
  std::vector<Shape> shapes_;
};

runtime::Tensor ToTensor(const ::py::handle& h) {
  FloatArray a = FloatArray::ensure(h);
  if (!a) throw std::runtime_error("invalid_argument: expected a float array");
  runtime::Tensor t{ShapeOf(a), std::vector<float>(a.data(), a.data() + a.size())};
  return t;
}

std::vector<runtime::TensorMap> ToTensorMaps(const ::py::list& samples) {
  std::vector<runtime::TensorMap> out;
  for (const auto& item : samples) {
    runtime::TensorMap m;
    for (const auto& [k, v] : item.cast<::py::dict>()) m[k.cast<std::string>()] = ToTensor(v);
    out.push_back(std::move(m));
  }
  return out;
}

template <typename T>
::py::array_t<T> ToArray(const runtime::Shape& shape, const std::vector<T>& data) {
  ::py::array_t<T> a(std::vector<::py::ssize_t>(shape.begin(), shape.end()));
  if (!data.empty()) std::memcpy(a.mutable_data(), data.data(), sizeof(T) * data.size());
  return a;
}

::py::dict LayerDict(const runtime::QLayer& l) {
  ::py::dict d;
  d["op"] = std::string(runtime::QOpName(l.op));
  d["source_op"] = std::string(runtime::OpTypeName(l.source_op));
  d["name"] = l.name;
  d["inputs"] = l.inputs;
  d["output"] = l.output;
  d["weight"] = ToArray<int8_t>(l.weight.shape, l.weight.data);
  d["weight_scale"] = l.weight_scale;
  d["bias"] = ToArray<int32_t>({static_cast<int64_t>(l.bias.size())}, l.bias);
  d["multiplier"] = l.multiplier;
  d["multiplier_b"] = l.multiplier_b;
  d["shift"] = l.shift;
  d["max_abs_accumulator"] = l.max_abs_accumulator;
  d["kernel"] = l.attrs.kernel;
  d["strides"] = l.attrs.strides;
  d["pads"] = l.attrs.pads;
  d["dilations"] = l.attrs.dilations;
  d["group"] = l.attrs.group;
  d["ceil_mode"] = l.attrs.ceil_mode;
  d["count_include_pad"] = l.attrs.count_include_pad;
  return d;
}

using I8Array = ::py::array_t<int8_t, ::py::array::c_style | ::py::array::forcecast>;

::py::list IoList(const std::vector<Model::IoInfo>& v) {
  ::py::list l;
  for (const auto& io : v) l.append(::py::make_tuple(io.name, io.shape));
  return l;
}

}  // namespace

void BindRuntime(::py::module_& m) {
  ::py::class_<Model, std::shared_ptr<Model>>(m, "Model",
                                              "A loaded, immutable ONNX model (thread-safe)")
      .def_static(
          "load",
          [](const std::string& path, bool optimize) {
            runtime::LoadOptions o;
            o.optimize = optimize;
            return std::const_pointer_cast<Model>(Unwrap(Model::LoadFile(path, o)));
          },
          ::py::arg("path"), ::py::arg("optimize") = true)
      .def_static(
          "from_bytes",
          [](::py::bytes data, bool optimize) {
            std::string s = data;
            runtime::LoadOptions o;
            o.optimize = optimize;
            return std::const_pointer_cast<Model>(Unwrap(Model::LoadBytes(AsBytes(s), o)));
          },
          ::py::arg("data"), ::py::arg("optimize") = true)
      .def_property_readonly("id", &Model::id_hex)
      .def_property_readonly("inputs", [](const Model& mo) { return IoList(mo.inputs()); })
      .def_property_readonly("outputs", [](const Model& mo) { return IoList(mo.outputs()); })
      .def_property_readonly("parameter_count", &Model::parameter_count)
      .def_property_readonly("op_histogram", &Model::op_histogram)
      .def(
          "context", [](std::shared_ptr<Model> mo) { return std::make_unique<PyContext>(mo); },
          "A new execution context (one per thread)");
  ::py::class_<PyContext>(m, "ExecutionContext", "Per-thread executor with a planned arena")
      .def(::py::init([](std::shared_ptr<Model> mo) { return std::make_unique<PyContext>(mo); }))
      .def("run", &PyContext::Run, ::py::arg("feeds"),
           "Runs the model: {name: float32 array} -> {name: array}");
  ::py::class_<runtime::QuantizedModel>(m, "QuantizedModel", "Immutable int8 model (thread-safe)")
      .def_property_readonly("id", [](const runtime::QuantizedModel& q) { return ToHex(q.Id()); })
      .def_property_readonly("layers",
                             [](const runtime::QuantizedModel& q) {
                               ::py::list l;
                               for (const auto& layer : q.layers()) l.append(LayerDict(layer));
                               return l;
                             })
      .def_property_readonly("tensors",
                             [](const runtime::QuantizedModel& q) {
                               ::py::list l;
                               for (const auto& t : q.tensors())
                                 l.append(::py::make_tuple(t.name, t.shape, t.scale));
                               return l;
                             })
      .def_property_readonly("input", &runtime::QuantizedModel::input)
      .def_property_readonly("output", &runtime::QuantizedModel::output)
      .def_static(
          "decode",
          [](::py::bytes data) {
            std::string s = data;
            return Unwrap(runtime::QuantizedModel::Decode(AsBytes(s)));
          },
          "Inverse of canonical_encoding (strict)")
      .def("canonical_encoding",
           [](const runtime::QuantizedModel& q) {
             Bytes b = q.CanonicalEncoding();
             return ::py::bytes(reinterpret_cast<const char*>(b.data()), b.size());
           })
      .def("quantize_input",
           [](const runtime::QuantizedModel& q, const ::py::handle& x) {
             runtime::Int8Tensor t = Unwrap(q.QuantizeInput(ToTensor(x)));
             return ToArray<int8_t>(t.shape, t.data);
           })
      .def(
          "run",
          [](const runtime::QuantizedModel& q, const ::py::handle& x) {
            runtime::Tensor in = ToTensor(x);
            Result<runtime::Tensor> r = Status(Code::kInternal, "not run");
            {
              ::py::gil_scoped_release release;
              r = q.RunFloat(in);
            }
            runtime::Tensor t = Unwrap(std::move(r));
            return ToArray<float>(t.shape, t.data);
          },
          "float in -> quantize -> int8 run -> dequantized float out")
      .def(
          "run_int8",
          [](const runtime::QuantizedModel& q, I8Array x, bool record) -> ::py::object {
            runtime::Int8Tensor in{ShapeOf(x), std::vector<int8_t>(x.data(), x.data() + x.size())};
            runtime::Witness w;
            Result<runtime::Int8Tensor> r = Status(Code::kInternal, "not run");
            {
              ::py::gil_scoped_release release;
              r = q.Run(in, record ? &w : nullptr);
            }
            runtime::Int8Tensor out = Unwrap(std::move(r));
            auto y = ToArray<int8_t>(out.shape, out.data);
            if (!record) return y;
            ::py::list layers;
            for (const auto& tr : w.layers) {
              ::py::dict d;
              d["output"] = ToArray<int8_t>(tr.output.shape, tr.output.data);
              d["accumulator"] =
                  tr.accumulator.data.empty()
                      ? ::py::object(::py::none())
                      : ::py::object(ToArray<int64_t>(tr.accumulator.shape, tr.accumulator.data));
              layers.append(d);
            }
            ::py::dict wd;
            wd["input"] = ToArray<int8_t>(w.input.shape, w.input.data);
            wd["layers"] = layers;
            return ::py::make_tuple(y, wd);
          },
          ::py::arg("x"), ::py::arg("record") = false)
      .def("accuracy",
           [](const runtime::QuantizedModel& q, const Model& mo, const ::py::list& data) {
             auto maps = ToTensorMaps(data);
             runtime::AccuracyReport r = Unwrap(runtime::CompareWithFloat(mo, q, maps));
             ::py::dict d;
             d["samples"] = r.samples;
             d["argmax_agreement"] = r.argmax_agreement;
             d["max_abs_error"] = r.max_abs_error;
             d["output_scale"] = r.max_abs_error >= 0 ? r.output_scale : 0.0;
             return d;
           });
  m.def(
      "quantize",
      [](const Model& mo, const ::py::list& calibration) {
        auto maps = ToTensorMaps(calibration);
        return Unwrap(runtime::Quantize(mo, maps));
      },
      ::py::arg("model"), ::py::arg("calibration"), "Post-training int8 quantization");
  m.def("set_blas_threads", &runtime::SetBlasThreads, "Threads OpenBLAS may use (process-wide)");
}

}  // namespace vinet::py
