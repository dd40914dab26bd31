#include "vinet/runtime/tensor.h"

#include <fmt/format.h>

namespace vinet::runtime {

std::optional<int64_t> CheckedNumElements(const Shape& shape, int64_t limit) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) return std::nullopt;
    if (d == 0) {
      n = 0;
      continue;
    }
    if (n > limit / d) return std::nullopt;
    n *= d;
  }
  if (n > limit) return std::nullopt;
  return n;
}

int64_t NumElements(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (__builtin_mul_overflow(n, d, &n)) return INT64_MAX;  // saturate; callers bound-check
  }
  return n;
}

std::string ShapeToString(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += shape[i] < 0 ? std::string("?") : std::to_string(shape[i]);
  }
  return s + "]";
}

}  // namespace vinet::runtime
