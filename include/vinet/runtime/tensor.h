// Dense tensors as plain values: a shape and a row-major data vector.
//
// `TensorOf<T>` owns its data; copying copies it. The runtime's public API
// exchanges float32 tensors (`Tensor`) for inputs and outputs, int8 tensors
// for the quantized path and int64 accumulators for the ZK witness. Shapes
// are dimension sizes; a declared shape in a model may hold -1 for a symbolic
// dimension (e.g. the batch), a concrete shape never does.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vinet::runtime {

using Shape = std::vector<int64_t>;

// Product of the dimensions (1 for a scalar). Returns nullopt when a dimension
// is negative or the product exceeds `limit` (checked without overflow).
std::optional<int64_t> CheckedNumElements(const Shape& shape, int64_t limit = (int64_t{1} << 40));

// Product of the dimensions (INT64_MAX on overflow). Meant for validated shapes.
int64_t NumElements(const Shape& shape);

// "[1, 3, 28, 28]"; symbolic dimensions print as "?".
std::string ShapeToString(const Shape& shape);

template <typename T>
struct TensorOf {
  Shape shape;
  std::vector<T> data;  // row-major, data.size() == NumElements(shape)

  friend bool operator==(const TensorOf& a, const TensorOf& b) {
    return a.shape == b.shape && a.data == b.data;
  }
};

using Tensor = TensorOf<float>;
using Int8Tensor = TensorOf<int8_t>;
using Int64Tensor = TensorOf<int64_t>;

// Inputs and outputs of a model, by graph input/output name.
using TensorMap = std::map<std::string, Tensor>;

}  // namespace vinet::runtime
