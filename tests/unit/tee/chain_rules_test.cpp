// CA flags, path lengths and leaf rules, on chains built here with OpenSSL
// (the real documents all satisfy them, so the violations must be made).
#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>
#include <optional>
#include <string>

#include "tee/nitro/openssl_util.h"
#include "vinet/cbor/cbor.h"
#include "vinet/tee/cose.h"
#include "vinet/tee/verifier.h"

namespace vinet::tee {
namespace {

using ossl::PkeyPtr;
using ossl::X509Ptr;

struct Node {
  PkeyPtr key;
  X509Ptr cert;
};

struct Spec {
  std::string cn;
  std::string basic_constraints;  // e.g. "critical,CA:TRUE,pathlen:0"
  std::string key_usage;
  const char* curve = "P-384";
};

Node Make(const Spec& spec, const Node* issuer, int64_t now) {
  Node n;
  n.key.reset(EVP_EC_gen(spec.curve));
  n.cert.reset(X509_new());
  X509* c = n.cert.get();
  X509_set_version(c, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c), static_cast<long>(std::rand() & 0xffffff));
  X509_NAME_add_entry_by_txt(X509_get_subject_name(c), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(
      c, issuer ? X509_get_subject_name(issuer->cert.get()) : X509_get_subject_name(c));
  ASN1_TIME_set(X509_getm_notBefore(c), static_cast<time_t>(now - 3600));
  ASN1_TIME_set(X509_getm_notAfter(c), static_cast<time_t>(now + 3600));
  X509_set_pubkey(c, n.key.get());
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer->cert.get() : c, c, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_basic_constraints, spec.basic_constraints},
                            std::pair{NID_key_usage, spec.key_usage}}) {
    if (value.empty()) continue;  // extension left out
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    X509_add_ext(c, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(c, issuer ? issuer->key.get() : n.key.get(), EVP_sha384());
  return n;
}

// A Nitro-format document signed by `leaf`, with cabundle = certs (root first).
Bytes Document(const Node& leaf, const std::vector<const Node*>& bundle, uint64_t ts_ms) {
  cbor::Writer w;
  w.Map(9).Text("module_id").Text("i-test").Text("digest").Text("SHA384");
  w.Text("timestamp").Uint(ts_ms).Text("pcrs").Map(1).Uint(0).Bstr(Bytes(48, 1));
  w.Text("certificate").Bstr(ossl::ToDer(leaf.cert.get()));
  w.Text("cabundle").Array(bundle.size());
  for (const Node* n : bundle) w.Bstr(ossl::ToDer(n->cert.get()));
  w.Text("public_key").Null().Text("user_data").Null().Text("nonce").Null();
  Bytes payload = w.bytes();
  Bytes prot = Es384ProtectedHeader();
  Bytes tbs = Sig1Structure(prot, payload);
  ossl::MdCtxPtr md(EVP_MD_CTX_new());
  size_t len = 0;
  EVP_DigestSignInit(md.get(), nullptr, EVP_sha384(), nullptr, leaf.key.get());
  EVP_DigestSign(md.get(), nullptr, &len, tbs.data(), tbs.size());
  Bytes der(len);
  EVP_DigestSign(md.get(), der.data(), &len, tbs.data(), tbs.size());
  der.resize(len);
  // A P-256 leaf gives 32-byte halves; pad to the 96 bytes the envelope requires.
  Bytes raw = *ossl::DerToRawSignature(der, 48);
  return EncodeCoseSign1(prot, payload, raw);
}

const Spec kRoot{"root", "critical,CA:TRUE,pathlen:2", "critical,keyCertSign,cRLSign"};
const Spec kInt{"int", "critical,CA:TRUE,pathlen:1", "critical,keyCertSign,cRLSign"};
const Spec kLeaf{"leaf", "critical,CA:FALSE", "critical,digitalSignature"};

struct ChainCase {
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  uint64_t now_ms = static_cast<uint64_t>(now) * 1000;

  Status Check(const Spec& root_spec, const Spec& int_spec, const Spec& leaf_spec) {
    Node root = Make(root_spec, nullptr, now);
    Node inter = Make(int_spec, &root, now);
    Node leaf = Make(leaf_spec, &inter, now);
    auto trust = TrustRoot::FromDer(ossl::ToDer(root.cert.get()));
    EXPECT_TRUE(trust.ok()) << trust.status().ToString();
    return VerifyAttestation(Document(leaf, {&root, &inter}, now_ms), *trust, now_ms).status();
  }
};

void ExpectReason(const Status& s, std::string_view reason) {
  EXPECT_EQ(s.code(), Code::kVerification) << s.ToString();
  EXPECT_NE(s.message().find(reason), std::string::npos) << s.ToString();
}

TEST(ChainRulesTest, WellFormedChainVerifies) {
  ChainCase c;
  EXPECT_TRUE(c.Check(kRoot, kInt, kLeaf).ok()) << c.Check(kRoot, kInt, kLeaf).ToString();
}

TEST(ChainRulesTest, IntermediateWithoutCaFlag) {
  ChainCase c;
  Spec not_ca{"int", "critical,CA:FALSE", "critical,digitalSignature"};
  ExpectReason(c.Check(kRoot, not_ca, kLeaf), "chain: invalid CA certificate");
}

TEST(ChainRulesTest, PathLengthExceeded) {
  ChainCase c;
  Spec root0{"root", "critical,CA:TRUE,pathlen:0", "critical,keyCertSign,cRLSign"};
  ExpectReason(c.Check(root0, kInt, kLeaf), "chain: path length constraint exceeded");
}

TEST(ChainRulesTest, LeafRules) {
  ChainCase c;
  Spec ca_leaf{"leaf", "critical,CA:TRUE,pathlen:0", "critical,digitalSignature,keyCertSign"};
  ExpectReason(c.Check(kRoot, kInt, ca_leaf), "leaf: is a CA certificate");
  Spec no_ds{"leaf", "critical,CA:FALSE", "critical,keyEncipherment"};
  ExpectReason(c.Check(kRoot, kInt, no_ds), "leaf: key usage lacks digitalSignature");
  Spec p256{"leaf", "critical,CA:FALSE", "critical,digitalSignature", "P-256"};
  ExpectReason(c.Check(kRoot, kInt, p256), "leaf: key is not EC P-384");
}

// Without keyUsage OpenSSL reports "any usage"; AWS leaves always carry it
// (digitalSignature), so a leaf without it is refused (issue 12, finding 11).
TEST(ChainRulesTest, LeafWithoutKeyUsageRefused) {
  ChainCase c;
  Spec no_ku{"leaf", "critical,CA:FALSE", ""};
  ExpectReason(c.Check(kRoot, kInt, no_ku), "leaf: no keyUsage extension");
}

}  // namespace
}  // namespace vinet::tee
