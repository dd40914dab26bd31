#include "zk/pcs/sha256_fast.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace vinet::zk::detail {
namespace {

const EVP_MD* Sha256Md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) std::abort();
  return md;
}

struct CtxHolder {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~CtxHolder() { EVP_MD_CTX_free(ctx); }
};

}  // namespace

Digest Sha256Parts(std::initializer_list<ByteSpan> parts) {
  thread_local CtxHolder holder;
  EVP_MD_CTX* ctx = holder.ctx;
  if (ctx == nullptr || EVP_DigestInit_ex2(ctx, Sha256Md(), nullptr) != 1) std::abort();
  for (ByteSpan p : parts) {
    if (EVP_DigestUpdate(ctx, p.data(), p.size()) != 1) std::abort();
  }
  Digest out;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx, out.data(), &len) != 1 || len != 32) std::abort();
  return out;
}

}  // namespace vinet::zk::detail
