#include "cli/chain_devnet_node.h"

#include <httplib.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "cli/chain_process.h"
#include "cli/chain_tx.h"
#include "cli/comet_home.h"
#include "cli/node_zkml.h"
#include "cli/progress.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/chain/tx.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/node/model_store.h"
#include "vinet/tee/dev_ca.h"
#include "vinet/tee/enclave_server.h"
#include "vinet/zkml/zkml.h"

namespace vinet::cli {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
namespace txpb = ::vinet::tx::v1;

std::chrono::steady_clock::time_point Deadline(double seconds) {
  return std::chrono::steady_clock::now() +
         std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

// Signs, broadcasts and waits for `body` in a block; throws on any failure.
void SendTx(chain::RpcClient& rpc, const crypto::SecretKey& key, txpb::TxBody body,
            const std::string& what) {
  std::string address = crypto::AddressOf(key.public_key());
  auto q = ValueOrThrow(rpc.AbciQuery("/account/" + address));
  auto account = json::parse(q["value"].get<std::string>(), nullptr, false);
  body.set_chain_id(ValueOrThrow(rpc.ChainId()));
  body.set_nonce(account.is_object() ? account.value("nonce", uint64_t{0}) : 0);
  body.set_fee(1);
  chain::PayMinimumFee(ChainFees(rpc), body);
  Bytes tx = chain::BuildSignedTx(key, body);
  json r = ValueOrThrow(rpc.BroadcastTxSync(tx));
  if (r.value("code", 0) != 0) {
    throw StatusError(Error(Code::kInvalidArgument, what + ": CheckTx " + r.dump()));
  }
  std::string hash = r.value("hash", "");
  auto deadline = Deadline(30);
  while (std::chrono::steady_clock::now() < deadline) {
    json found = ValueOrThrow(rpc.FindTx(hash));
    if (!found.is_null() && found.contains("tx_result")) {
      if (found["tx_result"].value("code", 0) != 0) {
        throw StatusError(Error(Code::kInvalidArgument, what + ": " + found["tx_result"].dump()));
      }
      return;
    }
    std::this_thread::sleep_for(100ms);
  }
  throw StatusError(Error(Code::kTimeout, what + ": tx " + hash + " not in a block after 30 s"));
}

json StartEnclave(const std::string& dir, double timeout) {
  fs::path socket = fs::path(dir) / "enclave.sock";
  fs::path log = fs::path(dir) / "enclave.log";
  pid_t pid = ValueOrThrow(SpawnDetached(
      {SelfExe(), "enclave", "start", "--socket", socket.string(), "--models",
       (fs::path(dir) / "models").string(), "--ca-dir", (fs::path(dir) / "dev-ca").string()},
      log));
  auto deadline = Deadline(timeout);
  while (true) {
    auto client = tee::EnclaveClient::Connect(socket);
    if (client.ok()) {
      auto info = client->Info();
      if (info.ok()) {
        return {{"pid", pid},
                {"socket", socket.string()},
                {"pcr0", ToHex(info->pcr0)},
                {"key", ToHex(info->enclave_key)}};
      }
    }
    if (!IsAlive(pid) || std::chrono::steady_clock::now() > deadline) {
      throw StatusError(Error(Code::kUnavailable, "enclave did not start; see " + log.string()));
    }
    std::this_thread::sleep_for(100ms);
  }
}

std::string WriteNodeConfig(const std::string& dir, const json& state, int port,
                            const InferenceSetup& setup) {
  fs::path home = fs::path(dir) / "inference-node";
  fs::create_directories(home);
  fs::path config = home / "node.toml";
  NodeTomlValues v;
  v.listen = "127.0.0.1:" + std::to_string(port);
  v.data_dir = (home / "data").string();
  v.key_file = state["node"]["key"].get<std::string>();
  v.models_dir = (fs::path(dir) / "models").string();
  // Every validator's RPC, validator 0 first: the node fails over in this order.
  for (const auto& val : state["validators"]) v.chain_rpcs.push_back(val["rpc"].get<std::string>());
  v.chain_id = state["chain_id"].get<std::string>();
  v.enclave_socket = state["enclave"]["socket"].get<std::string>();
  v.prover_threads = setup.prover_threads;
  v.byzantine = setup.byzantine;
  WriteTextFile(config, NodeToml(v));
  return config.string();
}

void WaitHealthy(const std::string& url, pid_t pid, const std::string& log, double timeout) {
  auto deadline = Deadline(timeout);
  while (true) {
    httplib::Client http(url);
    http.set_connection_timeout(1);
    if (auto res = http.Get("/healthz"); res && res->status == 200) return;
    if (!IsAlive(pid) || std::chrono::steady_clock::now() > deadline) {
      throw StatusError(Error(Code::kUnavailable, "inference node did not start; see " + log));
    }
    std::this_thread::sleep_for(100ms);
  }
}

// GGUF models are content-addressed by the SHA-256 of the file (docs/chat.md):
// copied (temp file, rename) to DIR/<id>.gguf unless already there.
std::string AddGguf(const fs::path& file, const fs::path& models_dir) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw StatusError(Error(Code::kIo, "cannot read " + file.string()));
  crypto::Sha256Hasher hasher;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    auto n = static_cast<size_t>(in.gcount());
    hasher.Update(ByteSpan(reinterpret_cast<const uint8_t*>(buf.data()), n));
  }
  auto digest = hasher.Finish();
  std::string id = ToHex(ByteSpan(digest.data(), digest.size()));
  fs::path target = models_dir / (id + ".gguf");
  if (!fs::exists(target)) {
    fs::path tmp = target.string() + ".tmp";
    fs::copy_file(file, tmp, fs::copy_options::overwrite_existing);
    fs::rename(tmp, target);
  }
  return id;
}

}  // namespace

