#include "bindings.h"

namespace vinet::py {

void BindZk(pybind11::module_& /*m*/) {}

}  // namespace vinet::py
