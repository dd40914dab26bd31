#include "cli/comet_home.h"

#include <fstream>
#include <regex>
#include <sstream>

#include "vinet/chain/rpc_client.h"
#include "vinet/common/result.h"

namespace vinet::cli {
namespace fs = std::filesystem;
using json = nlohmann::json;

std::string ReadTextFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw StatusError(Error(Code::kNotFound, "cannot read " + path.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteTextFile(const fs::path& path, const std::string& text) {
  fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw StatusError(Error(Code::kIo, "cannot write " + tmp.string()));
  }
  fs::rename(tmp, path);
}

void SetTomlKey(std::vector<std::string>& lines, const std::string& section, const std::string& key,
                const std::string& value) {
  std::string current;
  std::regex key_re("^\\s*" + key + "\\s*=");
  for (auto& line : lines) {
    if (!line.empty() && line[0] == '[') {
      current = line.substr(1, line.find(']') - 1);
      continue;
    }
    if (current == section && std::regex_search(line, key_re)) {
      line = key + " = " + value;
      return;
    }
  }
  throw StatusError(Error(Code::kNotFound, "config.toml: no key " + key + " in [" + section + "]"));
}

std::string TomlQuote(const std::string& s) {
  return "\"" + s + "\"";
}

Result<CometOverride> ParseCometOverride(const std::string& text) {
  static const std::regex form(R"(^(?:([a-z][a-z0-9_]*)\.)?([a-z][a-z0-9_]*)=(.+)$)");
  std::smatch m;
  if (!std::regex_match(text, m, form)) {
    return Error(
        Code::kInvalidArgument,
        "--comet-config '" + text + "': expected section.key=value (e.g. tx_index.indexer=null)");
  }
  std::string value = m[3].str();
  static const std::regex toml_literal(R"(^(".*"|\[.*\]|-?[0-9][0-9_.]*|true|false)$)");
  if (!std::regex_match(value, toml_literal)) value = TomlQuote(value);
  return CometOverride{m[1].str(), m[2].str(), value};
}

void EditConfigToml(const fs::path& home, const CometSettings& s) {
  auto path = home / "config" / "config.toml";
  std::vector<std::string> lines;
  std::stringstream ss(ReadTextFile(path));
  for (std::string line; std::getline(ss, line);) lines.push_back(line);
  SetTomlKey(lines, "", "proxy_app", TomlQuote(s.proxy_app));
  SetTomlKey(lines, "", "moniker", TomlQuote(s.moniker));
  SetTomlKey(lines, "rpc", "laddr", TomlQuote(s.rpc_laddr));
  SetTomlKey(lines, "p2p", "laddr", TomlQuote(s.p2p_laddr));
  SetTomlKey(lines, "p2p", "persistent_peers", TomlQuote(s.persistent_peers));
  SetTomlKey(lines, "p2p", "allow_duplicate_ip", "true");
  SetTomlKey(lines, "p2p", "addr_book_strict", "false");
  SetTomlKey(lines, "p2p", "pex", s.pex ? "true" : "false");
  SetTomlKey(lines, "consensus", "timeout_commit", TomlQuote(s.block_time));
  // A stopped validator's turn to propose costs this much.
  SetTomlKey(lines, "consensus", "timeout_propose", TomlQuote(s.round_timeout));
  SetTomlKey(lines, "consensus", "timeout_prevote", TomlQuote(s.round_timeout));
  SetTomlKey(lines, "consensus", "timeout_precommit", TomlQuote(s.round_timeout));
  if (!s.gossip_interval.empty()) {
    SetTomlKey(lines, "p2p", "flush_throttle_timeout", TomlQuote(s.gossip_interval));
    SetTomlKey(lines, "consensus", "peer_gossip_sleep_duration", TomlQuote(s.gossip_interval));
  }
  // A SubmitProofs tx of two MLP proofs is ~730 KB, ~1 MB as base64 JSON:
  // above CometBFT's default RPC body limit (1,000,000 bytes).
  SetTomlKey(lines, "rpc", "max_body_bytes", "4000000");
  for (const auto& text : s.overrides) {
    auto o = ValueOrThrow(ParseCometOverride(text));
    SetTomlKey(lines, o.section, o.key, o.value);
  }
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  WriteTextFile(path, text);
}

namespace {

std::string Upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

json PubKeyJson(const crypto::PublicKey& key) {
  return {{"type", "tendermint/PubKeyEd25519"}, {"value", chain::Base64Encode(key)}};
}

json PrivKeyJson(const crypto::SecretKey& key) {
  Bytes full(key.seed().begin(), key.seed().end());  // CometBFT: seed || public key
  full.insert(full.end(), key.public_key().begin(), key.public_key().end());
  return {{"type", "tendermint/PrivKeyEd25519"}, {"value", chain::Base64Encode(full)}};
}

}  // namespace

std::string CometNodeId(const crypto::PublicKey& key) {
  return crypto::AddressOf(key);  // same definition: hex(SHA-256(pub)[0..20])
}

void WriteCometKeys(const fs::path& home, const crypto::SecretKey& validator,
                    const crypto::SecretKey& node) {
  json pv = {{"address", Upper(CometNodeId(validator.public_key()))},
             {"pub_key", PubKeyJson(validator.public_key())},
             {"priv_key", PrivKeyJson(validator)}};
  WriteTextFile(home / "config" / "priv_validator_key.json", pv.dump(2) + "\n");
  fs::permissions(home / "config" / "priv_validator_key.json",
                  fs::perms::owner_read | fs::perms::owner_write);
  json nk = {{"priv_key", PrivKeyJson(node)}};
  WriteTextFile(home / "config" / "node_key.json", nk.dump(2) + "\n");
  fs::permissions(home / "config" / "node_key.json",
                  fs::perms::owner_read | fs::perms::owner_write);
}

json CometGenesisValidator(const crypto::PublicKey& key, int64_t power, const std::string& name) {
  return {{"address", Upper(CometNodeId(key))},
          {"pub_key", PubKeyJson(key)},
          {"power", std::to_string(power)},
          {"name", name}};
}

}  // namespace vinet::cli
