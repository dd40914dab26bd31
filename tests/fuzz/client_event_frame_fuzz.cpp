// Fuzz target: a CometBFT websocket frame as the client and node read it
// (ParseEventFrame: size and depth limits, JSON, error answers, events) and
// the claim settlement looked up in an event (ClaimEventFor). It must never
// crash or throw, and every refusal carries a message.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "vinet/client/event_frame.h"

using namespace vinet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto event = client::ParseEventFrame(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!event.ok()) {
    if (event.status().message().empty()) std::abort();
    return 0;
  }
  if (event->has_value()) {
    (void)client::ClaimEventFor(**event, std::string(64, 'a'));
    (void)client::ClaimEventFor(**event, "");
  }
  return 0;
}
