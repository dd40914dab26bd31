// The node's side of the enclave transport: the [enclave] config keys, and the
// connection pool over unix and tcp (it reconnects to an enclave restarted on
// the same endpoint, and a timed-out call drops its connection).
#include <gtest/gtest.h>

#include <fstream>

#include "node_test_util.h"
#include "unit/tee/enclave_fixture.h"
#include "vinet/node/config.h"
#include "vinet/node/enclave_pool.h"

namespace vinet::node {
namespace {

using namespace std::chrono_literals;

const char* kNodeSection =
    "[node]\nlisten = \"127.0.0.1:1\"\ndata_dir = \"d\"\nkey_file = \"k\"\nmodels_dir = \"m\"\n";

Result<NodeConfig> Load(const testing::TempDir& dir, const std::string& enclave_section) {
  std::ofstream(dir.path / "node.toml") << kNodeSection << enclave_section;
  return LoadNodeConfig(dir.path / "node.toml");
}

TEST(EnclaveConfig, EndpointOrSocket) {
  testing::TempDir dir;
  auto none = Load(dir, "");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->enclave.has_value());

  auto socket = Load(dir, "[enclave]\nsocket = \"e.sock\"\n");  // the older key
  ASSERT_TRUE(socket.ok()) << socket.status().ToString();
  EXPECT_EQ(socket->enclave->kind, tee::Endpoint::Kind::kUnix);
  EXPECT_EQ(socket->enclave->path, (dir.path / "e.sock").string());

  auto vsock = Load(dir, "[enclave]\nendpoint = \"vsock:16:5000\"\ntimeout_ms = 250\n");
  ASSERT_TRUE(vsock.ok()) << vsock.status().ToString();
  EXPECT_EQ(vsock->enclave->ToString(), "vsock:16:5000");
  EXPECT_EQ(vsock->enclave_connect.io_timeout, 250ms);
  EXPECT_EQ(vsock->enclave_connect.connect_timeout, 5000ms);

  auto rel = Load(dir, "[enclave]\nendpoint = \"unix:run/e.sock\"\n");
  ASSERT_TRUE(rel.ok());
  EXPECT_EQ(rel->enclave->path, (dir.path / "run/e.sock").string());

  auto both = Load(dir, "[enclave]\nendpoint = \"vsock:16:5000\"\nsocket = \"e.sock\"\n");
  EXPECT_EQ(both.status().code(), Code::kInvalidArgument);
  EXPECT_NE(both.status().message().find("both set"), std::string::npos);
  auto bad = Load(dir, "[enclave]\nendpoint = \"vsock:16:x\"\n");
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("config: enclave.endpoint"), std::string::npos)
      << bad.status().message();
  EXPECT_NE(bad.status().message().find("at byte 9"), std::string::npos);
  EXPECT_FALSE(Load(dir, "[enclave]\nendpoint = \"vsock:16:1\"\ntimeout_ms = -1\n").ok());
  EXPECT_FALSE(Load(dir, "[enclave]\nendpoint = \"vsock:16:1\"\nconnect_timeout_ms = 0\n").ok());
}

class EnclavePoolTest : public ::testing::TestWithParam<std::string> {
 protected:
  tee::Endpoint Listen() {
    if (GetParam() == "tcp") return *tee::ParseEndpoint("tcp:127.0.0.1:0");
    return tee::Endpoint::Unix((dir_.path / "enclave.sock").string());
  }
  testing::TempDir dir_;
};

TEST_P(EnclavePoolTest, ReconnectsToARestartedEnclave) {
  auto first = tee::testing::MakeTestEnclave();
  auto server = std::make_unique<tee::EnclaveServer>(*first.enclave, Listen());
  ASSERT_TRUE(server->Start().ok());
  tee::Endpoint bound = server->endpoint();
  EnclavePool pool(bound);
  auto before = pool.Info();
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_TRUE(pool.Attest(Bytes{1, 2}).ok());  // reuses the idle connection

  server.reset();
  auto down = pool.Info();
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.status().code(), Code::kUnavailable) << down.status().ToString();
  EXPECT_NE(down.status().message().find(bound.ToString()), std::string::npos);

  auto second = tee::testing::MakeTestEnclave();
  tee::EnclaveServer restarted(*second.enclave, bound);
  ASSERT_TRUE(restarted.Start().ok());
  auto after = pool.Info();  // a fresh connection to the new process
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_NE(after->enclave_key, before->enclave_key);
}

INSTANTIATE_TEST_SUITE_P(UnixAndTcp, EnclavePoolTest, ::testing::Values("unix", "tcp"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace vinet::node