std::string NodeToml(const NodeTomlValues& v) {
  std::string rpc;
  if (v.chain_rpcs.size() == 1) {
    rpc = "\"" + v.chain_rpcs[0] + "\"";
  } else {
    for (const auto& url : v.chain_rpcs) rpc += (rpc.empty() ? "[\"" : ", \"") + url + "\"";
    rpc += "]";
  }
  std::ostringstream out;
  out << "[node]\nlisten = \"" << v.listen << "\"\n"
      << "data_dir = \"" << v.data_dir << "\"\n"
      << "key_file = \"" << v.key_file << "\"\n"
      << "models_dir = \"" << v.models_dir << "\"\n"
      << "default_fee = " << kDevnetModelFee
      << "\ndevnet = true\n"
      // Devnet clients are funded by transfers; tests of deposits turn this on.
      << "require_deposit = false\n\n[chain]\n"
      << "rpc = " << rpc << "\n"
      << "chain_id = \"" << v.chain_id << "\"\n\n[enclave]\n"
      << "socket = \"" << v.enclave_socket << "\"\n\n"
      << "[submitter]\ninterval_ms = 200\nmax_batch = 1000\ntx_fee = 1\n\n"
      << "[zkml]\nprover_threads = " << v.prover_threads << "\n";
  if (!v.byzantine.empty()) out << "byzantine = \"" << v.byzantine << "\"\n";
  return out.str();
}

InferenceSetup PrepareInference(const std::string& dir, const std::vector<std::string>& models,
                                const zkml::ZkmlParams& zkml_params) {
  InferenceSetup s;
  fs::path key = fs::path(dir) / "keys" / "node.key";
  if (!fs::exists(key)) {
    fs::create_directories(key.parent_path());
    ThrowIfError(crypto::SaveKeyFile(crypto::SecretKey::Generate(), key));
  }
  s.node_key = key.string();
  s.node_address = crypto::AddressOf(ValueOrThrow(crypto::LoadKeyFile(key)).public_key());
  fs::path ca_dir = fs::path(dir) / "dev-ca";
  ValueOrThrow(tee::DevCa::LoadOrCreate(ca_dir));
  s.tee_root_pem_file = (ca_dir / "root.pem").string();
  s.models_dir = (fs::path(dir) / "models").string();
  fs::create_directories(s.models_dir);
  node::ModelStore store(s.models_dir);
  for (const auto& m : models) {
    Progress("devnet up", "adding model " + m);
    if (fs::path(m).extension() == ".gguf") {
      std::string id = AddGguf(m, s.models_dir);
      s.names[id] = fs::path(m).stem().string();
      s.chat_models.insert(id);
      s.model_ids.push_back(std::move(id));
      continue;
    }
    zkml::VerifyingKey vk;
    Bytes range;
    auto id = store.AddZkml(m, ZkmlCalibration("", m), &vk, &range, zkml_params);
    if (id.ok()) {
      s.zkml_keys[*id] = vk.Encode();
      s.zkml_ranges[*id] = std::move(range);
    } else if (id.status().code() == Code::kUnsupported) {
      id = store.Add(m);  // not provable: VANILLA + TEE only
    }
    s.model_ids.push_back(ValueOrThrow(std::move(id)));
    s.names[s.model_ids.back()] = fs::path(m).stem().string();
  }
  return s;
}

