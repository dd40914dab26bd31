// The ABCI server over real sockets, with test Applications.
#include "vinet/abci/server.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <thread>

#include "abci/connection.h"
#include "abci/frame_codec.h"
#include "unit/abci/kv_test_app.h"
#include "unit/abci/test_client.h"

namespace vinet::abci {
namespace {

using testing::CheckTxRequest;
using testing::CommitRequest;
using testing::EchoRequest;
using testing::FinalizeBlockRequest;
using testing::FlushRequest;
using testing::InfoRequest;
using testing::KvTestApp;
using testing::QueryRequest;
using testing::TestClient;

constexpr size_t kMaxPendingOutputForTest = kMaxPendingOutput;

// A started server on a free port (or unix socket), stopped on destruction.
struct Running {
  explicit Running(Application& app, std::string address = "tcp://127.0.0.1:0")
      : server(app, ServerOptions{address, 1 << 20}) {
    const Status s = server.Start();
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  TestClient Connect() {
    auto c = TestClient::Connect(server.address());
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return std::move(c).value();
  }
  Server server;
};

pb::Response MustRead(TestClient& c) {
  auto r = c.Read();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : pb::Response();
}

TEST(Server, PortZeroBindsARealPort) {
  KvTestApp app;
  Running r(app);
  const std::string addr = r.server.address();
  EXPECT_TRUE(addr.starts_with("tcp://127.0.0.1:")) << addr;
  EXPECT_NE(addr, "tcp://127.0.0.1:0");
}

TEST(Server, EchoAndFlush) {
  KvTestApp app;
  Running r(app);
  TestClient c = r.Connect();
  c.Queue(EchoRequest("hello"));
  c.Queue(FlushRequest());
  ASSERT_TRUE(c.Send().ok());
  pb::Response echo = MustRead(c);
  ASSERT_EQ(echo.value_case(), pb::Response::kEcho);
  EXPECT_EQ(echo.echo().message(), "hello");
  EXPECT_EQ(MustRead(c).value_case(), pb::Response::kFlush);
}

TEST(Server, PipelinedCheckTxAnswersInOrderThenFlush) {
  KvTestApp app;
  Running r(app);
  TestClient c = r.Connect();
  constexpr int kTxs = 500;
  for (int i = 0; i < kTxs; ++i) {
    c.Queue(
        CheckTxRequest(i % 3 == 0 ? "bad" + std::to_string(i) : "k" + std::to_string(i) + "=v"));
  }
  c.Queue(FlushRequest());
  ASSERT_TRUE(c.Send().ok());
  for (int i = 0; i < kTxs; ++i) {
    pb::Response resp = MustRead(c);
    ASSERT_EQ(resp.value_case(), pb::Response::kCheckTx) << i;
    EXPECT_EQ(resp.check_tx().code(), i % 3 == 0 ? testing::kCodeBadTx : testing::kCodeOk) << i;
  }
  EXPECT_EQ(MustRead(c).value_case(), pb::Response::kFlush);
}

TEST(Server, NothingIsWrittenBeforeFlush) {
  KvTestApp app;
  Running r(app);
  TestClient c = r.Connect();
  c.Queue(EchoRequest("held"));
  c.Queue(CheckTxRequest("a=b"));
  ASSERT_TRUE(c.Send().ok());
  // Without a Flush the answers stay buffered; a Flush releases them, in order.
  EXPECT_FALSE(c.HasDataWithin(200)) << "answer written before Flush";
  c.Queue(FlushRequest());
  ASSERT_TRUE(c.Send().ok());
  EXPECT_EQ(MustRead(c).echo().message(), "held");
  EXPECT_EQ(MustRead(c).value_case(), pb::Response::kCheckTx);
  EXPECT_EQ(MustRead(c).value_case(), pb::Response::kFlush);
}

TEST(Server, UnflushedOutputIsWrittenPastTheBound) {
  KvTestApp app;
  Running r(app);
  TestClient c = r.Connect();
  const std::string payload(1024, 'p');
  const int count = static_cast<int>(kMaxPendingOutputForTest / payload.size()) + 64;
  for (int i = 0; i < count; ++i) c.Queue(EchoRequest(payload));
  ASSERT_TRUE(c.Send().ok());
  EXPECT_TRUE(c.HasDataWithin(10000)) << "server kept more than the bound unflushed";
  c.Queue(FlushRequest());
  ASSERT_TRUE(c.Send().ok());
  for (int i = 0; i < count; ++i) ASSERT_EQ(MustRead(c).echo().message().size(), 1024u) << i;
  EXPECT_EQ(MustRead(c).value_case(), pb::Response::kFlush);
}

TEST(Server, StopDuringTrafficNeitherHangsNorCrashes) {
  KvTestApp app;
  auto r = std::make_unique<Running>(app);
  const std::string address = r->server.address();
  std::atomic<bool> done{false};
  std::vector<std::thread> clients;
  for (int id = 0; id < 4; ++id) {
    clients.emplace_back([&] {
      while (!done.load()) {
        auto c = TestClient::Connect(address);
        if (!c.ok()) return;  // listener closed
        for (int round = 0; round < 50 && !done.load(); ++round) {
          for (int j = 0; j < 20; ++j) c->Queue(CheckTxRequest("k=v"));
          c->Queue(FlushRequest());
          if (!c->Send().ok()) break;
          bool ok = true;
          for (int j = 0; j <= 20 && ok; ++j) ok = c->Read().ok();
          if (!ok) break;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  r->server.Stop();
  done.store(true);
  for (auto& t : clients) t.join();
  EXPECT_FALSE(TestClient::Connect(address).ok());
}

TEST(Server, BlockLifecycleAgainstKvApp) {
  KvTestApp app;
  Running r(app);
  TestClient c = r.Connect();
  c.Queue(FinalizeBlockRequest(1, {"a=1", "nonsense", "b=2"}));
  c.Queue(CommitRequest());
  c.Queue(QueryRequest("a"));
  c.Queue(InfoRequest());
  c.Queue(FlushRequest());
  ASSERT_TRUE(c.Send().ok());
  pb::Response fin = MustRead(c);
  ASSERT_EQ(fin.value_case(), pb::Response::kFinalizeBlock);
  ASSERT_EQ(fin.finalize_block().tx_results_size(), 3);
  EXPECT_EQ(fin.finalize_block().tx_results(1).code(), testing::kCodeBadTx);
  EXPECT_EQ(fin.finalize_block().app_hash(), KvTestApp::AppHash(1, {{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(MustRead(c).value_case(), pb::Response::kCommit);
  pb::Response q = MustRead(c);
  EXPECT_EQ(q.query().value(), "1");
  EXPECT_EQ(q.query().height(), 1);
  pb::Response info = MustRead(c);
  EXPECT_EQ(info.info().last_block_height(), 1);
  EXPECT_EQ(info.info().last_block_app_hash(), fin.finalize_block().app_hash());
  EXPECT_EQ(MustRead(c).value_case(), pb::Response::kFlush);
}

TEST(Server, UnixSocket) {
  KvTestApp app;
  const std::string path = "/tmp/vinet_abci_test_" + std::to_string(getpid()) + ".sock";
  {
    Running r(app, "unix://" + path);
    EXPECT_EQ(r.server.address(), "unix://" + path);
    EXPECT_EQ(access(path.c_str(), F_OK), 0);
    TestClient c = r.Connect();
    c.Queue(EchoRequest("over unix"));
    c.Queue(FlushRequest());
    ASSERT_TRUE(c.Send().ok());
    EXPECT_EQ(MustRead(c).echo().message(), "over unix");
    EXPECT_EQ(MustRead(c).value_case(), pb::Response::kFlush);
  }
  EXPECT_NE(access(path.c_str(), F_OK), 0) << "socket file left behind";
}

TEST(Server, StaleUnixSocketIsReplaced) {
  KvTestApp app;
  const std::string path = "/tmp/vinet_abci_stale_" + std::to_string(getpid()) + ".sock";
  {
    Running first(app, "unix://" + path);
    // A second server on a live socket must fail.
    Server second(app, ServerOptions{"unix://" + path, 1024});
    EXPECT_EQ(second.Start().code(), Code::kIo);
  }
  // Leave a stale socket file behind (bound, never listened, closed).
  {
    Running again(app, "unix://" + path);
    TestClient c = again.Connect();
    c.Queue(EchoRequest("again"));
    c.Queue(FlushRequest());
    ASSERT_TRUE(c.Send().ok());
    EXPECT_EQ(MustRead(c).echo().message(), "again");
  }
}

TEST(Server, BadAddressesAreRejected) {
  KvTestApp app;
  for (const char* addr : {"127.0.0.1:1", "http://x:1", "tcp://127.0.0.1", "tcp://127.0.0.1:99999",
                           "tcp://:5", "unix://relative.sock", "tcp://127.0.0.1:x"}) {
    Server s(app, ServerOptions{addr, 1024});
    EXPECT_EQ(s.Start().code(), Code::kInvalidArgument) << addr;
  }
}

TEST(Server, BindFailureIsIo) {
  KvTestApp app;
  Running first(app);
  Server second(app, ServerOptions{first.server.address(), 1024});
  EXPECT_EQ(second.Start().code(), Code::kIo);
}

// FinalizeBlock blocks until released, so a test can run a Query meanwhile.
class GateApp : public KvTestApp {
 public:
  pb::ResponseFinalizeBlock FinalizeBlock(const pb::RequestFinalizeBlock& req) override {
    entered.set_value();
    release.get_future().wait();
    return KvTestApp::FinalizeBlock(req);
  }
  std::promise<void> entered;
  std::promise<void> release;
};

TEST(Server, QueryRunsWhileFinalizeBlockIsInProgress) {
  GateApp app;
  Running r(app);
  TestClient consensus = r.Connect();
  TestClient query = r.Connect();
  consensus.Queue(FinalizeBlockRequest(1, {"x=1"}));
  consensus.Queue(FlushRequest());
  ASSERT_TRUE(consensus.Send().ok());
  app.entered.get_future().wait();
  query.Queue(EchoRequest("still alive"));
  query.Queue(InfoRequest());
  query.Queue(FlushRequest());
  ASSERT_TRUE(query.Send().ok());
  EXPECT_EQ(MustRead(query).echo().message(), "still alive");
  EXPECT_EQ(MustRead(query).info().last_block_height(), 0);
  EXPECT_EQ(MustRead(query).value_case(), pb::Response::kFlush);
  app.release.set_value();
  EXPECT_EQ(MustRead(consensus).finalize_block().tx_results_size(), 1);
  EXPECT_EQ(MustRead(consensus).value_case(), pb::Response::kFlush);
}

TEST(Server, ManyConcurrentConnectionsKeepTheirOwnOrder) {
  KvTestApp app;
  Running r(app);
  constexpr int kClients = 8;
  constexpr int kRounds = 20;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int id = 0; id < kClients; ++id) {
    threads.emplace_back([&, id] {
      auto c = TestClient::Connect(r.server.address());
      if (!c.ok()) {
        ++failures;
        return;
      }
      for (int round = 0; round < kRounds; ++round) {
        for (int j = 0; j < 10; ++j) {
          c->Queue(EchoRequest(std::to_string(id) + "/" + std::to_string(round) + "/" +
                               std::to_string(j)));
        }
        c->Queue(FlushRequest());
        if (!c->Send().ok()) ++failures;
        for (int j = 0; j < 10; ++j) {
          auto resp = c->Read();
          const std::string want =
              std::to_string(id) + "/" + std::to_string(round) + "/" + std::to_string(j);
          if (!resp.ok() || resp->echo().message() != want) ++failures;
        }
        auto flush = c->Read();
        if (!flush.ok() || flush->value_case() != pb::Response::kFlush) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

class ThrowingApp : public KvTestApp {
 public:
  pb::ResponseInfo Info(const pb::RequestInfo&) override {
    throw std::runtime_error("disk on fire");
  }
};

TEST(Server, AppExceptionBecomesResponseExceptionAndClosesOnlyThatConnection) {
  ThrowingApp app;
  Running r(app);
  TestClient bad = r.Connect();
  TestClient good = r.Connect();
  bad.Queue(EchoRequest("before"));
  bad.Queue(InfoRequest());
  bad.Queue(EchoRequest("never answered"));
  bad.Queue(FlushRequest());
  ASSERT_TRUE(bad.Send().ok());
  EXPECT_EQ(MustRead(bad).echo().message(), "before");
  pb::Response ex = MustRead(bad);
  ASSERT_EQ(ex.value_case(), pb::Response::kException);
  EXPECT_NE(ex.exception().error().find("info: disk on fire"), std::string::npos)
      << ex.exception().error();
  EXPECT_TRUE(bad.ReadsEof());
  good.Queue(EchoRequest("fine"));
  good.Queue(FlushRequest());
  ASSERT_TRUE(good.Send().ok());
  EXPECT_EQ(MustRead(good).echo().message(), "fine");
}

TEST(Server, MalformedFrameClosesOnlyThatConnection) {
  KvTestApp app;
  Running r(app);
  TestClient bad = r.Connect();
  TestClient good = r.Connect();
  bad.Queue(EchoRequest("ok first"));
  bad.QueueRaw(std::string("\x80\x00", 2));  // overlong varint
  ASSERT_TRUE(bad.Send().ok());
  EXPECT_EQ(MustRead(bad).echo().message(), "ok first");
  pb::Response ex = MustRead(bad);
  ASSERT_EQ(ex.value_case(), pb::Response::kException);
  EXPECT_NE(ex.exception().error().find("not minimally encoded"), std::string::npos)
      << ex.exception().error();
  EXPECT_TRUE(bad.ReadsEof());
  good.Queue(EchoRequest("unaffected"));
  good.Queue(FlushRequest());
  ASSERT_TRUE(good.Send().ok());
  EXPECT_EQ(MustRead(good).echo().message(), "unaffected");
}

TEST(Server, OversizedFrameIsRejected) {
  KvTestApp app;
  Running r(app);  // max_message_bytes = 1 MiB
  TestClient c = r.Connect();
  std::string header;
  AppendUvarint((1u << 20) + 1, header);
  c.QueueRaw(header);
  ASSERT_TRUE(c.Send().ok());
  pb::Response ex = MustRead(c);
  ASSERT_EQ(ex.value_case(), pb::Response::kException);
  EXPECT_NE(ex.exception().error().find("exceeds max_message_bytes"), std::string::npos);
  EXPECT_TRUE(c.ReadsEof());
}

TEST(Server, StopWithClientsConnectedClosesThem) {
  GateApp app;  // one client is stuck inside FinalizeBlock when Stop starts
  auto r = std::make_unique<Running>(app);
  TestClient idle = r->Connect();
  TestClient busy = r->Connect();
  busy.Queue(FinalizeBlockRequest(1, {"a=b"}));
  busy.Queue(FlushRequest());
  ASSERT_TRUE(busy.Send().ok());
  app.entered.get_future().wait();
  const std::string address = r->server.address();
  std::thread stopper([&] { r->server.Stop(); });
  EXPECT_TRUE(idle.ReadsEof());
  app.release.set_value();
  stopper.join();
  r->server.Stop();  // idempotent
  r->server.Wait();  // returns at once after Stop
  EXPECT_FALSE(TestClient::Connect(address).ok()) << "listener still open";
}

TEST(Server, WaitReturnsWhenAnotherThreadStops) {
  KvTestApp app;
  Running r(app);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    r.server.Stop();
  });
  r.server.Wait();
  stopper.join();
  EXPECT_EQ(r.server.Start().code(), Code::kInvalidArgument);
}

// Commit stops the server from inside the Application (e.g. a halt height).
class HaltingApp : public KvTestApp {
 public:
  pb::ResponseCommit Commit() override {
    auto resp = KvTestApp::Commit();
    server->Stop();  // returns although this very connection is being stopped
    halted.store(true);
    return resp;
  }
  Server* server = nullptr;
  std::atomic<bool> halted{false};
};

TEST(Server, StopFromInsideTheApplication) {
  HaltingApp app;
  auto r = std::make_unique<Running>(app);
  app.server = &r->server;
  TestClient c = r->Connect();
  TestClient other = r->Connect();
  c.Queue(CommitRequest());
  c.Queue(FlushRequest());
  ASSERT_TRUE(c.Send().ok());
  r->server.Wait();
  EXPECT_TRUE(other.ReadsEof());
  EXPECT_TRUE(c.ReadsEof() || c.Read().ok());  // the answer may or may not get out
  r.reset();  // the destructor joins the connection that called Stop()
  EXPECT_TRUE(app.halted.load());
}

TEST(Server, ConcurrentStopsAllReturnAfterTheServerStopped) {
  KvTestApp app;
  Running r(app);
  TestClient c = r.Connect();
  std::vector<std::thread> stoppers;
  for (int i = 0; i < 4; ++i) stoppers.emplace_back([&] { r.server.Stop(); });
  for (auto& t : stoppers) t.join();
  EXPECT_TRUE(c.ReadsEof());
}

TEST(Server, PeerHalfCloseStillGetsBufferedAnswers) {
  KvTestApp app;
  Running r(app);
  TestClient c = r.Connect();
  c.Queue(EchoRequest("last words"));
  ASSERT_TRUE(c.Send().ok());
  c.CloseWrite();
  EXPECT_EQ(MustRead(c).echo().message(), "last words");
  EXPECT_TRUE(c.ReadsEof());
}

TEST(Server, UnixSocketIsOwnerOnly) {
  KvTestApp app;
  const std::string path = "/tmp/vinet_abci_mode_" + std::to_string(getpid()) + ".sock";
  Running r(app, "unix://" + path);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Server, TcpMustBeLoopback) {
  KvTestApp app;
  Server any(app, ServerOptions{"tcp://0.0.0.0:0", 1024});
  Status s = any.Start();
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("not a loopback address"), std::string::npos) << s.ToString();
  Server loop(app, ServerOptions{"tcp://127.0.0.2:0", 1024});
  EXPECT_TRUE(loop.Start().ok());
}

// An app refusing Commit (as ChainApp does without a finalized block).
class RefusingApp : public KvTestApp {
 public:
  std::optional<std::string> Refuse(const pb::Request& req) override {
    if (req.value_case() == pb::Request::kCommit) return std::string("nothing to commit");
    return std::nullopt;
  }
};

TEST(Server, RefusedRequestIsAnExceptionAndClosesOnlyThatConnection) {
  RefusingApp app;
  Running r(app);
  TestClient bad = r.Connect();
  bad.Queue(CommitRequest());
  bad.Queue(FlushRequest());
  ASSERT_TRUE(bad.Send().ok());
  pb::Response e = MustRead(bad);
  ASSERT_EQ(e.value_case(), pb::Response::kException);
  EXPECT_EQ(e.exception().error(), "commit refused: nothing to commit");
  EXPECT_TRUE(bad.ReadsEof());
  TestClient good = r.Connect();
  good.Queue(EchoRequest("still here"));
  good.Queue(FlushRequest());
  ASSERT_TRUE(good.Send().ok());
  EXPECT_EQ(MustRead(good).echo().message(), "still here");
}

TEST(Server, OnlyOneConsensusConnectionUntilItCloses) {
  KvTestApp app;
  Running r(app);
  auto owner = std::make_unique<TestClient>(r.Connect());
  owner->Queue(FinalizeBlockRequest(1, {"a=1"}));
  owner->Queue(FlushRequest());
  ASSERT_TRUE(owner->Send().ok());
  EXPECT_EQ(MustRead(*owner).value_case(), pb::Response::kFinalizeBlock);
  EXPECT_EQ(MustRead(*owner).value_case(), pb::Response::kFlush);
  // An intruder's Commit would persist the owner's block: refused.
  TestClient intruder = r.Connect();
  intruder.Queue(InfoRequest());  // non-consensus requests are fine
  intruder.Queue(CommitRequest());
  intruder.Queue(FlushRequest());
  ASSERT_TRUE(intruder.Send().ok());
  EXPECT_EQ(MustRead(intruder).value_case(), pb::Response::kInfo);
  pb::Response e = MustRead(intruder);
  ASSERT_EQ(e.value_case(), pb::Response::kException);
  EXPECT_EQ(e.exception().error(),
            "commit refused: another connection is the consensus connection");
  // The owner commits; once it closes, a new connection may take over.
  owner->Queue(CommitRequest());
  owner->Queue(FlushRequest());
  ASSERT_TRUE(owner->Send().ok());
  EXPECT_EQ(MustRead(*owner).value_case(), pb::Response::kCommit);
  owner.reset();
  bool took_over = false;
  for (int attempt = 0; attempt < 100 && !took_over; ++attempt) {
    TestClient next = r.Connect();
    next.Queue(FinalizeBlockRequest(2, {"b=2"}));
    next.Queue(FlushRequest());
    ASSERT_TRUE(next.Send().ok());
    took_over = MustRead(next).value_case() == pb::Response::kFinalizeBlock;
    if (!took_over) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(took_over);
}

}  // namespace
}  // namespace vinet::abci
