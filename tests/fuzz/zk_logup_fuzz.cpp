// Fuzzes LogUpProof::Parse and the verifier: no crash, canonical
// re-encoding, and only the honest proof is accepted.
#include <cstdlib>

#include "zk_fixtures.h"

using namespace vinet;
using namespace vinet::zk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::LogUpFixture fx;
  static const bool honest_ok = [] {  // the fixture must be a real, accepted proof
    auto p = LogUpProof::Parse(fx.honest, fx.statement);
    Transcript t("fuzz");
    return p.ok() && VerifyLogUp(fx.statement, *p, t).ok();
  }();
  if (!honest_ok) std::abort();
  Bytes in(data, data + size);
  auto proof = LogUpProof::Parse(in, fx.statement);
  if (!proof.ok()) return 0;
  if (proof->ToBytes() != in) std::abort();  // encoding not canonical
  Transcript t("fuzz");
  if (VerifyLogUp(fx.statement, *proof, t).ok() && in != fx.honest) std::abort();
  return 0;
}
