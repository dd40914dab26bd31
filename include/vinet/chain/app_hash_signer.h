// A validator application's signatures of its committed app hashes: the
// app-level commit certificate (docs/light_client.md "App-hash certificates").
//
// After Commit of height H, ChainApp calls `Record`, which signs
// crypto::AppHashSignBytes(chain_id, H, app_hash) with the validator's
// consensus ed25519 key (CometBFT's priv_validator_key.json) and keeps the
// result for the newest `keep` heights (memory only: a restarted app serves
// heights committed after the restart). `Answer` serves the query
// "/app_hash_sig/<height>" as JSON
//   {"height", "chain_id", "app_hash" (hex), "address" (hex, CometBFT's),
//    "pub_key" (hex), "signature" (hex)}
// and fails with kBadId (height not a positive decimal), kFutureHeight (not
// committed yet) or kNotFound (older than the heights kept). Thread-safe: its
// own mutex, so queries never wait for the app's lock.
//
// Clients trust none of it: a signature counts only when it verifies under a
// key of the light-client-verified validator set of H (vinet/light/app_cert.h).
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "tendermint/abci/types.pb.h"
#include "vinet/common/result.h"
#include "vinet/crypto/ed25519.h"

namespace vinet::chain {

class AppHashSigner {
 public:
  static constexpr size_t kDefaultKeep = 512;

  // Reads CometBFT's priv_validator_key.json ({"pub_key": {"type":
  // "tendermint/PubKeyEd25519", "value": b64}, "priv_key": {"type":
  // "tendermint/PrivKeyEd25519", "value": b64(seed || pub)}}); the public key
  // must match the seed. Errors: kIo (unreadable), kParse naming the field.
  static Result<std::unique_ptr<AppHashSigner>> FromCometKeyFile(const std::filesystem::path& path,
                                                                 size_t keep = kDefaultKeep);

  AppHashSigner(crypto::SecretKey key, size_t keep);

  // Signs and keeps (height, app_hash); heights must increase (a repeated or
  // lower height replaces the newer entries, as after a rollback).
  void Record(std::string_view chain_id, int64_t height, ByteSpan app_hash);

  // The answer to "/app_hash_sig/<height_text>".
  ::tendermint::abci::ResponseQuery Answer(std::string_view height_text) const;

  const crypto::PublicKey& public_key() const { return key_.public_key(); }

  // Test hook (a hostile validator): sign the app hash with its first byte
  // flipped, so the signature is valid for a hash the chain never committed;
  // only on a chain whose id contains "devnet".
  void set_sign_wrong_hash(bool on) { wrong_hash_ = on; }

 private:
  struct Entry {
    int64_t height = 0;
    std::string chain_id;
    Bytes app_hash;
    crypto::Signature signature{};
  };
  crypto::SecretKey key_;
  size_t keep_;
  bool wrong_hash_ = false;
  mutable std::mutex mu_;
  std::deque<Entry> entries_;  // increasing heights
};

}  // namespace vinet::chain
