// Decoding of ONNX TensorProto payloads into plain constants (private).
//
// Accepts FLOAT, DOUBLE (narrowed to float), INT64, INT32, INT8, UINT8 and
// BOOL tensors with their data in raw_data or in the typed repeated field;
// rejects external data, negative or huge dims and a payload whose length
// does not match the declared dims, naming the tensor in the message.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "vinet/common/result.h"
#include "vinet/runtime/tensor.h"

namespace vinet::runtime::detail {

struct ConstData {
  bool is_float = true;   // float payload in f, else integer payload in i
  int32_t onnx_type = 0;  // TensorProto::DataType as written
  Shape shape;
  std::vector<float> f;
  std::vector<int64_t> i;
};

Result<ConstData> DecodeTensor(const onnx::TensorProto& t, const std::string& what,
                               int64_t max_elements);

}  // namespace vinet::runtime::detail
