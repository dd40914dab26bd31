// Fuzzes the model-proof parsers and verifiers: no crash, and no proof but the
// honest one is accepted for the fixture's key, input and output; inputs that
// start with the batch magic "VZBP" go to VerifyBatch (the fixture's two
// instances), where only the honest batch proof is accepted; inputs that start
// with "VZHK" are the rest verified under the fixture's private-weights key
// (zero-knowledge proofs with a mask bank), where only its honest proof is.
#include <cstdlib>

#include "zkml_fixture.h"

using namespace vinet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::ZkmlFixture fx;
  ByteSpan in(data, size);
  if (size >= 4 && data[0] == 'V' && data[1] == 'Z' && data[2] == 'B' && data[3] == 'P') {
    Status s = zkml::VerifyBatch(fx.committed.vk, fx.batch_inputs, fx.batch_outputs, in);
    if (s.ok() && Bytes(in.begin(), in.end()) != fx.batch_proof) std::abort();
    return 0;
  }
  if (size >= 4 && data[0] == 'V' && data[1] == 'Z' && data[2] == 'H' && data[3] == 'K') {
    ByteSpan rest = in.subspan(4);
    Status s = zkml::Verify(fx.hiding.vk, fx.input, fx.hiding_output, rest);
    if (s.ok() && Bytes(rest.begin(), rest.end()) != fx.hiding_proof) std::abort();
    return 0;
  }
  Status s = zkml::Verify(fx.committed.vk, fx.input, fx.output, in);
  if (s.ok() && Bytes(in.begin(), in.end()) != fx.proof) std::abort();
  return 0;
}
