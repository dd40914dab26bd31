// `vinet testnet init --validators N --hosts IP1,IP2,... --out DIR`: the homes
// of a network spread over several hosts, written once on one machine and
// copied to each host (docs/cli.md, "testnet init").
//
// Layout under DIR (which must be absent or empty):
//   genesis.json            the one genesis (validators, funded accounts, dev CA roots)
//   keys/dev.key            a funded account (owner of the models, tests' client)
//   testnet.json            the manifest: every host's role, addresses, keys and the
//                           command lines that start its processes
//   host-<IP>/validator/    CometBFT home (config.toml with the host's addresses and
//                           persistent peers by IP:port, keys, genesis); the app's
//                           RocksDB goes to validator/vinet-data
//   host-<IP>/node/         inference node: node.toml, keys/node.key, models/,
//                           dev-ca/ (the enclave emulator's CA; its root is in genesis)
// Validators are hosts[0..N); inference nodes run on --node-hosts, by default
// the hosts after the first N. Every validator listens on the same ports on
// its own address; --peer-addresses lets peers dial validator i elsewhere
// (e.g. through a proxy). With --seed every key (hence node ids, validator
// addresses and accounts) is derived from the seed, so runs are reproducible.
#include <arpa/inet.h>

#include <iostream>
#include <regex>
#include <set>

#include "cli/chain_cli.h"
#include "cli/chain_devnet_node.h"
#include "cli/chain_process.h"
#include "cli/comet_home.h"
#include "cli/genesis_setup.h"
#include "cli/progress.h"
#include "vinet/crypto/hash.h"

