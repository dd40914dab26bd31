// KvTestApp: a small deterministic ABCI application for tests, the abci-cli
// conformance test and benchmarks. Not part of vinet's chain.
//
// Transactions are "key=value" (non-empty key, at most one '='); anything
// else gets code 1 in CheckTx and FinalizeBlock. FinalizeBlock applies the
// valid txs to a copy of the committed map; Commit adopts that copy. The app
// hash is SHA-256 over height and the length-prefixed sorted pairs, so it is
// a deterministic function of the committed state. Query looks up `data` as a
// key in the committed map (code 0 found, 1 not found). All methods are
// thread-safe (one mutex).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "vinet/abci/application.h"

namespace vinet::abci::testing {

inline constexpr uint32_t kCodeOk = 0;
inline constexpr uint32_t kCodeBadTx = 1;
inline constexpr uint32_t kCodeNotFound = 1;

class KvTestApp : public Application {
 public:
  pb::ResponseInfo Info(const pb::RequestInfo& req) override;
  pb::ResponseQuery Query(const pb::RequestQuery& req) override;
  pb::ResponseCheckTx CheckTx(const pb::RequestCheckTx& req) override;
  pb::ResponseInitChain InitChain(const pb::RequestInitChain& req) override;
  pb::ResponseFinalizeBlock FinalizeBlock(const pb::RequestFinalizeBlock& req) override;
  pb::ResponseCommit Commit() override;

  // The hash the app would report for `state` at `height`.
  static std::string AppHash(int64_t height, const std::map<std::string, std::string>& state);

 private:
  std::mutex mu_;
  std::map<std::string, std::string> committed_;
  int64_t committed_height_ = 0;
  std::string committed_hash_;
  std::map<std::string, std::string> staged_;
  int64_t staged_height_ = 0;
  std::string staged_hash_;
  bool has_staged_ = false;
};

}  // namespace vinet::abci::testing
