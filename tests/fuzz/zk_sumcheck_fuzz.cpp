// Fuzzes SumcheckProof::Parse and the verifier: no crash, canonical
// re-encoding, and only the honest proof is accepted.
#include <cstdlib>

#include "zk_fixtures.h"

using namespace vinet;
using namespace vinet::zk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::SumcheckFixture fx;
  static const bool honest_ok = [] {  // the fixture must be a real, accepted proof
    ByteReader r(fx.honest);
    auto p = SumcheckProof::Parse(r, fuzz::SumcheckFixture::kVars, 3, 3);
    Transcript t("fuzz");
    return p.ok() &&
           VerifySumcheck(fuzz::SumcheckFixture::kVars, 3, fx.terms, fx.claimed_sum, *p, t).ok();
  }();
  if (!honest_ok) std::abort();
  ByteSpan in(data, size);
  ByteReader r(in);
  auto proof = SumcheckProof::Parse(r, fuzz::SumcheckFixture::kVars, 3, 3);
  if (!proof.ok() || !r.Finish("proof").ok()) return 0;
  ByteWriter w;
  proof->Serialize(w);
  if (w.bytes() != Bytes(in.begin(), in.end())) std::abort();  // encoding not canonical
  Transcript t("fuzz");
  if (VerifySumcheck(fuzz::SumcheckFixture::kVars, 3, fx.terms, fx.claimed_sum, *proof, t).ok() &&
      w.bytes() != fx.honest) {
    std::abort();  // accepted garbage
  }
  return 0;
}
