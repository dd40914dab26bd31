#include <gtest/gtest.h>

#include <filesystem>

#include "vinet/crypto/ed25519.h"
#include "vinet/crypto/hash.h"

namespace vinet::crypto {
namespace {

TEST(HashTest, KnownAnswers) {
  EXPECT_EQ(ToHex(Sha256(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(Sha384(AsBytes("abc"))),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
  Sha256Hasher h;
  h.Update(AsBytes("a")).Update(AsBytes("bc"));
  EXPECT_EQ(h.Finish(), Sha256(AsBytes("abc")));
}

TEST(Ed25519Test, Rfc8032Vector1) {
  auto seed = *FromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  auto key = *SecretKey::FromSeed(seed);
  EXPECT_EQ(ToHex(key.public_key()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  Signature sig = key.Sign({});
  EXPECT_EQ(ToHex(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_TRUE(Verify(key.public_key(), {}, sig));
  sig[0] ^= 1;
  EXPECT_FALSE(Verify(key.public_key(), {}, sig));
}

TEST(Ed25519Test, KeyFileRoundTripRefusesOverwrite) {
  auto dir = std::filesystem::temp_directory_path() / ("vinet-key-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto path = dir / "k.json";
  SecretKey key = SecretKey::Generate();
  ASSERT_TRUE(SaveKeyFile(key, path).ok());
  EXPECT_EQ(SaveKeyFile(key, path).code(), Code::kAlreadyExists);
  auto loaded = LoadKeyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->public_key(), key.public_key());
  EXPECT_EQ(AddressOf(key.public_key()).size(), 40u);
  EXPECT_EQ(LoadKeyFile(dir / "missing").status().code(), Code::kNotFound);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vinet::crypto
