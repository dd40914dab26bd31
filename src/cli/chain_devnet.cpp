// `vinet devnet up|status|restart|restart-node|join|down`: a local N-validator
// network, each validator a `cometbft start` + `vinet chain start` pair in the
// background. Every command takes --devnet DIR (the flag every other command
// takes to use the devnet; the old --dir still works, with a note on stderr).
// `up`, `restart`, `restart-node` and `down` print a progress line on stderr
// per step (progress.h); the result goes to stdout.
// `up --start K` starts only the first K validators (the others are in
// genesis but stopped); `join I` starts validator I with CometBFT state sync
// (trusting a recent block of the running validators) so it restores a
// snapshot instead of replaying the chain (docs/chain.md, "State sync").
//
// Layout under DIR (default .vinet/devnet):
//   keys/dev.key          funded in genesis (created if missing, kept across ups)
//   node<i>/              CometBFT home of validator i (config/, data/),
//   node<i>/vinet-data/   the app's RocksDB, node<i>/app.log, node<i>/comet.log
//   devnet.json           chain id, ports and pids (what `down` stops)
// Ports are free loopback ports unless --base-port P is given (then validator
// i uses P+10i for p2p, P+10i+1 for RPC, P+10i+2 for ABCI).
#include <algorithm>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <thread>

#include "cli/chain_cli.h"
#include "cli/chain_devnet_node.h"
#include "cli/chain_process.h"
#include "cli/comet_home.h"
#include "cli/genesis_setup.h"
#include "cli/network_flags.h"
#include "cli/progress.h"
#include "cli/zkml_key_flags.h"
#include "vinet/chain/genesis.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/crypto/ed25519.h"

