// Fuzz target: protocol::DecodeChatRequest on arbitrary bytes (the canonical
// chat request the enclave and a replay read). Accepted input is canonical:
// re-encoding gives the same bytes, and it validates.
#include <cstdint>
#include <cstdlib>

#include "vinet/protocol/chat_request.h"

using namespace vinet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = protocol::DecodeChatRequest(ByteSpan(data, size));
  if (!r.ok()) {
    if (r.status().message().empty()) std::abort();
    return 0;
  }
  Bytes again = protocol::EncodeChatRequest(*r);
  if (again != Bytes(data, data + size)) std::abort();
  if (!protocol::ValidateChatRequest(*r).ok()) std::abort();
  (void)protocol::ChatRequestHash(*r);
  return 0;
}
