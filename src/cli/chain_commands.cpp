// `vinet keys`, `vinet chain start`, `vinet tx ...`, `vinet query ...`
// (devnet commands live in chain_devnet.cpp). Output with --json is stable
// and documented in docs/chain.md.
#include <signal.h>

#include <fstream>
#include <iostream>
#include <list>
#include <thread>

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include <spdlog/spdlog.h>
#include "cli/chain_cli.h"
#include "cli/commands.h"
#include "cli/network_flags.h"
#include "cli/output.h"
#include "cli/stop_signal.h"
#include "vinet/abci/server.h"
#include "vinet/chain/app.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/chain/tx.h"
#include "vinet/common/log.h"
#include "vinet/crypto/ed25519.h"

namespace vinet::cli {
using chain::Base64Encode;
using chain::RpcClient;
namespace {

using json = nlohmann::json;

json KeyJson(const crypto::SecretKey& key) {
  return {{"address", crypto::AddressOf(key.public_key())},
          {"public_key", ToHex(key.public_key())}};
}

void RegisterKeys(CLI::App& app) {
  auto* keys = app.add_subcommand("keys", "Ed25519 account keys")->require_subcommand(1);
  auto* create = keys->add_subcommand("new", "create a key file (refuses to overwrite)");
  static std::string out;
  static bool as_json = false;
  create->add_option("--out", out, "key file to write")->required()->type_name("FILE");
  create->add_flag("--json", as_json, "print {\"address\", \"public_key\"}");
  create->callback([] {
    auto key = crypto::SecretKey::Generate();
    ThrowIfError(crypto::SaveKeyFile(key, out));
    PrintJsonOrText(as_json, KeyJson(key));
  });
  auto* show = keys->add_subcommand("show", "print a key file's address and public key");
  static std::string file;
  show->add_option("file", file, "key file")->required();
  show->add_flag("--json", as_json, "print {\"address\", \"public_key\"}");
  show->callback([] {
    auto key = ValueOrThrow(crypto::LoadKeyFile(file));
    PrintJsonOrText(as_json, KeyJson(key));
  });
}

std::string ProxyAppFromConfig(const std::string& home) {
  auto path = std::filesystem::path(home) / "config" / "config.toml";
  try {
    auto tbl = toml::parse_file(path.string());
    if (auto v = tbl["proxy_app"].value<std::string>()) return *v;
  } catch (const toml::parse_error& e) {
    throw StatusError(Error(Code::kParse, path.string() + ": " + std::string(e.description())));
  }
  throw StatusError(Error(Code::kNotFound, path.string() + ": no proxy_app; pass --address"));
}

// The chain id of HOME/config/genesis.json ("" if there is none to read).
std::string ChainIdFromGenesis(const std::string& home) {
  auto path = std::filesystem::path(home) / "config" / "genesis.json";
  std::ifstream in(path);
  if (!in) return "";
  auto doc = json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("chain_id") ||
      !doc["chain_id"].is_string()) {
    throw StatusError(Error(Code::kParse, path.string() + ": no chain_id string"));
  }
  return doc["chain_id"].get<std::string>();
}

void RegisterChainStart(CLI::App& app) {
  auto* chain = app.add_subcommand("chain", "the chain application")->require_subcommand(1);
  auto* start = chain->add_subcommand("start", "run the ABCI application until SIGTERM/SIGINT");
  static std::string home, address, data;
  static chain::ChainOptions options;
  start->add_option("--home", home, "CometBFT home of this validator")->required();
  start->add_option("--address", address, "listen address (default: proxy_app of config.toml)");
  start->add_option("--data", data, "state directory (default: HOME/vinet-data)");
  start
      ->add_option("--snapshot-interval", options.snapshot_interval,
                   "write a state-sync snapshot every N blocks (0: none)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40))
      ->capture_default_str();
  start->add_option("--snapshot-keep", options.snapshot_keep, "snapshots kept on disk")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  start
      ->add_option("--snapshot-chunk-bytes", options.snapshot_chunk_bytes,
                   "target snapshot chunk size")
      ->check(CLI::Range(size_t{1024}, chain::kMaxChunkBytes))
      ->capture_default_str();
  start
      ->add_option("--retain-blocks", options.retain_blocks,
                   "let CometBFT prune blocks older than N (never below the oldest snapshot; "
                   "0: keep all)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40))
      ->capture_default_str();
  start
      ->add_option("--state-versions-kept", options.store.versions_kept,
                   "state versions kept for queries and proofs at past heights; older ones are "
                   "pruned (0 = archive: keep all)")
      ->capture_default_str();
  static std::string validator_key;
  start->add_option("--validator-key", validator_key,
                    "CometBFT priv_validator_key.json whose key signs every committed app hash "
                    "(served at /app_hash_sig/<height>); default: HOME/config/"
                    "priv_validator_key.json if it exists; \"none\": sign nothing");
  start->callback([] {
    InitLogging("chain");
    if (validator_key.empty()) {
      auto pv = std::filesystem::path(home) / "config" / "priv_validator_key.json";
      if (std::filesystem::exists(pv)) options.validator_key_file = pv.string();
      options.validator_key_optional = true;  // found by default, not asked for
    } else if (validator_key != "none") {
      options.validator_key_file = validator_key;
    }
    if (address.empty()) address = ProxyAppFromConfig(home);
    if (data.empty()) data = (std::filesystem::path(home) / "vinet-data").string();
    options.chain_id = ChainIdFromGenesis(home);
    auto app = ValueOrThrow(chain::ChainApp::Open(data, options));
    InstallStopSignals();  // before the server's threads start
    abci::Server server(*app, {address});
    ThrowIfError(server.Start());
    spdlog::info("chain: serving ABCI on {}", server.address());
    int sig = WaitForStopSignal();
    spdlog::info("chain: signal {}, stopping", sig);
    server.Stop();
  });
}

void RegisterQuery(CLI::App& app) {
  auto* query = app.add_subcommand("query", "read committed chain state")->require_subcommand(1);
  static std::list<NetworkFlags> flags;  // one per subcommand (their messages name it)
  static std::string address;
  static bool as_json = false;
  auto run = [](const NetworkFlags& f, const std::string& path) {
    Network net = ValueOrThrow(ResolveNetwork(f, kChainFlag));
    RpcClient rpc(net.chain_rpc);
    auto r = ValueOrThrow(rpc.AbciQuery(path));
    if (r["code"] != 0) {
      throw StatusError(Error(Code::kNotFound, "query " + path + ": code " + r["code"].dump() +
                                                   ": " + r["log"].get<std::string>()));
    }
    auto value = json::parse(r["value"].get<std::string>(), nullptr, false);
    if (value.is_discarded()) throw StatusError(Error(Code::kParse, "query: answer is not JSON"));
    PrintJsonOrText(as_json, value);
  };
  for (std::string what : {"account", "node"}) {
    auto* sub = query->add_subcommand(
        what, what == "account" ? "an account by address" : "an inference node by address");
    sub->add_option("address", address, "40 hex chars")->required();
    NetworkFlags* f = &flags.emplace_back();
    AddNetworkFlags(sub, *f, kChainFlag);
    sub->add_flag("--json", as_json, "print JSON");
    sub->callback([what, run, f] { run(*f, "/" + what + "/" + address); });
  }
  static std::string id;
  for (std::string what : {"model", "claim", "zkml-key"}) {
    auto* sub = query->add_subcommand(what, what == "model"   ? "a registered model by id"
                                            : what == "claim" ? "a claim by inference id"
                                                              : "a model's ZKML verifying key");
    sub->add_option("id", id, what == "claim" ? "inference id, 64 hex chars" : "model id")
        ->required();
    NetworkFlags* f = &flags.emplace_back();
    AddNetworkFlags(sub, *f, kChainFlag);
    sub->add_flag("--json", as_json, "print JSON");
    std::string path = what == "zkml-key" ? "/zkml_key/" : "/" + what + "/";
    sub->callback([path, run, f] { run(*f, path + id); });
    if (what == "claim") {
      AddClaimProveOptions(
          sub, [f] { return ValueOrThrow(ResolveNetwork(*f, kChainFlag)).chain_rpc; }, &id,
          &as_json, [path, run, f] { run(*f, path + id); });
    }
  }
  auto* params = query->add_subcommand("params", "the chain parameters");
  NetworkFlags* pf = &flags.emplace_back();
  AddNetworkFlags(params, *pf, kChainFlag);
  params->add_flag("--json", as_json, "print JSON");
  params->callback([run, pf] { run(*pf, "/params"); });
  RegisterEvidenceQuery(query);
}

}  // namespace

void RegisterChainCommands(CLI::App& app) {
  RegisterKeys(app);
  RegisterChainStart(app);
  RegisterTxCommands(app);
  RegisterQuery(app);
  RegisterDevnetCommands(app);
  RegisterTestnetCommands(app);
  RegisterValidatorCommands(app);
}

}  // namespace vinet::cli
