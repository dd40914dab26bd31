#include "vinet/crypto/hash.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace vinet::crypto {
namespace {

template <size_t N>
std::array<uint8_t, N> OneShot(const EVP_MD* md, ByteSpan data) {
  std::array<uint8_t, N> out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1 || len != N) {
    std::abort();
  }
  return out;
}

// The provider's implementation, fetched once: EVP_sha256() makes every
// EVP_Digest look it up again (about as long as hashing a claim's bytes).
const EVP_MD* Fetched(const char* name) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) std::abort();
  return md;  // kept for the process's life
}

}  // namespace

Digest256 Sha256(ByteSpan data) {
  static const EVP_MD* const md = Fetched("SHA2-256");
  return OneShot<32>(md, data);
}
Digest384 Sha384(ByteSpan data) {
  static const EVP_MD* const md = Fetched("SHA2-384");
  return OneShot<48>(md, data);
}

struct Sha256Hasher::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

Sha256Hasher::Sha256Hasher() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  if (impl_->ctx == nullptr || EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) != 1) {
    std::abort();
  }
}

Sha256Hasher::~Sha256Hasher() {
  if (impl_) EVP_MD_CTX_free(impl_->ctx);
}

Sha256Hasher::Sha256Hasher(Sha256Hasher&&) noexcept = default;
Sha256Hasher& Sha256Hasher::operator=(Sha256Hasher&&) noexcept = default;

Sha256Hasher& Sha256Hasher::Update(ByteSpan data) {
  if (EVP_DigestUpdate(impl_->ctx, data.data(), data.size()) != 1) std::abort();
  return *this;
}

Digest256 Sha256Hasher::Finish() {
  Digest256 out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx, out.data(), &len) != 1 || len != 32) std::abort();
  if (EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) != 1) std::abort();
  return out;
}

}  // namespace vinet::crypto