// The node refuses TEE until its enclave registration is on chain (ServeGuard):
// give it up to `seconds` to land, so a fresh devnet serves every mode at once.
static void WaitEnclaveServed(const std::string& url, double seconds) {
  auto deadline = Deadline(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    httplib::Client http(url);
    http.set_read_timeout(10);
    auto res = http.Get("/healthz");
    if (!res || res->status != 200) return;
    json h = json::parse(res->body, nullptr, false);
    bool waiting = false;
    for (const auto& r : h.value("refused", json::array())) {
      waiting = waiting || r.value("code", "") == "unavailable";
    }
    if (!waiting) return;
    std::this_thread::sleep_for(200ms);
  }
}

// One name everywhere: the model file's stem is the name registered, which
// the node, `vinet models` and the SDK then show.
static std::string ModelName(const InferenceSetup& setup, const std::string& id) {
  auto it = setup.names.find(id);
  std::string name = it == setup.names.end() || it->second.empty() ? id.substr(0, 12) : it->second;
  return name.substr(0, 128);
}

// A gguf model: VANILLA + TEE (PCR0 = the enclave's), priced per token.
static void RegisterChatModel(chain::RpcClient& rpc, const crypto::SecretKey& dev_key,
                              const std::string& id, const Bytes& pcr0, const InferenceSetup& setup,
                              json& state) {
  txpb::TxBody body;
  auto* m = body.mutable_register_model();
  m->set_model_id(id);
  m->set_name(ModelName(setup, id));
  m->set_format("gguf");
  m->set_fee_per_inference(0);
  m->set_price_per_input_token(setup.price_in);
  m->set_price_per_output_token(setup.price_out);
  m->add_modes(::vinet::inference::v1::MODE_VANILLA);
  m->add_modes(::vinet::inference::v1::MODE_TEE);
  m->add_allowed_pcr0(pcr0.data(), pcr0.size());
  SendTx(rpc, dev_key, body, "register-model " + id);
  state["chat_models"].push_back({{"model_id", id},
                                  {"file", (fs::path(setup.models_dir) / (id + ".gguf")).string()},
                                  {"format", "gguf"},
                                  {"fee_per_inference", 0},
                                  {"price_per_input_token", setup.price_in},
                                  {"price_per_output_token", setup.price_out},
                                  {"modes", {"VANILLA", "TEE"}}});
}

static void StartNode(const std::string& dir, json& state, double timeout) {
  std::string config = state["node"]["config"];
  std::string log = (fs::path(dir) / "inference-node" / "node.log").string();
  pid_t pid = ValueOrThrow(SpawnDetached({SelfExe(), "node", "start", "--config", config}, log));
  state["node"]["pid"] = pid;
  WaitHealthy(state["node"]["url"], pid, log, timeout);
  WaitEnclaveServed(state["node"]["url"], 15);
}

void RestartNode(const std::string& dir, json& state, double timeout) {
  if (!state.contains("node") || !state["node"].contains("config")) {
    throw StatusError(Error(Code::kNotFound, "this devnet has no inference node"));
  }
  StopProcess(state["node"].value("pid", 0), state["node"]["config"], 5000ms);
  StartNode(dir, state, timeout);
}

