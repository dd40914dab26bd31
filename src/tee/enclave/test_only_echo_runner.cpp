#include <algorithm>

#include "vinet/tee/model_runner.h"

namespace vinet::tee {

Result<std::vector<protocol::NamedTensor>> TestOnlyEchoRunner::Run(
    std::string_view model_id, const std::vector<protocol::NamedTensor>& inputs) {
  if (std::find(ids_.begin(), ids_.end(), model_id) == ids_.end()) {
    return Error(Code::kNotFound, "model " + std::string(model_id) + " is not served");
  }
  std::vector<protocol::NamedTensor> out = inputs;
  for (auto& t : out) t.name = "out_" + t.name;
  return out;
}

}  // namespace vinet::tee
