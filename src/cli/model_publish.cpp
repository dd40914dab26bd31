// `vinet model publish FILE --name N --fee F --modes vanilla,tee,zkml
//  [--devnet DIR | --node URL --chain URL --key K --admin FILE] [--pcr0 HEX]...
//  [--calibration CAL.json] [--json]` (docs/models.md): one command from an
// ONNX file to a model that a running node serves in every mode asked, with
// no restart:
//   1. adds the file to the node's model store (and, with zkml, quantizes and
//      commits it: the prover package DIR/<id>.vzk and its verifying key);
//   2. asks the node to load it (its loopback admin endpoint, token from
//      DATA_DIR/admin.json), which asks its enclave to load it too; the
//      answer carries the enclave's PCR0;
//   3. registers the model on chain (RegisterModel: the name, fee and modes
//      given; PCR0 allowlist = the running enclave's PCR0 plus any --pcr0;
//      ZKML verifying key), signed by --key, which becomes its owner;
//   4. waits until the node serves every mode asked (TEE: once the node's
//      submitter has re-registered its enclave for the model).
// Prints the model id and name (--json: one object). Progress lines go to
// stderr. Publishing runs on the node's host (it writes into the node's
// models dir and reads its admin token).
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "cli/chain_tx.h"
#include "cli/commands.h"
#include "cli/model_admin.h"
#include "cli/network_flags.h"
#include "cli/node_zkml.h"
#include "cli/tx_send.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/chain/tx.h"
#include "vinet/node/model_store.h"
#include "vinet/protocol/receipt.h"
#include "vinet/zkml/zkml.h"

namespace vinet::cli {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;
namespace txpb = ::vinet::tx::v1;
using Clock = std::chrono::steady_clock;

struct PublishArgs {
  NetworkFlags net;
  std::string file, name, calibration, admin_file;
  uint64_t fee = 0;
  std::vector<std::string> modes, pcr0s;
  double wait_seconds = 60;
  bool as_json = false;
};

// A step's progress line on stderr, with its duration once done.
class Step {
 public:
  explicit Step(std::string what) : t0_(Clock::now()) { std::cerr << what << " ..." << std::flush; }
  void Done(const std::string& note = "") {
    double s = std::chrono::duration<double>(Clock::now() - t0_).count();
    std::cerr << " done" << (note.empty() ? "" : " (" + note + ")") << " in " << std::fixed
              << std::setprecision(1) << s << " s\n";
  }

