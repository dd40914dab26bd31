// The enclave over its unix socket: info, attest, infer, errors, and a
// receipt that verifies end to end with the attested key.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include <filesystem>

#include "enclave_fixture.h"
#include "tee/enclave/refusal.h"
#include "vinet/tee/enclave_server.h"
#include "vinet/tee/receipt_verifier.h"

namespace vinet::tee {
namespace {

namespace fs = std::filesystem;

fs::path SocketPath() {
  return fs::temp_directory_path() / ("vinet-enclave-" + std::to_string(::getpid()) + "-" +
                                      std::to_string(testing::NowMs()) + ".sock");
}

TEST(EnclaveServerTest, AttestInferVerifyOverTheSocket) {
  auto te = testing::MakeTestEnclave();
  fs::path path = SocketPath();
  EnclaveServer server(*te.enclave, path);
  ASSERT_TRUE(server.Start().ok());
  auto client = EnclaveClient::Connect(path);
  ASSERT_TRUE(client.ok()) << client.status().ToString();

  auto info = client->Info();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->models, std::vector<std::string>{"echo"});
  EXPECT_EQ(info->provider, "emulator");
  EXPECT_EQ(info->enclave_key.size(), 32u);

  Bytes nonce{1, 2, 3, 4};
  auto doc = client->Attest(nonce);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  AttestationPolicy policy;
  policy.expected_nonce = nonce;
  policy.expected_public_key = info->enclave_key;
  policy.expected_user_data = info->config_hash;
  policy.pcr_allowlist[0] = {info->pcr0};
  policy.pcr_allowlist[2] = {info->pcr2};
  AttestationCache cache;
  uint64_t now = testing::NowMs();
  ASSERT_TRUE(cache.Add(*doc, std::span<const TrustRoot>(&te.root, 1), now, policy).ok());

  auto node = crypto::SecretKey::Generate();
  InferRequest req{Bytes(32, 5),
                   Bytes(node.public_key().begin(), node.public_key().end()),
                   "echo",
                   {protocol::F32Tensor("x", {3}, {1, 2, 3})}};
  auto receipt = client->Infer(req);
  ASSERT_TRUE(receipt.ok()) << receipt.status().ToString();
  EXPECT_TRUE(VerifyReceipt(*receipt, cache, now).ok());
  ASSERT_TRUE(protocol::SignAsNode(*receipt, node).ok());
  EXPECT_TRUE(VerifyReceipt(*receipt, cache, now).ok());

  req.model_id = "missing";
  auto missing = client->Infer(req);
  // A refusal caused by the request keeps its code (the node answers 4xx).
  EXPECT_EQ(missing.status().code(), Code::kNotFound) << missing.status().ToString();
  EXPECT_TRUE(missing.status().message().starts_with("enclave: ")) << missing.status().ToString();
  auto bad = client->Call("{\"method\":\"attest\",\"nonce\":\"zz\"}");
  ASSERT_TRUE(bad.ok());
  EXPECT_NE(bad->find("\"ok\":false"), std::string::npos);
  std::string ids = std::string(64, '1');
  for (const char* inputs :
       {"5", "[{\"name\":\"x\",\"dtype\":\"f32\",\"shape\":\"x\"}]",
        "[{\"name\":\"x\",\"dtype\":\"f32\",\"shape\":[1],\"values\":[\"a\"]}]",
        "[{\"name\":\"x\",\"dtype\":\"f32\",\"shape\":[2],\"values\":[1]}]"}) {
    auto reply =
        client->Call("{\"method\":\"infer\",\"inference_id\":\"" + ids + "\",\"node_id\":\"" + ids +
                     "\",\"model_id\":\"echo\",\"inputs\":" + inputs + "}");
    ASSERT_TRUE(reply.ok());
    EXPECT_NE(reply->find("\"ok\":false"), std::string::npos) << inputs << " -> " << *reply;
  }
  auto junk = client->Call("not json");
  ASSERT_TRUE(junk.ok());
  EXPECT_NE(junk->find("\"code\":\"parse\""), std::string::npos);

  server.Stop();
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(EnclaveClient::Connect(path).ok());
}

TEST(EnclaveServerTest, RefusalsKeepTheCallersCodesOnly) {
  for (Code c : {Code::kInvalidArgument, Code::kParse, Code::kOutOfRange, Code::kNotFound,
                 Code::kUnsupported, Code::kUnauthenticated}) {
    Status s = EnclaveRefusal(std::string(CodeName(c)), "input 'x': shape [3] is not [2]");
    EXPECT_EQ(s.code(), c);
    EXPECT_EQ(s.message(), "enclave: input 'x': shape [3] is not [2]");
  }
  // Anything else is the enclave failing to serve: 503, retried once by the pool.
  for (const char* name : {"internal", "io", "unavailable", "?", "bogus"}) {
    Status s = EnclaveRefusal(name, "boom");
    EXPECT_EQ(s.code(), Code::kUnavailable) << name;
    EXPECT_EQ(s.message(), std::string("enclave: ") + name + ": boom");
  }
}

TEST(EnclaveServerTest, OversizedFrameClosesTheConnection) {
  auto te = testing::MakeTestEnclave();
  fs::path path = SocketPath();
  EnclaveServer server(*te.enclave, path);
  ASSERT_TRUE(server.Start().ok());
  auto client = EnclaveClient::Connect(path);
  ASSERT_TRUE(client.ok());
  // A second, raw connection sends a 4 GiB length prefix: the server drops it.
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  const uint8_t huge[4] = {0xff, 0xff, 0xff, 0xff};
  ASSERT_EQ(::write(fd, huge, 4), 4);
  char buf[1];
  EXPECT_EQ(::read(fd, buf, 1), 0);  // closed without a reply
  ::close(fd);
  EXPECT_TRUE(client->Info().ok());  // other connections are unaffected
  server.Stop();
}

}  // namespace
}  // namespace vinet::tee