namespace vinet::cli {
using chain::Base64Encode;
using chain::RpcClient;
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr uint64_t kDevBalance = 1'000'000'000'000ULL;

struct DevnetOptions {
  std::string dir = kDefaultDevnetDir;
  int validators = 4;
  std::string block_time = "1s";
  std::string round_timeout = "1s";  // timeout_propose / prevote / precommit
  // p2p flush_throttle_timeout and consensus peer_gossip_sleep_duration
  // ("": CometBFT's 100 ms). CometBFT's 100 ms adds ~300 ms of vote gossip
  // to every height (1 s blocks came every ~1.3 s); 10 ms on loopback makes
  // the interval ~timeout_commit + 50 ms for little CPU.
  std::string gossip_interval = "10ms";
  std::vector<std::string> comet_config;  // --comet-config overrides (comet_home.h)
  int base_port = 0;
  std::string chain_id = "vinet-devnet";
  double timeout = 90;
  bool as_json = false, clean = false;
  std::vector<std::string> models;  // ONNX / GGUF files for the inference node
  uint64_t price_in = kDevnetPriceIn, price_out = kDevnetPriceOut;  // gguf models
  // Served by the node and enclave but not registered on chain (tests play
  // who registers them first).
  std::vector<std::string> unregistered_models;
  int64_t enclave_ttl_ms = 0;       // 0: the genesis default
  std::vector<std::string> params;  // genesis param overrides, "key=value"
  std::string byzantine;            // node fault injection (devnet only)
  ZkmlKeyFlags zkml_key;            // the key ZKML models are committed with
  int prover_threads = 1;
  int start = 0;  // validators started by `up` (0: all)
  // The last N nodes are left out of the genesis validator set: full nodes
  // that become validators only by staking (CreateValidator).
  int full_nodes = 0;
  // `vinet chain start` options of every validator (state sync, pruning).
  int64_t snapshot_interval = 0, retain_blocks = 0;
  int64_t state_versions_kept = -1;  // -1: the app's default
  size_t snapshot_chunk_bytes = 0;
};

// "1 validator", "4 validators".
std::string Validators(int n) {
  return std::to_string(n) + (n == 1 ? " validator" : " validators");
}

// The `vinet chain start` options shared by every validator of the devnet.
json AppArgs(const DevnetOptions& o) {
  json args = json::array();
  if (o.snapshot_interval > 0) {
    args.push_back("--snapshot-interval");
    args.push_back(std::to_string(o.snapshot_interval));
  }
  if (o.snapshot_chunk_bytes > 0) {
    args.push_back("--snapshot-chunk-bytes");
    args.push_back(std::to_string(o.snapshot_chunk_bytes));
  }
  if (o.state_versions_kept >= 0) {
    args.push_back("--state-versions-kept");
    args.push_back(std::to_string(o.state_versions_kept));
  }
  if (o.retain_blocks > 0) {
    args.push_back("--retain-blocks");
    args.push_back(std::to_string(o.retain_blocks));
  }
  return args;
}

fs::path StateFile(const std::string& dir) {
  return fs::path(dir) / "devnet.json";
}

json LoadState(const std::string& dir) {
  auto doc = json::parse(ReadTextFile(StateFile(dir)), nullptr, false);
  if (doc.is_discarded()) throw StatusError(Error(Code::kParse, "devnet.json is not JSON"));
  return doc;
}

void SaveState(const std::string& dir, const json& state) {
  WriteTextFile(StateFile(dir), state.dump(2) + "\n");
}

void RewriteConfig(const fs::path& home, const json& v, const std::string& peers,
                   const DevnetOptions& o) {
  CometSettings c;
  c.moniker = "validator" + v["index"].dump();
  c.proxy_app = v["abci"].get<std::string>();
  c.rpc_laddr = v["rpc_laddr"].get<std::string>();
  c.p2p_laddr = v["p2p_laddr"].get<std::string>();
  c.persistent_peers = peers;
  c.block_time = o.block_time;
  c.round_timeout = o.round_timeout;
  c.gossip_interval = o.gossip_interval;
  c.overrides = o.comet_config;
  EditConfigToml(home, c);
}

void WriteGenesis(const DevnetOptions& o, const std::string& dev_address,
                  const InferenceSetup& inference) {
  auto first = fs::path(o.dir) / "node0" / "config" / "genesis.json";
  auto genesis = json::parse(ReadTextFile(first));
  AppStateSpec spec;
  spec.accounts = {{dev_address, kDevBalance}, {inference.node_address, kDevnetNodeBalance}};
  spec.tee_root_pems = {ReadTextFile(inference.tee_root_pem_file)};
  spec.enclave_ttl_ms = o.enclave_ttl_ms;
  spec.params = o.params;
  genesis["chain_id"] = o.chain_id;
  auto& set = genesis["validators"];
  for (int i = 0; i < o.full_nodes && !set.empty(); ++i) set.erase(set.size() - 1);
  genesis["app_state"] = BuildAppState(spec);
  SetEvidenceAge(genesis);
  for (int i = 0; i < o.validators; ++i) {
    WriteTextFile(fs::path(o.dir) / ("node" + std::to_string(i)) / "config" / "genesis.json",
                  genesis.dump(2) + "\n");
  }
}

std::string EnsureDevKey(const std::string& dir) {
  auto path = fs::path(dir) / "keys" / "dev.key";
  if (!fs::exists(path)) {
    fs::create_directories(path.parent_path());
    ThrowIfError(crypto::SaveKeyFile(crypto::SecretKey::Generate(), path));
  }
  auto key = ValueOrThrow(crypto::LoadKeyFile(path));
  return crypto::AddressOf(key.public_key());
}

void StartPair(json& v, const std::string& cometbft, const json& state) {
  fs::path home = v["home"].get<std::string>();
  std::vector<std::string> argv = {SelfExe(), "chain", "start", "--home", home.string()};
  for (const auto& a : state.value("app_args", json::array())) argv.push_back(a.get<std::string>());
  v["app_pid"] = ValueOrThrow(SpawnDetached(argv, home / "app.log"));
  v["comet_pid"] =
      ValueOrThrow(SpawnDetached({cometbft, "start", "--home", home.string()}, home / "comet.log"));
}

void StopPair(json& v) {
  std::string marker = v["home"].get<std::string>();
  StopProcess(v.value("comet_pid", 0), marker, 5000ms);
  StopProcess(v.value("app_pid", 0), marker, 5000ms);
  v["comet_pid"] = 0;
  v["app_pid"] = 0;
}

bool AnyAlive(const json& state) {
  for (const auto& v : state["validators"]) {
    if (IsAlive(v.value("app_pid", 0)) || IsAlive(v.value("comet_pid", 0))) return true;
  }
  return false;
}

// Waits until every listed validator's RPC reports height >= min_height.
void WaitForHeight(const json& validators, int64_t min_height, double seconds) {
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  for (const auto& v : validators) {
    RpcClient rpc(v["rpc"].get<std::string>(), 2);
    while (true) {
      auto h = rpc.LatestHeight();
      if (h.ok() && *h >= min_height) break;
      if (std::chrono::steady_clock::now() > deadline) {
        throw StatusError(Error(Code::kTimeout, "devnet: " + v["rpc"].get<std::string>() +
                                                    " did not reach height " +
                                                    std::to_string(min_height) + "; see " +
                                                    v["home"].get<std::string>() + "/*.log"));
      }
      std::this_thread::sleep_for(200ms);
    }
  }
}

// Checks options, makes DIR absolute and clears an old, stopped network.
void PrepareDir(DevnetOptions& o) {
  if (o.validators < 1 || o.validators > 16) {
    throw StatusError(Error(Code::kInvalidArgument, "--validators must be in 1..16"));
  }
  if (o.start < 0 || o.start > o.validators) {
    throw StatusError(Error(Code::kInvalidArgument, "--start must be in 0..--validators"));
  }
  if (o.full_nodes < 0 || o.full_nodes >= o.validators) {
    throw StatusError(Error(Code::kInvalidArgument, "--full-nodes must be in 0..--validators-1"));
  }
  if (!std::regex_match(o.block_time, std::regex("[0-9]+(ms|s)"))) {
    throw StatusError(Error(Code::kInvalidArgument, "--block-time like 500ms or 1s"));
  }
  if (!std::regex_match(o.round_timeout, std::regex("[0-9]+(ms|s)"))) {
    throw StatusError(Error(Code::kInvalidArgument, "--round-timeout like 300ms or 1s"));
  }
  if (!o.gossip_interval.empty() &&
      !std::regex_match(o.gossip_interval, std::regex("[0-9]+(ms|s)"))) {
    throw StatusError(Error(Code::kInvalidArgument, "--gossip-interval like 10ms"));
  }
  for (const auto& text : o.comet_config) ValueOrThrow(ParseCometOverride(text));
  fs::create_directories(o.dir);
  o.dir = fs::canonical(o.dir).string();
  if (fs::exists(StateFile(o.dir)) && AnyAlive(LoadState(o.dir))) {
    throw StatusError(Error(Code::kAlreadyExists,
                            "devnet in " + o.dir + " is running; `vinet devnet down` first"));
  }
  for (int i = 0; i < 64; ++i) fs::remove_all(fs::path(o.dir) / ("node" + std::to_string(i)));
  fs::remove_all(fs::path(o.dir) / "inference-node");
}

// Three ports per validator: p2p, RPC, ABCI.
std::vector<int> AssignPorts(const DevnetOptions& o) {
  if (o.base_port <= 0) return ValueOrThrow(FreePorts(3 * o.validators));
  std::vector<int> ports;
  for (int i = 0; i < o.validators; ++i) {
    for (int k = 0; k < 3; ++k) ports.push_back(o.base_port + 10 * i + k);
  }
  return ports;
}

// Describes each validator (home, node id, addresses) and its peers list.
json DescribeValidators(const DevnetOptions& o, const std::string& cometbft,
                        const std::vector<int>& ports, std::string& peers) {
  json validators = json::array();
  for (int i = 0; i < o.validators; ++i) {
    fs::path home = fs::path(o.dir) / ("node" + std::to_string(i));
    std::string id = ValueOrThrow(RunCapture({cometbft, "show-node-id", "--home", home.string()}));
    id.erase(id.find_last_not_of(" \r\n") + 1);
    std::string p2p = "127.0.0.1:" + std::to_string(ports[3 * i]);
    std::string rpc = "127.0.0.1:" + std::to_string(ports[3 * i + 1]);
    validators.push_back({{"index", i},
                          {"home", home.string()},
                          {"node_id", id},
                          {"p2p_laddr", "tcp://" + p2p},
                          {"rpc_laddr", "tcp://" + rpc},
                          {"rpc", "http://" + rpc},
                          {"abci", "tcp://127.0.0.1:" + std::to_string(ports[3 * i + 2])},
                          {"app_pid", 0},
                          {"comet_pid", 0}});
    peers += (peers.empty() ? "" : ",") + id + "@" + p2p;
  }
  return validators;
}

// Starts every pair and waits for blocks; on any failure stops what started.
void Launch(const DevnetOptions& o, json& state, const std::string& cometbft) {
  try {
    Progress("devnet up", "starting " + Validators(o.start > 0 ? o.start : o.validators) +
                              " (cometbft + vinet chain start)");
    json started = json::array();
    for (auto& v : state["validators"]) {
      if (o.start > 0 && v["index"].get<int>() >= o.start) continue;
      StartPair(v, cometbft, state);
      started.push_back(v);
    }
    SaveState(o.dir, state);
    Progress("devnet up", "waiting for the first blocks");
    WaitForHeight(started, 2, o.timeout);
  } catch (...) {
    for (auto& v : state["validators"]) StopPair(v);
    SaveState(o.dir, state);
    throw;
  }
}

void Up(DevnetOptions& o) {
  PrepareDir(o);
  std::string cometbft = ValueOrThrow(FindCometBft());
  Progress("devnet up", "creating " + Validators(o.validators) + " in " + o.dir);
  ValueOrThrow(RunCapture({cometbft, "testnet", "--v", std::to_string(o.validators), "--o", o.dir,
                           "--starting-ip-address", "127.0.0.1", "--populate-persistent-peers"}));
  std::string dev_address = EnsureDevKey(o.dir);
  std::string peers;
  json validators = DescribeValidators(o, cometbft, AssignPorts(o), peers);
  for (auto& v : validators) {
    RewriteConfig(v["home"].get<std::string>(), v, peers, o);
  }
  std::vector<std::string> all_models = o.models;
  all_models.insert(all_models.end(), o.unregistered_models.begin(), o.unregistered_models.end());
  InferenceSetup inference = PrepareInference(o.dir, all_models, ZkmlKeyParams(o.zkml_key));
  for (size_t i = o.models.size(); i < all_models.size(); ++i) {
    inference.unregistered.insert(inference.model_ids[i]);
  }
  inference.byzantine = o.byzantine;
  inference.prover_threads = o.prover_threads;
  inference.price_in = o.price_in;
  inference.price_out = o.price_out;
  WriteGenesis(o, dev_address, inference);
  json state = {{"dir", o.dir},
                {"chain_id", o.chain_id},
                {"block_time", o.block_time},
                {"dev_key", (fs::path(o.dir) / "keys" / "dev.key").string()},
                {"dev_address", dev_address},
                {"app_args", AppArgs(o)},
                {"validators", validators}};
  Launch(o, state, cometbft);
  try {
    LaunchInference(o.dir, state, inference, o.timeout);
  } catch (...) {
    StopInference(state);
    for (auto& v : state["validators"]) StopPair(v);
    SaveState(o.dir, state);
    throw;
  }
  SaveState(o.dir, state);
  if (o.as_json) {
    std::cout << state.dump() << "\n";
    return;
  }
  std::cout << "devnet up in " << o.dir << ": " << Validators(o.validators) << " (chain "
            << o.chain_id << ")\n"
            << "  chain (--chain)  " << state["validators"][0]["rpc"].get<std::string>() << "\n"
            << "  node (--node)    " << state["node"]["url"].get<std::string>() << "\n"
            << "  dev key (--key)  " << state["dev_key"].get<std::string>() << "\n";
  for (const auto& id : state["models"]) {
    bool zk = false;
    for (const auto& z : state["zkml_models"]) zk = zk || z == id;
    std::cout << "  model " << id.get<std::string>()
              << (zk ? " (vanilla, tee, zkml)" : " (vanilla, tee)") << "\n";
  }
  for (const auto& m : state["chat_models"]) {
    std::cout << "  chat model " << m["model_id"].get<std::string>() << " (vanilla, tee)\n";
  }
  std::cout << "Give other commands --devnet " << o.dir << " to use it.\n";
}

json Status(const std::string& dir) {
  json state = LoadState(dir);
  json out = {{"dir", state["dir"]},
              {"chain_id", state["chain_id"]},
              {"dev_key", state["dev_key"]},
              {"dev_address", state["dev_address"]},
              {"validators", json::array()}};
  for (const auto& v : state["validators"]) {
    json row = {{"index", v["index"]},
                {"rpc", v["rpc"]},
                {"home", v["home"]},
                {"app_pid", v["app_pid"]},
                {"comet_pid", v["comet_pid"]},
                {"app_alive", IsAlive(v.value("app_pid", 0))},
                {"comet_alive", IsAlive(v.value("comet_pid", 0))},
                {"height", nullptr},
                {"app_hash", nullptr}};
    RpcClient rpc(v["rpc"].get<std::string>(), 2);
    if (auto st = rpc.Call("status", json::object()); st.ok()) {
      row["height"] = std::stoll((*st)["sync_info"]["latest_block_height"].get<std::string>());
      row["app_hash"] = (*st)["sync_info"]["latest_app_hash"];
    }
    out["validators"].push_back(row);
  }
  AddInferenceStatus(state, out);
  return out;
}

void PrintStatus(const DevnetOptions& o) {
  auto s = Status(o.dir);
  if (o.as_json) {
    std::cout << s.dump() << "\n";
    return;
  }
  for (const auto& v : s["validators"]) {
    std::cout << "validator " << v["index"] << ": rpc " << v["rpc"].get<std::string>() << " height "
              << v["height"] << " app " << v["app_pid"]
              << (v["app_alive"].get<bool>() ? "" : "(dead)") << " comet " << v["comet_pid"]
              << (v["comet_alive"].get<bool>() ? "" : "(dead)") << "\n";
  }
  if (s.contains("node")) {
    std::cout << "node: " << s["node"]["url"].get<std::string>() << " pid " << s["node"]["pid"]
              << (s["node"]["alive"].get<bool>() ? "" : "(dead)") << "\n";
  }
  if (s.contains("enclave")) {
    std::cout << "enclave: pid " << s["enclave"]["pid"]
              << (s["enclave"]["alive"].get<bool>() ? "" : "(dead)") << "\n";
  }
  if (s.contains("models") && !s["models"].empty()) {
    std::cout << "models: " << s["models"].dump() << "\n";
  }
}

// Stops and starts pair `index` (with this process's environment), waits for its RPC.
void Restart(const DevnetOptions& o, int index) {
  json state = LoadState(o.dir);
  auto& vs = state["validators"];
  if (index < 0 || index >= static_cast<int>(vs.size())) {
    throw StatusError(Error(Code::kInvalidArgument, "no validator " + std::to_string(index)));
  }
  auto& v = vs[static_cast<size_t>(index)];
  Progress("devnet restart", "stopping validator " + std::to_string(index));
  StopPair(v);
  StartPair(v, ValueOrThrow(FindCometBft()), state);
  SaveState(o.dir, state);
  Progress("devnet restart", "waiting for validator " + std::to_string(index) + "'s RPC");
  WaitForHeight(json::array({v}), 1, o.timeout);
  std::cout << "validator " << index << " restarted\n";
}

// Starts stopped validator `index` with state sync: it trusts the block a few
// heights below the running validators' latest (hash from their RPC) and
// restores a snapshot from its peers; waits until it reaches that height.
void Join(const DevnetOptions& o, int index) {
  json state = LoadState(o.dir);
  auto& vs = state["validators"];
  if (index < 0 || index >= static_cast<int>(vs.size())) {
    throw StatusError(Error(Code::kInvalidArgument, "no validator " + std::to_string(index)));
  }
  auto& v = vs[static_cast<size_t>(index)];
  if (IsAlive(v.value("app_pid", 0)) || IsAlive(v.value("comet_pid", 0))) {
    throw StatusError(Error(Code::kAlreadyExists, "validator " + std::to_string(index) +
                                                      " is running; join starts a stopped one"));
  }
  std::vector<std::string> servers;
  for (const auto& other : vs) {
    if (other["index"].get<int>() != index && IsAlive(other.value("comet_pid", 0))) {
      servers.push_back(other["rpc"].get<std::string>());
    }
  }
  if (servers.size() < 2) {
    throw StatusError(Error(Code::kUnavailable, "state sync needs two running validators"));
  }
  RpcClient rpc(servers[0], 5);
  int64_t latest = ValueOrThrow(rpc.LatestHeight());
  int64_t trust_height = std::max<int64_t>(1, latest - 5);
  json block = ValueOrThrow(rpc.Call("block", {{"height", std::to_string(trust_height)}}));
  std::string trust_hash = block["block_id"]["hash"].get<std::string>();
  auto path = fs::path(v["home"].get<std::string>()) / "config" / "config.toml";
  std::vector<std::string> lines;
  std::stringstream ss(ReadTextFile(path));
  for (std::string line; std::getline(ss, line);) lines.push_back(line);
  SetTomlKey(lines, "statesync", "enable", "true");
  SetTomlKey(lines, "statesync", "rpc_servers", TomlQuote(servers[0] + "," + servers[1]));
  SetTomlKey(lines, "statesync", "trust_height", std::to_string(trust_height));
  SetTomlKey(lines, "statesync", "trust_hash", TomlQuote(trust_hash));
  SetTomlKey(lines, "statesync", "discovery_time", TomlQuote("5s"));
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  WriteTextFile(path, text);
  StartPair(v, ValueOrThrow(FindCometBft()), state);
  SaveState(o.dir, state);
  WaitForHeight(json::array({v}), latest, o.timeout);
  std::cout << "validator " << index << " joined by state sync (trusting height " << trust_height
            << ")\n";
}

void Down(const DevnetOptions& o) {
  if (!fs::exists(StateFile(o.dir))) {
    std::cout << "no devnet in " << o.dir << "\n";
    return;
  }
  json state = LoadState(o.dir);
  Progress("devnet down", "stopping the devnet in " + o.dir);
  StopInference(state);
  for (auto& v : state["validators"]) StopPair(v);
  SaveState(o.dir, state);
  if (o.clean) fs::remove_all(o.dir);
  std::cout << "devnet down\n";
}

}  // namespace

