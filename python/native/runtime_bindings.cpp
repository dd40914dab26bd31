#include "bindings.h"

namespace vinet::py {

void BindRuntime(pybind11::module_& /*m*/) {}

}  // namespace vinet::py
