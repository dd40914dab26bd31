// Helpers for chain unit tests: deterministic keys, tx builders, temp dirs.
#pragma once

#include <filesystem>
#include <random>
#include <string>

#include "vinet/chain/genesis.h"
#include "vinet/chain/tx.h"
#include "vinet/crypto/ed25519.h"

namespace vinet::chain::testing {

inline crypto::SecretKey KeyFromByte(uint8_t b) {
  Bytes seed(32, b);
  return std::move(crypto::SecretKey::FromSeed(seed).value());
}

inline std::string AddrOf(const crypto::SecretKey& k) {
  return crypto::AddressOf(k.public_key());
}

inline txpb::TxBody TransferBody(std::string chain_id, uint64_t nonce, std::string to,
                                 uint64_t amount, uint64_t fee = 1) {
  txpb::TxBody body;
  body.set_chain_id(std::move(chain_id));
  body.set_nonce(nonce);
  body.set_fee(fee);
  body.mutable_transfer()->set_to(std::move(to));
  body.mutable_transfer()->set_amount(amount);
  return body;
}

inline std::string TxString(const crypto::SecretKey& k, const txpb::TxBody& body) {
  return ToString(BuildSignedTx(k, body));
}

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("vinet_chain_test_" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace vinet::chain::testing
