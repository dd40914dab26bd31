// App-hash certificates (vinet/light/app_cert.h): the > 2/3 threshold, and
// every kind of signature that must not count.
#include <gtest/gtest.h>

#include "vinet/crypto/app_hash_message.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/crypto/hash.h"
#include "vinet/light/app_cert.h"

namespace vinet::light {
namespace {

const std::string kChain = "cert-chain";
constexpr int64_t kHeight = 42;

struct Net {
  std::vector<crypto::SecretKey> keys;
  ValidatorSet set;
};

// Validators with the given voting powers.
Net MakeNet(const std::vector<int64_t>& powers) {
  Net n;
  for (size_t i = 0; i < powers.size(); ++i) {
    Bytes seed(32, static_cast<uint8_t>(i + 1));
    n.keys.push_back(crypto::SecretKey::FromSeed(seed).value());
    Validator v;
    v.pub_key = n.keys.back().public_key();
    auto d = crypto::Sha256(v.pub_key);
    v.address.assign(d.begin(), d.begin() + 20);
    v.voting_power = powers[i];
    n.set.validators.push_back(v);
  }
  return n;
}

Bytes Hash(uint8_t fill) {
  return Bytes(32, fill);
}

AppHashSig Sign(const crypto::SecretKey& key, const Bytes& app_hash,
                const std::string& chain = kChain, int64_t height = kHeight) {
  AppHashSig s;
  s.source = "test";
  s.height = height;
  s.chain_id = chain;
  s.app_hash = app_hash;
  s.pub_key = key.public_key();
  auto sig = key.Sign(crypto::AppHashSignBytes(chain, height, app_hash));
  s.signature.assign(sig.begin(), sig.end());
  return s;
}

TEST(AppCert, MessageIsDomainSeparatedAndLengthPrefixed) {
  Bytes m = crypto::AppHashSignBytes("ab", 1, Hash(7));
  std::string prefix(crypto::kAppHashDomain);
  ASSERT_GT(m.size(), prefix.size());
  EXPECT_EQ(std::string(m.begin(), m.begin() + prefix.size()), prefix);
  EXPECT_EQ(m.size(), prefix.size() + 4 + 2 + 8 + 4 + 32);
  // A chain id that swallows the height's bytes must not collide.
  EXPECT_NE(crypto::AppHashSignBytes("ab", 1, Hash(7)),
            crypto::AppHashSignBytes(std::string_view("ab\0", 3), 1, Hash(7)));
}

TEST(AppCert, AcceptsMoreThanTwoThirds) {
  Net n = MakeNet({1, 1, 1, 1});
  std::vector<AppHashSig> sigs = {Sign(n.keys[0], Hash(1)), Sign(n.keys[1], Hash(1)),
                                  Sign(n.keys[2], Hash(1))};
  auto c = CheckAppHashCertificate(kChain, kHeight, n.set, sigs);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->app_hash, Hash(1));
  EXPECT_EQ(c->signed_power, 3);
  EXPECT_EQ(c->total_power, 4);
  EXPECT_EQ(c->signers, 3u);
}

TEST(AppCert, ExactlyTwoThirdsIsNotEnough) {
  Net n = MakeNet({1, 1, 1});
  std::vector<AppHashSig> sigs = {Sign(n.keys[0], Hash(1)), Sign(n.keys[1], Hash(1))};
  auto c = CheckAppHashCertificate(kChain, kHeight, n.set, sigs);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kUnavailable);
  EXPECT_NE(c.status().message().find("2 of 3"), std::string::npos) << c.status().message();
  // One more unit of power passes the threshold.
  Net m = MakeNet({2, 2, 1, 1});  // total 6: 4 is exactly 2/3, 5 is more
  auto at = CheckAppHashCertificate(kChain, kHeight, m.set,
                                    {Sign(m.keys[0], Hash(1)), Sign(m.keys[1], Hash(1))});
  EXPECT_EQ(at.status().code(), Code::kUnavailable);
  auto over = CheckAppHashCertificate(
      kChain, kHeight, m.set,
      {Sign(m.keys[0], Hash(1)), Sign(m.keys[1], Hash(1)), Sign(m.keys[2], Hash(1))});
  ASSERT_TRUE(over.ok()) << over.status().ToString();
  EXPECT_EQ(over->signed_power, 5);
}

TEST(AppCert, DuplicatesCountOnce) {
  Net n = MakeNet({1, 1, 1, 1});
  auto a = Sign(n.keys[0], Hash(1));
  std::vector<AppHashSig> sigs = {a, a, a, Sign(n.keys[1], Hash(1))};
  auto c = CheckAppHashCertificate(kChain, kHeight, n.set, sigs);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kUnavailable);
  EXPECT_NE(c.status().message().find("2 duplicate"), std::string::npos) << c.status().message();
}

