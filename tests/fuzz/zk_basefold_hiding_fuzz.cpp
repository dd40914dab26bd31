// Fuzzes the hiding Basefold opening parser and verifier (mask values, then
// the plain opening of the padded batch): no crash, no allocation
// beyond the input's size, and only the honest opening is accepted.
#include <cstdlib>

#include "zk_fixtures.h"

using namespace vinet;
using namespace vinet::zk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::HidingBasefoldFixture fx;
  static const bool honest_ok = [] {  // the fixture must be a real, accepted opening
    Transcript t("fuzz");
    return fx.pcs.Verify(fx.committed.commitment, fx.point, fx.evals, fx.honest, t).ok();
  }();
  if (!honest_ok) std::abort();
  ByteSpan in(data, size);
  Transcript t("fuzz");
  Status s = fx.pcs.Verify(fx.committed.commitment, fx.point, fx.evals, in, t);
  if (s.ok() && Bytes(in.begin(), in.end()) != fx.honest) std::abort();
  if (!s.ok() && s.code() != Code::kParse && s.code() != Code::kVerification) std::abort();
  return 0;
}
