// Fuzz target: protocol::DecodeSignedRequest on arbitrary bytes (the signed
// request envelope, docs/network.md). It must never crash, must reject with a
// message, and whatever it accepts must hold the envelope's invariants
// (32-byte node key, expiry after the timestamp, a 32-byte input hash, a
// known mode) and round-trip: the same body bytes, the same inference id.
#include <cstdint>
#include <cstdlib>

#include "vinet/protocol/request.h"

using namespace vinet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = protocol::DecodeSignedRequest(ByteSpan(data, size));
  if (!r.ok()) {
    if (r.status().message().empty()) std::abort();
    return 0;
  }
  const auto& q = r->request;
  if (q.expires_ms <= q.timestamp_ms || q.input_hash.size() != 32 || q.chain_id.empty() ||
      q.model_id.empty() || static_cast<int>(q.mode) > 2) {
    std::abort();
  }
  auto again = protocol::DecodeSignedRequest(protocol::EncodeSignedRequest(*r));
  if (!again.ok() || again->body != r->body ||
      protocol::InferenceId(*again) != protocol::InferenceId(*r)) {
    std::abort();
  }
  (void)protocol::VerifyRequest(*r);  // any outcome; must not crash
  (void)protocol::CheckValidity(q, 0, 3'600'000);
  return 0;
}
