// Where the light client gets light blocks: an interface, and its CometBFT
// RPC implementation.
//
// `Provider::Fetch(h)` returns the signed header of height h (0 = latest) and
// the validator set of that height, exactly as the source serves them:
// nothing is verified here. Errors: kUnavailable (no answer; retry later),
// kNotFound (the source has no block at that height), kParse (a malformed
// answer, naming the JSON path), kOutOfRange (an answer over a size limit).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "vinet/common/result.h"
#include "vinet/light/types.h"

namespace vinet::light {

class Provider {
 public:
  virtual ~Provider() = default;
  virtual Result<LightBlock> Fetch(int64_t height) = 0;
  // The signed header alone (witness cross-checks); default: Fetch's.
  virtual Result<SignedHeader> FetchSignedHeader(int64_t height);
  // Names the source in errors (e.g. its URL).
  virtual std::string Name() const = 0;
};

// CometBFT JSON-RPC over HTTP GET: /commit?height=h and /validators (paged,
// 100 per page). Answers are read with a byte cap (`max_answer_bytes`, checked
// while receiving) and parsed with ParseUntrustedJson. Not thread-safe.
// One CometBFT JSON-RPC GET ("/commit?height=5") with the byte cap and
// ParseUntrustedJson: the "result" object, or kUnavailable (no answer),
// kOutOfRange (over the cap), kParse, kNotFound (a height the node does not
// have), kInvalidArgument (another JSON-RPC error, its message quoted).
Result<nlohmann::json> RpcGet(const std::string& url, const std::string& path_and_query,
                              int timeout_ms, size_t max_answer_bytes);

class RpcProvider : public Provider {
 public:
  // `url`: "http://host:port" (a trailing slash is ignored).
  explicit RpcProvider(std::string url, int timeout_ms = 10'000,
                       size_t max_answer_bytes = size_t{8} << 20);

  Result<LightBlock> Fetch(int64_t height) override;
  std::string Name() const override { return url_; }

  Result<SignedHeader> FetchSignedHeader(int64_t height) override;
  Result<ValidatorSet> FetchValidators(int64_t height);

 private:
  Result<nlohmann::json> Get(const std::string& path_and_query) {
    return RpcGet(url_, path_and_query, timeout_ms_, max_answer_bytes_);
  }

  std::string url_;
  int timeout_ms_;
  size_t max_answer_bytes_;
};

}  // namespace vinet::light
