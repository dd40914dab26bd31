// Fuzzes the Ligero opening parser and verifier (first byte even) and
// PcsCommitment::Parse (first byte odd): no crash, canonical re-encoding,
// and only the honest opening is accepted.
#include <cstdlib>

#include "zk_fixtures.h"

using namespace vinet;
using namespace vinet::zk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::LigeroFixture fx;
  static const bool honest_ok = [] {  // the fixture must be a real, accepted opening
    Transcript t("fuzz");
    return fx.pcs.Verify(fx.committed.commitment, fx.point, fx.evals, fx.honest, t).ok();
  }();
  if (!honest_ok) std::abort();
  if (size == 0) return 0;
  ByteSpan in(data + 1, size - 1);
  if (data[0] & 1) {
    ByteReader r(in);
    auto c = PcsCommitment::Parse(r);
    if (!c.ok() || !r.Finish("commitment").ok()) return 0;
    ByteWriter w;
    c->Serialize(w);
    if (w.bytes() != Bytes(in.begin(), in.end())) std::abort();
    return 0;
  }
  Transcript t("fuzz");
  Status s = fx.pcs.Verify(fx.committed.commitment, fx.point, fx.evals, in, t);
  if (s.ok() && Bytes(in.begin(), in.end()) != fx.honest) std::abort();
  return 0;
}
