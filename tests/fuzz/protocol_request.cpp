// Fuzz target: protocol::DecodeSignedRequest on arbitrary bytes (the signed
// request envelope, docs/network.md). It must never crash, must reject with a
// message, and whatever it accepts must hold the envelope's invariants
// (32-byte node key, expiry after the timestamp, a 32-byte input hash, a
// known mode) and round-trip: the same body bytes, the same inference id.
// The same bytes also go to protocol::DecodeRequestBody as a compact claim's
// body (docs/chain.md "Compact claims"): refused over kMaxRequestBodyBytes,
// and whatever it accepts decodes the same inside a SignedRequest envelope.
#include <cstdint>
#include <cstdlib>

#include "vinet/protocol/request.h"

using namespace vinet;

namespace {

void CheckBody(ByteSpan body) {
  const Bytes key(32, 7);
  auto r = protocol::DecodeRequestBody(body, key);
  if (!r.ok()) {
    if (r.status().message().empty()) std::abort();
    return;
  }
  if (body.size() > protocol::kMaxRequestBodyBytes || r->body != Bytes(body.begin(), body.end()))
    std::abort();
  auto full = protocol::DecodeSignedRequest(protocol::EncodeSignedRequest(*r));
  if (!full.ok() || full->request != r->request ||
      protocol::InferenceId(*full) != protocol::InferenceId(*r)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckBody(ByteSpan(data, size));
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
