#include "vinet/tee/verifier.h"

#include <openssl/obj_mac.h>
#include <openssl/x509_vfy.h>

#include <algorithm>

#include "tee/nitro/openssl_util.h"
#include "vinet/tee/cose.h"

namespace vinet::tee {
namespace {

Status Fail(std::string what) {
  return Error(Code::kVerification, std::move(what));
}

const TrustRoot* SelectRoot(const AttestationDocument& doc, std::span<const TrustRoot> roots) {
  for (const TrustRoot& r : roots) {
    if (r.der() == doc.cabundle[0]) return &r;
  }
  return nullptr;
}

CertificateInfo InfoOf(X509* cert) {
  CertificateInfo info;
  info.subject = ossl::NameOf(X509_get_subject_name(cert));
  info.issuer = ossl::NameOf(X509_get_issuer_name(cert));
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert);
  info.serial_hex = ToHex(ByteSpan(serial->data, static_cast<size_t>(serial->length)));
  info.not_before_s = ossl::ToUnix(X509_get0_notBefore(cert));
  info.not_after_s = ossl::ToUnix(X509_get0_notAfter(cert));
  return info;
}

Status CheckTimestampInLeaf(uint64_t timestamp_ms, const CertificateInfo& leaf) {
  int64_t ts_s = static_cast<int64_t>(timestamp_ms / 1000);
  if (ts_s < leaf.not_before_s || ts_s > leaf.not_after_s) {
    return Fail("timestamp: " + std::to_string(timestamp_ms) +
                " ms is outside the leaf certificate's validity [" +
                std::to_string(leaf.not_before_s) + ", " + std::to_string(leaf.not_after_s) +
                "] s (timestamps are milliseconds)");
  }
  return Status::Ok();
}

Status VerifyChain(const AttestationDocument& doc, X509* leaf, uint64_t at_ms) {
  VINET_ASSIGN_OR_RETURN(ossl::X509Ptr root, ossl::ParseDer(doc.cabundle[0], "cabundle[0]"));
  ossl::StorePtr store(X509_STORE_new());
  ossl::StackPtr untrusted(sk_X509_new_null());
  std::vector<X509*> bundle;  // borrowed from `untrusted`
  for (size_t i = 1; i < doc.cabundle.size(); ++i) {
    VINET_ASSIGN_OR_RETURN(ossl::X509Ptr c,
                           ossl::ParseDer(doc.cabundle[i], "cabundle[" + std::to_string(i) + "]"));
    bundle.push_back(c.get());
    sk_X509_push(untrusted.get(), c.release());
  }
  if (!store || !untrusted || X509_STORE_add_cert(store.get(), root.get()) != 1) {
    return Error(Code::kInternal, "chain: " + ossl::LastError());
  }
  ossl::StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get()) != 1) {
    return Error(Code::kInternal, "chain: " + ossl::LastError());
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(at_ms / 1000));
  X509_VERIFY_PARAM_set_depth(param, static_cast<int>(doc.cabundle.size()) + 1);
  // Pin the path rules instead of inheriting defaults: the path must end at
  // the given root (no partial chain) and no alternative chain is tried.
  // (X509_V_FLAG_X509_STRICT is not set: it would also demand an Authority
  // Key Identifier, which the devnet emulator's CA does not write.)
  X509_VERIFY_PARAM_clear_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_NO_ALT_CHAINS);
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    int depth = X509_STORE_CTX_get_error_depth(ctx.get());
    ossl::LastError();
    return Fail("chain: " + std::string(X509_verify_cert_error_string(err)) + " (depth " +
                std::to_string(depth) + ", at " + std::to_string(at_ms) + " ms)");
  }
  STACK_OF(X509)* path = X509_STORE_CTX_get0_chain(ctx.get());
  size_t n = static_cast<size_t>(sk_X509_num(path));
  if (n != doc.cabundle.size() + 1) {
    return Fail("cabundle: path has " + std::to_string(n) +
                " certificates but leaf + cabundle has " + std::to_string(doc.cabundle.size() + 1) +
                " (extra or unused certificates)");
  }
  for (size_t i = 1; i + 1 < n; ++i) {
    if (X509_cmp(sk_X509_value(path, static_cast<int>(i)), bundle[bundle.size() - i]) != 0) {
      return Fail("cabundle: certificate order does not match the path (root first expected)");
    }
  }
  return Status::Ok();
}

