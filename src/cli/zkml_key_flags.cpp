#include "cli/zkml_key_flags.h"

#include <CLI/CLI.hpp>

#include "vinet/common/result.h"

namespace vinet::cli {
namespace {

// `--pcs`: the size / prover-time trade-off of the weight and advice openings
// (docs/zkml.md, "Keys"): smallest proofs, a faster prover, or the fastest.
zkml::PcsKind PcsKindNamed(const std::string& name) {
  if (name == "basefold") return zkml::PcsKind::kBasefoldFp4;
  if (name == "basefold-fp2") return zkml::PcsKind::kBasefold;
  if (name == "ligero") return zkml::PcsKind::kLigero;
  throw StatusError(Error(Code::kInvalidArgument,
                          "--pcs: '" + name + "' is not basefold, basefold-fp2 or ligero"));
}

}  // namespace

void AddZkmlKeyFlags(CLI::App& app, ZkmlKeyFlags& flags, const std::string& prefix) {
  app.add_option(prefix + "pcs", flags.pcs,
                 "basefold (default: Basefold over Fp4, smallest proofs), basefold-fp2 "
                 "(~30% larger proofs, ~3x faster prover) or ligero (largest, fastest)");
  app.add_option(prefix + "regime", flags.regime,
                 "Basefold over Fp4 query count: johnson (default, proven bits) or "
                 "conjectured (~1/3 fewer queries; the bits rest on a named conjecture, "
                 "key kind 6, or 7 with private weights; docs/zk.md)")
      ->capture_default_str();
  app.add_flag(prefix + "private-weights", flags.private_weights,
               "hiding weight commitment and openings (hiding Basefold, key version 3 kind 5; "
               "with pcs ligero hiding Ligero, kind 3; the package then holds the secret "
               "mask seed; docs/zk.md)");
}

zkml::ZkmlParams ZkmlKeyParams(const ZkmlKeyFlags& flags) {
  zkml::ZkmlParams params =
      flags.private_weights ? zkml::ZkmlParams::PrivateWeights() : zkml::ZkmlParams{};
  if (!flags.pcs.empty()) {
    zkml::PcsKind kind = PcsKindNamed(flags.pcs);
    if (flags.private_weights) {
      // Hiding modes: Basefold over Fp4 (kind 5, the default) or Ligero (kind 3, rate 1/8).
      if (kind == zkml::PcsKind::kBasefold) {
        throw StatusError(Error(Code::kInvalidArgument,
                                "--pcs: basefold-fp2 has no hiding mode; use basefold or ligero"));
      }
      if (kind == zkml::PcsKind::kLigero) params = zkml::ZkmlParams::PrivateWeightsLigero();
    } else {
      params.pcs = kind;
    }
  }
  if (flags.regime == "conjectured") {
    if (params.pcs != zkml::PcsKind::kBasefoldFp4 && params.pcs != zkml::PcsKind::kHidingBasefold) {
      throw StatusError(Error(Code::kInvalidArgument,
                              "--regime conjectured: only Basefold over Fp4 (--pcs basefold) has "
                              "a conjectured regime"));
    }
    params.pcs = params.pcs == zkml::PcsKind::kHidingBasefold
                     ? zkml::PcsKind::kHidingBasefoldConjectured
                     : zkml::PcsKind::kBasefoldFp4Conjectured;
  } else if (flags.regime != "johnson") {
    throw StatusError(Error(Code::kInvalidArgument,
                            "--regime: '" + flags.regime + "' is not johnson or conjectured"));
  }
  return params;
}

}  // namespace vinet::cli
