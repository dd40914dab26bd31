#include "vinet/light/app_cert.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "vinet/common/json_limits.h"
#include "vinet/crypto/app_hash_message.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/light/json_decode.h"
#include "vinet/light/provider.h"

namespace vinet::light {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr size_t kMaxSigAnswerBytes = 64 * 1024;
constexpr size_t kMaxSignerEndpoints = 64;

Result<Bytes> HexField(const json& doc, const char* key, size_t max_bytes) {
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_string()) {
    return Error(Code::kParse, std::string("app_hash_sig.") + key + ": missing hex string");
  }
  const std::string& s = it->get_ref<const std::string&>();
  if (s.size() > 2 * max_bytes) {
    return Error(Code::kParse, std::string("app_hash_sig.") + key + ": longer than " +
                                   std::to_string(max_bytes) + " bytes");
  }
  auto b = FromHex(s);
  if (!b.ok()) return Error(Code::kParse, std::string("app_hash_sig.") + key + ": not hex");
  return b;
}

std::string Reasons(const std::map<std::string, size_t>& ignored) {
  std::string out;
  for (const auto& [why, n] : ignored) {
    out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + why;
  }
  return out.empty() ? "none" : out;
}

}  // namespace

Result<AppHashSig> DecodeAppHashSig(std::string_view text, std::string source) {
  VINET_ASSIGN_OR_RETURN(json doc,
                         ParseUntrustedJson(text, {kMaxSigAnswerBytes, 4}, "app_hash_sig"));
  if (!doc.is_object()) {
    return Error(Code::kParse, "app_hash_sig: not a JSON object");
  }
  AppHashSig out;
  out.source = std::move(source);
  auto h = doc.find("height");
  if (h == doc.end() || !h->is_number_integer()) {
    return Error(Code::kParse, "app_hash_sig.height: missing integer");
  }
  out.height = h->get<int64_t>();
  auto c = doc.find("chain_id");
  if (c == doc.end() || !c->is_string() || c->get_ref<const std::string&>().size() > 256) {
    return Error(Code::kParse, "app_hash_sig.chain_id: missing string (at most 256 chars)");
  }
  out.chain_id = c->get<std::string>();
  VINET_ASSIGN_OR_RETURN(out.app_hash, HexField(doc, "app_hash", 64));
  VINET_ASSIGN_OR_RETURN(Bytes pub, HexField(doc, "pub_key", 32));
  if (pub.size() != 32) return Error(Code::kParse, "app_hash_sig.pub_key: expected 32 bytes");
  std::copy(pub.begin(), pub.end(), out.pub_key.begin());
  VINET_ASSIGN_OR_RETURN(out.signature, HexField(doc, "signature", 64));
  if (out.signature.size() != 64) {
    return Error(Code::kParse, "app_hash_sig.signature: expected 64 bytes");
  }
  return out;
}

Result<AppHashSig> FetchAppHashSig(const std::string& rpc_url, int64_t height, int timeout_ms) {
  std::string url = rpc_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  std::string q = "/abci_query?path=%22%2Fapp_hash_sig%2F" + std::to_string(height) + "%22";
  VINET_ASSIGN_OR_RETURN(json result, RpcGet(url, q, timeout_ms, kMaxSigAnswerBytes * 2));
  if (!result.is_object() || !result.contains("response") || !result["response"].is_object()) {
    return Error(Code::kParse, url + ": abci_query: result.response missing");
  }
  const json& r = result["response"];
  uint32_t code = 0;
  if (auto it = r.find("code"); it != r.end() && it->is_number_unsigned()) {
    code = it->get<uint32_t>();
  }
  if (code != 0) {
    std::string log;
    if (auto l = r.find("log"); l != r.end() && l->is_string()) log = l->get<std::string>();
    // Code 5 (kFutureHeight): not committed there yet, worth asking again.
    return Error(code == 5 ? Code::kNotFound : Code::kUnavailable, url + ": " + log.substr(0, 200));
  }
  auto v = r.find("value");
  if (v == r.end() || !v->is_string()) return Error(Code::kParse, url + ": no value");
  VINET_ASSIGN_OR_RETURN(Bytes raw, DecodeBase64(v->get<std::string>(), "response.value"));
  auto sig = DecodeAppHashSig(ToString(raw), url);
  if (!sig.ok()) return sig.status().WithContext(url);
  return sig;
}

