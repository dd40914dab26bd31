// `vinet tx update-model --model-id ID [--add-pcr0 HEX]... [--remove-pcr0 HEX]...
//  [--fee-per-inference N] [--retire]` (UpdateModel, docs/chain.md "Updating a
// model"): only the model's owner may send it. The new fee applies to
// requests signed from the including block's time on; --retire is final.
#include "cli/chain_tx.h"

namespace vinet::cli {
namespace {
namespace txpb = ::vinet::tx::v1;

std::string Pcr0Bytes(const std::string& hex, const char* flag) {
  Bytes b = ValueOrThrow(FromHex(hex));
  if (b.size() != 48) {
    throw StatusError(Error(Code::kInvalidArgument,
                            std::string(flag) + " " + hex + ": expected 96 hex chars (48 bytes)"));
  }
  return ToString(b);
}
}  // namespace

void RegisterUpdateModelCommand(CLI::App* tx) {
  static TxOptions o;
  static std::string model_id;
  static std::vector<std::string> add, remove;
  static int64_t fee = -1;
  static bool retire = false;
  auto* cmd = tx->add_subcommand("update-model",
                                 "change a model you own: PCR0 allowlist, fee, or retire it");
  AddCommonOptions(cmd, o);
  cmd->add_option("--model-id", model_id, "the model's id")->required();
  cmd->add_option("--add-pcr0", add, "allow this enclave PCR0, 96 hex (repeat)");
  cmd->add_option("--remove-pcr0", remove, "remove this PCR0 from the allowlist (repeat)");
  cmd->add_option("--fee-per-inference", fee,
                  "new fee, for requests signed from the tx's block on (one change per "
                  "max_request_ttl_ms)");
  cmd->add_flag("--retire", retire, "no new claims from now on; pending ones still settle");
  cmd->callback([] {
    if (add.empty() && remove.empty() && fee < 0 && !retire) {
      throw StatusError(Error(Code::kInvalidArgument,
                              "nothing to change: give --add-pcr0, --remove-pcr0, "
                              "--fee-per-inference or --retire"));
    }
    SendAndReport(o, [&](txpb::TxBody& b) {
      auto* u = b.mutable_update_model();
      u->set_model_id(model_id);
      for (const auto& p : add) u->add_add_pcr0(Pcr0Bytes(p, "--add-pcr0"));
      for (const auto& p : remove) u->add_remove_pcr0(Pcr0Bytes(p, "--remove-pcr0"));
      if (fee >= 0) u->set_fee_per_inference(static_cast<uint64_t>(fee));
      u->set_retire(retire);
    });
  });
}

}  // namespace vinet::cli