void LaunchInference(const std::string& dir, json& state, const InferenceSetup& setup,
                     double timeout) {
  state["tee_root"] = setup.tee_root_pem_file;
  state["models"] = json::array();
  state["chat_models"] = json::array();
  for (const auto& id : setup.model_ids) {
    if (!setup.chat_models.count(id)) state["models"].push_back(id);
  }
  state["unregistered_models"] = setup.unregistered;
  state["zkml_models"] = json::array();
  for (const auto& [id, vk] : setup.zkml_keys) state["zkml_models"].push_back(id);
  state["node"] = {{"key", setup.node_key}, {"address", setup.node_address}, {"pid", 0}};
  Progress("devnet up", "starting the enclave emulator");
  state["enclave"] = StartEnclave(dir, timeout);
  chain::RpcClient rpc(state["validators"][0]["rpc"].get<std::string>(), 10);
  auto node_key = ValueOrThrow(crypto::LoadKeyFile(setup.node_key));
  Progress("devnet up", "registering the inference node and " +
                            std::to_string(setup.model_ids.size() - setup.unregistered.size()) +
                            " model(s) on chain");
  txpb::TxBody reg;
  reg.mutable_register_node()->set_stake(kDevnetNodeStake);
  reg.mutable_register_node()->set_endpoint("http://127.0.0.1");
  SendTx(rpc, node_key, reg, "register-node");
  auto dev_key = ValueOrThrow(crypto::LoadKeyFile(state["dev_key"].get<std::string>()));
  Bytes pcr0 = ValueOrThrow(FromHex(state["enclave"]["pcr0"].get<std::string>()));
  for (const auto& id : setup.model_ids) {
    if (setup.unregistered.count(id)) continue;
    if (setup.chat_models.count(id)) {
      RegisterChatModel(rpc, dev_key, id, pcr0, setup, state);
      continue;
    }
    txpb::TxBody body;
    auto* m = body.mutable_register_model();
    m->set_model_id(id);
    m->set_name(ModelName(setup, id));
    m->set_format("onnx");
    m->set_fee_per_inference(kDevnetModelFee);
    m->add_modes(::vinet::inference::v1::MODE_VANILLA);
    m->add_modes(::vinet::inference::v1::MODE_TEE);
    m->add_allowed_pcr0(pcr0.data(), pcr0.size());
    if (auto vk = setup.zkml_keys.find(id); vk != setup.zkml_keys.end()) {
      m->add_modes(::vinet::inference::v1::MODE_ZKML);
      m->set_zkml_verifying_key(vk->second.data(), vk->second.size());
      const Bytes& range = setup.zkml_ranges.at(id);
      m->set_zkml_weight_range_proof(range.data(), range.size());
    }
    SendTx(rpc, dev_key, body, "register-model " + id);
  }
  int port = ValueOrThrow(FreePorts(1))[0];
  std::string config = WriteNodeConfig(dir, state, port, setup);
  state["node"]["config"] = config;
  state["node"]["url"] = "http://127.0.0.1:" + std::to_string(port);
  Progress("devnet up", "starting the inference node");
  StartNode(dir, state, timeout);
}

void StopInference(json& state) {
  if (state.contains("node") && state["node"].value("pid", 0) != 0) {
    StopProcess(state["node"]["pid"], state["node"].value("config", "node.toml"), 5000ms);
    state["node"]["pid"] = 0;
  }
  if (state.contains("enclave") && state["enclave"].value("pid", 0) != 0) {
    StopProcess(state["enclave"]["pid"], state["enclave"].value("socket", "enclave.sock"), 5000ms);
    state["enclave"]["pid"] = 0;
  }
}

void AddInferenceStatus(const json& state, json& out) {
  if (state.contains("node")) {
    out["node"] = {{"url", state["node"].value("url", "")},
                   {"pid", state["node"].value("pid", 0)},
                   {"address", state["node"].value("address", "")},
                   {"key", state["node"].value("key", "")},
                   {"config", state["node"].value("config", "")},
                   {"alive", IsAlive(state["node"].value("pid", 0))}};
  }
  if (state.contains("enclave")) {
    out["enclave"] = {{"pid", state["enclave"].value("pid", 0)},
                      {"socket", state["enclave"].value("socket", "")},
                      {"pcr0", state["enclave"].value("pcr0", "")},
                      {"key", state["enclave"].value("key", "")},
                      {"alive", IsAlive(state["enclave"].value("pid", 0))}};
  }
  if (state.contains("tee_root")) out["tee_root"] = state["tee_root"];
  if (state.contains("models")) out["models"] = state["models"];
  if (state.contains("chat_models")) out["chat_models"] = state["chat_models"];
  if (state.contains("zkml_models")) out["zkml_models"] = state["zkml_models"];
  if (state.contains("unregistered_models"))
    out["unregistered_models"] = state["unregistered_models"];
}

}  // namespace vinet::cli
