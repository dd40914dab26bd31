// A synthetic CometBFT chain signed by deterministic test keys, for unit tests
// and benchmarks of the light client (it is not a real network).
//
// Heights 1..length. The validator set of height h is `set_size` keys from a
// pool, starting at key (h / epoch) * rotate: every `epoch` heights `rotate`
// validators leave and as many join, so sets far apart share no one and the
// light client must bisect. Headers form a hash chain (last_block_id), carry
// the right validators/next-validators hashes and an app hash per height,
// and are 1 s apart. Commits are signed on demand (Fetch) by every validator
// except those listed in `absent` (by index in the height's set).
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <vector>

#include "vinet/crypto/ed25519.h"
#include "vinet/light/provider.h"

namespace vinet::light::testing {

struct SyntheticChainOptions {
  std::string chain_id = "synthetic-1";
  int64_t length = 100;
  int set_size = 4;
  int64_t epoch = 1'000'000;                // heights per validator rotation
  int rotate = 0;                           // validators replaced per epoch
  int64_t genesis_seconds = 1'800'000'000;  // time of height 1
  // The app hash header h carries; empty: SHA-256("app" h).
  std::function<Bytes(int64_t)> app_hash = {};
};

class SyntheticChain : public Provider {
 public:
  explicit SyntheticChain(SyntheticChainOptions options);

  Result<LightBlock> Fetch(int64_t height) override;  // 0: the last height
  std::string Name() const override { return "synthetic"; }

  const Header& HeaderAt(int64_t height) const { return headers_.at(height - 1); }
  ValidatorSet SetAt(int64_t height) const;
  // The genesis document a LightClient starts from.
  nlohmann::json Genesis() const;
  // Signs `commit.signatures[index]` of height h again after a test edited the
  // commit (e.g. to sign another block id).
  void Resign(Commit& commit, size_t index, int64_t height) const;
  // Validators left out of the commits Fetch signs (by set index).
  std::set<size_t> absent;
  const SyntheticChainOptions& options() const { return options_; }
  int64_t fetches = 0;

 private:
  const crypto::SecretKey& KeyOf(size_t pool_index) const { return pool_.at(pool_index); }
  size_t FirstKey(int64_t height) const;

  SyntheticChainOptions options_;
  std::vector<crypto::SecretKey> pool_;
  std::vector<Header> headers_;
};

}  // namespace vinet::light::testing
