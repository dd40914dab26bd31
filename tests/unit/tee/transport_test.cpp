// The node <-> enclave transport, the same tests over every transport:
// framing (large frames, a request written byte by byte), a peer that dies
// mid-frame (either side), the client's I/O timeout, and a client that
// reconnects once the enclave restarts on the same endpoint. Unix and tcp
// always run; vsock runs where this kernel has vsock loopback (CID 1).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "enclave_fixture.h"
#include "vinet/tee/enclave_server.h"
#include "vinet/tee/endpoint.h"

namespace vinet::tee {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr uint32_t kVsockLocalCid = 1;  // VMADDR_CID_LOCAL

int UniquePort() {
  static int n = 0;
  return 20000 + (::getpid() % 20000) + (n++) * 7;  // vsock ports: no bind(0) read-back needed
}

// A listen endpoint of each kind.
Endpoint ListenEndpoint(const std::string& kind) {
  static int n = 0;
  if (kind == "unix") {
    return Endpoint::Unix(
        (fs::temp_directory_path() /
         ("vinet-transport-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ".sock"))
            .string());
  }
  if (kind == "tcp") return *ParseEndpoint("tcp:127.0.0.1:0");
  return *ParseEndpoint("vsock:any:" + std::to_string(UniquePort()));
}

// Where a client reaches a server bound to `bound`.
Endpoint Reach(Endpoint bound) {
  if (bound.kind == Endpoint::Kind::kVsock) bound.cid = kVsockLocalCid;
  return bound;
}

// Empty when vsock loopback works here (listen on any CID, connect to CID 1),
// else why not.
std::string VsockUnavailable() {
  static const std::string reason = []() -> std::string {
    Endpoint e = ListenEndpoint("vsock");
    auto fd = ListenOn(e);
    if (!fd.ok()) return fd.status().message();
    auto c = ConnectTo(Reach(e), 300ms);
    ::close(*fd);
    if (!c.ok()) return c.status().message();
    ::close(*c);
    return "";
  }();
  return reason;
}

class TransportTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "vsock") {
      std::string why = VsockUnavailable();
      if (!why.empty()) {
        GTEST_SKIP() << "vsock loopback unavailable on this kernel (" << why
                     << "); modprobe vsock_loopback to run the vsock cases";
      }
    }
  }
};

TEST_P(TransportTest, LargeFramesAndByteByByteRequests) {
  auto te = testing::MakeTestEnclave();
  EnclaveServer server(*te.enclave, ListenEndpoint(GetParam()));
  ASSERT_TRUE(server.Start().ok());
  auto client = EnclaveClient::Connect(Reach(server.endpoint()));
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  auto info = client->Info();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->models, std::vector<std::string>{"echo"});

  // A 4 MiB tensor each way: the kernel splits it into many reads and writes.
  std::vector<float> values(1u << 20);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i % 977);
  InferRequest req{Bytes(32, 7),
                   Bytes(32, 9),
                   "echo",
                   {protocol::F32Tensor("x", {static_cast<int64_t>(values.size())}, values)}};
  auto receipt = client->Infer(req);
  ASSERT_TRUE(receipt.ok()) << receipt.status().ToString();
  ASSERT_EQ(receipt->outputs.size(), 1u);
  EXPECT_EQ(receipt->outputs[0].data, req.inputs[0].data);

  // A raw peer writes the "info" frame one byte at a time.
  auto raw = ConnectTo(Reach(server.endpoint()), 1000ms);
  ASSERT_TRUE(raw.ok());
  std::string body = R"({"method":"info"})";
  std::string frame = {0, 0, 0, static_cast<char>(body.size())};
  frame += body;
  for (char c : frame) {
    ASSERT_EQ(::write(*raw, &c, 1), 1);
    std::this_thread::sleep_for(1ms);
  }
  auto reply = ReadFrame(*raw);
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  auto j = nlohmann::json::parse(*reply);
  EXPECT_EQ(j["enclave_key"], ToHex(info->enclave_key));
  ::close(*raw);
  server.Stop();
}

TEST_P(TransportTest, APeerDyingMidFrameCostsOnlyItsConnection) {
  auto te = testing::MakeTestEnclave();
  EnclaveServer server(*te.enclave, ListenEndpoint(GetParam()));
  ASSERT_TRUE(server.Start().ok());
  auto client = EnclaveClient::Connect(Reach(server.endpoint()));
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client->Info().ok());
  // Another peer announces 100 bytes, sends 10 and dies.
  auto raw = ConnectTo(Reach(server.endpoint()), 1000ms);
  ASSERT_TRUE(raw.ok());
  const char partial[14] = {0, 0, 0, 100, '{', '"', 'm', 'e', 't', 'h', 'o', 'd', '"', ':'};
  ASSERT_EQ(::write(*raw, partial, sizeof(partial)), static_cast<ssize_t>(sizeof(partial)));
  ::close(*raw);
  EXPECT_TRUE(client->Info().ok());  // the established connection still works
  auto fresh = EnclaveClient::Connect(Reach(server.endpoint()));
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(fresh->Info().ok());  // and new ones are accepted
  server.Stop();
}

