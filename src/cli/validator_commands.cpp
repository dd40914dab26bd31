// `vinet validator create|bond|unbond|unjail|show|list` and `vinet query
// evidence` (docs/chain.md "Validators"). Txs use the `vinet tx` options
// (--chain, --key, --devnet, --fee, --json …); queries --chain/--devnet.
// Text output by default, --json for the query's JSON.
#include <fstream>
#include <iostream>
#include <list>

#include <nlohmann/json.hpp>

#include "cli/chain_tx.h"
#include "cli/output.h"
#include "vinet/common/bytes.h"
#include "vinet/crypto/ed25519.h"

namespace vinet::cli {
namespace {

using json = nlohmann::json;

// A consensus key as 64 hex chars, 44 base64 chars, or the path of a
// CometBFT priv_validator_key.json (its pub_key.value).
std::string ConsensusPubkey(const std::string& arg) {
  std::string text = arg;
  if (std::ifstream in(arg); in) {
    auto doc = json::parse(in, nullptr, false);
    if (doc.is_discarded() || !doc.contains("pub_key") || !doc["pub_key"].contains("value") ||
        !doc["pub_key"]["value"].is_string()) {
      throw StatusError(Error(Code::kParse, "--pubkey " + arg + ": no pub_key.value"));
    }
    text = doc["pub_key"]["value"].get<std::string>();
  }
  Result<Bytes> key = text.size() == 64 ? FromHex(text) : chain::Base64Decode(text);
  if (!key.ok() || key->size() != 32) {
    throw StatusError(Error(Code::kInvalidArgument,
                            "--pubkey: expected 64 hex chars, base64 of 32 bytes or a "
                            "priv_validator_key.json"));
  }
  return ToString(*key);
}

json Query(const NetworkFlags& f, const std::string& path) {
  Network net = ValueOrThrow(ResolveNetwork(f, kChainFlag));
  chain::RpcClient rpc(net.chain_rpc);
  auto r = ValueOrThrow(rpc.AbciQuery(path));
  if (r["code"] != 0) {
    throw StatusError(Error(Code::kNotFound, "query " + path + ": code " + r["code"].dump() + ": " +
                                                 r["log"].get<std::string>()));
  }
  auto value = json::parse(r["value"].get<std::string>(), nullptr, false);
  if (value.is_discarded()) throw StatusError(Error(Code::kParse, "query: answer is not JSON"));
  return value;
}

void PrintValidatorLine(const json& v) {
  std::cout << v["operator"].get<std::string>() << "  power " << v["power"] << "  bond "
            << v["bond"] << (v["jailed"].get<bool>() ? "  jailed" : "") << "  consensus "
            << v["consensus_address"].get<std::string>() << "\n";
}

void PrintEvidenceLine(const json& e) {
  std::cout << e["hash"].get<std::string>() << "  " << e["type"].get<std::string>() << "  height "
            << e["height"] << "  validator " << e["consensus_address"].get<std::string>()
            << "  slashed " << e["slashed"] << (e["jailed"].get<bool>() ? "  jailed" : "") << "\n";
}

void RegisterTxs(CLI::App* validator) {
  static TxOptions create_o, bond_o, unbond_o, unjail_o;
  static uint64_t stake = 0, bond_amount = 0, unbond_amount = 0;
  static uint32_t commission = 0;
  static std::string pubkey;
  auto* create = validator->add_subcommand("create", "create a validator bonding --stake");
  AddCommonOptions(create, create_o);
  create->add_option("--stake", stake, "self-bond, from the key's balance")->required();
  create->add_option("--pubkey", pubkey, "consensus key: hex, base64 or a priv_validator_key.json")
      ->required();
  create->add_option("--commission", commission, "commission in basis points (0..10000)");
  create->callback([] {
    std::string key = ConsensusPubkey(pubkey);
    SendAndReport(create_o, [key](::vinet::tx::v1::TxBody& b) {
      auto* m = b.mutable_create_validator();
      m->set_consensus_pubkey(key);
      m->set_self_bond(stake);
      m->set_commission_bps(commission);
    });
  });
  auto* bond = validator->add_subcommand("bond", "add to the key's validator bond");
  AddCommonOptions(bond, bond_o);
  bond->add_option("amount", bond_amount, "amount from the balance")->required();
  bond->callback([] {
    SendAndReport(bond_o, [](::vinet::tx::v1::TxBody& b) {
      b.mutable_bond_validator()->set_amount(bond_amount);
    });
  });
  auto* unbond = validator->add_subcommand("unbond", "start unbonding part of the bond");
  AddCommonOptions(unbond, unbond_o);
  unbond->add_option("amount", unbond_amount, "amount (returns after unbonding_blocks)")
      ->required();
  unbond->callback([] {
    SendAndReport(unbond_o, [](::vinet::tx::v1::TxBody& b) {
      b.mutable_unbond_validator()->set_amount(unbond_amount);
    });
  });
  auto* unjail = validator->add_subcommand("unjail", "unjail the key's validator");
  AddCommonOptions(unjail, unjail_o);
  unjail->callback([] {
    SendAndReport(unjail_o, [](::vinet::tx::v1::TxBody& b) { b.mutable_unjail_validator(); });
  });
}

void RegisterQueries(CLI::App* validator) {
  static NetworkFlags show_f, list_f;
  static std::string address;
  static bool as_json = false;
  auto* show = validator->add_subcommand("show", "one validator by operator address");
  show->add_option("address", address, "operator address (default: the --key's)");
  AddNetworkFlags(show, show_f, kChainFlag | kKeyFlag);
  show->add_flag("--json", as_json, "print JSON");
  show->callback([] {
    if (address.empty()) {
      Network net = ValueOrThrow(ResolveNetwork(show_f, kChainFlag | kKeyFlag));
      address = crypto::AddressOf(ValueOrThrow(crypto::LoadKeyFile(net.key_file)).public_key());
    }
    PrintJsonOrText(as_json, Query(show_f, "/validator/" + address));
  });
  auto* list = validator->add_subcommand("list", "every validator and the active set");
  AddNetworkFlags(list, list_f, kChainFlag);
  list->add_flag("--json", as_json, "print JSON");
  list->callback([] {
    json all = Query(list_f, "/validators");
    if (as_json) {
      std::cout << all.dump() << "\n";
      return;
    }
    for (const auto& v : all["validators"]) PrintValidatorLine(v);
    std::cout << "active: " << all["active"].size() << " validators, total power "
              << all["total_power"] << "\n";
  });
}

}  // namespace

void RegisterValidatorCommands(CLI::App& app) {
  auto* validator =
      app.add_subcommand("validator", "consensus validators by stake")->require_subcommand(1);
  RegisterTxs(validator);
  RegisterQueries(validator);
}

void RegisterEvidenceQuery(CLI::App* query) {
  static NetworkFlags f;
  static std::string which;
  static bool as_json = false;
  auto* sub = query->add_subcommand("evidence", "misbehavior evidence and its slashing");
  sub->add_option("which", which, "evidence hash (64 hex) or infraction height (default: latest)");
  AddNetworkFlags(sub, f, kChainFlag);
  sub->add_flag("--json", as_json, "print JSON");
  sub->callback([] {
    json answer = Query(f, which.empty() ? "/evidence" : "/evidence/" + which);
    if (as_json) {
      std::cout << answer.dump() << "\n";
      return;
    }
    if (!answer.contains("evidence")) {
      PrintEvidenceLine(answer);
      return;
    }
    for (const auto& e : answer["evidence"]) PrintEvidenceLine(e);
    if (answer["evidence"].empty()) std::cout << "no evidence\n";
  });
}

}  // namespace vinet::cli
