// Fuzzes ParseEndpoint (node config enclave.endpoint, CLI --listen/--enclave):
// it accepts or refuses any text, and what it accepts prints to a text that
// parses back to the same endpoint.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vinet/tee/endpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto e = vinet::tee::ParseEndpoint(text);
  if (!e.ok()) {
    if (e.status().message().empty()) __builtin_trap();
    return 0;
  }
  auto again = vinet::tee::ParseEndpoint(e->ToString());
  if (!again.ok() || again->ToString() != e->ToString() || again->kind != e->kind ||
      again->path != e->path || again->cid != e->cid || again->port != e->port ||
      again->address != e->address) {
    __builtin_trap();
  }
  return 0;
}
