#include "cli/network_flags.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

namespace vinet::cli {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

struct FlagInfo {
  NetworkFlag bit;
  const char* name;     // "--chain"
  const char* value;    // "URL"
  const char* meaning;  // help text
  std::string NetworkFlags::*field;
};

const FlagInfo kFlags[] = {
    {kChainFlag, "--chain", "URL", "the CometBFT RPC, e.g. http://127.0.0.1:26657",
     &NetworkFlags::chain},
    {kNodeFlag, "--node", "URL", "the inference node's HTTP API, e.g. http://127.0.0.1:8080",
     &NetworkFlags::node},
    {kKeyFlag, "--key", "FILE", "the signing key file", &NetworkFlags::key},
    {kRootFlag, "--root", "PEM", "a trusted enclave root (TEE attestation)", &NetworkFlags::root},
};

// What a flag the command does not use means, and what to give instead.
std::string NotUsedMessage(const FlagInfo& info, const NetworkFlags& f) {
  std::string cmd = "`vinet " + f.command + "`";
  switch (info.bit) {
    case kNodeFlag:
      return "--node is the inference node's URL, which " + cmd +
             " does not use; give the CometBFT RPC as --chain URL (or --devnet DIR)";
    case kChainFlag:
      return "--chain is the CometBFT RPC, which " + cmd +
             " does not use; give the inference node as --node URL (or --devnet DIR)";
    case kKeyFlag:
      return cmd + " signs nothing; --key is not used";
    case kRootFlag:
      return cmd + " checks no attestation; --root is not used";
  }
  return std::string(info.name) + " is not used by " + cmd;
}

// What a missing endpoint is, for the error that asks for it.
std::string MissingText(const FlagInfo& info) {
  switch (info.bit) {
    case kChainFlag:
      return "--chain URL (the CometBFT RPC)";
    case kNodeFlag:
      return "--node URL (the inference node)";
    case kKeyFlag:
      return "--key FILE (the signing key)";
    case kRootFlag:
      return "--root PEM (a trusted enclave root)";
  }
  return info.name;
}

std::string StringAt(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// What devnet.json offers for one flag ("" = nothing).
std::string FromDevnet(const json& state, NetworkFlag bit) {
  switch (bit) {
    case kChainFlag:
      return StringAt(state["validators"][0], "rpc");
    case kNodeFlag:
      return state.contains("node") ? StringAt(state["node"], "url") : "";
    case kKeyFlag:
      return StringAt(state, "dev_key");
    case kRootFlag:
      return StringAt(state, "tee_root");
  }
  return "";
}

std::string& Slot(Network& n, NetworkFlag bit) {
  switch (bit) {
    case kChainFlag:
      return n.chain_rpc;
    case kNodeFlag:
      return n.node_url;
    case kKeyFlag:
      return n.key_file;
    case kRootFlag:
      break;
  }
  return n.root_pem;
}

}  // namespace

Result<json> ReadDevnetState(const std::string& dir) {
  fs::path path = fs::path(dir) / "devnet.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error(Code::kNotFound, "no devnet in " + dir + " (no " + path.string() +
                                      "); start one with `vinet devnet up --devnet " + dir + "`");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  json state = json::parse(ss.str(), nullptr, false);
  if (!state.is_object()) return Error(Code::kParse, path.string() + ": not a JSON object");
  if (!state.contains("validators") || !state["validators"].is_array() ||
      state["validators"].empty() || !state["validators"][0].is_object()) {
    return Error(Code::kParse, path.string() + ": field \"validators\": expected a non-empty list");
  }
  return state;
}

void AddNetworkFlags(CLI::App* cmd, NetworkFlags& f, unsigned uses) {
  f.uses = uses;
  if (f.command.empty()) {
    for (const CLI::App* a = cmd; a != nullptr && a->get_parent() != nullptr; a = a->get_parent()) {
      f.command = a->get_name() + (f.command.empty() ? "" : " " + f.command);
    }
  }
  cmd->add_option("--devnet", f.devnet,
                  "a devnet's directory, for the network flags not given (default when no "
                  "endpoint is: .vinet/devnet, if there)")
      ->type_name("DIR");
  for (const auto& info : kFlags) {
    auto* opt = cmd->add_option(info.name, f.*info.field, info.meaning);
    opt->type_name(info.value);
    if (!(uses & info.bit)) opt->group("");  // refused by ResolveNetwork, hidden from --help
  }
}

Result<Network> ResolveNetwork(const NetworkFlags& f, unsigned required) {
  for (const auto& info : kFlags) {
    if (!(f.uses & info.bit) && !(f.*info.field).empty()) {
      return Error(Code::kInvalidArgument, NotUsedMessage(info, f));
    }
  }
  Network n{"", f.chain, f.node, f.key, f.root, nullptr};
  std::string dir = f.devnet;
  bool implicit = dir.empty() && f.chain.empty() && f.node.empty() &&
                  fs::exists(fs::path(kDefaultDevnetDir) / "devnet.json");
  if (implicit) dir = kDefaultDevnetDir;
  std::string implicit_problem;  // an unusable default devnet is no devnet
  if (!dir.empty()) {
    auto state = ReadDevnetState(dir);
    if (!state.ok() && !implicit) return state.status().WithContext("--devnet");
    if (!state.ok()) {
      implicit_problem = state.status().message();
    } else {
      n.devnet_state = std::move(*state);
      std::string recorded = StringAt(n.devnet_state, "dir");
      n.devnet_dir = recorded.empty() ? dir : recorded;
      for (const auto& info : kFlags) {
        std::string& slot = Slot(n, info.bit);
        if ((f.uses & info.bit) && slot.empty()) slot = FromDevnet(n.devnet_state, info.bit);
      }
    }
  }
  std::vector<std::string> missing;
  for (const auto& info : kFlags) {
    if ((required & info.bit) && Slot(n, info.bit).empty()) missing.push_back(MissingText(info));
  }
  if (missing.empty()) return n;
  std::string list;
  for (size_t i = 0; i < missing.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == missing.size() ? " and " : ", ") + missing[i];
  }
  std::string where =
      !n.devnet_dir.empty() ? " (the devnet in " + n.devnet_dir + " has none)"
      : implicit_problem.empty()
          ? " or --devnet DIR (there is no devnet at " + std::string(kDefaultDevnetDir) + ")"
          : " or --devnet DIR (the default devnet is unusable: " + implicit_problem + ")";
  return Error(Code::kInvalidArgument, "`vinet " + f.command + "` needs " + list + ": give " +
                                           (missing.size() == 1 ? "it" : "them") + where);
}

void AddDevnetDirFlag(CLI::App* cmd, std::string& dir) {
  cmd->add_option("--devnet", dir, "the devnet's directory")
      ->type_name("DIR")
      ->capture_default_str();
  cmd->add_option_function<std::string>(
         "--dir",
         [&dir](const std::string& value) {
           std::cerr << "note: --dir is now --devnet DIR (the same flag as in every other "
                        "command)\n";
           dir = value;
         },
         "old name of --devnet")
      ->group("");
}

}  // namespace vinet::cli
