// ABCI server round trips over loopback (bench/abci/run.sh runs it).
//   BM_EchoUnpipelined: Echo + Flush, wait for both answers, repeat (latency-bound).
//   BM_CheckTxPipelined/N: N CheckTx + Flush in one write, read N+1 answers
//     (CometBFT's mempool pattern); items/s = CheckTx answered per second.
//   BM_DecodeFrames: the frame decoder alone, no sockets.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <optional>

#include "abci/frame_codec.h"
#include "unit/abci/kv_test_app.h"
#include "unit/abci/test_client.h"
#include "vinet/abci/server.h"

namespace vinet::abci {
namespace {

using testing::TestClient;

struct Fixture {
  explicit Fixture(const std::string& address) : server(app, ServerOptions{address}) {
    spdlog::set_level(spdlog::level::warn);
    if (!server.Start().ok()) std::abort();
    auto c = TestClient::Connect(server.address());
    if (!c.ok()) std::abort();
    client.emplace(std::move(c).value());
  }
  testing::KvTestApp app;
  Server server;
  std::optional<TestClient> client;
};

std::string AddressFor(int64_t unix_socket) {
  return unix_socket ? "unix:///tmp/vinet_abci_bench_" + std::to_string(getpid()) + ".sock"
                     : "tcp://127.0.0.1:0";
}

void BM_EchoUnpipelined(benchmark::State& state) {
  Fixture f(AddressFor(state.range(0)));
  for (auto _ : state) {
    f.client->Queue(testing::EchoRequest("ping"));
    f.client->Queue(testing::FlushRequest());
    if (!f.client->Send().ok()) state.SkipWithError("send failed");
    if (!f.client->Read().ok() || !f.client->Read().ok()) state.SkipWithError("read failed");
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) ? "unix" : "tcp");
}
BENCHMARK(BM_EchoUnpipelined)->Arg(0)->Arg(1)->UseRealTime();

void BM_CheckTxPipelined(benchmark::State& state) {
  const int64_t batch = state.range(0);
  Fixture f(AddressFor(state.range(1)));
  std::vector<pb::Request> txs;
  for (int64_t i = 0; i < batch; ++i) {
    txs.push_back(testing::CheckTxRequest("key" + std::to_string(i) + "=" + std::string(200, 'v')));
  }
  for (auto _ : state) {
    for (const auto& tx : txs) f.client->Queue(tx);
    f.client->Queue(testing::FlushRequest());
    if (!f.client->Send().ok()) state.SkipWithError("send failed");
    for (int64_t i = 0; i <= batch; ++i) {
      if (!f.client->Read().ok()) state.SkipWithError("read failed");
    }
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetLabel(state.range(1) ? "unix" : "tcp");
}
BENCHMARK(BM_CheckTxPipelined)
    ->ArgsProduct({{1, 10, 100, 1000}, {0}})
    ->Args({1000, 1})
    ->UseRealTime();

void BM_DecodeFrames(benchmark::State& state) {
  std::string stream;
  for (int i = 0; i < 1000; ++i) {
    AppendFrame(testing::CheckTxRequest("key" + std::to_string(i) + "=" + std::string(200, 'v')),
                stream);
  }
  for (auto _ : state) {
    RequestReader reader(1 << 20);
    reader.Append(AsBytes(stream));
    int64_t n = 0;
    for (;;) {
      auto next = reader.Next();
      if (!next.ok() || !next->has_value()) break;
      ++n;
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * 1000);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(stream.size()));
}
BENCHMARK(BM_DecodeFrames);

}  // namespace
}  // namespace vinet::abci

BENCHMARK_MAIN();
