// Private RAII wrappers and helpers around OpenSSL 3 objects used by the
// verifier and the emulator. Every pointer owns its object.
#pragma once

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"

namespace vinet::tee::ossl {

struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct StoreFree {
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
};
struct StackFree {
  void operator()(STACK_OF(X509) * p) const { sk_X509_pop_free(p, X509_free); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};

using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using StorePtr = std::unique_ptr<X509_STORE, StoreFree>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, StoreCtxFree>;
using StackPtr = std::unique_ptr<STACK_OF(X509), StackFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, EcdsaSigFree>;

// Parses one DER certificate; the whole input must be consumed.
Result<X509Ptr> ParseDer(ByteSpan der, std::string_view what);
// DER encoding of a certificate.
Bytes ToDer(X509* cert);
// Unix seconds of an ASN1_TIME.
int64_t ToUnix(const ASN1_TIME* t);
// "CN=...,O=..." one-line name.
std::string NameOf(const X509_NAME* name);
// The oldest queued OpenSSL error as text (and clears the queue).
std::string LastError();
// Converts raw r||s (2*n bytes) to a DER ECDSA signature.
Result<Bytes> RawToDerSignature(ByteSpan raw);
// Converts DER ECDSA signature to raw r||s with `half` bytes each.
Result<Bytes> DerToRawSignature(ByteSpan der, size_t half);

}  // namespace vinet::tee::ossl
