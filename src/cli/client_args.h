// Endpoints and key of the client commands (`vinet infer`, `status`, `chat`):
// from flags, or from a devnet's devnet.json (--devnet DIR, default
// .vinet/devnet): node URL, chain RPC, dev key and the emulator's dev root.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "vinet/client/client.h"

namespace vinet::cli {

struct ClientArgs {
  std::string devnet = ".vinet/devnet";
  std::string node_url, chain_rpc, key_file, root_pem;
  std::string model_id, input, mode = "vanilla", wait, receipt_out;
  std::string receipt_file, inference_id;
  bool as_json = false;
  double timeout = 60;
};

// Fills unset endpoints from devnet.json when it exists.
void FromDevnet(ClientArgs& a);
// kInvalidArgument (thrown) without a node URL and a key.
client::Client MakeClient(ClientArgs& a);
void AddEndpoints(CLI::App* cmd, ClientArgs& a);

// `vinet chat` (chat_commands.cpp).
void RegisterChatCommand(CLI::App& app);

}  // namespace vinet::cli