Status CheckLeaf(X509* leaf) {
  if (X509_check_ca(leaf) != 0) return Fail("leaf: is a CA certificate");
  // X509_get_key_usage answers UINT32_MAX ("anything") when the extension
  // is absent; AWS leaves always carry it, so absence is refused.
  uint32_t usage = X509_get_key_usage(leaf);
  if (usage == UINT32_MAX) return Fail("leaf: no keyUsage extension");
  if ((usage & KU_DIGITAL_SIGNATURE) == 0) return Fail("leaf: key usage lacks digitalSignature");
  EVP_PKEY* key = X509_get0_pubkey(leaf);
  char group[64] = {0};
  size_t len = 0;
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
      EVP_PKEY_get_group_name(key, group, sizeof(group), &len) != 1 ||
      std::string_view(group, len) != "secp384r1") {
    ossl::LastError();
    return Fail("leaf: key is not EC P-384");
  }
  return Status::Ok();
}

Status CheckSignature(const CoseSign1& cose, X509* leaf) {
  VINET_ASSIGN_OR_RETURN(Bytes der, ossl::RawToDerSignature(cose.signature));
  Bytes signed_bytes = Sig1Structure(cose.protected_header, cose.payload);
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha384(), nullptr,
                                   X509_get0_pubkey(leaf)) != 1) {
    return Error(Code::kInternal, "signature: " + ossl::LastError());
  }
  int rc =
      EVP_DigestVerify(ctx.get(), der.data(), der.size(), signed_bytes.data(), signed_bytes.size());
  if (rc != 1) {
    ossl::LastError();
    return Fail("signature: ES384 signature does not verify under the leaf key");
  }
  return Status::Ok();
}

}  // namespace

Result<AttestationDocument> ParseAttestationUnverified(ByteSpan document) {
  VINET_ASSIGN_OR_RETURN(CoseSign1 cose, ParseCoseSign1(document));
  return ParseAttestationPayload(cose.payload);
}

Result<VerifiedAttestation> VerifyAttestation(ByteSpan document, std::span<const TrustRoot> roots,
                                              uint64_t at_ms) {
  VINET_ASSIGN_OR_RETURN(CoseSign1 cose, ParseCoseSign1(document));
  VINET_ASSIGN_OR_RETURN(AttestationDocument doc, ParseAttestationPayload(cose.payload));
  const TrustRoot* root = SelectRoot(doc, roots);
  if (root == nullptr) {
    return Fail("cabundle: cabundle[0] is not a pinned root (it must be the root, root first)");
  }
  VINET_ASSIGN_OR_RETURN(ossl::X509Ptr leaf, ossl::ParseDer(doc.certificate, "certificate"));
  CertificateInfo leaf_info = InfoOf(leaf.get());
  VINET_RETURN_IF_ERROR(CheckTimestampInLeaf(doc.timestamp_ms, leaf_info));
  VINET_RETURN_IF_ERROR(VerifyChain(doc, leaf.get(), at_ms));
  VINET_RETURN_IF_ERROR(CheckLeaf(leaf.get()));
  VINET_RETURN_IF_ERROR(CheckSignature(cose, leaf.get()));
  VerifiedAttestation out;
  out.document = std::move(doc);
  out.leaf = std::move(leaf_info);
  out.root_fingerprint = root->fingerprint();
  out.verified_at_ms = at_ms;
  return out;
}

Result<VerifiedAttestation> VerifyAttestation(ByteSpan document, const TrustRoot& root,
                                              uint64_t at_ms) {
  return VerifyAttestation(document, std::span<const TrustRoot>(&root, 1), at_ms);
}

}  // namespace vinet::tee
