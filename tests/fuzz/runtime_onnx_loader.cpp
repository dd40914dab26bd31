// Fuzzes Model::LoadBytes with arbitrary bytes. Whatever loads must also plan
// and run on its declared shapes (symbolic dims = 1) without crashing, and
// the int8 quantizer must either accept it or return an error.
#include <cstddef>
#include <cstdint>

#include "vinet/runtime/model.h"
#include "vinet/runtime/quantized.h"

using namespace vinet::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  LoadOptions options;
  options.max_tensor_elements = int64_t{1} << 16;  // keep each run small
  auto model = Model::LoadBytes({data, size}, options);
  if (!model.ok()) return 0;
  TensorMap inputs;
  for (const auto& in : (*model)->inputs()) {
    Shape s = in.shape;
    for (auto& d : s) d = d < 0 ? 1 : d;
    inputs[in.name] = Tensor{s, std::vector<float>(NumElements(s), 0.5f)};
  }
  ExecutionContext ctx(*model);
  auto out = ctx.Run(inputs);
  if (out.ok() && (*model)->inputs().size() == 1) {
    std::vector<TensorMap> cal{inputs};
    auto q = Quantize(**model, cal);
    if (q.ok()) {
      auto x = q->QuantizeInput(inputs.begin()->second);
      if (x.ok()) (void)q->Run(*x);
    }
  }
  return 0;
}
