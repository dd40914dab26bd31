// Writing CometBFT homes, shared by `vinet devnet up` (one machine, loopback)
// and `vinet testnet init` (one home per host).
//
// `EditConfigToml` sets keys of a home's config/config.toml (written by
// `cometbft init` / `cometbft testnet`): the ABCI address, listen addresses,
// persistent peers and the consensus timeouts of `CometSettings`. A key the
// file lacks is an error naming it (the template changed). `WriteCometKeys`
// writes priv_validator_key.json and node_key.json in CometBFT's JSON layout
// from our Ed25519 keys (so a seed makes them reproducible); the validator's
// address and the node id are both the first 20 bytes of SHA-256(public key)
// (upper- and lowercase hex). Text files are written to a temporary file and
// renamed into place.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/crypto/ed25519.h"

namespace vinet::cli {

struct CometSettings {
  std::string moniker;
  std::string proxy_app;             // "tcp://127.0.0.1:26658"
  std::string rpc_laddr;             // "tcp://0.0.0.0:26657"
  std::string p2p_laddr;             // "tcp://0.0.0.0:26656"
  std::string persistent_peers;      // "id@host:port,..."
  std::string block_time = "1s";     // timeout_commit
  std::string round_timeout = "1s";  // timeout_propose / prevote / precommit
  std::string gossip_interval;       // "": CometBFT's default
  bool pex = true;
  // Operator overrides, applied last: "section.key=value" ("key=value" for the
  // top level); a value that is not already TOML (quoted string, number,
  // boolean, array) is quoted. Checked by ParseCometOverride.
  std::vector<std::string> overrides;
};

// One --comet-config override split into (section, key, TOML value).
// kInvalidArgument naming the text when it is not [section.]key=value with
// lowercase identifiers.
struct CometOverride {
  std::string section, key, value;
};
Result<CometOverride> ParseCometOverride(const std::string& text);

// Whole-file helpers. Errors (thrown StatusError): kNotFound / kIo naming the path.
std::string ReadTextFile(const std::filesystem::path& path);
void WriteTextFile(const std::filesystem::path& path, const std::string& text);

// Sets `key = value` (value already TOML-encoded) inside [section] ("" = top
// level) of `lines`. Throws kNotFound naming the key when it is absent.
void SetTomlKey(std::vector<std::string>& lines, const std::string& section, const std::string& key,
                const std::string& value);
std::string TomlQuote(const std::string& s);

// Applies `settings` to HOME/config/config.toml.
void EditConfigToml(const std::filesystem::path& home, const CometSettings& settings);

// CometBFT's id of a key: hex of SHA-256(public key)[0..20], lowercase.
std::string CometNodeId(const crypto::PublicKey& key);
// Writes HOME/config/priv_validator_key.json and HOME/config/node_key.json.
void WriteCometKeys(const std::filesystem::path& home, const crypto::SecretKey& validator,
                    const crypto::SecretKey& node);
// A genesis.json "validators" entry for `key` with voting power `power`.
nlohmann::json CometGenesisValidator(const crypto::PublicKey& key, int64_t power,
                                     const std::string& name);

}  // namespace vinet::cli
