// vinet._native runtime bindings: load ONNX models, run them on numpy arrays
// (float32), quantize them and replay the int8 path. Errors raise
// RuntimeError with the vinet Status text; the GIL is released while running.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstring>

#include "bindings.h"
#include "vinet/runtime/model.h"

namespace py = pybind11;

namespace vinet::py {
namespace {

using runtime::ExecutionContext;
using runtime::Model;
using runtime::Shape;
using FloatArray = ::py::array_t<float, ::py::array::c_style | ::py::array::forcecast>;

template <typename T>
T Unwrap(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.status().ToString());
  return std::move(r).value();
}
void Check(const Status& s) {
  if (!s.ok()) throw std::runtime_error(s.ToString());
}

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
  m.def("set_blas_threads", &runtime::SetBlasThreads, "Threads OpenBLAS may use (process-wide)");
}

}  // namespace vinet::py
