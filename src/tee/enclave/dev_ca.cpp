#include "vinet/tee/dev_ca.h"

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <ctime>
#include <fstream>
#include <optional>
#include <sstream>

#include "tee/nitro/openssl_util.h"

namespace vinet::tee {
namespace {

using ossl::PkeyPtr;
using ossl::X509Ptr;

Status SslError(std::string_view what) {
  return Error(Code::kInternal, "dev ca: " + std::string(what) + ": " + ossl::LastError());
}

Result<PkeyPtr> NewP384Key() {
  PkeyPtr key(EVP_EC_gen("P-384"));
  if (!key) return SslError("P-384 key generation");
  return key;
}

Status AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return SslError("extension");
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return ok == 1 ? Status::Ok() : SslError("add extension");
}

struct CertSpec {
  const char* common_name;
  int64_t not_before_s;
  int64_t not_after_s;
  std::optional<int> ca_pathlen;  // nullopt: an end-entity certificate
};

// Issues a certificate for `key`, signed by `issuer_key` (self-signed when
// `issuer` is null).
Result<X509Ptr> Issue(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  X509Ptr cert(X509_new());
  if (!cert) return SslError("X509_new");
  X509_set_version(cert.get(), 2);
  uint8_t serial[16];
  RAND_bytes(serial, sizeof(serial));
  serial[0] &= 0x7f;
  ossl::BnPtr bn(BN_bin2bn(serial, sizeof(serial), nullptr));
  BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()));
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("US"),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(
      name, "O", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>("vinet devnet (NOT FOR PRODUCTION)"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.common_name), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(spec.not_before_s));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(spec.not_after_s));
  X509_set_pubkey(cert.get(), key);
  X509* issuer_cert = issuer ? issuer : cert.get();
  if (spec.ca_pathlen) {
    std::string bc = "critical,CA:TRUE,pathlen:" + std::to_string(*spec.ca_pathlen);
    VINET_RETURN_IF_ERROR(AddExt(cert.get(), issuer_cert, NID_basic_constraints, bc.c_str()));
    VINET_RETURN_IF_ERROR(
        AddExt(cert.get(), issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign"));
    VINET_RETURN_IF_ERROR(AddExt(cert.get(), issuer_cert, NID_subject_key_identifier, "hash"));
  } else {
    VINET_RETURN_IF_ERROR(
        AddExt(cert.get(), issuer_cert, NID_basic_constraints, "critical,CA:FALSE"));
    VINET_RETURN_IF_ERROR(
        AddExt(cert.get(), issuer_cert, NID_key_usage, "critical,digitalSignature"));
  }
  if (X509_sign(cert.get(), issuer_key, EVP_sha384()) <= 0) return SslError("sign");
  return cert;
}

std::string ToPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

std::string KeyToPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

Result<std::string> ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Error(Code::kIo, "cannot read " + p.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status WriteFile(const std::filesystem::path& p, const std::string& data, bool secret) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  if (!out) return Error(Code::kIo, "cannot write " + p.string());
  out << data;
  out.close();
  if (secret) ::chmod(p.c_str(), 0600);
  return out ? Status::Ok() : Error(Code::kIo, "cannot write " + p.string());
}

Result<X509Ptr> CertFromPem(const std::string& pem, const std::string& what) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509Ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  if (!cert) return Error(Code::kParse, "dev ca: " + what + " is not a PEM certificate");
  return cert;
}

Result<PkeyPtr> KeyFromPem(const std::string& pem, const std::string& what) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  PkeyPtr key(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  if (!key) return Error(Code::kParse, "dev ca: " + what + " is not a PEM private key");
  return key;
}

}  // namespace

struct SigningLeaf::Impl {
  X509Ptr cert;
  PkeyPtr key;
  Bytes der;
};

SigningLeaf::SigningLeaf(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SigningLeaf::SigningLeaf(SigningLeaf&&) noexcept = default;
SigningLeaf& SigningLeaf::operator=(SigningLeaf&&) noexcept = default;
SigningLeaf::~SigningLeaf() = default;
const Bytes& SigningLeaf::certificate_der() const {
  return impl_->der;
}
int64_t SigningLeaf::not_before_s() const {
  return ossl::ToUnix(X509_get0_notBefore(impl_->cert.get()));
}
int64_t SigningLeaf::not_after_s() const {
  return ossl::ToUnix(X509_get0_notAfter(impl_->cert.get()));
}

Result<Bytes> SigningLeaf::SignEs384(ByteSpan message) const {
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha384(), nullptr, impl_->key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1) {
    return SslError("ES384 sign");
  }
  Bytes der(len);
  if (EVP_DigestSign(ctx.get(), der.data(), &len, message.data(), message.size()) != 1) {
    return SslError("ES384 sign");
  }
  der.resize(len);
  return ossl::DerToRawSignature(der, 48);
}