// A fake enclave that accepts one connection, reads a frame, then answers
// with `reply` bytes (maybe a cut frame) and closes, or never answers.
class FakeEnclave {
 public:
  FakeEnclave(const Endpoint& e, std::string reply, bool answer) {
    auto fd = ListenOn(e);
    EXPECT_TRUE(fd.ok()) << fd.status().ToString();
    listen_fd_ = *fd;
    bound_ = *BoundEndpoint(listen_fd_, e);
    thread_ = std::thread([this, reply, answer] {
      int c = ::accept(listen_fd_, nullptr, nullptr);
      if (c < 0) return;
      (void)ReadFrame(c);
      if (answer) {
        [[maybe_unused]] ssize_t w = ::write(c, reply.data(), reply.size());
      } else {
        (void)ReadFrame(c);  // until the client gives up and closes
      }
      ::close(c);
    });
  }
  ~FakeEnclave() {
    thread_.join();
    ::close(listen_fd_);
    if (bound_.kind == Endpoint::Kind::kUnix) ::unlink(bound_.path.c_str());
  }
  Endpoint endpoint() const { return Reach(bound_); }

 private:
  int listen_fd_ = -1;
  Endpoint bound_;
  std::thread thread_;
};

TEST_P(TransportTest, AnEnclaveDyingMidReplyIsATruncatedFrame) {
  std::string cut = {0, 0, 1, 0};  // announces 256 bytes
  cut += R"({"ok":true,"enclave_key")";
  FakeEnclave fake(ListenEndpoint(GetParam()), cut, true);
  auto client = EnclaveClient::Connect(fake.endpoint());
  ASSERT_TRUE(client.ok());
  auto info = client->Info();
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), Code::kParse);
  EXPECT_EQ(info.status().message(), "enclave socket: truncated frame");
}

TEST_P(TransportTest, ASilentEnclaveHitsTheClientsTimeout) {
  FakeEnclave fake(ListenEndpoint(GetParam()), "", false);
  ConnectOptions o;
  o.io_timeout = 200ms;
  auto client = EnclaveClient::Connect(fake.endpoint(), o);
  ASSERT_TRUE(client.ok());
  auto start = std::chrono::steady_clock::now();
  auto info = client->Info();
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), Code::kTimeout) << info.status().ToString();
  EXPECT_GE(std::chrono::steady_clock::now() - start, 190ms);  // it did wait for the reply
  // `client` closes before `fake` (declared first) joins its thread.
}

TEST_P(TransportTest, ClientsReconnectAfterTheEnclaveRestarts) {
  auto first = testing::MakeTestEnclave();
  auto server = std::make_unique<EnclaveServer>(*first.enclave, ListenEndpoint(GetParam()));
  ASSERT_TRUE(server->Start().ok());
  Endpoint bound = server->endpoint();  // tcp: the port chosen, reused below
  auto client = EnclaveClient::Connect(Reach(bound));
  ASSERT_TRUE(client.ok());
  auto before = client->Info();
  ASSERT_TRUE(before.ok());

  server.reset();  // the enclave process goes away
  auto during = client->Info();
  ASSERT_FALSE(during.ok());
  EXPECT_TRUE(during.status().code() == Code::kUnavailable || during.status().code() == Code::kIo)
      << during.status().ToString();
  auto refused = EnclaveClient::Connect(Reach(bound));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kUnavailable);
  EXPECT_NE(refused.status().message().find(Reach(bound).ToString()), std::string::npos)
      << refused.status().message();

  auto second = testing::MakeTestEnclave();  // a new process: a new key
  EnclaveServer restarted(*second.enclave, bound);
  ASSERT_TRUE(restarted.Start().ok());
  auto again = EnclaveClient::Connect(Reach(bound));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto after = again->Info();
  ASSERT_TRUE(after.ok());
  EXPECT_NE(after->enclave_key, before->enclave_key);
}

TEST(TransportUnixTest, NeverReplacesAFileThatIsNotASocket) {
  auto te = testing::MakeTestEnclave();
  Endpoint e = ListenEndpoint("unix");
  { std::ofstream(e.path) << "operator notes"; }
  {
    EnclaveServer server(*te.enclave, e);
    Status s = server.Start();
    EXPECT_EQ(s.code(), Code::kInvalidArgument);
    EXPECT_NE(s.message().find("exists and is not a socket"), std::string::npos) << s.message();
  }  // nor when the server that failed to start goes away
  std::ifstream in(e.path);
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "operator notes");
  fs::remove(e.path);
}

INSTANTIATE_TEST_SUITE_P(AllTransports, TransportTest, ::testing::Values("unix", "tcp", "vsock"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace vinet::tee
