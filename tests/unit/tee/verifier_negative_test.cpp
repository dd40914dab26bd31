// Negative cases built from the real documents: each mutation is rejected for
// its own reason. Nothing is re-signed.
#include <gtest/gtest.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>

#include <algorithm>

#include "mutate.h"
#include "test_data.h"
#include "vinet/tee/dev_ca.h"
#include "vinet/tee/verifier.h"

namespace vinet::tee {
namespace {

using testing::FieldRaw;
using testing::Join;
using testing::Parts;
using testing::ReadData;
using testing::ReplaceField;
using testing::Split;

constexpr uint64_t kTs = 1665651482136ULL;
const char* kDoc = "aws-prod-2022-10-13.cbor";

Status Verify(ByteSpan doc, uint64_t at = kTs) {
  return VerifyAttestation(doc, TrustRoot::AwsNitro(), at).status();
}

void ExpectFails(const Status& s, Code code, std::string_view reason) {
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_NE(s.message().find(reason), std::string::npos)
      << "wanted \"" << reason << "\" in: " << s.ToString();
}

Bytes Encoded(const std::function<void(cbor::Writer&)>& f) {
  cbor::Writer w;
  f(w);
  return std::move(w).bytes();
}

// Flips the last byte of a bstr/text value's content, keeping its encoding.
Bytes FlipLast(Bytes raw) {
  raw.back() ^= 0x01;
  return raw;
}

Bytes CabundleOf(const std::vector<Bytes>& certs) {
  return Encoded([&](cbor::Writer& w) {
    w.Array(certs.size());
    for (const auto& c : certs) w.Bstr(c);
  });
}

std::vector<Bytes> Bundle(ByteSpan doc) {
  return ParseAttestationUnverified(doc)->cabundle;
}

TEST(VerifierNegativeTest, OriginalVerifies) {
  EXPECT_TRUE(Verify(ReadData(kDoc)).ok());
}

TEST(VerifierNegativeTest, EachSignedFieldChangedBreaksTheSignature) {
  Bytes doc = ReadData(kDoc);
  // The 2024-09-07 document carries all three optional fields (1024 bytes each).
  Bytes full = ReadData("aws-prod-2024-09-07.cbor");
  for (const char* field : {"module_id", "public_key", "user_data", "nonce"}) {
    Bytes changed = ReplaceField(full, field, FlipLast(FieldRaw(full, field)));
    ExpectFails(Verify(changed, 1725719859545ULL), Code::kVerification,
                "signature: ES384 signature does not verify");
  }
  // timestamp + 1 ms: still inside the leaf's validity, so only the signature catches it.
  Bytes ts = ReplaceField(doc, "timestamp", Encoded([](cbor::Writer& w) { w.Uint(kTs + 1); }));
  ExpectFails(Verify(ts), Code::kVerification, "signature: ES384");
  // one PCR byte
  auto parsed = ParseAttestationUnverified(doc);
  Bytes pcrs = Encoded([&](cbor::Writer& w) {
    w.Map(parsed->pcrs.size());
    for (auto [i, v] : parsed->pcrs) {
      if (i == 0) v[47] ^= 1;
      w.Uint(i).Bstr(v);
    }
  });
  ExpectFails(Verify(ReplaceField(doc, "pcrs", pcrs)), Code::kVerification, "signature: ES384");
}

TEST(VerifierNegativeTest, FieldRulesRejectWrongValues) {
  Bytes doc = ReadData(kDoc);
  ExpectFails(Verify(ReplaceField(doc, "digest", Encoded([](auto& w) { w.Text("SHA256"); }))),
              Code::kParse, "attestation.digest");
  ExpectFails(
      Verify(ReplaceField(doc, "timestamp", Encoded([](auto& w) { w.Text("1665651482136"); }))),
      Code::kParse, "attestation.timestamp: expected unsigned, got text");
  ExpectFails(Verify(ReplaceField(doc, "module_id", Encoded([](auto& w) { w.Text(""); }))),
              Code::kParse, "attestation.module_id: empty");
  ExpectFails(Verify(ReplaceField(doc, "pcrs",
                                  Encoded([](auto& w) { w.Map(1).Uint(32).Bstr(Bytes(48)); }))),
              Code::kParse, "attestation.pcrs: index");
  ExpectFails(
      Verify(ReplaceField(doc, "pcrs", Encoded([](auto& w) { w.Map(1).Uint(0).Bstr(Bytes(47)); }))),
      Code::kParse, "attestation.pcrs[0]: 47 bytes");
  ExpectFails(Verify(ReplaceField(doc, "nonce", Encoded([](auto& w) { w.Bstr(Bytes(1025)); }))),
              Code::kParse, "attestation.nonce: 1025 bytes");
  ExpectFails(Verify(ReplaceField(doc, "certificate", Encoded([](auto& w) { w.Null(); }))),
              Code::kParse, "attestation.certificate: expected bytes, got null");
}

TEST(VerifierNegativeTest, CertificateBytesChangedBreakTheChain) {
  Bytes doc = ReadData(kDoc);
  // Flip a byte inside the leaf's signature value (its last byte): still DER.
  Bytes leaf = ReplaceField(doc, "certificate", FlipLast(FieldRaw(doc, "certificate")));
  ExpectFails(Verify(leaf), Code::kVerification, "chain: certificate signature failure");
  auto bundle = Bundle(doc);
  bundle[2].back() ^= 0x01;
  ExpectFails(Verify(ReplaceField(doc, "cabundle", CabundleOf(bundle))), Code::kVerification,
              "chain: certificate signature failure");
}

TEST(VerifierNegativeTest, SignatureChanged) {
  Bytes doc = ReadData(kDoc);
  Parts p = Split(doc);
  p.signature[10] ^= 0x40;
  ExpectFails(Verify(Join(p)), Code::kVerification, "signature: ES384 signature does not verify");
}

// ECDSA is malleable: (r, n - s) verifies as well as (r, s). The verifier
// accepts both (AWS signs high-S about half the time), which is why signature
// bytes must never serve as a document's identifier.
TEST(VerifierNegativeTest, NegatedSStillVerifiesByDesign) {
  Bytes doc = ReadData(kDoc);
  Parts p = Split(doc);
  BIGNUM* n = nullptr;
  BN_hex2bn(&n,
            "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec19"
            "6accc52973");
  BIGNUM* s = BN_bin2bn(p.signature.data() + 48, 48, nullptr);
  BIGNUM* ns = BN_new();
  BN_sub(ns, n, s);
  BN_bn2binpad(ns, p.signature.data() + 48, 48);
  BN_free(n);
  BN_free(s);
  BN_free(ns);
  Bytes flipped = Join(p);
  EXPECT_NE(flipped, doc);
  EXPECT_TRUE(Verify(flipped).ok()) << Verify(flipped).ToString();
}

TEST(VerifierNegativeTest, CabundleReorderedOrTruncated) {
  Bytes doc = ReadData(kDoc);
  auto bundle = Bundle(doc);
  ASSERT_GE(bundle.size(), 4u);
  auto reversed = bundle;
  std::reverse(reversed.begin(), reversed.end());  // leaf-side first: the wrong order
  ExpectFails(Verify(ReplaceField(doc, "cabundle", CabundleOf(reversed))), Code::kVerification,
              "cabundle[0] is not a pinned root");
  auto swapped = bundle;
  std::swap(swapped[1], swapped[2]);
  ExpectFails(Verify(ReplaceField(doc, "cabundle", CabundleOf(swapped))), Code::kVerification,
              "cabundle: certificate order does not match");
  auto truncated = bundle;
  truncated.pop_back();
  ExpectFails(Verify(ReplaceField(doc, "cabundle", CabundleOf(truncated))), Code::kVerification,
              "chain: unable to get local issuer certificate");
  ExpectFails(Verify(ReplaceField(doc, "cabundle", CabundleOf({bundle[1], bundle[2], bundle[3]}))),
              Code::kVerification, "cabundle[0] is not a pinned root");
  ExpectFails(Verify(ReplaceField(doc, "cabundle", CabundleOf({}))), Code::kParse,
              "attestation.cabundle: empty");
}

TEST(VerifierNegativeTest, InjectedSelfSignedCertificate) {
  Bytes doc = ReadData(kDoc);
  auto other = DevCa::CreateEphemeral();
  ASSERT_TRUE(other.ok());
  auto bundle = Bundle(doc);
  auto appended = bundle;
  appended.push_back(other->root().der());
  ExpectFails(Verify(ReplaceField(doc, "cabundle", CabundleOf(appended))), Code::kVerification,
              "cabundle: path has");
  auto first = bundle;
  first.insert(first.begin(), other->root().der());
  ExpectFails(Verify(ReplaceField(doc, "cabundle", CabundleOf(first))), Code::kVerification,
              "cabundle[0] is not a pinned root");
  // Even when the caller also trusts the injected root, the leaf does not chain to it.
  std::vector<TrustRoot> roots{TrustRoot::AwsNitro(), other->root()};
  auto replaced = bundle;
  replaced[0] = other->root().der();
  auto v = VerifyAttestation(ReplaceField(doc, "cabundle", CabundleOf(replaced)), roots, kTs);
  ExpectFails(v.status(), Code::kVerification, "chain:");
}

TEST(VerifierNegativeTest, FailsUnderAnotherRoot) {
  auto other = DevCa::CreateEphemeral();
  ASSERT_TRUE(other.ok());
  for (const auto& d : testing::kRealDocs) {
    auto v = VerifyAttestation(ReadData(d.file), other->root(), d.timestamp_ms);
    ExpectFails(v.status(), Code::kVerification, "cabundle[0] is not a pinned root");
  }
}

TEST(VerifierNegativeTest, DuplicatePayloadKeys) {
  Bytes doc = ReadData(kDoc);
  Parts p = Split(doc);
  Bytes dup = Encoded([](cbor::Writer& w) { w.Text("pcrs").Map(1).Uint(0).Bstr(Bytes(48, 7)); });
  p.payload = testing::RewritePayload(
      p.payload, [](std::string_view, ByteSpan raw) { return Bytes(raw.begin(), raw.end()); }, dup,
      1);
  ExpectFails(Verify(Join(p)), Code::kParse, "duplicate map key");
}

TEST(VerifierNegativeTest, TrailingBytes) {
  Bytes doc = ReadData(kDoc);
  doc.push_back(0x00);
  ExpectFails(Verify(doc), Code::kParse, "1 trailing byte(s)");
  Parts p = Split(ReadData(kDoc));
  p.payload.push_back(0xf6);
  ExpectFails(Verify(Join(p)), Code::kParse, "trailing byte");
}

TEST(VerifierNegativeTest, WrongAlgAndEnvelope) {
  Bytes doc = ReadData(kDoc);
  Parts p = Split(doc);
  p.protected_header = Encoded([](cbor::Writer& w) { w.Map(1).Uint(1).Int(-7); });  // ES256
  ExpectFails(Verify(Join(p)), Code::kUnsupported, "alg -7 is not ES384");
  p = Split(doc);
  p.protected_header =
      Encoded([](cbor::Writer& w) { w.Map(2).Uint(1).Int(-35).Uint(4).Bstr(Bytes(4)); });
  ExpectFails(Verify(Join(p)), Code::kParse, "protected header must hold only alg");
  Bytes tagged = Encoded([&](cbor::Writer& w) { w.Tag(18).Raw(doc); });
  EXPECT_TRUE(Verify(tagged).ok());
  Bytes other_tag = Encoded([&](cbor::Writer& w) { w.Tag(98).Raw(doc); });
  ExpectFails(Verify(other_tag), Code::kParse, "tag 98 is not 18");
  Bytes five = doc;
  five[0] = 0x85;
  five.push_back(0xf6);
  ExpectFails(Verify(five), Code::kParse, "5 elements, not 4");
}

TEST(VerifierNegativeTest, DerSignatureInsteadOfRaw) {
  Bytes doc = ReadData(kDoc);
  Parts p = Split(doc);
  // Encode r and s as an ASN.1 SEQUENCE of two INTEGERs, the DER form.
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(p.signature.data(), 48, nullptr),
                 BN_bin2bn(p.signature.data() + 48, 48, nullptr));
  unsigned char* der = nullptr;
  int n = i2d_ECDSA_SIG(sig, &der);
  p.signature.assign(der, der + n);
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  ExpectFails(Verify(Join(p)), Code::kParse, "96 raw bytes r||s (DER is not accepted)");
}

TEST(VerifierNegativeTest, TimestampInSeconds) {
  Bytes doc = ReadData(kDoc);
  Bytes seconds =
      ReplaceField(doc, "timestamp", Encoded([](cbor::Writer& w) { w.Uint(kTs / 1000); }));
  ExpectFails(Verify(seconds), Code::kVerification, "outside the leaf certificate's validity");
  ExpectFails(Verify(seconds, kTs / 1000), Code::kVerification, "timestamp:");
}

}  // namespace
}  // namespace vinet::tee
