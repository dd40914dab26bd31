// Fuzzes the genesis (app_state JSON) parser: errors are kParse with a
// message; accepted documents round-trip through GenesisToJson.
#include <cstdlib>

#include "vinet/chain/genesis.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto g = vinet::chain::ParseGenesis(text);
  if (!g.ok()) {
    if (g.status().code() != vinet::Code::kParse || g.status().message().empty()) std::abort();
    return 0;
  }
  auto again = vinet::chain::ParseGenesis(vinet::chain::GenesisToJson(*g));
  if (!again.ok() || again->accounts.size() != g->accounts.size()) std::abort();
  return 0;
}
