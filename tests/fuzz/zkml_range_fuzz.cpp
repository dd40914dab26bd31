// Fuzzes the weight-range proof parser and verifier (RegisterModel's input):
// no crash, and no proof but the honest one is accepted for the fixture's key.
#include <cstdlib>

#include "zkml_fixture.h"

using namespace vinet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::ZkmlFixture fx;
  ByteSpan in(data, size);
  Status s = zkml::VerifyWeightRange(fx.committed.vk, in);
  if (s.ok() && Bytes(in.begin(), in.end()) != fx.range_proof) std::abort();
  return 0;
}