void RegisterDevnetCommands(CLI::App& app) {
  static DevnetOptions o;
  static int index = 0;
  auto* devnet =
      app.add_subcommand("devnet", "a local multi-validator network")->require_subcommand(1);
  auto add_dir = [](CLI::App* cmd) { AddDevnetDirFlag(cmd, o.dir); };
  auto* up = devnet->add_subcommand("up", "generate and start a fresh devnet, wait for blocks");
  add_dir(up);
  up->add_option("--validators", o.validators, "number of validators")->capture_default_str();
  up->add_option("--block-time", o.block_time, "timeout_commit, e.g. 500ms")->capture_default_str();
  up->add_option("--round-timeout", o.round_timeout,
                 "timeout_propose, _prevote and _precommit, e.g. 300ms")
      ->capture_default_str();
  up->add_option("--gossip-interval", o.gossip_interval,
                 "p2p flush_throttle_timeout and consensus peer_gossip_sleep_duration "
                 "(\"\": CometBFT's 100ms)")
      ->capture_default_str();
  up->add_option("--comet-config", o.comet_config,
                 "CometBFT config.toml override SECTION.KEY=VALUE, applied to every validator, "
                 "e.g. tx_index.indexer=null (repeatable)");
  up->add_option("--base-port", o.base_port, "fixed ports from P (default: free ports)");
  up->add_option("--chain-id", o.chain_id, "chain id")->capture_default_str();
  up->add_option("--timeout", o.timeout, "seconds to wait for blocks")->capture_default_str();
  up->add_flag("--json", o.as_json, "print the devnet state as JSON");
  up->add_option("--param", o.params,
                 "genesis param override KEY=VALUE, e.g. zkml_deadline_blocks=10 (repeatable)");
  up->add_option("--model", o.models,
                 "ONNX model, or GGUF LLM for chat (registered with format gguf, id = the file's "
                 "SHA-256), for the inference node (repeatable)")
      ->check(CLI::ExistingFile);
  AddZkmlKeyFlags(*up, o.zkml_key, "--zkml-");
  up->add_option("--price-in", o.price_in, "gguf models: fee per prompt token")
      ->capture_default_str();
  up->add_option("--price-out", o.price_out, "gguf models: fee per completion token")
      ->capture_default_str();
  up->add_option("--unregistered-model", o.unregistered_models,
                 "ONNX model the node serves but the devnet does not register on chain (tests)")
      ->check(CLI::ExistingFile);
  up->add_option("--enclave-ttl-ms", o.enclave_ttl_ms,
                 "genesis enclave_ttl_ms (default: the chain's default)");
  up->add_option("--byzantine", o.byzantine,
                 "inference node fault injection: wrong-output | bad-proof | no-proof")
      ->check(CLI::IsMember({"wrong-output", "bad-proof", "no-proof"}));
  up->add_option("--prover-threads", o.prover_threads, "inference node prover threads (1-2)")
      ->check(CLI::Range(1, 2));
  up->add_option("--full-nodes", o.full_nodes,
                 "the last N nodes are not genesis validators (they may stake to become one)");
  up->add_option("--start", o.start,
                 "start only the first N validators (the others join later; 0: all)");
  up->add_option("--snapshot-interval", o.snapshot_interval,
                 "validators write a state-sync snapshot every N blocks (0: none)");
  up->add_option("--snapshot-chunk-bytes", o.snapshot_chunk_bytes,
                 "target snapshot chunk size (default: the app's)");
  up->add_option("--state-versions-kept", o.state_versions_kept,
                 "validators keep this many state versions (default: the app's)");
  up->add_option("--retain-blocks", o.retain_blocks,
                 "validators let CometBFT prune blocks older than N (0: keep all)");
  up->callback([] { Up(o); });

  auto* status = devnet->add_subcommand("status", "pids, RPC URLs, heights and app hashes");
  add_dir(status);
  status->add_flag("--json", o.as_json, "print JSON");
  status->callback([] { PrintStatus(o); });

  auto* restart = devnet->add_subcommand("restart", "stop and start validator I's pair");
  add_dir(restart);
  restart->add_option("index", index, "validator index")->required();
  restart->callback([] { Restart(o, index); });

  auto* restart_node = devnet->add_subcommand("restart-node", "stop and start the inference node");
  add_dir(restart_node);
  restart_node->callback([] {
    json state = LoadState(o.dir);
    Progress("devnet restart-node", "restarting the inference node");
    RestartNode(o.dir, state, o.timeout);
    SaveState(o.dir, state);
    std::cout << "inference node restarted\n";
  });

  auto* join = devnet->add_subcommand("join", "start stopped validator I by state sync");
  add_dir(join);
  join->add_option("index", index, "validator index")->required();
  join->add_option("--timeout", o.timeout, "seconds to wait for it to catch up")
      ->capture_default_str();
  join->callback([] { Join(o, index); });

  auto* down = devnet->add_subcommand("down", "stop every process of the devnet");
  add_dir(down);
  down->add_flag("--clean", o.clean, "also delete the devnet directory");
  down->callback([] { Down(o); });
}

}  // namespace vinet::cli