Result<AppHashCertificate> CheckAppHashCertificate(const std::string& chain_id, int64_t height,
                                                   const ValidatorSet& vals,
                                                   const std::vector<AppHashSig>& sigs) {
  const int64_t total = vals.TotalVotingPower();
  if (total <= 0) return Error(Code::kVerification, "app hash certificate: empty validator set");
  std::vector<bool> counted(vals.validators.size(), false);
  std::map<std::string, size_t> ignored;
  std::map<Bytes, std::pair<int64_t, size_t>> tally;  // app hash -> (power, signers)
  for (const AppHashSig& s : sigs) {
    if (s.height != height) {
      ++ignored["for another height"];
      continue;
    }
    if (s.chain_id != chain_id) {
      ++ignored["for another chain"];
      continue;
    }
    auto it = std::find_if(vals.validators.begin(), vals.validators.end(),
                           [&](const Validator& v) { return v.pub_key == s.pub_key; });
    if (it == vals.validators.end()) {
      ++ignored["not in the validator set"];
      continue;
    }
    size_t index = static_cast<size_t>(it - vals.validators.begin());
    if (counted[index]) {
      ++ignored["duplicate"];
      continue;
    }
    if (!crypto::Verify(s.pub_key, crypto::AppHashSignBytes(chain_id, height, s.app_hash),
                        s.signature)) {
      ++ignored["bad signature"];
      continue;
    }
    counted[index] = true;
    auto& t = tally[s.app_hash];
    t.first += it->voting_power;
    ++t.second;
  }
  const std::string at = "app hash certificate for height " + std::to_string(height);
  const std::pair<const Bytes, std::pair<int64_t, size_t>>* best = nullptr;
  std::vector<std::string> over_third;
  for (const auto& entry : tally) {
    if (entry.second.first * 3 > total) over_third.push_back(ToHex(entry.first));
    if (!best || entry.second.first > best->second.first) best = &entry;
  }
  if (over_third.size() > 1) {
    return Error(Code::kVerification,
                 at + ": conflicting app hashes " + over_third[0] + " and " + over_third[1] +
                     " are each signed by more than 1/3 of the voting power (trust neither)");
  }
  if (best && best->second.first * 3 > total * 2) {
    AppHashCertificate out;
    out.app_hash = best->first;
    out.signed_power = best->second.first;
    out.total_power = total;
    out.signers = best->second.second;
    return out;
  }
  return Error(
      Code::kUnavailable,
      at + ": the signatures counted hold " + std::to_string(best ? best->second.first : 0) +
          " of " + std::to_string(total) +
          " voting power on one app hash (need more than 2/3); ignored: " + Reasons(ignored));
}

Result<AppHashCertificate> CollectAppHashCertificate(const std::string& chain_id, int64_t height,
                                                     const ValidatorSet& vals,
                                                     const std::vector<std::string>& all_urls,
                                                     int64_t wait_ms) {
  // One thread per endpoint: bounded.
  const std::vector<std::string> urls(
      all_urls.begin(), all_urls.begin() + std::min(all_urls.size(), kMaxSignerEndpoints));
  // Shared with the askers, which are detached: an endpoint that hangs must
  // not hold the caller once the certificate is decided (its request ends by
  // its own timeout and finds the state still alive).
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<AppHashSig> sigs;
    std::vector<std::string> failures;
    size_t finished = 0;
    bool stop = false;
  };
  auto shared = std::make_shared<Shared>();
  const auto deadline = Clock::now() + std::chrono::milliseconds(std::max<int64_t>(wait_ms, 1));
  for (const std::string& url : urls) {
    std::thread([shared, url, height, deadline] {
      Result<AppHashSig> got = Error(Code::kUnavailable, url + ": no time left to ask");
      while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) break;
        got = FetchAppHashSig(url, height, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
        if (got.ok() || got.status().code() != Code::kNotFound) break;
        std::unique_lock lock(shared->mu);
        if (shared->cv.wait_for(lock, std::chrono::milliseconds(50),
                                [&] { return shared->stop; })) {
          break;
        }
      }
      std::lock_guard lock(shared->mu);
      if (got.ok()) {
        shared->sigs.push_back(std::move(got).value());
      } else {
        shared->failures.push_back(got.status().message().substr(0, 200));
      }
      ++shared->finished;
      shared->cv.notify_all();
    }).detach();
  }
  Result<AppHashCertificate> cert = Error(Code::kUnavailable, "no endpoints to ask");
  std::unique_lock lock(shared->mu);
  size_t seen = 0;
  while (true) {
    shared->cv.wait_until(lock, deadline, [&] {
      return shared->sigs.size() != seen || shared->finished == urls.size();
    });
    seen = shared->sigs.size();
    cert = CheckAppHashCertificate(chain_id, height, vals, shared->sigs);
    bool decided = cert.ok() || cert.status().code() == Code::kVerification;
    if (decided || shared->finished == urls.size() || Clock::now() >= deadline) break;
  }
  shared->stop = true;
  shared->cv.notify_all();
  if (!cert.ok() && cert.status().code() == Code::kUnavailable) {
    std::string failed;
    for (size_t i = 0; i < shared->failures.size() && i < 4; ++i) {
      failed += (i ? "; " : "") + shared->failures[i];
    }
    size_t silent = urls.size() - shared->finished;
    return Error(Code::kUnavailable,
                 cert.status().message() + " (asked " + std::to_string(urls.size()) + " endpoints" +
                     (failed.empty() ? "" : "; failed: " + failed) +
                     (silent ? "; " + std::to_string(silent) + " did not answer in time" : "") +
                     ")");
  }
  return cert;
}

}  // namespace vinet::light
