#include "cli/genesis_setup.h"

#include <algorithm>

namespace vinet::cli {
using json = nlohmann::json;

json BuildAppState(const AppStateSpec& spec) {
  chain::Genesis app_state;
  app_state.params = chain::DefaultParams();
  app_state.accounts = spec.accounts;
  for (const auto& pem : spec.tee_root_pems) app_state.params.add_tee_roots(pem);
  if (spec.enclave_ttl_ms > 0) app_state.params.set_enclave_ttl_ms(spec.enclave_ttl_ms);
  json out = json::parse(chain::GenesisToJson(app_state));
  for (const auto& kv : spec.params) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw StatusError(Error(Code::kInvalidArgument, "--param " + kv + ": expected KEY=VALUE"));
    }
    auto value = json::parse(kv.substr(eq + 1), nullptr, false);
    if (value.is_discarded()) value = kv.substr(eq + 1);
    out["params"][kv.substr(0, eq)] = value;
  }
  // The app refuses a bad genesis at start-up; refuse it here, with the field.
  ThrowIfError(chain::ParseGenesis(out.dump()).status());
  return out;
}

void SetEvidenceAge(json& genesis) {
  auto parsed = chain::ParseGenesis(genesis["app_state"].dump());
  ThrowIfError(parsed.status());
  auto& evidence = genesis["consensus_params"]["evidence"];
  evidence["max_age_num_blocks"] =
      std::to_string(std::max<int64_t>(1, parsed->params.unbonding_blocks()));
  evidence["max_age_duration"] = "1000000000";  // 1 s, in ns
}

}  // namespace vinet::cli
