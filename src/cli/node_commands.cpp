// `vinet node start --config node.toml` (the inference node: HTTP API,
// claim queue, submitter) and `vinet model add MODEL.onnx [--store DIR]`
// (the node's content-addressed model store; prints the model id).
#include <signal.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/commands.h"
#include "vinet/common/log.h"
#include "vinet/node/http_server.h"
#include "vinet/node/model_store.h"
#include "vinet/node/node.h"
#include "vinet/node/submitter.h"

namespace vinet::cli {
namespace {

void RunNode(const std::string& config_file) {
  InitLogging("node");
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  node::NodeConfig config = ValueOrThrow(node::LoadNodeConfig(config_file));
  auto n = ValueOrThrow(node::Node::Create(config));
  node::Submitter submitter(*n);
  submitter.Start();
  node::HttpServer http(*n);
  int port = ValueOrThrow(http.Start(config.host, config.port, config.http_threads));
  spdlog::info("node: HTTP API on http://{}:{}", config.host, port);
  std::cout << "node listening on http://" << config.host << ":" << port << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  spdlog::info("node: signal {}, stopping", sig);
  http.Stop();
  submitter.Stop();
}

}  // namespace

void RegisterNodeCommands(CLI::App& app) {
  auto* node_cmd = app.add_subcommand("node", "the inference node")->require_subcommand(1);
  static std::string config_file;
  auto* start = node_cmd->add_subcommand("start", "serve the HTTP API and settle claims");
  start->add_option("--config", config_file, "node.toml")->required()->check(CLI::ExistingFile);
  start->callback([] { RunNode(config_file); });

  CLI::App* model = app.get_subcommand("model");  // created by RegisterRuntimeCommands
  static std::string onnx, store = ".vinet/models";
  static bool as_json = false;
  auto* add = model->add_subcommand("add", "put an ONNX model into a node's model store");
  add->add_option("model", onnx, "MODEL.onnx")->required()->check(CLI::ExistingFile);
  add->add_option("--store", store, "model store directory")->capture_default_str();
  add->add_flag("--json", as_json, "print JSON");
  add->callback([] {
    node::ModelStore s(store);
    std::string id = ValueOrThrow(s.Add(onnx));
    if (as_json) {
      std::cout << "{\"model_id\":\"" << id << "\",\"path\":\"" << s.PathOf(id).string() << "\"}\n";
    } else {
      std::cout << id << "\n";
    }
  });
}

}  // namespace vinet::cli