namespace vinet::cli {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr uint64_t kDevBalance = 1'000'000'000'000ULL;
constexpr int64_t kValidatorPower = 10;

struct TestnetOptions {
  int validators = 0;
  std::vector<std::string> hosts, node_hosts, peer_addresses, models, params, comet_config;
  bool node_hosts_given = false;
  std::string out, chain_id = "vinet-testnet", seed;
  int p2p_port = 26656, rpc_port = 26657, abci_port = 26658, node_port = 8080;
  std::string block_time = "1s", round_timeout = "1s", gossip_interval;
  bool pex = true, as_json = false;
  int64_t enclave_ttl_ms = 0;
};

Status Invalid(const std::string& message) {
  return Error(Code::kInvalidArgument, "testnet init: " + message);
}

bool IsIpv4(const std::string& s) {
  in_addr a{};
  return inet_pton(AF_INET, s.c_str(), &a) == 1;
}

Status CheckHosts(const std::vector<std::string>& hosts, const std::string& flag) {
  std::set<std::string> seen;
  for (size_t i = 0; i < hosts.size(); ++i) {
    if (!IsIpv4(hosts[i])) {
      return Invalid(flag + " entry " + std::to_string(i) + " \"" + hosts[i] +
                     "\" is not an IPv4 address");
    }
    if (!seen.insert(hosts[i]).second) {
      return Invalid(flag + " entry " + std::to_string(i) + " repeats " + hosts[i]);
    }
  }
  return Status::Ok();
}

Status CheckOptions(TestnetOptions& o) {
  if (o.validators < 1 || o.validators > 64) return Invalid("--validators must be in 1..64");
  VINET_RETURN_IF_ERROR(CheckHosts(o.hosts, "--hosts"));
  if (static_cast<int>(o.hosts.size()) < o.validators) {
    return Invalid("--hosts has " + std::to_string(o.hosts.size()) + " address(es); " +
                   std::to_string(o.validators) + " validators need at least that many");
  }
  if (!o.node_hosts_given) {
    o.node_hosts.assign(o.hosts.begin() + o.validators, o.hosts.end());
  } else {
    VINET_RETURN_IF_ERROR(CheckHosts(o.node_hosts, "--node-hosts"));
  }
  if (!o.peer_addresses.empty()) {
    if (static_cast<int>(o.peer_addresses.size()) != o.validators) {
      return Invalid("--peer-addresses has " + std::to_string(o.peer_addresses.size()) +
                     " entries; expected one per validator (" + std::to_string(o.validators) + ")");
    }
    std::regex host_port("[A-Za-z0-9.-]+:[0-9]{1,5}");
    for (size_t i = 0; i < o.peer_addresses.size(); ++i) {
      if (!std::regex_match(o.peer_addresses[i], host_port)) {
        return Invalid("--peer-addresses entry " + std::to_string(i) + " \"" + o.peer_addresses[i] +
                       "\" is not HOST:PORT");
      }
    }
  }
  std::set<int> ports;
  for (auto [name, port] : {std::pair{"--p2p-port", o.p2p_port},
                            {"--rpc-port", o.rpc_port},
                            {"--abci-port", o.abci_port},
                            {"--node-port", o.node_port}}) {
    if (port < 1 || port > 65535) return Invalid(std::string(name) + " must be in 1..65535");
    if (!ports.insert(port).second) return Invalid(std::string(name) + " repeats another port");
  }
  std::regex duration("[0-9]+(ms|s)");
  if (!std::regex_match(o.block_time, duration)) return Invalid("--block-time like 500ms or 1s");
  if (!std::regex_match(o.round_timeout, duration)) {
    return Invalid("--round-timeout like 300ms or 1s");
  }
  if (!o.gossip_interval.empty() && !std::regex_match(o.gossip_interval, duration)) {
    return Invalid("--gossip-interval like 10ms");
  }
  for (const auto& text : o.comet_config) {
    if (auto parsed = ParseCometOverride(text); !parsed.ok()) return parsed.status();
  }
  for (const auto& kv : o.params) {
    if (kv.find('=') == std::string::npos || kv.front() == '=') {
      return Invalid("--param " + kv + ": expected KEY=VALUE");
    }
  }
  if (o.out.empty()) return Invalid("--out is required");
  if (fs::exists(o.out) && !(fs::is_directory(o.out) && fs::is_empty(o.out))) {
    return Error(Code::kAlreadyExists,
                 "testnet init: --out " + o.out + " exists and is not an empty directory");
  }
  return Status::Ok();
}

// A key derived from --seed and a label, or a fresh one without a seed.
crypto::SecretKey KeyFor(const TestnetOptions& o, const std::string& label) {
  if (o.seed.empty()) return crypto::SecretKey::Generate();
  std::string material = "vinet testnet key\n" + o.seed + "\n" + label;
  auto digest =
      crypto::Sha256(ByteSpan(reinterpret_cast<const uint8_t*>(material.data()), material.size()));
  return ValueOrThrow(crypto::SecretKey::FromSeed(ByteSpan(digest.data(), digest.size())));
}

std::string SaveKey(const TestnetOptions& o, const std::string& label, const fs::path& path) {
  auto key = KeyFor(o, label);
  fs::create_directories(path.parent_path());
  ThrowIfError(crypto::SaveKeyFile(key, path));
  return crypto::AddressOf(key.public_key());
}

fs::path HostDir(const TestnetOptions& o, const std::string& ip) {
  return fs::path(o.out) / ("host-" + ip);
}

std::string Endpoint(const std::string& ip, int port) {
  return ip + ":" + std::to_string(port);
}

// Creates each validator's CometBFT home; returns the manifest entries.
json WriteValidators(const TestnetOptions& o, const std::string& cometbft,
                     json& genesis_validators) {
  json validators = json::array();
  for (int i = 0; i < o.validators; ++i) {
    const std::string& ip = o.hosts[static_cast<size_t>(i)];
    fs::path home = HostDir(o, ip) / "validator";
    ValueOrThrow(RunCapture({cometbft, "init", "--home", home.string()}));
    auto priv = KeyFor(o, "validator/" + std::to_string(i));
    auto p2p_key = KeyFor(o, "p2p/" + std::to_string(i));
    WriteCometKeys(home, priv, p2p_key);
    genesis_validators.push_back(
        CometGenesisValidator(priv.public_key(), kValidatorPower, "validator" + std::to_string(i)));
    std::string id = CometNodeId(p2p_key.public_key());
    std::string peer_address = o.peer_addresses.empty() ? Endpoint(ip, o.p2p_port)
                                                        : o.peer_addresses[static_cast<size_t>(i)];
    std::string abci = "tcp://127.0.0.1:" + std::to_string(o.abci_port);
    validators.push_back({{"index", i},
                          {"host", ip},
                          {"home", home.string()},
                          {"node_id", id},
                          {"validator_address", CometNodeId(priv.public_key())},
                          {"p2p", Endpoint(ip, o.p2p_port)},
                          {"peer_address", peer_address},
                          {"rpc", "http://" + Endpoint(ip, o.rpc_port)},
                          {"abci", abci},
                          {"commands",
                           {{"app", {SelfExe(), "chain", "start", "--home", home.string()}},
                            {"cometbft", {cometbft, "start", "--home", home.string()}}}}});
  }
  for (auto& v : validators) {
    std::string peers;
    for (const auto& other : validators) {
      if (other["index"] == v["index"]) continue;
      peers += (peers.empty() ? "" : ",") + other["node_id"].get<std::string>() + "@" +
               other["peer_address"].get<std::string>();
    }
    CometSettings c;
    c.moniker = "validator" + v["index"].dump();
    c.proxy_app = v["abci"].get<std::string>();
    c.rpc_laddr = "tcp://0.0.0.0:" + std::to_string(o.rpc_port);
    c.p2p_laddr = "tcp://0.0.0.0:" + std::to_string(o.p2p_port);
    c.persistent_peers = peers;
    c.block_time = o.block_time;
    c.round_timeout = o.round_timeout;
    c.gossip_interval = o.gossip_interval;
    c.pex = o.pex;
    c.overrides = o.comet_config;
    EditConfigToml(v["home"].get<std::string>(), c);
  }
  return validators;
}

// Creates each inference node's home (key, enclave CA, models, node.toml).
json WriteNodes(const TestnetOptions& o, const json& validators, std::vector<std::string>& roots,
                json& models) {
  json nodes = json::array();
  for (size_t k = 0; k < o.node_hosts.size(); ++k) {
    const std::string& ip = o.node_hosts[k];
    fs::path home = HostDir(o, ip) / "node";
    SaveKey(o, "node/" + std::to_string(k), home / "keys" / "node.key");
    InferenceSetup setup = PrepareInference(home.string(), o.models);
    roots.push_back(ReadTextFile(setup.tee_root_pem_file));
    // Failover order: the validator on the same host if there is one, else
    // validator k mod N, then the others by index.
    size_t first = k % validators.size();
    for (size_t i = 0; i < validators.size(); ++i) {
      if (validators[i]["host"] == ip) first = i;
    }
    std::vector<std::string> rpcs = {validators[first]["rpc"]};
    for (size_t i = 0; i < validators.size(); ++i) {
      if (i != first) rpcs.push_back(validators[i]["rpc"]);
    }
    std::string rpc = rpcs[0];
    NodeTomlValues t;
    t.listen = Endpoint(ip, o.node_port);
    t.data_dir = "data";
    t.key_file = "keys/node.key";
    t.models_dir = "models";
    t.chain_rpcs = rpcs;
    t.chain_id = o.chain_id;
    t.enclave_socket = "enclave.sock";
    WriteTextFile(home / "node.toml", NodeToml(t));
    std::string socket = (home / "enclave.sock").string();
    nodes.push_back(
        {{"index", k},
         {"host", ip},
         {"home", home.string()},
         {"config", (home / "node.toml").string()},
         {"key", (home / "keys" / "node.key").string()},
         {"address", setup.node_address},
         {"url", "http://" + t.listen},
         {"chain_rpc", rpc},
         {"chain_rpcs", rpcs},
         {"enclave_socket", socket},
         {"commands",
          {{"enclave",
            {SelfExe(), "enclave", "start", "--socket", socket, "--models",
             (home / "models").string(), "--ca-dir", (home / "dev-ca").string()}},
           {"node", {SelfExe(), "node", "start", "--config", (home / "node.toml").string()}}}}});
    if (k == 0) {  // same files on every node host: list them once
      for (const auto& id : setup.model_ids) {
        json m = {{"id", id},
                  {"name", setup.names[id]},
                  {"format", setup.chat_models.count(id) ? "gguf" : "onnx"}};
        if (auto vk = setup.zkml_keys.find(id); vk != setup.zkml_keys.end()) {
          fs::path vk_file = fs::path(o.out) / "models" / (id + ".vk");
          fs::create_directories(vk_file.parent_path());
          WriteTextFile(vk_file, ToString(vk->second));
          m["zkml_vk"] = vk_file.string();
        }
        models.push_back(m);
      }
    }
  }
  return nodes;
}

void Write(TestnetOptions& o, const std::string& cometbft);

// Checks everything first; a failure half-way removes what it wrote (--out
// was absent or empty).
void Init(TestnetOptions& o) {
  ThrowIfError(CheckOptions(o));
  std::string cometbft = ValueOrThrow(FindCometBft());
  fs::create_directories(o.out);
  o.out = fs::canonical(o.out).string();
  try {
    Write(o, cometbft);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(o.out, ignored);
    throw;
  }
}

void Write(TestnetOptions& o, const std::string& cometbft) {
  Progress("testnet init", std::to_string(o.validators) + " validator(s), " +
                               std::to_string(o.node_hosts.size()) + " inference node(s) in " +
                               o.out);
  json genesis_validators = json::array();
  json validators = WriteValidators(o, cometbft, genesis_validators);
  std::vector<std::string> roots;
  json models = json::array();
  json nodes = WriteNodes(o, validators, roots, models);
  std::string dev_address = SaveKey(o, "dev", fs::path(o.out) / "keys" / "dev.key");
  AppStateSpec spec;
  spec.accounts.push_back({dev_address, kDevBalance});
  for (const auto& n : nodes) spec.accounts.push_back({n["address"], kDevnetNodeBalance});
  spec.tee_root_pems = roots;
  spec.enclave_ttl_ms = o.enclave_ttl_ms;
  spec.params = o.params;
  auto first = fs::path(validators[0]["home"].get<std::string>()) / "config" / "genesis.json";
  json genesis = json::parse(ReadTextFile(first));
  genesis["chain_id"] = o.chain_id;
  genesis["validators"] = genesis_validators;
  genesis["app_state"] = BuildAppState(spec);
  SetEvidenceAge(genesis);
  std::string text = genesis.dump(2) + "\n";
  WriteTextFile(fs::path(o.out) / "genesis.json", text);
  for (const auto& v : validators) {
    WriteTextFile(fs::path(v["home"].get<std::string>()) / "config" / "genesis.json", text);
  }
  json manifest = {{"out", o.out},
                   {"chain_id", o.chain_id},
                   {"genesis", (fs::path(o.out) / "genesis.json").string()},
                   {"dev_key", (fs::path(o.out) / "keys" / "dev.key").string()},
                   {"dev_address", dev_address},
                   {"node_stake", kDevnetNodeStake},
                   {"model_fee", kDevnetModelFee},
                   {"validators", validators},
                   {"nodes", nodes},
                   {"models", models}};
  WriteTextFile(fs::path(o.out) / "testnet.json", manifest.dump(2) + "\n");
  if (o.as_json) {
    std::cout << manifest.dump() << "\n";
    return;
  }
  std::cout << "testnet " << o.chain_id << " in " << o.out << "\n";
  for (const auto& v : validators) {
    std::cout << "  validator " << v["index"] << "  " << v["host"].get<std::string>() << "  id "
              << v["node_id"].get<std::string>() << "  home " << v["home"].get<std::string>()
              << "\n";
  }
  for (const auto& n : nodes) {
    std::cout << "  node " << n["index"] << "  " << n["url"].get<std::string>() << "  home "
              << n["home"].get<std::string>() << "\n";
  }
  std::cout << "Copy each host-<IP> folder to its host (same path); testnet.json lists the "
               "commands that start each process.\n";
}

}  // namespace

