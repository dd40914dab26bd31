// Where a `vinet` command finds the network: one set of flags with one
// meaning each, the same in every command.
//
//   --chain URL    the CometBFT RPC (txs, queries, settlement, verifying keys)
//   --node URL     the inference node's HTTP API
//   --key FILE     the signing key
//   --root PEM     a trusted enclave root (TEE attestation)
//   --devnet DIR   a network made by `vinet devnet up`: each of the above that
//                  is not given comes from DIR/devnet.json (validator 0's RPC,
//                  the node's URL, the dev key, the emulator's dev root)
//
// Explicit flags win over the devnet. When none of --chain, --node and
// --devnet is given, the default devnet .vinet/devnet is used if it exists
// (never mixed with an endpoint the user named, so a key is never taken from
// a devnet for some other network).
//
// A command offers only the flags it uses (AddNetworkFlags). The flags a
// command does not use are still recognized, hidden, and refused with a
// message that names the flag to use instead: `--node` once meant the
// CometBFT RPC in `tx` and `query`, so giving it there must not misroute.
// ResolveNetwork reports a missing endpoint as kInvalidArgument naming the
// flags that would supply it. Not thread-safe (CLI parsing state).
#pragma once

#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "vinet/common/result.h"

namespace vinet::cli {

// Which of the network flags a command uses (a bit set).
enum NetworkFlag : unsigned {
  kChainFlag = 1u << 0,  // --chain
  kNodeFlag = 1u << 1,   // --node
  kKeyFlag = 1u << 2,    // --key
  kRootFlag = 1u << 3,   // --root
};

inline constexpr const char* kDefaultDevnetDir = ".vinet/devnet";

// The flags as given ("" = not given), filled by CLI11.
struct NetworkFlags {
  std::string command;  // e.g. "tx transfer", for messages
  unsigned uses = 0;    // NetworkFlag bits the command offers
  std::string devnet, chain, node, key, root;
};

// The resolved network of one command.
struct Network {
  std::string devnet_dir;  // the devnet used, or "" (absolute when from devnet.json)
  std::string chain_rpc, node_url, key_file, root_pem;  // "" = unknown
  nlohmann::json devnet_state;                          // devnet.json, or null
};

// Adds --devnet DIR and the flags in `uses` (help text with their one
// meaning), and the hidden refusing forms of the others, to `cmd`. `f` must
// outlive parsing.
void AddNetworkFlags(CLI::App* cmd, NetworkFlags& f, unsigned uses);

// Resolves `f` as described above. `required`: the NetworkFlag bits that
// must end up known (kInvalidArgument naming the flags to give otherwise).
// kInvalidArgument too for a flag the command does not use, and for a
// --devnet DIR without devnet.json; kParse for a devnet.json that is not a
// devnet's state.
Result<Network> ResolveNetwork(const NetworkFlags& f, unsigned required);

// DIR/devnet.json: kNotFound naming `vinet devnet up` when absent, kParse
// when it is not a JSON object.
Result<nlohmann::json> ReadDevnetState(const std::string& dir);

// Adds `--devnet DIR` (default .vinet/devnet) to a `vinet devnet …` command,
// and the old `--dir DIR` as a hidden alias that notes the new name on stderr.
void AddDevnetDirFlag(CLI::App* cmd, std::string& dir);

}  // namespace vinet::cli
