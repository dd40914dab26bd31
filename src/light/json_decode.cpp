#include "vinet/light/json_decode.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "vinet/light/hashing.h"
#include "vinet/light/time.h"

namespace vinet::light {
namespace {

using nlohmann::json;

Status Bad(const std::string& path, const std::string& why) {
  return Error(Code::kParse, path + ": " + why);
}

Result<const json*> Field(const json& obj, const char* key, const std::string& path) {
  if (!obj.is_object()) return Bad(path, "expected an object");
  auto it = obj.find(key);
  if (it == obj.end()) return Bad(path + "." + key, "missing");
  return &*it;
}

Result<int64_t> Int(const json& v, const std::string& path) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_unsigned()) {
    auto u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) return Bad(path, "out of range");
    return static_cast<int64_t>(u);
  }
  if (!v.is_string()) return Bad(path, "expected an integer");
  const auto& s = v.get_ref<const std::string&>();
  int64_t out = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) {
    return Bad(path, "\"" + s.substr(0, 32) + "\" is not a decimal int64");
  }
  return out;
}

Result<int64_t> IntField(const json& obj, const char* key, const std::string& path) {
  VINET_ASSIGN_OR_RETURN(const json* v, Field(obj, key, path));
  return Int(*v, path + "." + key);
}

Result<std::string> StrField(const json& obj, const char* key, const std::string& path) {
  VINET_ASSIGN_OR_RETURN(const json* v, Field(obj, key, path));
  if (!v->is_string()) return Bad(path + "." + key, "expected a string");
  return v->get<std::string>();
}

Result<Bytes> HexField(const json& obj, const char* key, const std::string& path) {
  VINET_ASSIGN_OR_RETURN(const json* v, Field(obj, key, path));
  if (!v->is_string()) return Bad(path + "." + key, "expected a hex string");
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > 128) return Bad(path + "." + key, "longer than 64 bytes");
  if (s.rfind("0x", 0) == 0 || s.rfind("0X", 0) == 0) return Bad(path + "." + key, "not hex");
  auto bytes = FromHex(s);
  if (!bytes.ok()) return Bad(path + "." + key, bytes.status().message());
  return std::move(bytes).value();
}

Result<BlockId> DecodeBlockId(const json& v, const std::string& path) {
  BlockId id;
  VINET_ASSIGN_OR_RETURN(id.hash, HexField(v, "hash", path));
  VINET_ASSIGN_OR_RETURN(const json* parts, Field(v, "parts", path));
  VINET_ASSIGN_OR_RETURN(int64_t total, IntField(*parts, "total", path + ".parts"));
  if (total < 0 || total > UINT32_MAX) return Bad(path + ".parts.total", "out of range");
  id.parts.total = static_cast<uint32_t>(total);
  VINET_ASSIGN_OR_RETURN(id.parts.hash, HexField(*parts, "hash", path + ".parts"));
  return id;
}

Result<Time> TimeField(const json& obj, const char* key, const std::string& path) {
  VINET_ASSIGN_OR_RETURN(std::string s, StrField(obj, key, path));
  if (s == "0001-01-01T00:00:00Z") return Time{};  // Go's zero time: none
  auto t = ParseTime(s);
  if (!t.ok()) return Bad(path + "." + key, t.status().message());
  return t;
}

Result<Header> DecodeHeader(const json& h) {
  const std::string path = "header";
  Header out;
  VINET_ASSIGN_OR_RETURN(const json* version, Field(h, "version", path));
  VINET_ASSIGN_OR_RETURN(int64_t block, IntField(*version, "block", path + ".version"));
  int64_t app = 0;
  if (version->is_object() && version->contains("app")) {
    VINET_ASSIGN_OR_RETURN(app, IntField(*version, "app", path + ".version"));
  }
  if (block < 0 || app < 0) return Bad(path + ".version", "negative");
  out.version_block = static_cast<uint64_t>(block);
  out.version_app = static_cast<uint64_t>(app);
  VINET_ASSIGN_OR_RETURN(out.chain_id, StrField(h, "chain_id", path));
  if (out.chain_id.size() > 50) return Bad(path + ".chain_id", "longer than 50 bytes");
  VINET_ASSIGN_OR_RETURN(out.height, IntField(h, "height", path));
  VINET_ASSIGN_OR_RETURN(out.time, TimeField(h, "time", path));
  VINET_ASSIGN_OR_RETURN(const json* lbi, Field(h, "last_block_id", path));
  VINET_ASSIGN_OR_RETURN(out.last_block_id, DecodeBlockId(*lbi, path + ".last_block_id"));
  const std::pair<Bytes*, const char*> fields[] = {
      {&out.last_commit_hash, "last_commit_hash"},
      {&out.data_hash, "data_hash"},
      {&out.validators_hash, "validators_hash"},
      {&out.next_validators_hash, "next_validators_hash"},
      {&out.consensus_hash, "consensus_hash"},
      {&out.app_hash, "app_hash"},
      {&out.last_results_hash, "last_results_hash"},
      {&out.evidence_hash, "evidence_hash"},
      {&out.proposer_address, "proposer_address"}};
  for (const auto& [dst, key] : fields) {
    VINET_ASSIGN_OR_RETURN(*dst, HexField(h, key, path));
  }
  return out;
}

