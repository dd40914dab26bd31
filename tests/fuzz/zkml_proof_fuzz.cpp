// Fuzzes the model-proof parser and verifier: no crash, and no proof but the
// honest one is accepted for the fixture's key, input and output.
#include <cstdlib>

#include "zkml_fixture.h"

using namespace vinet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::ZkmlFixture fx;
  ByteSpan in(data, size);
  Status s = zkml::Verify(fx.committed.vk, fx.input, fx.output, in);
  if (s.ok() && Bytes(in.begin(), in.end()) != fx.proof) std::abort();
  return 0;
}
