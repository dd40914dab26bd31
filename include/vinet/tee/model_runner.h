// The enclave's view of model execution.
//
// The enclave does not know how models run: it calls a `ModelRunner`. The
// real implementation wraps vinet's runtime (src/runtime/) and is plugged in
// by the `vinet enclave start` command; `TestOnlyEchoRunner` below exists only
// so the enclave and its tests run without the runtime. Implementations must
// be safe to call from several threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/protocol/tensor.h"

namespace vinet::tee {

class ModelRunner {
 public:
  virtual ~ModelRunner() = default;
  // The model ids this runner serves.
  virtual std::vector<std::string> ModelIds() const = 0;
  // Runs `model_id` on named inputs. Errors: kNotFound (unknown model),
  // kInvalidArgument (inputs do not fit the model), kInternal.
  virtual Result<std::vector<protocol::NamedTensor>> Run(
      std::string_view model_id, const std::vector<protocol::NamedTensor>& inputs) = 0;
  // Loads models added to the runner's source since it was built (models
  // already served stay as they are) and returns the ids newly served.
  // kUnsupported for runners with a fixed model set.
  virtual Result<std::vector<std::string>> LoadNew() {
    return Error(Code::kUnsupported, "this model runner cannot load models at run time");
  }
};

// FOR TESTS ONLY: serves the given model ids; each "model" returns its inputs
// renamed with the prefix "out_". It performs no inference.
class TestOnlyEchoRunner : public ModelRunner {
 public:
  explicit TestOnlyEchoRunner(std::vector<std::string> model_ids) : ids_(std::move(model_ids)) {}
  std::vector<std::string> ModelIds() const override { return ids_; }
  Result<std::vector<protocol::NamedTensor>> Run(
      std::string_view model_id, const std::vector<protocol::NamedTensor>& inputs) override;

 private:
  std::vector<std::string> ids_;
};

}  // namespace vinet::tee
