// Fuzzes QuantizedModel::Decode. Whatever decodes must re-encode to the same
// bytes, and running it on a zero input of its declared shape must either
// succeed or return an error (never crash).
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "vinet/runtime/quantized.h"

using namespace vinet::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto q = QuantizedModel::Decode({data, size});
  if (!q.ok()) return 0;
  vinet::Bytes again = q->CanonicalEncoding();
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) __builtin_trap();
  Shape s = q->tensors()[q->input()].shape;
  auto n = CheckedNumElements(s, int64_t{1} << 16);
  if (!n || s.empty() || s[0] < 1) return 0;
  Int8Tensor x{s, std::vector<int8_t>(static_cast<size_t>(*n), 1)};
  (void)q->Run(x);
  return 0;
}
