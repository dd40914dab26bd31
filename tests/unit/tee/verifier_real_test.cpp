// The verifier against the real AWS Nitro documents: each verifies at its own
// timestamp under the AWS root, fails today (expired) and under other roots.
#include <gtest/gtest.h>

#include <chrono>

#include "test_data.h"
#include "vinet/crypto/hash.h"
#include "vinet/tee/verifier.h"

namespace vinet::tee {
namespace {

using testing::kRealDocs;
using testing::ReadData;

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

TEST(TrustRootTest, BuiltInAwsRootMatchesFileAndFingerprint) {
  const TrustRoot& aws = TrustRoot::AwsNitro();
  EXPECT_EQ(aws.fingerprint(), kAwsNitroRootSha256);
  auto from_file = TrustRoot::FromPemFile(testing::DataPath("aws-nitro-root-g1.pem"));
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  EXPECT_EQ(from_file->der(), aws.der());
  EXPECT_EQ(ToHex(crypto::Sha256(aws.der())), kAwsNitroRootSha256);
}

TEST(VerifierRealTest, EveryRealDocumentVerifiesAtItsOwnTimestamp) {
  for (const auto& d : kRealDocs) {
    Bytes doc = ReadData(d.file);
    auto v = VerifyAttestation(doc, TrustRoot::AwsNitro(), d.timestamp_ms);
    ASSERT_TRUE(v.ok()) << d.file << ": " << v.status().ToString();
    EXPECT_EQ(v->document.timestamp_ms, d.timestamp_ms) << d.file;
    EXPECT_EQ(v->document.digest, "SHA384");
    EXPECT_EQ(v->document.pcrs.size(), 16u);
    EXPECT_EQ(v->document.IsDebug(), d.debug) << d.file;
    EXPECT_EQ(v->root_fingerprint, kAwsNitroRootSha256);
    EXPECT_EQ(v->document.cabundle.front(), TrustRoot::AwsNitro().der());
    EXPECT_FALSE(v->document.module_id.empty());
    EXPECT_LE(v->leaf.not_before_s * 1000, static_cast<int64_t>(d.timestamp_ms));
  }
}

TEST(VerifierRealTest, SpecificFieldsOfRealDocuments) {
  auto prod2024 = VerifyAttestation(ReadData("aws-prod-2024-09-07.cbor"), TrustRoot::AwsNitro(),
                                    1725719859545ULL);
  ASSERT_TRUE(prod2024.ok());
  EXPECT_EQ(prod2024->document.public_key->size(), 1024u);
  EXPECT_EQ(prod2024->document.user_data->size(), 1024u);
  EXPECT_EQ(prod2024->document.nonce->size(), 1024u);
  auto prod2022 = VerifyAttestation(ReadData("aws-prod-2022-10-13.cbor"), TrustRoot::AwsNitro(),
                                    1665651482136ULL);
  ASSERT_TRUE(prod2022.ok());
  EXPECT_EQ(prod2022->document.nonce->size(), 256u);
  EXPECT_NE(prod2022->document.pcrs.at(8), Bytes(48, 0));  // signed EIF
  auto late2024 = VerifyAttestation(ReadData("aws-prod-2024-11-30.cbor"), TrustRoot::AwsNitro(),
                                    1732983768387ULL);
  ASSERT_TRUE(late2024.ok());
  EXPECT_EQ(late2024->document.public_key->size(), 65u);
}

// Pins the X.509 time rules on the real documents (the chain's result must
// not move with the linked OpenSSL): valid from the leaf's notBefore
// (inclusive) to its notAfter (exclusive: at notAfter itself the leaf has
// expired), refused one second before notBefore, each with its reason.
TEST(VerifierRealTest, LeafValidityBoundariesArePinned) {
  for (const auto& d : kRealDocs) {
    Bytes doc = ReadData(d.file);
    auto at_ts = VerifyAttestation(doc, TrustRoot::AwsNitro(), d.timestamp_ms);
    ASSERT_TRUE(at_ts.ok()) << d.file << ": " << at_ts.status().ToString();
    const uint64_t nb = static_cast<uint64_t>(at_ts->leaf.not_before_s) * 1000;
    const uint64_t na = static_cast<uint64_t>(at_ts->leaf.not_after_s) * 1000;
    EXPECT_TRUE(VerifyAttestation(doc, TrustRoot::AwsNitro(), nb).ok()) << d.file;
    auto last = VerifyAttestation(doc, TrustRoot::AwsNitro(), na - 1000);
    EXPECT_TRUE(last.ok()) << d.file << ": " << last.status().ToString();
    auto early = VerifyAttestation(doc, TrustRoot::AwsNitro(), nb - 1000);
    ASSERT_FALSE(early.ok()) << d.file;
    EXPECT_NE(early.status().message().find("chain: certificate is not yet valid"),
              std::string::npos)
        << early.status().message();
    auto late = VerifyAttestation(doc, TrustRoot::AwsNitro(), na);
    ASSERT_FALSE(late.ok()) << d.file;
    EXPECT_NE(late.status().message().find("chain: certificate has expired"), std::string::npos)
        << late.status().message();
    EXPECT_EQ(at_ts->root_fingerprint, kAwsNitroRootSha256);
  }
}

TEST(VerifierRealTest, EveryRealDocumentIsExpiredNow) {
  for (const auto& d : kRealDocs) {
    auto v = VerifyAttestation(ReadData(d.file), TrustRoot::AwsNitro(), NowMs());
    ASSERT_FALSE(v.ok()) << d.file;
    EXPECT_EQ(v.status().code(), Code::kVerification);
    EXPECT_NE(v.status().message().find("chain: certificate has expired"), std::string::npos)
        << v.status().message();
  }
}

TEST(VerifierRealTest, FailsThreeHoursAfterItsTimestamp) {
  for (const auto& d : kRealDocs) {
    auto v = VerifyAttestation(ReadData(d.file), TrustRoot::AwsNitro(),
                               d.timestamp_ms + 4 * 3600 * 1000ULL);
    EXPECT_FALSE(v.ok()) << d.file;
  }
}

// Verification under other roots is in verifier_negative_test.cpp
// (FailsUnderAnotherRoot); here: an intermediate can never be made a root.
TEST(VerifierRealTest, IntermediateIsNotAcceptedAsRoot) {
  Bytes doc = ReadData("aws-prod-2022-10-13.cbor");
  auto parsed = ParseAttestationUnverified(doc);
  ASSERT_TRUE(parsed.ok());
  auto as_root = TrustRoot::FromDer(parsed->cabundle[1]);
  EXPECT_EQ(as_root.status().code(), Code::kVerification);
  EXPECT_NE(as_root.status().message().find("not self-issued"), std::string::npos)
      << as_root.status().ToString();
}

TEST(VerifierRealTest, SelfSignedFakeIsRejected) {
  Bytes doc = ReadData("selfsigned-fake.cbor");
  for (uint64_t at : {uint64_t{1}, uint64_t{1700000000000ULL}, NowMs()}) {
    auto v = VerifyAttestation(doc, TrustRoot::AwsNitro(), at);
    ASSERT_FALSE(v.ok());
    EXPECT_NE(v.status().code(), Code::kOk);
  }
  // Its first failure is the null unprotected header; give it the empty map a
  // real document has and it still fails, now on its null cabundle.
  auto v = VerifyAttestation(doc, TrustRoot::AwsNitro(), NowMs());
  EXPECT_EQ(v.status().code(), Code::kParse);
  EXPECT_NE(v.status().message().find("unprotected header is not a map"), std::string::npos);
  ASSERT_EQ(doc[6], 0xf6);
  doc[6] = 0xa0;
  v = VerifyAttestation(doc, TrustRoot::AwsNitro(), NowMs());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), Code::kParse);
  EXPECT_NE(v.status().message().find("attestation.cabundle: expected array, got null"),
            std::string::npos)
      << v.status().ToString();
}

}  // namespace
}  // namespace vinet::tee
