// Arguments of the client commands (`vinet infer`, `status`, `chat`): the
// network flags (network_flags.h: --node, --chain, --key, --root, --devnet)
// and each command's own options.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/network_flags.h"
#include "vinet/client/client.h"

namespace vinet::cli {

struct ClientArgs {
  NetworkFlags flags;
  Network net;  // filled by MakeClient
  std::string model_id, input, mode = "vanilla", wait, receipt_out;
  std::string receipt_file, inference_id;
  bool as_json = false;
  bool verify_proof = false;  // `status`: fetch and verify the ZKML proof
  double timeout = 60;
};

// Resolves the network into `a.net` (the node, a key and the NetworkFlag bits
// `also_required` must be known) and makes the client; throws StatusError
// (kInvalidArgument naming the missing flags) otherwise.
client::Client MakeClient(ClientArgs& a, unsigned also_required = 0);
// Adds the network flags a client command uses (--node, --chain, --key,
// --root, --devnet) and --json.
void AddEndpoints(CLI::App* cmd, ClientArgs& a);

// `vinet chat` (chat_commands.cpp).
void RegisterChatCommand(CLI::App& app);

}  // namespace vinet::cli