Result<Commit> DecodeCommit(const json& c) {
  const std::string path = "commit";
  Commit out;
  VINET_ASSIGN_OR_RETURN(out.height, IntField(c, "height", path));
  VINET_ASSIGN_OR_RETURN(int64_t round, IntField(c, "round", path));
  if (round < 0 || round > INT32_MAX) return Bad(path + ".round", "out of range");
  out.round = static_cast<int32_t>(round);
  VINET_ASSIGN_OR_RETURN(const json* bid, Field(c, "block_id", path));
  VINET_ASSIGN_OR_RETURN(out.block_id, DecodeBlockId(*bid, path + ".block_id"));
  VINET_ASSIGN_OR_RETURN(const json* sigs, Field(c, "signatures", path));
  if (!sigs->is_array()) return Bad(path + ".signatures", "expected an array");
  if (sigs->size() > kMaxSignatures) {
    return Bad(path + ".signatures", "more than " + std::to_string(kMaxSignatures) + " entries");
  }
  out.signatures.reserve(sigs->size());
  for (size_t i = 0; i < sigs->size(); ++i) {
    const json& s = (*sigs)[i];
    std::string sp = path + ".signatures[" + std::to_string(i) + "]";
    CommitSig sig;
    VINET_ASSIGN_OR_RETURN(int64_t flag, IntField(s, "block_id_flag", sp));
    if (flag < 1 || flag > 3)
      return Bad(sp + ".block_id_flag", "unknown value " + std::to_string(flag));
    sig.flag = static_cast<BlockIdFlag>(flag);
    VINET_ASSIGN_OR_RETURN(sig.validator_address, HexField(s, "validator_address", sp));
    VINET_ASSIGN_OR_RETURN(sig.timestamp, TimeField(s, "timestamp", sp));
    VINET_ASSIGN_OR_RETURN(const json* sv, Field(s, "signature", sp));
    if (sv->is_string()) {
      const auto& text = sv->get_ref<const std::string&>();
      if (text.size() > 128) return Bad(sp + ".signature", "longer than 64 bytes");
      VINET_ASSIGN_OR_RETURN(sig.signature, DecodeBase64(text, sp + ".signature"));
    } else if (!sv->is_null()) {
      return Bad(sp + ".signature", "expected base64 or null");
    }
    out.signatures.push_back(std::move(sig));
  }
  return out;
}

Result<Validator> DecodeValidator(const json& v, const std::string& path, const char* power_key) {
  Validator out;
  VINET_ASSIGN_OR_RETURN(const json* pk, Field(v, "pub_key", path));
  VINET_ASSIGN_OR_RETURN(std::string type, StrField(*pk, "type", path + ".pub_key"));
  if (type != "tendermint/PubKeyEd25519") {
    return Bad(path + ".pub_key.type",
               "\"" + type.substr(0, 40) + "\" is not supported (Ed25519 only)");
  }
  VINET_ASSIGN_OR_RETURN(std::string value, StrField(*pk, "value", path + ".pub_key"));
  if (value.size() > 64) return Bad(path + ".pub_key.value", "too long");
  VINET_ASSIGN_OR_RETURN(Bytes key, DecodeBase64(value, path + ".pub_key.value"));
  if (key.size() != 32) return Bad(path + ".pub_key.value", "Ed25519 keys are 32 bytes");
  std::copy(key.begin(), key.end(), out.pub_key.begin());
  VINET_ASSIGN_OR_RETURN(out.voting_power, IntField(v, power_key, path));
  if (v.contains("address")) {
    VINET_ASSIGN_OR_RETURN(out.address, HexField(v, "address", path));
    if (out.address != AddressOfKey(out.pub_key)) {
      return Bad(path + ".address", "is not the address of its pub_key");
    }
  } else {
    out.address = AddressOfKey(out.pub_key);
  }
  return out;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

Result<Bytes> DecodeBase64(std::string_view text, std::string_view what) {
  if (text.size() % 4 != 0) {
    return Bad(std::string(what),
               "base64 length " + std::to_string(text.size()) + " is not a multiple of 4");
  }
  Bytes out;
  out.reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '=') {
      if (i + 2 < text.size())
        return Bad(std::string(what), "base64 padding at offset " + std::to_string(i));
      ++pad;
      continue;
    }
    if (pad > 0)
      return Bad(std::string(what), "base64 data after padding at offset " + std::to_string(i));
    int v = Base64Value(c);
    if (v < 0)
      return Bad(std::string(what), "invalid base64 character at offset " + std::to_string(i));
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>((acc >> bits) & 0xff));
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0)
    return Bad(std::string(what), "non-canonical base64 padding bits");
  return out;
}

