#include <httplib.h>

#include "vinet/common/json_limits.h"
#include "vinet/light/json_decode.h"
#include "vinet/light/provider.h"

namespace vinet::light {
namespace {

constexpr int kPerPage = 100;

}  // namespace

Result<SignedHeader> Provider::FetchSignedHeader(int64_t height) {
  VINET_ASSIGN_OR_RETURN(auto block, Fetch(height));
  return std::move(block.signed_header);
}

RpcProvider::RpcProvider(std::string url, int timeout_ms, size_t max_answer_bytes)
    : url_(std::move(url)), timeout_ms_(timeout_ms), max_answer_bytes_(max_answer_bytes) {
  while (!url_.empty() && url_.back() == '/') url_.pop_back();
}

Result<nlohmann::json> RpcGet(const std::string& url, const std::string& path, int timeout_ms,
                              size_t max_answer_bytes) {
  httplib::Client client(url);
  client.set_connection_timeout(std::chrono::milliseconds(timeout_ms));
  client.set_read_timeout(std::chrono::milliseconds(timeout_ms));
  std::string body;
  bool too_big = false;
  auto res = client.Get(path, [&](const char* data, size_t len) {
    if (body.size() + len > max_answer_bytes) {
      too_big = true;
      return false;
    }
    body.append(data, len);
    return true;
  });
  if (too_big) {
    return Error(Code::kOutOfRange, url + path + ": answer longer than " +
                                        std::to_string(max_answer_bytes) + " bytes");
  }
  if (!res) {
    return Error(Code::kUnavailable, url + path + ": " + httplib::to_string(res.error()));
  }
  auto doc = ParseUntrustedJson(body, JsonLimits{max_answer_bytes, 32}, url + path);
  if (!doc.ok()) return doc.status();
  const nlohmann::json& d = doc.value();
  if (!d.is_object()) return Error(Code::kParse, url + path + ": answer is not a JSON object");
  if (auto e = d.find("error"); e != d.end()) {
    std::string msg = e->is_object() ? e->value("message", "") + " " + e->value("data", "") : "";
    Code code = Code::kInvalidArgument;
    if (msg.find("must be less than or equal to the current blockchain height") !=
            std::string::npos ||
        msg.find("is not available") != std::string::npos ||
        msg.find("could not find") != std::string::npos) {
      code = Code::kNotFound;
    }
    return Error(code, url + path + ": " + msg.substr(0, 300));
  }
  auto r = d.find("result");
  if (r == d.end() || !r->is_object()) {
    return Error(Code::kParse, url + path + ": answer has no result object (HTTP " +
                                   std::to_string(res->status) + ")");
  }
  return *r;
}

Result<SignedHeader> RpcProvider::FetchSignedHeader(int64_t height) {
  std::string q = "/commit";
  if (height > 0) q += "?height=" + std::to_string(height);
  VINET_ASSIGN_OR_RETURN(auto result, Get(q));
  auto sh = DecodeCommitResult(result);
  if (!sh.ok()) return sh.status().WithContext(url_ + q);
  if (height > 0 && sh->header.height != height) {
    return Error(Code::kVerification,
                 url_ + q + ": served the header of height " + std::to_string(sh->header.height));
  }
  return sh;
}

Result<ValidatorSet> RpcProvider::FetchValidators(int64_t height) {
  ValidatorSet set;
  for (int page = 1;; ++page) {
    std::string q = "/validators?height=" + std::to_string(height) +
                    "&page=" + std::to_string(page) + "&per_page=" + std::to_string(kPerPage);
    VINET_ASSIGN_OR_RETURN(auto result, Get(q));
    size_t before = set.validators.size();
    auto total = DecodeValidatorsPage(result, set);
    if (!total.ok()) return total.status().WithContext(url_ + q);
    if (set.validators.size() == static_cast<size_t>(*total)) break;
    if (set.validators.size() == before) {
      return Error(Code::kParse, url_ + q + ": empty page before the total of " +
                                     std::to_string(*total) + " validators");
    }
  }
  return set;
}

Result<LightBlock> RpcProvider::Fetch(int64_t height) {
  LightBlock block;
  VINET_ASSIGN_OR_RETURN(block.signed_header, FetchSignedHeader(height));
  VINET_ASSIGN_OR_RETURN(block.validators, FetchValidators(block.signed_header.header.height));
  return block;
}

}  // namespace vinet::light
