// Fuzzes VerifyingKey::Parse: no crash, canonical re-encoding, a bounded cost
// estimate, and the fixture's honest proof accepted only under its own key.
#include <cstdlib>

#include "zkml_fixture.h"

using namespace vinet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::ZkmlFixture fx;
  auto vk = zkml::VerifyingKey::Parse(ByteSpan(data, size));
  if (!vk.ok()) return 0;
  if (vk->Encode() != Bytes(data, data + size)) std::abort();
  (void)zkml::EstimateVerifyCost(*vk);
  // Keep the verifier run small: only keys with the fixture's shapes.
  if (vk->spec.input_size() != fx.input.data.size() ||
      vk->spec.output_size() != fx.output.data.size() || vk->weights.num_vars > 12) {
    return 0;
  }
  Status s = zkml::Verify(*vk, fx.input, fx.output, fx.proof);
  if (s.ok() && vk->Encode() != fx.key) std::abort();
  return 0;
}
