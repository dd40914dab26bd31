// `vinet node start --config node.toml [--byzantine MODE] [--chain-rpc URL]...`
// (the inference node: HTTP API, claim queue, prover pool, submitter; MODE
// only on a devnet node; --chain-rpc, repeatable, replaces the config's
// `[chain] rpc` list: failover in the order given) and `vinet model add MODEL.onnx [--store DIR]
// [--zkml [--calibration CAL.json] [--pcs P] [--regime R] [--private-weights]]` (the node's
// content-addressed model store; prints the model id; --zkml also commits the model with that
// key and keeps its prover package DIR/<id>.vzk).
#include <signal.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <random>

#include "cli/node_zkml.h"
#include "cli/runtime_json.h"

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/stop_signal.h"
#include "cli/zkml_key_flags.h"
#include "vinet/common/log.h"
#include "vinet/node/admin_server.h"
#include "vinet/node/http_server.h"
#include "vinet/node/model_store.h"
#include "vinet/node/node.h"
#include "vinet/node/submitter.h"

namespace vinet::cli {

// Calibration inputs for --zkml: CAL.json (a list of {"name": tensor}) or,
// without one, 16 seeded N(0,1) inputs.
std::vector<runtime::TensorMap> ZkmlCalibration(const std::string& path, const std::string& onnx) {
  auto model = ValueOrThrow(runtime::Model::LoadFile(onnx));
  std::vector<runtime::TensorMap> out;
  if (!path.empty()) {
    auto j = ValueOrThrow(ReadJsonFile(path));
    if (!j.is_array()) j = nlohmann::json::array({j});
    for (const auto& e : j) out.push_back(ValueOrThrow(InputsFromJson(e, *model)));
    return out;
  }
  std::mt19937 rng(1);
  std::normal_distribution<float> d(0, 1);
  runtime::Shape shape = model->inputs()[0].shape;
  for (auto& v : shape) v = v < 0 ? 1 : v;
  for (int i = 0; i < 16; ++i) {
    runtime::Tensor t{shape, std::vector<float>(runtime::NumElements(shape))};
    for (float& v : t.data) v = d(rng);
    out.push_back({{model->inputs()[0].name, t}});
  }
  return out;
}

namespace {

void RunNode(const std::string& config_file, const std::string& byzantine,
             const std::vector<std::string>& chain_rpc) {
  InitLogging("node");
  InstallStopSignals();  // before any thread starts
  node::NodeConfig config = ValueOrThrow(node::LoadNodeConfig(config_file));
  if (!chain_rpc.empty()) config.chain_rpc = chain_rpc;
  if (!byzantine.empty()) {
    config.byzantine = ValueOrThrow(node::ParseByzantine(byzantine));
    ThrowIfError(node::CheckByzantine(config));
  }
  auto n = ValueOrThrow(node::Node::Create(config));
  node::Submitter submitter(*n);
  submitter.Start();
  node::HttpServer http(*n);
  int port = ValueOrThrow(http.Start(config.host, config.port, config.http_threads));
  spdlog::info("node: HTTP API on http://{}:{}", config.host, port);
  std::cout << "node listening on http://" << config.host << ":" << port << std::endl;
  node::AdminServer admin(*n);
  if (config.admin_enabled) {
    int admin_port = ValueOrThrow(admin.Start(config.admin_port));
    spdlog::info("node: admin endpoint on http://127.0.0.1:{} (token in {})", admin_port,
                 admin.admin_file().string());
  }
  int sig = WaitForStopSignal();
  spdlog::info("node: signal {}, stopping", sig);
  admin.Stop();
  http.Stop();
  submitter.Stop();
}

}  // namespace

void RegisterNodeCommands(CLI::App& app) {
  auto* node_cmd = app.add_subcommand("node", "the inference node")->require_subcommand(1);
  static std::string config_file, byzantine;
  static std::vector<std::string> chain_rpc;
  auto* start = node_cmd->add_subcommand("start", "serve the HTTP API and settle claims");
  start->add_option("--config", config_file, "node.toml")->required()->check(CLI::ExistingFile);
  start->add_option("--byzantine", byzantine,
                    "devnet fault injection: wrong-output | bad-proof | no-proof");
  start->add_option("--chain-rpc", chain_rpc,
                    "chain RPC URL (repeatable: failover in this order; replaces [chain] rpc)");
  start->callback([] { RunNode(config_file, byzantine, chain_rpc); });

  CLI::App* model = app.get_subcommand("model");  // created by RegisterRuntimeCommands
  static std::string onnx, store = ".vinet/models", calibration;
  static bool as_json = false, zkml = false;
  auto* add = model->add_subcommand("add", "put an ONNX model into a node's model store");
  add->add_option("model", onnx, "MODEL.onnx")->required()->check(CLI::ExistingFile);
  add->add_option("--store", store, "model store directory")->capture_default_str();
  add->add_flag("--json", as_json, "print JSON");
  add->add_flag("--zkml", zkml, "also commit it for ZKML mode (prover package <id>.vzk)");
  add->add_option("--calibration", calibration, "ZKML: calibration inputs (JSON list)")
      ->check(CLI::ExistingFile);
  static ZkmlKeyFlags key_flags;  // ZKML: the key kind (as `zk commit`)
  AddZkmlKeyFlags(*add, key_flags, "--");
  add->callback([] {
    node::ModelStore s(store);
    zkml::VerifyingKey vk;
    if (zkml) Progress("model add", "committing " + onnx + " for ZKML");
    std::string id = zkml ? ValueOrThrow(s.AddZkml(onnx, ZkmlCalibration(calibration, onnx), &vk,
                                                   nullptr, ZkmlKeyParams(key_flags)))
                          : ValueOrThrow(s.Add(onnx));
    std::string zkml_id = zkml ? ToHex(vk.ModelId()) : "";
    if (as_json) {
      nlohmann::json j{{"model_id", id}, {"path", s.PathOf(id).string()}};
      if (zkml) {
        j["zkml_model_id"] = zkml_id;
        j["zkml_package"] = s.ZkmlPackagePath(id).string();
      }
      std::cout << j.dump() << "\n";
    } else {
      std::cout << id << "\n";
    }
  });
}

}  // namespace vinet::cli