TEST(AppCert, WrongChainIdHeightAndForgedSignaturesDoNotCount) {
  Net n = MakeNet({1, 1, 1, 1});
  auto forged = Sign(n.keys[2], Hash(1));
  forged.signature[5] ^= 1;
  // Signed for another chain but relabelled with ours: the signature fails.
  auto relabelled = Sign(n.keys[3], Hash(1), "other-chain");
  relabelled.chain_id = kChain;
  std::vector<AppHashSig> sigs = {Sign(n.keys[0], Hash(1)), Sign(n.keys[1], Hash(1), "other-chain"),
                                  Sign(n.keys[1], Hash(1), kChain, kHeight + 1), forged,
                                  relabelled};
  auto c = CheckAppHashCertificate(kChain, kHeight, n.set, sigs);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kUnavailable);
  const std::string m = c.status().message();
  EXPECT_NE(m.find("1 for another chain"), std::string::npos) << m;
  EXPECT_NE(m.find("1 for another height"), std::string::npos) << m;
  EXPECT_NE(m.find("2 bad signature"), std::string::npos) << m;
  EXPECT_NE(m.find("1 of 4"), std::string::npos) << m;
}

TEST(AppCert, ValidatorNotInTheSetDoesNotCount) {
  Net n = MakeNet({1, 1, 1, 1});
  Net outsiders = MakeNet({1, 1, 1, 1, 1, 1, 1, 1, 1});
  std::vector<AppHashSig> sigs = {Sign(n.keys[0], Hash(1)), Sign(n.keys[1], Hash(1))};
  for (size_t i = 4; i < outsiders.keys.size(); ++i)
    sigs.push_back(Sign(outsiders.keys[i], Hash(1)));
  auto c = CheckAppHashCertificate(kChain, kHeight, n.set, sigs);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("5 not in the validator set"), std::string::npos)
      << c.status().message();
}

TEST(AppCert, MinorityOnAnotherHashIsOutvoted) {
  Net n = MakeNet({1, 1, 1, 1});
  std::vector<AppHashSig> sigs = {Sign(n.keys[0], Hash(9)), Sign(n.keys[1], Hash(1)),
                                  Sign(n.keys[2], Hash(1)), Sign(n.keys[3], Hash(1))};
  auto c = CheckAppHashCertificate(kChain, kHeight, n.set, sigs);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->app_hash, Hash(1));
}

TEST(AppCert, TwoHashesEachOverAThirdIsAConflict) {
  Net n = MakeNet({1, 1, 1, 1});
  std::vector<AppHashSig> sigs = {Sign(n.keys[0], Hash(9)), Sign(n.keys[1], Hash(9)),
                                  Sign(n.keys[2], Hash(1)), Sign(n.keys[3], Hash(1))};
  auto c = CheckAppHashCertificate(kChain, kHeight, n.set, sigs);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kVerification);
  EXPECT_NE(c.status().message().find("conflicting"), std::string::npos);
}

TEST(AppCert, DecodeRejectsMalformedAnswers) {
  Net n = MakeNet({1});
  auto s = Sign(n.keys[0], Hash(3));
  std::string good = "{\"height\":42,\"chain_id\":\"cert-chain\",\"app_hash\":\"" +
                     ToHex(s.app_hash) + "\",\"pub_key\":\"" + ToHex(s.pub_key) +
                     "\",\"signature\":\"" + ToHex(s.signature) + "\"}";
  auto d = DecodeAppHashSig(good, "x");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(CheckAppHashCertificate(kChain, kHeight, n.set, {*d}).ok());
  EXPECT_EQ(DecodeAppHashSig("[", "x").status().code(), Code::kParse);
  auto no_sig =
      DecodeAppHashSig("{\"height\":1,\"chain_id\":\"c\",\"app_hash\":\"00\",\"pub_key\":\"" +
                           ToHex(s.pub_key) + "\"}",
                       "x");
  EXPECT_NE(no_sig.status().message().find("app_hash_sig.signature"), std::string::npos);
  auto short_key = DecodeAppHashSig(
      "{\"height\":1,\"chain_id\":\"c\",\"app_hash\":\"00\",\"pub_key\":\"00\",\"signature\":"
      "\"00\"}",
      "x");
  EXPECT_NE(short_key.status().message().find("app_hash_sig.pub_key"), std::string::npos);
  auto deep = DecodeAppHashSig(std::string(100, '[') + std::string(100, ']'), "x");
  EXPECT_EQ(deep.status().code(), Code::kParse);
}

}  // namespace
}  // namespace vinet::light