struct DevCa::Impl {
  X509Ptr root_cert;
  PkeyPtr root_key;
  X509Ptr int_cert;
  PkeyPtr int_key;
  Bytes int_der;
  std::optional<TrustRoot> root;
};

DevCa::DevCa(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DevCa::DevCa(DevCa&&) noexcept = default;
DevCa& DevCa::operator=(DevCa&&) noexcept = default;
DevCa::~DevCa() = default;
const TrustRoot& DevCa::root() const {
  return *impl_->root;
}
const Bytes& DevCa::intermediate_der() const {
  return impl_->int_der;
}

Result<DevCa> DevCa::CreateEphemeral() {
  auto impl = std::make_unique<Impl>();
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  VINET_ASSIGN_OR_RETURN(impl->root_key, NewP384Key());
  VINET_ASSIGN_OR_RETURN(impl->int_key, NewP384Key());
  CertSpec root_spec{"vinet-dev-enclave-root", now - 86400, now + 10LL * 365 * 86400, 1};
  VINET_ASSIGN_OR_RETURN(impl->root_cert,
                         Issue(root_spec, impl->root_key.get(), nullptr, impl->root_key.get()));
  CertSpec int_spec{"vinet-dev-enclave-intermediate", now - 86400, now + 5LL * 365 * 86400, 0};
  VINET_ASSIGN_OR_RETURN(impl->int_cert, Issue(int_spec, impl->int_key.get(), impl->root_cert.get(),
                                               impl->root_key.get()));
  impl->int_der = ossl::ToDer(impl->int_cert.get());
  VINET_ASSIGN_OR_RETURN(TrustRoot root, TrustRoot::FromDer(ossl::ToDer(impl->root_cert.get())));
  impl->root = std::move(root);
  return DevCa(std::move(impl));
}

Result<DevCa> DevCa::LoadOrCreate(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir / "root.pem")) {
    VINET_ASSIGN_OR_RETURN(DevCa ca, CreateEphemeral());
    std::filesystem::create_directories(dir, ec);
    if (ec) return Error(Code::kIo, "cannot create " + dir.string() + ": " + ec.message());
    VINET_RETURN_IF_ERROR(
        WriteFile(dir / "root.key.pem", KeyToPem(ca.impl_->root_key.get()), true));
    VINET_RETURN_IF_ERROR(
        WriteFile(dir / "intermediate.key.pem", KeyToPem(ca.impl_->int_key.get()), true));
    VINET_RETURN_IF_ERROR(
        WriteFile(dir / "intermediate.pem", ToPem(ca.impl_->int_cert.get()), false));
    VINET_RETURN_IF_ERROR(WriteFile(dir / "root.pem", ToPem(ca.impl_->root_cert.get()), false));
    return ca;
  }
  auto impl = std::make_unique<Impl>();
  VINET_ASSIGN_OR_RETURN(std::string root_pem, ReadFile(dir / "root.pem"));
  VINET_ASSIGN_OR_RETURN(std::string root_key, ReadFile(dir / "root.key.pem"));
  VINET_ASSIGN_OR_RETURN(std::string int_pem, ReadFile(dir / "intermediate.pem"));
  VINET_ASSIGN_OR_RETURN(std::string int_key, ReadFile(dir / "intermediate.key.pem"));
  VINET_ASSIGN_OR_RETURN(impl->root_cert, CertFromPem(root_pem, "root.pem"));
  VINET_ASSIGN_OR_RETURN(impl->root_key, KeyFromPem(root_key, "root.key.pem"));
  VINET_ASSIGN_OR_RETURN(impl->int_cert, CertFromPem(int_pem, "intermediate.pem"));
  VINET_ASSIGN_OR_RETURN(impl->int_key, KeyFromPem(int_key, "intermediate.key.pem"));
  if (X509_check_private_key(impl->int_cert.get(), impl->int_key.get()) != 1) {
    ossl::LastError();
    return Error(Code::kParse, "dev ca: intermediate key does not match intermediate.pem");
  }
  impl->int_der = ossl::ToDer(impl->int_cert.get());
  VINET_ASSIGN_OR_RETURN(TrustRoot root, TrustRoot::FromDer(ossl::ToDer(impl->root_cert.get())));
  impl->root = std::move(root);
  return DevCa(std::move(impl));
}

Result<SigningLeaf> DevCa::IssueLeaf(int64_t not_before_s, int64_t validity_s) const {
  auto leaf = std::make_unique<SigningLeaf::Impl>();
  VINET_ASSIGN_OR_RETURN(leaf->key, NewP384Key());
  CertSpec spec{"vinet-dev-enclave-leaf", not_before_s, not_before_s + validity_s, std::nullopt};
  VINET_ASSIGN_OR_RETURN(leaf->cert,
                         Issue(spec, leaf->key.get(), impl_->int_cert.get(), impl_->int_key.get()));
  leaf->der = ossl::ToDer(leaf->cert.get());
  return SigningLeaf(std::move(leaf));
}

}  // namespace vinet::tee
