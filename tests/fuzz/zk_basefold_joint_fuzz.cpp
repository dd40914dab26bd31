// Fuzzes the joint Basefold opening parser and verifier (a primary and a
// secondary commitment in one folding), for a secondary entering mid-round
// and one entering after a round's last fold (pair leaves): no crash, no
// allocation beyond the input's size, and only each honest opening is
// accepted by its own statement.
#include "zk_fixtures.h"

namespace {

void Check(const vinet::zk::fuzz::JointBasefoldFixture& fx, vinet::ByteSpan in) {
  vinet::Status s = fx.Verify(in);
  if (s.ok() && vinet::Bytes(in.begin(), in.end()) != fx.honest) std::abort();
  if (!s.ok() && s.code() != vinet::Code::kParse && s.code() != vinet::Code::kVerification) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using vinet::zk::fuzz::JointBasefoldFixture;
  static const JointBasefoldFixture mid(JointBasefoldFixture::kMidRoundVars);
  static const JointBasefoldFixture boundary(JointBasefoldFixture::kBoundaryVars);
  static const bool honest_ok =
      mid.Verify(mid.honest).ok() && boundary.Verify(boundary.honest).ok();
  if (!honest_ok) std::abort();
  vinet::ByteSpan in(data, size);
  Check(mid, in);
  Check(boundary, in);
  return 0;
}
