// Policy on real documents: debug rejection, freshness, nonce, PCR allowlist,
// key binding.
#include <gtest/gtest.h>

#include "test_data.h"
#include "vinet/tee/policy.h"

namespace vinet::tee {
namespace {

using testing::ReadData;

constexpr uint64_t kProdTs = 1665651482136ULL;
constexpr uint64_t kDebugTs = 1665582606081ULL;

VerifiedAttestation Verified(const char* file, uint64_t at) {
  auto v = VerifyAttestation(ReadData(file), TrustRoot::AwsNitro(), at);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return *v;
}

void ExpectPolicyFails(const Status& s, std::string_view reason) {
  EXPECT_EQ(s.code(), Code::kVerification) << s.ToString();
  EXPECT_NE(s.message().find(reason), std::string::npos) << s.ToString();
}

TEST(PolicyTest, DebugDocumentPassesChainButFailsDefaultPolicy) {
  VerifiedAttestation v = Verified("aws-debug-2022-10-12.cbor", kDebugTs);
  EXPECT_TRUE(v.document.IsDebug());
  ExpectPolicyFails(CheckPolicy(v, {}), "debug-mode enclave");
  AttestationPolicy dev;
  dev.allow_debug = true;
  EXPECT_TRUE(CheckPolicy(v, dev).ok());
}

TEST(PolicyTest, ProductionDocumentPassesDefaultPolicy) {
  EXPECT_TRUE(CheckPolicy(Verified("aws-prod-2022-10-13.cbor", kProdTs), {}).ok());
}

TEST(PolicyTest, Freshness) {
  AttestationPolicy p;
  p.max_age_ms = 5 * 60 * 1000;
  // Chain still valid 10 minutes later, but the document is too old.
  VerifiedAttestation later = Verified("aws-prod-2022-10-13.cbor", kProdTs + 10 * 60 * 1000);
  ExpectPolicyFails(CheckPolicy(later, p), "more than max age");
  EXPECT_TRUE(CheckPolicy(Verified("aws-prod-2022-10-13.cbor", kProdTs + 60 * 1000), p).ok());
}

TEST(PolicyTest, Nonce) {
  VerifiedAttestation v = Verified("aws-prod-2022-10-13.cbor", kProdTs);
  AttestationPolicy p;
  p.expected_nonce = *v.document.nonce;
  EXPECT_TRUE(CheckPolicy(v, p).ok());
  p.expected_nonce->front() ^= 1;
  ExpectPolicyFails(CheckPolicy(v, p), "nonce does not match");
  VerifiedAttestation no_nonce = Verified("aws-prod-2024-11-30.cbor", 1732983768387ULL);
  if (!no_nonce.document.nonce) ExpectPolicyFails(CheckPolicy(no_nonce, p), "nonce is absent");
}

TEST(PolicyTest, PcrAllowlistExactBytes) {
  VerifiedAttestation v = Verified("aws-prod-2022-10-13.cbor", kProdTs);
  AttestationPolicy p;
  Bytes pcr0 = v.document.pcrs.at(0);
  p.pcr_allowlist[0] = {Bytes(48, 1), pcr0};
  p.pcr_allowlist[8] = {v.document.pcrs.at(8)};
  EXPECT_TRUE(CheckPolicy(v, p).ok());
  p.pcr_allowlist[0] = {Bytes(pcr0.begin(), pcr0.end() - 1)};  // a prefix is not equal
  ExpectPolicyFails(CheckPolicy(v, p), "PCR0");
  p.pcr_allowlist.clear();
  p.pcr_allowlist[31] = {Bytes(48, 0)};
  ExpectPolicyFails(CheckPolicy(v, p), "PCR31 is absent");
}

TEST(PolicyTest, KeyBindingNeedsA32ByteKey) {
  AttestationPolicy p;
  p.require_enclave_key = true;
  // Real documents carry a 65-byte EC point or 1024 bytes: not vinet enclave keys.
  ExpectPolicyFails(CheckPolicy(Verified("aws-prod-2024-11-30.cbor", 1732983768387ULL), p),
                    "65 bytes, not a 32-byte Ed25519 key");
  ExpectPolicyFails(CheckPolicy(Verified("aws-prod-2022-10-13.cbor", kProdTs), p),
                    "public_key is absent");
  VerifiedAttestation full = Verified("aws-prod-2024-09-07.cbor", 1725719859545ULL);
  AttestationPolicy ud;
  ud.expected_user_data = *full.document.user_data;
  EXPECT_TRUE(CheckPolicy(full, ud).ok());
  ud.expected_user_data->back() ^= 1;
  ExpectPolicyFails(CheckPolicy(full, ud), "user_data does not match");
}

}  // namespace
}  // namespace vinet::tee
