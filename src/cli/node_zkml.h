// CLI-private: calibration inputs for committing a model for ZKML
// (`vinet model add --zkml`, `vinet devnet up`): CAL.json (a list of
// {"name": tensor}) or, when `path` is empty, 16 seeded N(0,1) inputs.
#pragma once

#include <string>
#include <vector>

#include "vinet/runtime/tensor.h"

namespace vinet::cli {

std::vector<runtime::TensorMap> ZkmlCalibration(const std::string& path, const std::string& onnx);

}  // namespace vinet::cli
