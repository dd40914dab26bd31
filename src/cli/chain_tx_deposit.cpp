// `vinet tx deposit --for-node ADDR --amount N`, `vinet tx release-deposit
// --for-node ADDR`, `vinet tx withdraw-deposit --for-node ADDR`: a client's
// deposit for one inference node (docs/chain.md, "Client deposits").
#include "cli/chain_tx.h"

namespace vinet::cli {

void RegisterDepositTxCommands(CLI::App* tx) {
  static TxOptions dep_o, rel_o, wd_o;
  static std::string dep_node, rel_node, wd_node;
  static uint64_t amount = 0;
  auto* dep = tx->add_subcommand("deposit", "deposit fees for one inference node");
  AddCommonOptions(dep, dep_o);
  dep->add_option("--for-node", dep_node, "the node's address")->required();
  dep->add_option("--amount", amount, "amount moved from the balance")->required();
  dep->callback([] {
    SendAndReport(dep_o, [](::vinet::tx::v1::TxBody& b) {
      b.mutable_deposit()->set_node(dep_node);
      b.mutable_deposit()->set_amount(amount);
    });
  });
  auto* rel = tx->add_subcommand("release-deposit", "start the unlock of a deposit");
  AddCommonOptions(rel, rel_o);
  rel->add_option("--for-node", rel_node, "the node's address")->required();
  rel->callback([] {
    SendAndReport(
        rel_o, [](::vinet::tx::v1::TxBody& b) { b.mutable_release_deposit()->set_node(rel_node); });
  });
  auto* wd = tx->add_subcommand("withdraw-deposit", "take back an unlocked deposit");
  AddCommonOptions(wd, wd_o);
  wd->add_option("--for-node", wd_node, "the node's address")->required();
  wd->callback([] {
    SendAndReport(
        wd_o, [](::vinet::tx::v1::TxBody& b) { b.mutable_withdraw_deposit()->set_node(wd_node); });
  });
}

}  // namespace vinet::cli
