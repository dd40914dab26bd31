#include "vinet/crypto/ed25519.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vinet/crypto/hash.h"

namespace vinet::crypto {
namespace {

void EnsureSodium() {
  static const bool ready = [] { return sodium_init() >= 0; }();
  if (!ready) std::abort();
}

}  // namespace

SecretKey SecretKey::Generate() {
  EnsureSodium();
  std::array<uint8_t, 32> seed{};
  randombytes_buf(seed.data(), seed.size());
  auto key = FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return *key;
}

Result<SecretKey> SecretKey::FromSeed(ByteSpan seed) {
  EnsureSodium();
  if (seed.size() != 32) {
    return Error(Code::kParse,
                 "ed25519 seed: expected 32 bytes, got " + std::to_string(seed.size()));
  }
  SecretKey key;
  std::copy(seed.begin(), seed.end(), key.seed_.begin());
  crypto_sign_seed_keypair(key.public_key_.data(), key.secret_.data(), key.seed_.data());
  return key;
}

SecretKey::~SecretKey() {
  sodium_memzero(seed_.data(), seed_.size());
  sodium_memzero(secret_.data(), secret_.size());
}

Signature SecretKey::Sign(ByteSpan message) const {
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_.data());
  return sig;
}

bool Verify(const PublicKey& key, ByteSpan message, ByteSpan signature) {
  EnsureSodium();
  if (signature.size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     key.data()) == 0;
}

Result<PublicKey> PublicKeyFromBytes(ByteSpan bytes) {
  if (bytes.size() != 32) {
    return Error(Code::kParse,
                 "ed25519 public key: expected 32 bytes, got " + std::to_string(bytes.size()));
  }
  PublicKey key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

std::string AddressOf(const PublicKey& key) {
  Digest256 digest = Sha256(key);
  return ToHex(ByteSpan(digest.data(), 20));
}

Status SaveKeyFile(const SecretKey& key, const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return Error(Code::kAlreadyExists, "key file exists, not overwriting: " + path.string());
  }
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  nlohmann::json j = {
      {"type", "ed25519"}, {"public_key", ToHex(key.public_key())}, {"seed", ToHex(key.seed())}};
  {
    std::ofstream out(path);
    if (!out) return Error(Code::kIo, "cannot write key file: " + path.string());
    out << j.dump(2) << "\n";
    if (!out) return Error(Code::kIo, "cannot write key file: " + path.string());
  }
  ::chmod(path.c_str(), 0600);
  return Status::Ok();
}

Result<SecretKey> LoadKeyFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return Error(Code::kNotFound, "cannot read key file: " + path.string());
  std::stringstream buf;
  buf << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(buf.str(), nullptr, /*allow_exceptions=*/false);
  const std::string where = "key file " + path.string();
  if (!j.is_object()) return Error(Code::kParse, where + ": not a JSON object");
  if (j.value("type", "") != "ed25519") {
    return Error(Code::kParse, where + ": \"type\" must be \"ed25519\"");
  }
  if (!j.contains("seed") || !j["seed"].is_string()) {
    return Error(Code::kParse, where + ": missing string \"seed\"");
  }
  auto seed = FromHex(j["seed"].get<std::string>());
  if (!seed.ok()) return seed.status().WithContext(where + ": seed");
  auto key = SecretKey::FromSeed(*seed);
  if (!key.ok()) return key.status().WithContext(where);
  if (j.contains("public_key")) {
    if (!j["public_key"].is_string() ||
        j["public_key"].get<std::string>() != ToHex(key->public_key())) {
      return Error(Code::kParse, where + ": public_key does not match seed");
    }
  }
  return key;
}

}  // namespace vinet::crypto