void RegisterTestnetCommands(CLI::App& app) {
  static TestnetOptions o;
  auto* testnet =
      app.add_subcommand("testnet", "a network over several hosts")->require_subcommand(1);
  auto* init = testnet->add_subcommand(
      "init", "write one home per host: validators, inference nodes, enclaves, one genesis");
  init->add_option("--validators", o.validators, "number of validators (hosts[0..N))")->required();
  init->add_option("--hosts", o.hosts, "IPv4 addresses, comma-separated (N or more)")
      ->required()
      ->delimiter(',');
  auto* node_hosts =
      init->add_option("--node-hosts", o.node_hosts,
                       "hosts of the inference nodes (default: --hosts after the first N)")
          ->delimiter(',');
  init->add_option("--out", o.out, "output directory (absent or empty)")->required();
  init->add_option("--chain-id", o.chain_id, "chain id")->capture_default_str();
  init->add_option("--seed", o.seed, "derive every key from this text (reproducible homes)");
  init->add_option("--p2p-port", o.p2p_port, "CometBFT p2p port")->capture_default_str();
  init->add_option("--rpc-port", o.rpc_port, "CometBFT RPC port")->capture_default_str();
  init->add_option("--abci-port", o.abci_port, "ABCI port (on 127.0.0.1)")->capture_default_str();
  init->add_option("--node-port", o.node_port, "inference node HTTP port")->capture_default_str();
  init->add_option("--peer-addresses", o.peer_addresses,
                   "HOST:PORT at which peers dial each validator, comma-separated (default: "
                   "IP:p2p-port; e.g. a proxy)")
      ->delimiter(',');
  init->add_option("--pex", o.pex, "CometBFT peer exchange (false: persistent peers only)")
      ->capture_default_str();
  init->add_option("--block-time", o.block_time, "timeout_commit, e.g. 500ms")
      ->capture_default_str();
  init->add_option("--round-timeout", o.round_timeout,
                   "timeout_propose, _prevote and _precommit, e.g. 300ms")
      ->capture_default_str();
  init->add_option("--gossip-interval", o.gossip_interval,
                   "p2p flush_throttle_timeout and consensus peer_gossip_sleep_duration");
  init->add_option("--comet-config", o.comet_config,
                   "CometBFT config.toml override SECTION.KEY=VALUE for every validator, "
                   "e.g. tx_index.indexer=null (repeatable)");
  init->add_option("--model", o.models, "ONNX or GGUF model every inference node serves")
      ->check(CLI::ExistingFile);
  init->add_option("--param", o.params, "genesis param override KEY=VALUE (repeatable)");
  init->add_option("--enclave-ttl-ms", o.enclave_ttl_ms, "genesis enclave_ttl_ms");
  init->add_flag("--json", o.as_json, "print the manifest (testnet.json) as JSON");
  init->callback([node_hosts] {
    o.node_hosts_given = node_hosts->count() > 0;
    Init(o);
  });
}

}  // namespace vinet::cli
