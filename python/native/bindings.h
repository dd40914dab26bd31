// Each component adds its Python bindings to the `vinet._native` module here.
#pragma once

#include <pybind11/pybind11.h>

#include <stdexcept>
#include <utility>

#include "vinet/common/result.h"

namespace vinet::py {

// A vinet error becomes RuntimeError("<code>: <message>") at the binding
// boundary (the SDK maps the code to its typed exceptions).
template <typename T>
T Unwrap(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.status().ToString());
  return std::move(r).value();
}
inline void Check(const Status& s) {
  if (!s.ok()) throw std::runtime_error(s.ToString());
}

void BindRuntime(pybind11::module_& m);
void BindTee(pybind11::module_& m);
void BindProtocol(pybind11::module_& m);
void BindZk(pybind11::module_& m);
void BindZkml(pybind11::module_& m);
void BindLlm(pybind11::module_& m);
void BindChat(pybind11::module_& m);
void BindMerkle(pybind11::module_& m);
// Inside vinet._native.chat (chat_replay_bindings.cpp), and its error type.
void BindChatReplay(pybind11::module_& chat);
PyObject* ChatErrorType();

}  // namespace vinet::py
