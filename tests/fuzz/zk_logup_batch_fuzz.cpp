// Fuzzes LogUpBatchProof::Parse and VerifyLogUpBatch: no crash, canonical
// re-encoding, and only the honest proof is accepted.
#include <cstdlib>

#include "zk_fixtures.h"

using namespace vinet;
using namespace vinet::zk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::LogUpBatchFixture fx;
  static const bool honest_ok = [] {  // the fixture must be a real, accepted proof
    auto p = LogUpBatchProof::Parse(fx.honest, fx.statements);
    Transcript t("fuzz");
    return p.ok() && VerifyLogUpBatch(fx.statements, *p, t).ok();
  }();
  if (!honest_ok) std::abort();
  Bytes in(data, data + size);
  auto proof = LogUpBatchProof::Parse(in, fx.statements);
  if (!proof.ok()) return 0;
  if (proof->ToBytes() != in) std::abort();  // encoding not canonical
  Transcript t("fuzz");
  if (VerifyLogUpBatch(fx.statements, *proof, t).ok() && in != fx.honest) std::abort();
  return 0;
}
