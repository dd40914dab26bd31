// Each component adds its Python bindings to the `vinet._native` module here.
#pragma once

#include <pybind11/pybind11.h>

namespace vinet::py {

void BindRuntime(pybind11::module_& m);
void BindTee(pybind11::module_& m);
void BindProtocol(pybind11::module_& m);
void BindZk(pybind11::module_& m);
void BindZkml(pybind11::module_& m);
void BindLlm(pybind11::module_& m);

}  // namespace vinet::py
