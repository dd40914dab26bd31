// vinet._native: the Python SDK's native core, so that Python and C++ share one
// implementation of hashing, signatures, attestation and proof verification.
#include "bindings.h"

PYBIND11_MODULE(_native, m) {
  m.doc() = "vinet native core";
  vinet::py::BindRuntime(m);
  vinet::py::BindTee(m);
  vinet::py::BindProtocol(m);
  vinet::py::BindZk(m);
  vinet::py::BindZkml(m);
  vinet::py::BindLlm(m);
  vinet::py::BindChat(m);
  vinet::py::BindMerkle(m);
}
