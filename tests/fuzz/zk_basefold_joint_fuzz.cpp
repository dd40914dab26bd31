// Fuzzes the joint Basefold opening parser and verifier (a primary and a
// secondary commitment in one folding): no crash, no allocation beyond the
// input's size, and only the honest opening is accepted.
#include "zk_fixtures.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const vinet::zk::fuzz::JointBasefoldFixture fx;
  static const bool honest_ok = fx.Verify(fx.honest).ok();
  if (!honest_ok) std::abort();
  vinet::ByteSpan in(data, size);
  vinet::Status s = fx.Verify(in);
  if (s.ok() && vinet::Bytes(in.begin(), in.end()) != fx.honest) std::abort();
  if (!s.ok() && s.code() != vinet::Code::kParse && s.code() != vinet::Code::kVerification) {
    std::abort();
  }
  return 0;
}
