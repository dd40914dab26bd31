#include "vinet/light/light_client.h"

#include <chrono>
#include <thread>

#include "vinet/light/hashing.h"
#include "vinet/light/json_decode.h"

namespace vinet::light {
namespace {

std::string At(int64_t h) {
  return "height " + std::to_string(h);
}

Time SystemNow() {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  return Time{ns / 1'000'000'000, static_cast<int32_t>(ns % 1'000'000'000)};
}

bool Equal(ByteSpan a, ByteSpan b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace

LightClient::LightClient(std::unique_ptr<Provider> primary,
                         std::vector<std::unique_ptr<Provider>> witnesses, std::string chain_id,
                         LightClientOptions options)
    : primary_(std::move(primary)),
      witnesses_(std::move(witnesses)),
      chain_id_(std::move(chain_id)),
      options_(std::move(options)) {}

Time LightClient::Now() const {
  return options_.clock ? options_.clock() : SystemNow();
}

Result<LightClient> LightClient::FromGenesis(std::unique_ptr<Provider> primary,
                                             std::vector<std::unique_ptr<Provider>> witnesses,
                                             const nlohmann::json& genesis,
                                             LightClientOptions options) {
  if (!genesis.is_object() || !genesis.contains("chain_id") || !genesis["chain_id"].is_string()) {
    return Error(Code::kParse, "genesis.chain_id: missing");
  }
  std::string chain_id = genesis["chain_id"].get<std::string>();
  if (!genesis.contains("validators")) return Error(Code::kParse, "genesis.validators: missing");
  VINET_ASSIGN_OR_RETURN(ValidatorSet vals, DecodeGenesisValidators(genesis["validators"]));
  VINET_RETURN_IF_ERROR(ValidateValidatorSet(vals, "genesis.validators"));
  LightClient lc(std::move(primary), std::move(witnesses), chain_id, std::move(options));
  auto first = lc.primary_->Fetch(1);
  if (!first.ok()) return first.status().WithContext("light client: " + At(1));
  ++lc.stats_.blocks_fetched;
  const SignedHeader& sh = first->signed_header;
  VINET_RETURN_IF_ERROR(ValidateSignedHeader(sh, chain_id).WithContext("light client: genesis"));
  auto gh = ValidatorSetHash(vals);
  if (!Equal(gh, sh.header.validators_hash)) {
    return Error(Code::kVerification, "light client: header 1 validators_hash " +
                                          ToHex(sh.header.validators_hash) +
                                          " is not the genesis validator set's " + ToHex(gh));
  }
  if (HeaderExpired(sh.header, lc.options_.verify.trusting_period_ns, lc.Now())) {
    return Error(Code::kOutOfRange,
                 "light client: the chain's first header (" + FormatTime(sh.header.time) +
                     ") is older than the trusting period; start from a pinned checkpoint");
  }
  VINET_RETURN_IF_ERROR(VerifyCommitLight(chain_id, vals, sh.commit.block_id, 1, sh.commit)
                            .WithContext("light client: genesis"));
  LightBlock root = std::move(first).value();
  root.validators = std::move(vals);
  VINET_RETURN_IF_ERROR(lc.CrossCheck(root));
  lc.Store(std::move(root));
  return lc;
}

Result<LightClient> LightClient::FromCheckpoint(std::unique_ptr<Provider> primary,
                                                std::vector<std::unique_ptr<Provider>> witnesses,
                                                std::string chain_id, int64_t height,
                                                ByteSpan header_hash, LightClientOptions options) {
  if (height <= 0) return Error(Code::kInvalidArgument, "checkpoint height must be > 0");
  if (header_hash.size() != 32) {
    return Error(Code::kInvalidArgument, "checkpoint hash must be 32 bytes");
  }
  LightClient lc(std::move(primary), std::move(witnesses), std::move(chain_id), std::move(options));
  auto block = lc.primary_->Fetch(height);
  if (!block.ok()) return block.status().WithContext("light client: checkpoint " + At(height));
  ++lc.stats_.blocks_fetched;
  const SignedHeader& sh = block->signed_header;
  VINET_RETURN_IF_ERROR(
      ValidateSignedHeader(sh, lc.chain_id_).WithContext("light client: checkpoint"));
  auto hash = HeaderHash(sh.header);
  if (!Equal(hash, header_hash)) {
    return Error(Code::kVerification, "light client: checkpoint " + At(height) + " pins " +
                                          ToHex(header_hash) + " but the header served hashes to " +
                                          ToHex(hash));
  }
  if (HeaderExpired(sh.header, lc.options_.verify.trusting_period_ns, lc.Now())) {
    return Error(Code::kOutOfRange,
                 "light client: checkpoint " + At(height) + " is older than the trusting period");
  }
  VINET_RETURN_IF_ERROR(ValidateValidatorSet(block->validators, "checkpoint validators"));
  auto vh = ValidatorSetHash(block->validators);
  if (!Equal(vh, sh.header.validators_hash)) {
    return Error(Code::kVerification, "light client: checkpoint validators hash to " + ToHex(vh) +
                                          ", header says " + ToHex(sh.header.validators_hash));
  }
  VINET_RETURN_IF_ERROR(
      VerifyCommitLight(lc.chain_id_, block->validators, sh.commit.block_id, height, sh.commit)
          .WithContext("light client: checkpoint"));
  VINET_RETURN_IF_ERROR(lc.CrossCheck(*block));
  lc.Store(std::move(block).value());
  return lc;
}

void LightClient::Store(LightBlock block) {
  int64_t h = block.height();
  store_.insert_or_assign(h, std::move(block));
  while (store_.size() > options_.max_stored && store_.size() > 2) {
    store_.erase(std::next(store_.begin()));  // keep the root
  }
}

Result<LightBlock> LightClient::VerifyHeight(int64_t height) {
  if (height < 0) return Error(Code::kInvalidArgument, "height must be >= 0");
  if (height != 0) {
    if (auto it = store_.find(height); it != store_.end()) return it->second;
    if (height < root().height()) {
      return Error(
          Code::kInvalidArgument,
          "light client: " + At(height) + " is below the trusted root at " + At(root().height()));
    }
  }
  auto target = primary_->Fetch(height);
  if (!target.ok()) return target.status().WithContext("light client: primary " + At(height));
  ++stats_.blocks_fetched;
  int64_t h = target->height();
  if (height == 0) {
    if (auto it = store_.find(h); it != store_.end()) return it->second;
    if (h < latest().height()) {
      return Error(Code::kVerification, "light client: primary's latest height " +
                                            std::to_string(h) + " is below the verified " +
                                            std::to_string(latest().height()));
    }
  }
  auto below = std::prev(store_.lower_bound(h));
  LightBlock trusted = below->second;
  VINET_RETURN_IF_ERROR(Skip(trusted, std::move(target).value()));
  const LightBlock& verified = store_.at(h);
  VINET_RETURN_IF_ERROR(CrossCheck(verified));
  return verified;
}

Status LightClient::Skip(const LightBlock& trusted_in, LightBlock target) {
  LightBlock trusted = trusted_in;
  std::vector<LightBlock> pending;  // pending.back() is the next to try
  pending.push_back(std::move(target));
  size_t depth = 0;
  const Time now = Now();
  while (true) {
    LightBlock& candidate = pending[depth];
    ++stats_.verifications;
    Status s = Verify(trusted, candidate, now, options_.verify);
    if (s.ok()) {
      Store(candidate);
      if (depth == 0) return {};
      trusted = std::move(candidate);
      pending.resize(depth);
      depth = 0;
      continue;
    }
    if (!IsNotEnoughTrust(s)) {
      return s.WithContext("light client: verifying " + At(candidate.height()) + " from " +
                           At(trusted.height()) + " (" + primary_->Name() + ")");
    }
    if (depth == pending.size() - 1) {
      int64_t pivot = trusted.height() + (candidate.height() - trusted.height()) / 2;
      auto block = primary_->Fetch(pivot);
      if (!block.ok()) {
        return block.status().WithContext("light client: bisection pivot " + At(pivot));
      }
      ++stats_.blocks_fetched;
      ++stats_.bisections;
      pending.push_back(std::move(block).value());
    }
    ++depth;
  }
}

Status LightClient::CrossCheck(const LightBlock& verified) {
  const int64_t h = verified.height();
  auto mine = HeaderHash(verified.signed_header.header);
  for (auto& w : witnesses_) {
    ++stats_.witness_checks;
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.witness_wait_ms);
    Result<SignedHeader> theirs = Error(Code::kUnavailable, "not asked");
    while (true) {
      theirs = w->FetchSignedHeader(h);
      bool retry = !theirs.ok() && (theirs.status().code() == Code::kNotFound ||
                                    theirs.status().code() == Code::kUnavailable);
      if (!retry || std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!theirs.ok()) {
      return Error(Code::kUnavailable, "light client: witness " + w->Name() + " could not serve " +
                                           At(h) +
                                           " for the cross-check: " + theirs.status().message());
    }
    auto other = HeaderHash(theirs->header);
    if (!Equal(mine, other)) {
      return Error(Code::kVerification, "light client: conflicting headers at " + At(h) +
                                            ": primary " + primary_->Name() + " " + ToHex(mine) +
                                            ", witness " + w->Name() + " " + ToHex(other) +
                                            " (possible attack; trust neither)");
    }
  }
  return {};
}

}  // namespace vinet::light
