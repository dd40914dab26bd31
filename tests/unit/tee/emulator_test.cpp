// The emulator: documents in the Nitro format that verify under the dev root
// with the emulator's PCRs, and never under the AWS root.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "vinet/cbor/cbor.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/tee/cose.h"
#include "vinet/tee/emulator.h"
#include "vinet/tee/measurement.h"
#include "vinet/tee/policy.h"

namespace vinet::tee {
namespace {

namespace fs = std::filesystem;

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("vinet-tee-test-" + std::to_string(::getpid()) + "-" + std::to_string(NowMs()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

EmulatorProvider MakeEmulator(bool debug, bool indefinite = true) {
  auto ca = DevCa::CreateEphemeral();
  EXPECT_TRUE(ca.ok());
  crypto::Digest384 image = crypto::Sha384(AsBytes("image"));
  crypto::Digest384 config = crypto::Sha384(AsBytes("config"));
  EmulatorOptions o;
  o.debug = debug;
  o.indefinite_map = indefinite;
  return EmulatorProvider(std::move(*ca), image, config, o);
}

TEST(EmulatorTest, DocumentsVerifyUnderDevRootWithItsPcrs) {
  for (bool indefinite : {true, false}) {
    EmulatorProvider emu = MakeEmulator(false, indefinite);
    auto key = crypto::SecretKey::Generate();
    AttestationRequest req;
    req.nonce = Bytes{1, 2, 3};
    req.public_key = Bytes(key.public_key().begin(), key.public_key().end());
    req.user_data = Bytes(32, 9);
    uint64_t now = NowMs();
    auto doc = emu.AttestAt(req, now);
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    // Exactly the Nitro envelope: untagged 4-array, protected a1 01 38 22, empty map.
    EXPECT_EQ((*doc)[0], 0x84);
    auto cose = ParseCoseSign1(*doc);
    ASSERT_TRUE(cose.ok());
    EXPECT_FALSE(cose->tagged);
    EXPECT_EQ(cose->payload[0], indefinite ? 0xbf : 0xa9);
    auto v = VerifyAttestation(*doc, emu.root(), now);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(v->document.pcrs, emu.pcrs());
    crypto::Digest384 image = crypto::Sha384(AsBytes("image"));
    EXPECT_EQ(v->document.pcrs.at(0), Bytes(image.begin(), image.end()));
    EXPECT_EQ(v->document.nonce, req.nonce);
    EXPECT_EQ(v->leaf.not_after_s - v->leaf.not_before_s, 3 * 3600);
    AttestationPolicy p;
    p.expected_nonce = req.nonce;
    p.require_enclave_key = true;
    p.expected_public_key = req.public_key;
    p.max_age_ms = 60'000;
    p.pcr_allowlist[0] = {emu.pcrs().at(0)};
    p.pcr_allowlist[2] = {emu.pcrs().at(2)};
    EXPECT_TRUE(CheckPolicy(*v, p).ok()) << CheckPolicy(*v, p).ToString();
    auto aws = VerifyAttestation(*doc, TrustRoot::AwsNitro(), now);
    EXPECT_EQ(aws.status().code(), Code::kVerification);
    EXPECT_NE(aws.status().message().find("cabundle[0] is not a pinned root"), std::string::npos);
    // Expired three hours later.
    EXPECT_FALSE(VerifyAttestation(*doc, emu.root(), now + 3 * 3600 * 1000 + 2000).ok());
  }
}

TEST(EmulatorTest, FutureTimestampFailsFreshness) {
  EmulatorProvider emu = MakeEmulator(false);
  uint64_t now = NowMs();
  ASSERT_TRUE(emu.AttestAt({}, now).ok());  // issues the leaf at `now`
  auto ahead = emu.AttestAt({}, now + 2 * 60 * 1000);
  ASSERT_TRUE(ahead.ok());
  auto v = VerifyAttestation(*ahead, emu.root(), now);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  Status s = CheckPolicy(*v, {});
  EXPECT_EQ(s.code(), Code::kVerification);
  EXPECT_NE(s.message().find("in the future"), std::string::npos) << s.ToString();
}

TEST(EmulatorTest, AbsentFieldsAreNullAndAllNineKeysPresent) {
  EmulatorProvider emu = MakeEmulator(false);
  auto doc = emu.Attest({});
  ASSERT_TRUE(doc.ok());
  auto cose = ParseCoseSign1(*doc);
  auto payload = cbor::Decode(cose->payload);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(payload->map_size(), 9u);
  EXPECT_TRUE(payload->Find("nonce")->IsNull());
  EXPECT_TRUE(payload->Find("public_key")->IsNull());
}

TEST(EmulatorTest, DebugZeroesPcr012AndFailsDefaultPolicy) {
  EmulatorProvider emu = MakeEmulator(true);
  uint64_t now = NowMs();
  auto doc = emu.AttestAt({}, now);
  ASSERT_TRUE(doc.ok());
  auto v = VerifyAttestation(*doc, emu.root(), now);
  ASSERT_TRUE(v.ok());
  for (uint32_t i : {0u, 1u, 2u}) EXPECT_EQ(v->document.pcrs.at(i), Bytes(48, 0));
  EXPECT_TRUE(v->document.IsDebug());
  EXPECT_NE(CheckPolicy(*v, {}).message().find("debug-mode"), std::string::npos);
}

TEST(EmulatorTest, RejectsOversizedFields) {
  EmulatorProvider emu = MakeEmulator(false);
  AttestationRequest req;
  req.user_data = Bytes(1025);
  EXPECT_EQ(emu.Attest(req).status().code(), Code::kInvalidArgument);
}

TEST(DevCaTest, PersistedRootIsReloaded) {
  TempDir dir;
  auto first = DevCa::LoadOrCreate(dir.path);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = DevCa::LoadOrCreate(dir.path);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(first->root().der(), second->root().der());
  EXPECT_EQ(first->intermediate_der(), second->intermediate_der());
  auto from_file = TrustRoot::FromPemFile(dir.path / "root.pem");
  ASSERT_TRUE(from_file.ok());
  EXPECT_EQ(from_file->der(), first->root().der());
  EXPECT_EQ(fs::status(dir.path / "root.key.pem").permissions() & fs::perms::others_read,
            fs::perms::none);
}

TEST(MeasurementTest, ChangesWithBinaryModelsAndDebug) {
  TempDir dir;
  fs::create_directories(dir.path / "models");
  std::ofstream(dir.path / "bin") << "binary-v1";
  std::ofstream(dir.path / "models" / "a.onnx") << "model-a";
  auto m1 = MeasureEnclave(dir.path / "bin", dir.path / "models", false);
  ASSERT_TRUE(m1.ok());
  EXPECT_NE(m1->config.find("model a.onnx "), std::string::npos);
  EXPECT_EQ(m1->config_hash, crypto::Sha256(AsBytes(m1->config)));
  std::ofstream(dir.path / "bin") << "binary-v2";
  auto m2 = MeasureEnclave(dir.path / "bin", dir.path / "models", false);
  EXPECT_NE(m1->image, m2->image);
  EXPECT_EQ(m1->config_pcr, m2->config_pcr);
  std::ofstream(dir.path / "models" / "b.onnx") << "model-b";
  auto m3 = MeasureEnclave(dir.path / "bin", dir.path / "models", false);
  EXPECT_NE(m2->image, m3->image);
  EXPECT_NE(m2->config_pcr, m3->config_pcr);
  auto m4 = MeasureEnclave(dir.path / "bin", dir.path / "models", true);
  EXPECT_NE(m3->config_hash, m4->config_hash);
  EXPECT_EQ(MeasureEnclave(dir.path / "nope", dir.path / "models", false).status().code(),
            Code::kIo);
}

}  // namespace
}  // namespace vinet::tee
