#include "tee/nitro/openssl_util.h"

#include <openssl/err.h>

#include <ctime>

namespace vinet::tee::ossl {

Result<X509Ptr> ParseDer(ByteSpan der, std::string_view what) {
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) {
    ERR_clear_error();
    return Error(Code::kParse, std::string(what) + ": not a DER X.509 certificate");
  }
  if (p != der.data() + der.size()) {
    return Error(Code::kParse, std::string(what) + ": trailing bytes after the certificate");
  }
  return cert;
}

Bytes ToDer(X509* cert) {
  unsigned char* buf = nullptr;
  int n = i2d_X509(cert, &buf);
  if (n <= 0) return {};
  Bytes out(buf, buf + n);
  OPENSSL_free(buf);
  return out;
}

int64_t ToUnix(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

std::string NameOf(const X509_NAME* name) {
  char buf[512];
  X509_NAME_oneline(name, buf, sizeof(buf));
  return buf;
}

std::string LastError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

Result<Bytes> RawToDerSignature(ByteSpan raw) {
  if (raw.empty() || raw.size() % 2 != 0)
    return Error(Code::kParse, "raw signature has odd length");
  size_t half = raw.size() / 2;
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(raw.data(), static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return Error(Code::kInternal, "ECDSA_SIG: " + LastError());
  }
  unsigned char* buf = nullptr;
  int n = i2d_ECDSA_SIG(sig.get(), &buf);
  if (n <= 0) return Error(Code::kInternal, "i2d_ECDSA_SIG: " + LastError());
  Bytes out(buf, buf + n);
  OPENSSL_free(buf);
  return out;
}

Result<Bytes> DerToRawSignature(ByteSpan der, size_t half) {
  const unsigned char* p = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return Error(Code::kParse, "not a DER ECDSA signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  Bytes out(2 * half);
  if (BN_bn2binpad(r, out.data(), static_cast<int>(half)) < 0 ||
      BN_bn2binpad(s, out.data() + half, static_cast<int>(half)) < 0) {
    return Error(Code::kInternal, "signature component too large");
  }
  return out;
}

}  // namespace vinet::tee::ossl
