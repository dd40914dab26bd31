// Fuzz target: protocol::ChatChunkFromJson on arbitrary text (the "vinet"
// object of an SSE chunk, the enclave's chunk frames). Accepted chunks keep
// the chunk limits and round-trip through ChatChunkToJson; a verifier fed
// the chunk answers without crashing.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vinet/protocol/chat_stream.h"

using namespace vinet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto c = protocol::ChatChunkFromJson(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!c.ok()) {
    if (c.status().message().empty()) std::abort();
    return 0;
  }
  if (c->tokens.size() > protocol::kMaxChunkTokens || c->text.size() > protocol::kMaxChunkTextBytes)
    std::abort();
  auto back = protocol::ChatChunkFromJson(protocol::ChatChunkToJson(*c));
  if (!back.ok() || !(*back == *c)) std::abort();
  Bytes id(32, 7);
  protocol::ChatStreamVerifier v(id, crypto::PublicKey{});
  (void)v.Accept(*c);
  return 0;
}