 private:
  Clock::time_point t0_;
};

std::vector<protocol::Mode> ParseModes(const std::vector<std::string>& given) {
  std::vector<protocol::Mode> modes;
  for (const auto& item : given) {
    std::stringstream ss(item);
    std::string m;
    while (std::getline(ss, m, ',')) {
      if (m.empty()) continue;
      for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      auto mode = protocol::ParseMode(m);
      if (!mode.ok()) {
        throw StatusError(Error(Code::kInvalidArgument,
                                "--modes: unknown mode '" + m + "' (vanilla, tee, zkml)"));
      }
      if (std::find(modes.begin(), modes.end(), *mode) == modes.end()) modes.push_back(*mode);
    }
  }
  if (modes.empty()) throw StatusError(Error(Code::kInvalidArgument, "--modes: none given"));
  return modes;
}

bool Has(const std::vector<protocol::Mode>& modes, protocol::Mode m) {
  return std::find(modes.begin(), modes.end(), m) != modes.end();
}

bool Lists(const json& list, const std::string& id) {
  if (!list.is_array()) return false;
  for (const auto& e : list) {
    if (e.is_string() && e.get<std::string>() == id) return true;
  }
  return false;
}

// Adds the file to the store; with ZKML also commits it (returns the key).
std::string AddToStore(const PublishArgs& a, const fs::path& models_dir, bool zkml, Bytes& vk_out,
                       Bytes& range_out) {
  node::ModelStore store(models_dir);
  if (!zkml) {
    Step step("adding " + a.file + " to the node's model store " + models_dir.string());
    std::string id = ValueOrThrow(store.Add(a.file));
    step.Done();
    return id;
  }
  Step step("adding " + a.file + " and committing it for ZKML (quantize, commit the weights)");
  zkml::VerifyingKey vk;
  auto id = store.AddZkml(a.file, ZkmlCalibration(a.calibration, a.file), &vk, &range_out);
  if (!id.ok() && id.status().code() == Code::kUnsupported) {
    std::cerr << "\n";
    throw StatusError(Error(Code::kUnsupported, "the ZKML circuits cannot prove " + a.file + ": " +
                                                    id.status().message() +
                                                    "; publish it without zkml in --modes"));
  }
  step.Done("zkml model id " + ToHex(vk.ModelId()));
  vk_out = vk.Encode();
  return ValueOrThrow(std::move(id));
}

// Registers the model; returns {"hash", "height"}.
json Register(const Network& net, const std::string& id, const PublishArgs& a,
              const std::vector<protocol::Mode>& modes, const std::vector<Bytes>& pcr0s,
              const Bytes& vk, const Bytes& range_proof) {
  chain::RpcClient rpc(net.chain_rpc, 10);
  auto existing = ValueOrThrow(rpc.AbciQuery("/model/" + id));
  if (existing.value("code", 1) == 0) {
    auto m = json::parse(existing.value("value", "{}"), nullptr, false);
    throw StatusError(
        Error(Code::kAlreadyExists,
              "model " + id + " is already registered on chain (name '" + m.value("name", "") +
                  "', owner " + m.value("owner", "") +
                  "); the node now serves it; change its record with `vinet tx update-model`"));
  }
  txpb::TxBody body;
  auto* m = body.mutable_register_model();
  m->set_model_id(id);
  m->set_name(a.name);
  m->set_format("onnx");
  m->set_fee_per_inference(a.fee);
  for (auto mode : modes) m->add_modes(static_cast<inference::v1::Mode>(mode));
  for (const auto& p : pcr0s) m->add_allowed_pcr0(ToString(p));
  if (!vk.empty()) m->set_zkml_verifying_key(ToString(vk));
  if (!range_proof.empty()) m->set_zkml_weight_range_proof(ToString(range_proof));
  return SendTxAndWait(rpc, ValueOrThrow(crypto::LoadKeyFile(net.key_file)), body, a.wait_seconds);
}

// Polls the node's /v1/models until the model is served in every mode asked.
json WaitServed(const std::string& node_url, const std::string& id,
                const std::vector<protocol::Mode>& modes, double seconds) {
  auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  json last;
  while (true) {
    httplib::Client http(node_url);
    http.set_read_timeout(10);
    if (auto res = http.Get("/v1/models"); res && res->status == 200) {
      auto list = json::parse(res->body, nullptr, false);
      for (const auto& e : list.is_object() ? list.value("data", json::array()) : json::array()) {
        if (!e.is_object() || e.value("id", "") != id) continue;
        last = e;
        bool all = true;
        for (auto mode : modes)
          all =
              all && Lists(e.value("modes", json::array()), std::string(protocol::ModeName(mode)));
        if (all) return e;
      }
    }
    if (Clock::now() > deadline) {
      throw StatusError(
          Error(Code::kTimeout, "the node does not serve " + id + " in every mode asked after " +
                                    std::to_string(static_cast<int>(seconds)) +
                                    " s; its entry: " + (last.is_null() ? "none" : last.dump())));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

void RunPublish(PublishArgs& a) {
  Network net = ValueOrThrow(ResolveNetwork(a.net, kChainFlag | kNodeFlag | kKeyFlag));
  auto modes = ParseModes(a.modes);
  if (a.name.empty() || a.name.size() > 128) {
    throw StatusError(Error(Code::kInvalidArgument, "--name: 1..128 characters"));
  }
  AdminEndpoint admin = ValueOrThrow(FindAdmin(a.admin_file, net.devnet_dir));
  Bytes vk, range;
  std::string id = AddToStore(a, admin.models_dir, Has(modes, protocol::Mode::kZkml), vk, range);
  Step reload("loading it into the running node and its enclave");
  json loaded = ValueOrThrow(ReloadNode(admin));
  reload.Done();
  if (!Lists(loaded.value("models", json::array()), id)) {
    throw StatusError(Error(Code::kInternal, "the node did not load " + id + ": " + loaded.dump()));
  }
  if (Has(modes, protocol::Mode::kZkml) && !Lists(loaded.value("zkml_models", json()), id)) {
    throw StatusError(Error(Code::kInternal,
                            "the node did not load the ZKML package of " + id + ": see its log"));
  }
  std::vector<Bytes> pcr0s;
  for (const auto& p : a.pcr0s) {
    Bytes b = ValueOrThrow(FromHex(p));
    if (b.size() != 48) {
      throw StatusError(Error(Code::kInvalidArgument, "--pcr0 " + p + ": expected 96 hex chars"));
    }
    pcr0s.push_back(std::move(b));
  }
  if (Has(modes, protocol::Mode::kTee)) {
    const json& enclave = loaded["enclave"];
    if (!enclave.is_object()) {
      throw StatusError(
          Error(Code::kUnsupported, "tee asked but the node runs no enclave; publish without tee"));
    }
    if (!Lists(enclave.value("models", json()), id)) {
      throw StatusError(
          Error(Code::kInternal, "the enclave did not load " + id + ": see the enclave's log"));
    }
    Bytes pcr0 = ValueOrThrow(FromHex(enclave.value("pcr0", "")));
    if (std::find(pcr0s.begin(), pcr0s.end(), pcr0) == pcr0s.end())
      pcr0s.insert(pcr0s.begin(), pcr0);
  }
  Step reg("registering '" + a.name + "' on chain");
  json tx = Register(net, id, a, modes, pcr0s, vk, range);
  reg.Done("height " + std::to_string(tx.value("height", int64_t{0})));
  Step serve("waiting until the node serves every mode asked");
  json entry = WaitServed(net.node_url, id, modes, a.wait_seconds);
  serve.Done();
  json out{{"model_id", id},
           {"name", a.name},
           {"fee_per_inference", a.fee},
           {"modes", entry.value("modes", json::array())},
           {"allowed_pcr0", json::array()},
           {"zkml_model_id", entry.value("zkml_model_id", json())},
           {"tx_hash", tx["hash"]},
           {"height", tx["height"]}};
  for (const auto& p : pcr0s) out["allowed_pcr0"].push_back(ToHex(p));
  if (a.as_json) {
    std::cout << out.dump() << "\n";
    return;
  }
  std::cout << id << "  " << a.name << "\n";
  std::cout << "  modes: ";
  for (const auto& m : out["modes"]) std::cout << m.get<std::string>() << " ";
  std::cout << "\n  fee per inference: " << a.fee << "\n  registered in tx "
            << tx["hash"].get<std::string>() << " at height " << tx["height"] << "\n";
}

}  // namespace

void RegisterModelPublishCommand(CLI::App& app) {
  CLI::App* model = app.get_subcommand("model");  // created by RegisterRuntimeCommands
  static PublishArgs a;
  a.net.command = "model publish";
  auto* cmd = model->add_subcommand(
      "publish", "add an ONNX model to a running node and its enclave, register it, serve it");
  cmd->add_option("file", a.file, "MODEL.onnx")->required()->check(CLI::ExistingFile);
  cmd->add_option("--name", a.name, "the model's name (shown by the node, chain, SDK)")->required();
  cmd->add_option("--fee", a.fee, "fee a client pays per inference")->required();
  cmd->add_option("--modes", a.modes, "modes offered, comma-separated: vanilla,tee,zkml")
      ->required();
  AddNetworkFlags(cmd, a.net, kChainFlag | kNodeFlag | kKeyFlag);
  cmd->add_option("--admin", a.admin_file,
                  "the node's DATA_DIR/admin.json (default: the devnet node's)");
  cmd->add_option("--pcr0", a.pcr0s,
                  "also allow this enclave PCR0 (96 hex; the running enclave's is always added)");
  cmd->add_option("--calibration", a.calibration, "ZKML: calibration inputs (JSON list)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--wait-seconds", a.wait_seconds, "how long to wait for each chain/node step")
      ->capture_default_str();
  cmd->add_flag("--json", a.as_json, "print JSON");
  cmd->callback([] { RunPublish(a); });
}

}  // namespace vinet::cli
