#include "vinet/zk/field/goldilocks.h"

#include <cassert>

#include "vinet/zk/field/extension.h"

namespace vinet::zk {
namespace {

template <typename F>
void BatchInverseImpl(std::span<F> values) {
  std::vector<F> prefix(values.size());
  F acc = F::One();
  for (size_t i = 0; i < values.size(); ++i) {
    prefix[i] = acc;
    if (!values[i].IsZero()) acc *= values[i];
  }
  F inv = acc.Inverse();
  for (size_t i = values.size(); i-- > 0;) {
    if (values[i].IsZero()) continue;
    F original = values[i];
    values[i] = inv * prefix[i];
    inv *= original;
  }
}

}  // namespace

Fp Fp::RootOfUnity(int log_n) {
  assert(log_n >= 0 && log_n <= kTwoAdicity);
  return Fp(7).Pow((kModulus - 1) >> log_n);
}

void BatchInverse(std::span<Fp> values) {
  BatchInverseImpl(values);
}
void BatchInverse(std::span<Fp2> values) {
  BatchInverseImpl(values);
}

}  // namespace vinet::zk
