#include "bindings.h"

namespace vinet::py {

void BindTee(pybind11::module_& /*m*/) {}

}  // namespace vinet::py
