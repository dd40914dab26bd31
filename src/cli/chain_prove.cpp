// `vinet query claim ID --prove`: the claim's status proven by the light
// client (header verified from a trust root, cross-checked with witnesses)
// and the claim's Merkle proof against that header's app hash.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/chain_cli.h"
#include "cli/commands.h"
#include "vinet/light/connect.h"
#include "vinet/light/verified_state.h"

namespace vinet::cli {
namespace {

using json = nlohmann::json;

struct ProveArgs {
  bool prove = false;
  std::vector<std::string> witnesses;
  std::string genesis;
  int64_t trust_height = 0;
  std::string trust_hash;
  int64_t height = 0;
  double wait_s = 10;
};

ProveArgs& Args() {
  static ProveArgs a;
  return a;
}

void RunProve(const std::string& rpc_default, const std::string& id, bool as_json) {
  const ProveArgs& a = Args();
  light::ChainTrust t;
  t.primary = rpc_default;
  t.witnesses = a.witnesses;
  t.genesis_file = a.genesis;
  t.checkpoint_height = a.trust_height;
  t.checkpoint_hash = a.trust_hash;
  auto lc = ValueOrThrow(light::ConnectLightClient(t));
  auto v = ValueOrThrow(
      light::VerifyClaim(*lc, t.primary, id, a.height, static_cast<int64_t>(a.wait_s * 1000)));
  const auto& root = lc->root();
  std::string root_text = t.checkpoint_height > 0
                              ? "checkpoint at height " + std::to_string(t.checkpoint_height)
                              : (t.genesis_file.empty() ? "the genesis served by " + t.primary
                                                        : "genesis file " + t.genesis_file);
  json out = {{"inference_id", id},
              {"present", v.claim.has_value()},
              {"proven_height", v.height},
              {"header_height", v.height + 1},
              {"header_hash", ToHex(v.header_hash)},
              {"app_hash", ToHex(v.app_hash)},
              {"state_key", "c/" + id},
              {"trust_root", root_text},
              {"trust_root_height", root.height()},
              {"primary", t.primary},
              {"witnesses", t.witnesses},
              {"light_client",
               {{"blocks_fetched", lc->stats().blocks_fetched},
                {"verifications", lc->stats().verifications},
                {"bisections", lc->stats().bisections},
                {"witness_checks", lc->stats().witness_checks}}},
              {"proof_verified", true}};
  if (v.claim) {
    out["status"] = v.claim->status;
    out["fee"] = v.claim->fee;
    out["claim_height"] = v.claim->height;
    out["settled_height"] = v.claim->settled_height;
  }
  if (as_json) {
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::cout << "claim " << id << ": "
            << (v.claim ? v.claim->status : std::string("ABSENT (proven non-membership)"));
  if (v.claim && v.claim->settled_height > 0) {
    std::cout << " at height " << v.claim->settled_height;
  }
  std::cout << "\n  state key  c/" << id << " at state height " << v.height
            << ": Merkle proof checked against app hash " << ToHex(v.app_hash) << "\n  header     "
            << v.height + 1 << " " << ToHex(v.header_hash) << " verified by the light client from "
            << root_text << " (height " << root.height() << "; " << lc->stats().verifications
            << " verification(s), " << lc->stats().bisections << " bisection(s))\n  witnesses  ";
  if (t.witnesses.empty()) {
    std::cout << "none (pass --witness URL to cross-check the primary)\n";
  } else {
    for (size_t i = 0; i < t.witnesses.size(); ++i) {
      std::cout << (i ? ", " : "") << t.witnesses[i];
    }
    std::cout << ": same header\n";
  }
}

}  // namespace

void AddClaimProveOptions(CLI::App* claim, std::function<std::string()> rpc, const std::string* id,
                          const bool* as_json, std::function<void()> plain) {
  ProveArgs& a = Args();
  claim->add_flag("--prove", a.prove,
                  "prove the status: light-client verified header + Merkle proof");
  claim->add_option("--witness", a.witnesses,
                    "another CometBFT RPC URL of the chain to cross-check headers (repeatable)");
  claim->add_option("--genesis", a.genesis, "trust root: the chain's genesis.json");
  claim->add_option("--trust-height", a.trust_height, "trust root: a pinned checkpoint height");
  claim->add_option("--trust-hash", a.trust_hash, "trust root: the header hash at --trust-height");
  claim->add_option("--height", a.height, "prove the state at this height (default: latest)");
  claim->add_option("--wait", a.wait_s, "seconds to wait for header height+1 (default 10)");
  claim->callback([plain, rpc, id, as_json] {
    if (Args().prove) {
      RunProve(rpc(), *id, *as_json);
    } else if (plain) {
      plain();
    }
  });
}

}  // namespace vinet::cli
