// The ZKML key a model is committed with, as the CLI names it (`zk commit`,
// `devnet up`): the scheme of the weight and advice openings (--pcs), its
// query-count regime (--regime) and private weights (--private-weights).
// ZkmlKeyParams maps the flags to zkml::ZkmlParams and refuses, by name, a
// combination that has no key kind (kInvalidArgument, thrown as StatusError).
#pragma once

#include <string>

#include "vinet/zkml/zkml.h"

namespace CLI {
class App;
}

namespace vinet::cli {

struct ZkmlKeyFlags {
  bool private_weights = false;
  std::string pcs;                 // "": Basefold over Fp4 (kind 4, or 5 with private weights)
  std::string regime = "johnson";  // or "conjectured" (kinds 6 / 7, docs/zk.md)
};

// Adds --pcs, --regime and --private-weights, each name after `prefix`
// ("--" for `zk commit`, "--zkml-" for `devnet up`).
void AddZkmlKeyFlags(CLI::App& app, ZkmlKeyFlags& flags, const std::string& prefix);

zkml::ZkmlParams ZkmlKeyParams(const ZkmlKeyFlags& flags);

}  // namespace vinet::cli
