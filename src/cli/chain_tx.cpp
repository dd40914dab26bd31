// `vinet tx transfer|register-node|unbond|withdraw` (and, in
// chain_tx_inference.cpp, register-model|register-enclave): build, sign, broadcast
// (broadcast_tx_sync) and, unless --no-wait, wait until the tx is in a block.
// Nonce and chain id are fetched from the node unless given. Output (--json):
//   {"hash": "<hex>", "code": N, "log": "...", "height": N}   (height 0 if not waited)
// A tx rejected by CheckTx or failed in its block exits 1 with the code and log.
// `transfer --dry-run [--count N]` prints N signed txs (base64, one per line)
// with consecutive nonces and sends nothing (used by the benchmark).
// `sign --key FILE --body-hex HEX` signs arbitrary TxBody bytes and prints the
// Tx (base64); a tool for tests of messages this CLI cannot build.
#include <iostream>
#include <thread>

#include "cli/chain_tx.h"
#include "vinet/chain/fee.h"
#include "vinet/chain/result_codes.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/chain/tx.h"

namespace vinet::cli {
using chain::Base64Encode;
using chain::RpcClient;
using json = nlohmann::json;
namespace txpb = ::vinet::tx::v1;

void AddCommonOptions(CLI::App* cmd, TxOptions& o) {
  AddNetworkFlags(cmd, o.flags, kChainFlag | kKeyFlag);
  cmd->add_option("--chain-id", o.chain_id, "chain id (default: the chain's)");
  cmd->add_option("--nonce", o.nonce, "signer nonce (default: the account's, from the chain)");
  cmd->add_option("--fee", o.fee, "fee (burned; default: the chain's minimum for this tx)");
  cmd->add_flag("--no-wait", o.no_wait, "return after CheckTx");
  cmd->add_option("--wait-seconds", o.wait_seconds, "how long to wait for inclusion")
      ->capture_default_str();
  cmd->add_flag("--json", o.as_json, "print JSON");
}

void ResolveTxNetwork(TxOptions& o) {
  o.net = ValueOrThrow(ResolveNetwork(o.flags, kChainFlag | kKeyFlag));
}

// The chain's fee schedule (/params; missing fields are 0).
chain::FeeSchedule ChainFees(RpcClient& rpc) {
  auto r = ValueOrThrow(rpc.AbciQuery("/params"));
  auto p = json::parse(r["value"].get<std::string>(), nullptr, false);
  if (r["code"] != 0 || !p.is_object()) {
    throw StatusError(Error(Code::kUnavailable, "cannot read /params: " + r.dump()));
  }
  return {p.value("min_fee", uint64_t{1}), p.value("fee_per_kib", uint64_t{0}),
          p.value("fee_per_claim", uint64_t{0}),
          p.value("fee_per_million_verify_units", uint64_t{0})};
}

namespace {

// Fills chain id and nonce from the node when not given.
void Resolve(TxOptions& o, RpcClient& rpc, const std::string& address) {
  if (o.chain_id.empty()) o.chain_id = ValueOrThrow(rpc.ChainId());
  if (o.nonce < 0) {
    auto r = ValueOrThrow(rpc.AbciQuery("/account/" + address));
    auto acct = json::parse(r["value"].get<std::string>(), nullptr, false);
    if (r["code"] != 0 || acct.is_discarded()) {
      throw StatusError(Error(Code::kUnavailable, "cannot read nonce: " + r.dump()));
    }
    o.nonce = acct["nonce"].get<int64_t>();
  }
}

json WaitForInclusion(RpcClient& rpc, const std::string& hash, double seconds) {
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  while (std::chrono::steady_clock::now() < deadline) {
    auto found = ValueOrThrow(rpc.FindTx(hash));
    if (!found.is_null()) return found;
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  throw StatusError(Error(
      Code::kTimeout, "tx " + hash + " not in a block after " + std::to_string(seconds) + " s"));
}

std::string CodeText(int64_t code) {
  return std::to_string(code) + " (" +
         std::string(chain::TxCodeName(static_cast<chain::TxCode>(code))) + ")";
}

}  // namespace

void SendAndReport(TxOptions& o, const std::function<void(txpb::TxBody&)>& fill,
                   uint64_t verify_units) {
  if (o.net.chain_rpc.empty()) ResolveTxNetwork(o);
  auto key = ValueOrThrow(crypto::LoadKeyFile(o.net.key_file));
  RpcClient rpc(o.net.chain_rpc);
  Resolve(o, rpc, crypto::AddressOf(key.public_key()));
  txpb::TxBody body;
  body.set_chain_id(o.chain_id);
  body.set_nonce(static_cast<uint64_t>(o.nonce));
  body.set_fee(o.fee < 0 ? 0 : static_cast<uint64_t>(o.fee));
  fill(body);
  if (o.fee < 0) {
    auto fees = ChainFees(rpc);
    chain::PayMinimumFee(fees, body, chain::VerifyFee(fees, verify_units));
  }
  auto tx = chain::BuildSignedTx(key, body);
  auto sync = ValueOrThrow(rpc.BroadcastTxSync(tx));
  json out = {{"hash", sync["hash"]}, {"code", sync["code"]}, {"log", sync["log"]}, {"height", 0}};
  if (sync["code"] == 0 && !o.no_wait) {
    auto found = WaitForInclusion(rpc, sync["hash"].get<std::string>(), o.wait_seconds);
    out["height"] = std::stoll(found["height"].get<std::string>());
    out["code"] = found["tx_result"].value("code", 0);
    out["log"] = found["tx_result"].value("log", "");
  }
  if (o.as_json) {
    std::cout << out.dump() << "\n";
  } else {
    std::cout << "hash: " << out["hash"].get<std::string>() << "\nheight: " << out["height"]
              << "\n";
  }
  if (out["code"] != 0) {
    throw StatusError(Error(Code::kInvalidArgument, "tx rejected: code " +
                                                        CodeText(out["code"].get<int64_t>()) +
                                                        ": " + out["log"].get<std::string>()));
  }
}

namespace {

void RegisterTransfer(CLI::App* tx) {
  static TxOptions o;
  static std::string to;
  static uint64_t amount = 0;
  static int count = 1;
  static bool dry_run = false;
  auto* cmd = tx->add_subcommand("transfer", "move balance to another account");
  AddCommonOptions(cmd, o);
  cmd->add_option("--to", to, "recipient address")->required();
  cmd->add_option("--amount", amount, "amount")->required();
  cmd->add_flag("--dry-run", dry_run, "print signed txs (base64 lines), send nothing");
  cmd->add_option("--count", count, "with --dry-run: number of txs (consecutive nonces)");
  cmd->callback([] {
    auto fill = [](txpb::TxBody& b) {
      b.mutable_transfer()->set_to(to);
      b.mutable_transfer()->set_amount(amount);
    };
    if (!dry_run) return SendAndReport(o, fill);
    if (o.chain_id.empty() || o.nonce < 0) {
      throw StatusError(Error(Code::kInvalidArgument, "--dry-run needs --chain-id and --nonce"));
    }
    auto net = ValueOrThrow(ResolveNetwork(o.flags, kKeyFlag));
    auto key = ValueOrThrow(crypto::LoadKeyFile(net.key_file));
    for (int i = 0; i < count; ++i) {
      txpb::TxBody body;
      body.set_chain_id(o.chain_id);
      body.set_nonce(static_cast<uint64_t>(o.nonce + i));
      body.set_fee(o.fee < 0 ? 1 : static_cast<uint64_t>(o.fee));  // no node to ask
      fill(body);
      std::cout << Base64Encode(chain::BuildSignedTx(key, body)) << "\n";
    }
  });
}

void RegisterSignRaw(CLI::App* tx) {
  static std::string key_file, body_hex;
  auto* cmd = tx->add_subcommand("sign", "sign raw TxBody bytes; print the Tx as base64");
  cmd->add_option("--key", key_file, "signer's key file")->required();
  cmd->add_option("--body-hex", body_hex, "serialized TxBody, hex")->required();
  cmd->callback([] {
    auto key = ValueOrThrow(crypto::LoadKeyFile(key_file));
    auto body = ValueOrThrow(FromHex(body_hex));
    std::cout << Base64Encode(chain::SignRawTx(key, body)) << "\n";
  });
}

}  // namespace

void RegisterTxCommands(CLI::App& app) {
  auto* tx = app.add_subcommand("tx", "sign and send transactions")->require_subcommand(1);
  RegisterTransfer(tx);
  RegisterSignRaw(tx);
  RegisterInferenceTxCommands(tx);

  static TxOptions reg_o, unbond_o, withdraw_o;
  static uint64_t stake = 0;
  static std::string endpoint;
  auto* reg = tx->add_subcommand("register-node", "register as an inference node, locking stake");
  AddCommonOptions(reg, reg_o);
  reg->add_option("--stake", stake, "stake to lock (>= min_stake)")->required();
  reg->add_option("--endpoint", endpoint, "the node's public URL (recorded on chain)")->required();
  reg->callback([] {
    SendAndReport(reg_o, [](txpb::TxBody& b) {
      b.mutable_register_node()->set_stake(stake);
      b.mutable_register_node()->set_endpoint(endpoint);
    });
  });
  auto* unbond = tx->add_subcommand("unbond", "start unbonding the node's stake");
  AddCommonOptions(unbond, unbond_o);
  unbond->callback([] { SendAndReport(unbond_o, [](txpb::TxBody& b) { b.mutable_unbond(); }); });
  auto* withdraw = tx->add_subcommand("withdraw", "return unbonded stake to the balance");
  AddCommonOptions(withdraw, withdraw_o);
  withdraw->callback(
      [] { SendAndReport(withdraw_o, [](txpb::TxBody& b) { b.mutable_withdraw(); }); });
}

}  // namespace vinet::cli
