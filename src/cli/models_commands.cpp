// `vinet models [--json] [--devnet DIR | --node URL --chain URL] [--model ID]...`
// (docs/models.md): what a node serves and what the chain has registered,
// merged by model id. Rows come from the node's /v1/models, from the
// devnet's model lists (with --devnet) and from each --model ID; each is
// looked up on chain (/model/<id>). The chain has no query that lists every
// model, so a model neither served by the node nor named is not shown.
// Human text by default: one line per model (id, name, kind, modes served
// here, chain record); --json: {"models": [{"model_id", "name", "kind",
// "served": bool, "modes": [served modes], "refused": {...}, "registered":
// bool, "chain": {record} | null}]}.
#include <httplib.h>

#include <iomanip>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/network_flags.h"
#include "vinet/chain/rpc_client.h"

namespace vinet::cli {
namespace {

using json = nlohmann::json;

struct ModelsArgs {
  NetworkFlags net;
  std::vector<std::string> extra_ids;
  bool as_json = false;
};

json NodeModels(const std::string& node_url) {
  httplib::Client http(node_url);
  http.set_read_timeout(10);
  auto res = http.Get("/v1/models");
  if (!res || res->status != 200) {
    throw StatusError(Error(Code::kUnavailable,
                            "node " + node_url + ": GET /v1/models " +
                                (res ? std::to_string(res->status) : std::string("unreachable"))));
  }
  auto j = json::parse(res->body, nullptr, false);
  if (!j.is_object() || !j.contains("data") || !j["data"].is_array()) {
    throw StatusError(Error(Code::kParse, "node /v1/models: expected {\"data\": [...]}"));
  }
  return j["data"];
}

json ChainRecord(chain::RpcClient& rpc, const std::string& id) {
  auto r = ValueOrThrow(rpc.AbciQuery("/model/" + id));
  if (r.value("code", 1) != 0) return nullptr;
  auto m = json::parse(r.value("value", "{}"), nullptr, false);
  return m.is_object() ? m : json();
}

void AddDevnetIds(const json& state, std::vector<std::string>& ids) {
  if (!state.is_object()) return;
  for (const char* key : {"models", "unregistered_models"}) {
    for (const auto& id : state.value(key, json::array())) {
      if (id.is_string()) ids.push_back(id.get<std::string>());
    }
  }
  for (const auto& m : state.value("chat_models", json::array())) {
    if (m.is_object() && m.contains("model_id")) ids.push_back(m.value("model_id", ""));
  }
}

std::string Join(const json& list) {
  std::string out;
  for (const auto& e : list) {
    if (!e.is_string()) continue;
    out += (out.empty() ? "" : ",") + e.get<std::string>();
  }
  return out.empty() ? "-" : out;
}

void PrintText(const json& rows) {
  std::cout << std::left << std::setw(14) << "MODEL" << std::setw(22) << "NAME" << std::setw(6)
            << "KIND" << std::setw(20) << "SERVED HERE" << std::setw(20) << "ON CHAIN"
            << "FEE\n";
  for (const auto& r : rows) {
    std::string chain_modes = "not registered";
    std::string fee = "-";
    if (r["registered"].get<bool>()) {
      chain_modes = Join(r["chain"].value("modes", json::array()));
      if (r["chain"].value("retired", false)) chain_modes += " (retired)";
      fee = std::to_string(r["chain"].value("fee_per_inference", uint64_t{0}));
    }
    std::cout << std::setw(14) << r["model_id"].get<std::string>().substr(0, 12) << std::setw(22)
              << r["name"].get<std::string>() << std::setw(6) << r["kind"].get<std::string>()
              << std::setw(20) << (r["served"].get<bool>() ? Join(r["modes"]) : "not served")
              << std::setw(20) << chain_modes << fee << "\n";
  }
}

void RunModels(ModelsArgs& a) {
  Network net = ValueOrThrow(ResolveNetwork(a.net, kChainFlag | kNodeFlag));
  chain::RpcClient rpc(net.chain_rpc, 10);
  std::map<std::string, json> rows;  // by model id
  for (const auto& e : NodeModels(net.node_url)) {
    if (!e.is_object() || !e.contains("id") || !e["id"].is_string()) continue;
    std::string id = e["id"].get<std::string>();
    rows[id] = {{"model_id", id},
                {"name", e.value("name", id.substr(0, 12))},
                {"kind", e.value("kind", "onnx")},
                {"served", true},
                {"modes", e.value("modes", json::array())},
                {"refused", e.value("refused", json::object())}};
  }
  std::vector<std::string> ids = a.extra_ids;
  AddDevnetIds(net.devnet_state, ids);
  for (const auto& id : ids) {
    if (rows.count(id)) continue;
    rows[id] = {{"model_id", id},  {"name", id.substr(0, 12)}, {"kind", "-"},
                {"served", false}, {"modes", json::array()},   {"refused", json::object()}};
  }
  json out = json::array();
  for (auto& [id, row] : rows) {
    json record = ChainRecord(rpc, id);
    row["registered"] = !record.is_null();
    row["chain"] = record;
    // One name everywhere: the chain's record names the model.
    if (!record.is_null() && !record.value("name", "").empty()) row["name"] = record["name"];
    if (row["kind"] == "-" && !record.is_null()) {
      row["kind"] = record.value("format", "") == "gguf" ? "llm" : "onnx";
    }
    out.push_back(row);
  }
  if (a.as_json) {
    std::cout << json{{"models", out}}.dump() << "\n";
  } else {
    PrintText(out);
  }
}

}  // namespace

void RegisterModelsCommand(CLI::App& app) {
  static ModelsArgs a;
  a.net.command = "models";
  auto* cmd = app.add_subcommand(
      "models", "what a node serves and what the chain has registered, merged by model id");
  AddNetworkFlags(cmd, a.net, kChainFlag | kNodeFlag);
  cmd->add_option("--model", a.extra_ids, "also look up this model id on chain (repeat)");
  cmd->add_flag("--json", a.as_json, "print JSON");
  cmd->callback([] { RunModels(a); });
}

}  // namespace vinet::cli
