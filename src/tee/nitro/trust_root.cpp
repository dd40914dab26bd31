#include "vinet/tee/trust_root.h"

#include <openssl/pem.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tee/nitro/openssl_util.h"
#include "vinet/crypto/hash.h"

namespace vinet::tee {
namespace {

// AWS Nitro Enclaves root G1: C=US, O=Amazon, OU=AWS, CN=aws.nitro-enclaves,
// valid 2019-10-28 to 2049-10-28. Published by AWS; pinned by kAwsNitroRootSha256.
constexpr std::string_view kAwsNitroRootPem =
    "-----BEGIN CERTIFICATE-----\n"
    "MIICETCCAZagAwIBAgIRAPkxdWgbkK/hHUbMtOTn+FYwCgYIKoZIzj0EAwMwSTEL\n"
    "MAkGA1UEBhMCVVMxDzANBgNVBAoMBkFtYXpvbjEMMAoGA1UECwwDQVdTMRswGQYD\n"
    "VQQDDBJhd3Mubml0cm8tZW5jbGF2ZXMwHhcNMTkxMDI4MTMyODA1WhcNNDkxMDI4\n"
    "MTQyODA1WjBJMQswCQYDVQQGEwJVUzEPMA0GA1UECgwGQW1hem9uMQwwCgYDVQQL\n"
    "DANBV1MxGzAZBgNVBAMMEmF3cy5uaXRyby1lbmNsYXZlczB2MBAGByqGSM49AgEG\n"
    "BSuBBAAiA2IABPwCVOumCMHzaHDimtqQvkY4MpJzbolL//Zy2YlES1BR5TSksfbb\n"
    "48C8WBoyt7F2Bw7eEtaaP+ohG2bnUs990d0JX28TcPQXCEPZ3BABIeTPYwEoCWZE\n"
    "h8l5YoQwTcU/9KNCMEAwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4EFgQUkCW1DdkF\n"
    "R+eWw5b6cp3PmanfS5YwDgYDVR0PAQH/BAQDAgGGMAoGCCqGSM49BAMDA2kAMGYC\n"
    "MQCjfy+Rocm9Xue4YnwWmNJVA44fA0P5W2OpYow9OYCVRaEevL8uO1XYru5xtMPW\n"
    "rfMCMQCi85sWBbJwKKXdS6BptQFuZbT73o/gBh1qUxl/nNr12UO8Yfwr6wPLb+6N\n"
    "IwLz3/Y=\n"
    "-----END CERTIFICATE-----\n";

}  // namespace

const TrustRoot& TrustRoot::AwsNitro() {
  static const TrustRoot root = [] {
    auto r = FromPem(kAwsNitroRootPem);
    if (!r.ok() || r->fingerprint() != kAwsNitroRootSha256) std::abort();
    return *r;
  }();
  return root;
}

Result<TrustRoot> TrustRoot::FromDer(ByteSpan der) {
  VINET_ASSIGN_OR_RETURN(ossl::X509Ptr cert, ossl::ParseDer(der, "root"));
  if (X509_check_ca(cert.get()) == 0)
    return Error(Code::kVerification, "root: not a CA certificate");
  if (X509_check_issued(cert.get(), cert.get()) != X509_V_OK) {
    return Error(Code::kVerification, "root: not self-issued");
  }
  ossl::PkeyPtr key(X509_get_pubkey(cert.get()));
  if (!key || X509_verify(cert.get(), key.get()) != 1) {
    ossl::LastError();
    return Error(Code::kVerification, "root: self-signature does not verify");
  }
  TrustRoot root;
  root.der_ = Bytes(der.begin(), der.end());
  root.fingerprint_ = ToHex(crypto::Sha256(der));
  return root;
}

Result<TrustRoot> TrustRoot::FromPem(std::string_view pem) {
  if (pem.find("-----BEGIN CERTIFICATE-----") != pem.rfind("-----BEGIN CERTIFICATE-----")) {
    return Error(Code::kParse, "root: PEM holds more than one certificate");
  }
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  ossl::X509Ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  if (!cert) {
    ossl::LastError();
    return Error(Code::kParse, "root: not a PEM certificate");
  }
  Bytes der = ossl::ToDer(cert.get());
  return FromDer(der);
}

Result<TrustRoot> TrustRoot::FromPemFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(Code::kIo, "cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = FromPem(ss.str());
  if (!r.ok()) return r.status().WithContext(path.string());
  return r;
}

std::string TrustRoot::ToPem() const {
  const unsigned char* p = der_.data();
  ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der_.size())));
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert.get());
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

}  // namespace vinet::tee
