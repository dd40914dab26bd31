#include "runtime/requant.h"

#include <cmath>

#include <fmt/format.h>

namespace vinet::runtime::detail {

int64_t MultiplierFor(double ratio, int shift) {
  return std::llround(std::ldexp(ratio, shift));
}

Result<Requant> ChooseRequant(double ratio) {
  if (!std::isfinite(ratio) || ratio <= 0.0 || ratio >= 32768.0) {
    return Error(Code::kOutOfRange,
                 fmt::format("requantization ratio {} is outside (0, 2^15)", ratio));
  }
  int exp = 0;
  std::frexp(ratio, &exp);  // ratio = f · 2^exp, f in [0.5, 1)
  int shift = 16 - exp;     // ratio · 2^shift in [2^15, 2^16)
  if (shift > 62) shift = 62;
  if (shift < 1) shift = 1;
  int64_t m = MultiplierFor(ratio, shift);
  if (m >= (int64_t{1} << 16) && shift > 1) {
    --shift;
    m = MultiplierFor(ratio, shift);
  }
  return Requant{m, shift};
}

}  // namespace vinet::runtime::detail