Result<Time> ParseTime(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fffffffff]Z
  auto digits = [&](size_t pos, size_t n, int& out) -> bool {
    if (pos + n > s.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, se;
  if (s.size() < 20 || s.size() > 30 || !digits(0, 4, y) || s[4] != '-' || !digits(5, 2, mo) ||
      s[7] != '-' || !digits(8, 2, d) || s[10] != 'T' || !digits(11, 2, h) || s[13] != ':' ||
      !digits(14, 2, mi) || s[16] != ':' || !digits(17, 2, se)) {
    return Error(Code::kParse, "time \"" + std::string(s.substr(0, 40)) + "\" is not RFC 3339 UTC");
  }
  size_t pos = 19;
  int32_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t n = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (n == 9) return Error(Code::kParse, "time: more than 9 fractional digits");
      nanos = nanos * 10 + (s[pos] - '0');
      ++pos;
      ++n;
    }
    if (n == 0) return Error(Code::kParse, "time: empty fraction");
    for (; n < 9; ++n) nanos *= 10;
  }
  if (pos + 1 != s.size() || s[pos] != 'Z') {
    return Error(Code::kParse, "time \"" + std::string(s.substr(0, 40)) + "\" must end in Z (UTC)");
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || h > 23 || mi > 59 || se > 59) {
    return Error(Code::kParse, "time \"" + std::string(s) + "\" has a field out of range");
  }
  // Days from civil (proleptic Gregorian).
  int64_t yy = y - (mo <= 2 ? 1 : 0);
  const int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  const auto yoe = static_cast<unsigned>(yy - era * 400);
  const unsigned doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + static_cast<int64_t>(doe) - 719468;
  if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
    return Error(Code::kParse, "time \"" + std::string(s) + "\": February 29 in a common year");
  }
  return Time{days * 86400 + h * 3600 + mi * 60 + se, nanos};
}

Result<SignedHeader> DecodeCommitResult(const json& result) {
  VINET_ASSIGN_OR_RETURN(const json* sh, Field(result, "signed_header", "result"));
  VINET_ASSIGN_OR_RETURN(const json* h, Field(*sh, "header", "result.signed_header"));
  VINET_ASSIGN_OR_RETURN(const json* c, Field(*sh, "commit", "result.signed_header"));
  SignedHeader out;
  VINET_ASSIGN_OR_RETURN(out.header, DecodeHeader(*h));
  VINET_ASSIGN_OR_RETURN(out.commit, DecodeCommit(*c));
  return out;
}

Result<int64_t> DecodeValidatorsPage(const json& result, ValidatorSet& out) {
  VINET_ASSIGN_OR_RETURN(int64_t total, IntField(result, "total", "result"));
  if (total < 0 || total > static_cast<int64_t>(kMaxValidators)) {
    return Bad("result.total",
               std::to_string(total) + " is not in [0, " + std::to_string(kMaxValidators) + "]");
  }
  VINET_ASSIGN_OR_RETURN(const json* vals, Field(result, "validators", "result"));
  if (!vals->is_array()) return Bad("result.validators", "expected an array");
  if (out.validators.size() + vals->size() > static_cast<size_t>(total)) {
    return Bad("result.validators", "more validators than the total " + std::to_string(total));
  }
  for (size_t i = 0; i < vals->size(); ++i) {
    std::string path = "result.validators[" + std::to_string(out.validators.size()) + "]";
    VINET_ASSIGN_OR_RETURN(Validator v, DecodeValidator((*vals)[i], path, "voting_power"));
    out.validators.push_back(std::move(v));
  }
  return total;
}

Result<ValidatorSet> DecodeGenesisValidators(const json& validators) {
  if (!validators.is_array()) return Bad("genesis.validators", "expected an array");
  if (validators.size() > kMaxValidators) return Bad("genesis.validators", "too many validators");
  ValidatorSet out;
  for (size_t i = 0; i < validators.size(); ++i) {
    VINET_ASSIGN_OR_RETURN(
        Validator v,
        DecodeValidator(validators[i], "genesis.validators[" + std::to_string(i) + "]", "power"));
    out.validators.push_back(std::move(v));
  }
  // CometBFT's order: voting power descending, then address ascending.
  std::stable_sort(out.validators.begin(), out.validators.end(),
                   [](const Validator& a, const Validator& b) {
                     if (a.voting_power != b.voting_power) return a.voting_power > b.voting_power;
                     return a.address < b.address;
                   });
  return out;
}

}  // namespace vinet::light
