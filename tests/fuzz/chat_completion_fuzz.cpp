// Fuzz target: protocol::ParseChatCompletion on arbitrary text (the body of
// POST /v1/chat/completions). It must never crash, must reject with a message
// naming the parameter, and what it accepts must validate and round-trip
// through the canonical form with the same hash.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vinet/protocol/chat_request.h"

using namespace vinet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto p =
      protocol::ParseChatCompletion(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!p.ok()) {
    if (p.status().message().empty()) std::abort();
    return 0;
  }
  if (!protocol::ValidateChatRequest(p->request).ok()) std::abort();
  Bytes canonical = protocol::EncodeChatRequest(p->request);
  auto back = protocol::DecodeChatRequest(canonical);
  if (!back.ok() || !(*back == p->request)) std::abort();
  if (protocol::ChatRequestHash(*back) != protocol::ChatRequestHash(p->request)) std::abort();
  return 0;
}
