#include "vinet/chain/app_hash_signer.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "query_answer.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/chain/staking.h"
#include "vinet/crypto/app_hash_message.h"

namespace vinet::chain {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxKeyFileBytes = 64 * 1024;

Result<Bytes> KeyValue(const json& doc, const char* field, const char* type, size_t size,
                       const std::string& where) {
  auto it = doc.find(field);
  if (it == doc.end() || !it->is_object()) {
    return Error(Code::kParse, where + ": " + field + ": missing");
  }
  auto t = it->find("type");
  if (t == it->end() || !t->is_string() || t->get<std::string>() != type) {
    return Error(Code::kParse, where + ": " + field + ".type: expected \"" + type + "\"");
  }
  auto v = it->find("value");
  if (v == it->end() || !v->is_string()) {
    return Error(Code::kParse, where + ": " + field + ".value: missing");
  }
  auto bytes = Base64Decode(v->get<std::string>());
  if (!bytes.ok() || bytes->size() != size) {
    return Error(Code::kParse, where + ": " + field + ".value: expected base64 of " +
                                   std::to_string(size) + " bytes");
  }
  return bytes;
}

}  // namespace

Result<std::unique_ptr<AppHashSigner>> AppHashSigner::FromCometKeyFile(
    const std::filesystem::path& path, size_t keep) {
  const std::string where = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(Code::kIo, where + ": cannot read the validator key");
  std::string text(kMaxKeyFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxKeyFileBytes) {
    return Error(Code::kParse, where + ": longer than " + std::to_string(kMaxKeyFileBytes));
  }
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return Error(Code::kParse, where + ": not a JSON object");
  VINET_ASSIGN_OR_RETURN(Bytes priv,
                         KeyValue(doc, "priv_key", "tendermint/PrivKeyEd25519", 64, where));
  VINET_ASSIGN_OR_RETURN(Bytes pub,
                         KeyValue(doc, "pub_key", "tendermint/PubKeyEd25519", 32, where));
  VINET_ASSIGN_OR_RETURN(auto key, crypto::SecretKey::FromSeed(ByteSpan(priv).first(32)));
  const auto& derived = key.public_key();
  if (!std::equal(derived.begin(), derived.end(), pub.begin(), pub.end()) ||
      !std::equal(derived.begin(), derived.end(), priv.begin() + 32, priv.end())) {
    return Error(Code::kParse, where + ": pub_key.value is not the key of priv_key.value");
  }
  return std::make_unique<AppHashSigner>(std::move(key), keep);
}

AppHashSigner::AppHashSigner(crypto::SecretKey key, size_t keep)
    : key_(std::move(key)), keep_(std::max<size_t>(keep, 1)) {}

void AppHashSigner::Record(std::string_view chain_id, int64_t height, ByteSpan app_hash) {
  Entry e;
  e.height = height;
  e.chain_id = std::string(chain_id);
  e.app_hash.assign(app_hash.begin(), app_hash.end());
  Bytes signed_hash = e.app_hash;
  const bool wrong = wrong_hash_ && chain_id.find("devnet") != std::string_view::npos;
  if (wrong && !signed_hash.empty()) signed_hash[0] ^= 0xff;
  e.signature = key_.Sign(crypto::AppHashSignBytes(chain_id, height, signed_hash));
  if (wrong) e.app_hash = std::move(signed_hash);
  std::lock_guard lock(mu_);
  while (!entries_.empty() && entries_.back().height >= height) entries_.pop_back();
  entries_.push_back(std::move(e));
  while (entries_.size() > keep_) entries_.pop_front();
}

::tendermint::abci::ResponseQuery AppHashSigner::Answer(std::string_view text) const {
  int64_t height = 0;
  bool digits = !text.empty() && text.size() <= 18;
  for (char c : text) {
    if (c < '0' || c > '9') digits = false;
    if (digits) height = height * 10 + (c - '0');
  }
  if (!digits || height <= 0) {
    return QueryFail(QueryCode::kBadId, "query /app_hash_sig/" + std::string(text.substr(0, 40)) +
                                            ": expected a positive decimal height");
  }
  std::lock_guard lock(mu_);
  const std::string h = std::to_string(height);
  if (entries_.empty() || height > entries_.back().height) {
    return QueryFail(QueryCode::kFutureHeight,
                     "app hash signature for height " + h + ": not committed yet (last signed " +
                         (entries_.empty() ? "none" : std::to_string(entries_.back().height)) +
                         ")");
  }
  int64_t first = entries_.front().height;
  size_t i = static_cast<size_t>(height - first);
  if (height < first || i >= entries_.size() || entries_[i].height != height) {
    // Heights are contiguous unless the app restarted; fall back to a search.
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const Entry& e) { return e.height == height; });
    if (it == entries_.end()) {
      return QueryFail(QueryCode::kNotFound, "app hash signature for height " + h +
                                                 ": not kept (this validator keeps " +
                                                 std::to_string(first) + ".." +
                                                 std::to_string(entries_.back().height) + ")");
    }
    i = static_cast<size_t>(it - entries_.begin());
  }
  const Entry& e = entries_[i];
  return QueryAnswer({{"height", e.height},
                      {"chain_id", e.chain_id},
                      {"app_hash", ToHex(e.app_hash)},
                      {"address", ConsensusAddress(ToString(key_.public_key()))},
                      {"pub_key", ToHex(key_.public_key())},
                      {"signature", ToHex(e.signature)}});
}

}  // namespace vinet::chain
