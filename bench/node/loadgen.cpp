// node_loadgen: a load generator for an inference node on a devnet, in C++ so
// that the generator is not the bottleneck (requests are signed before the
// clock starts; each thread keeps one HTTP connection alive: post_conn.h).
//
//   node_loadgen --devnet DIR [--mode tee|vanilla] [--n 4000] [--threads 8]
//                [--rate R] [--timeout 120] [--runtime-baseline 0] [--json]
//
// Polls the chain for the fate of each answered request (Listener below) and
// reports, for N inferences of the devnet's first model:
//   answered/s   N / (last answer − first request)
//   settled/s    N / (last SETTLED record seen − first request)
//   steady settled/s  claims seen SETTLED after the first settlement
//                observation / (last − first observation): the rate once
//                claims flow, without the first block interval and trust
//                gap before any settles (settled/s includes that head)
//   trust gap    p50/p99 of (SETTLED record seen − receipt received), ms
//   rtt          p50/p99 of the HTTP round trip of POST /v1/infer, ms
// With --runtime-baseline K it also runs the model K times in-process with
// the node's runtime (RuntimeModelRunner, same store) and reports its p50, so
// node overhead = rtt p50 − model p50 (use --threads 1 for that). --rate R
// paces the requests (request i leaves at i/R s) so that a trust-gap run
// covers many blocks instead of one burst at one phase of the block cycle.
#include <httplib.h>
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "post_conn.h"
#include "vinet/chain/claim_status_wire.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/node/runtime_runner.h"
#include "vinet/protocol/request.h"
#include "vinet/protocol/tensor_map_json.h"

namespace {

using namespace vinet;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double Pct(std::vector<double> xs, double p) {
  if (xs.empty()) return -1;
  std::sort(xs.begin(), xs.end());
  return xs[std::min(xs.size() - 1, static_cast<size_t>(p / 100 * static_cast<double>(xs.size())))];
}

json Get(const std::string& url, const std::string& path) {
  httplib::Client http(url);
  auto res = http.Get(path);
  if (!res || res->status != 200) throw std::runtime_error("GET " + url + path + " failed");
  return json::parse(res->body);
}

std::vector<protocol::NamedTensor> Inputs(const json& model, uint32_t seed) {
  std::vector<protocol::NamedTensor> out;
  for (const auto& [name, shape] : model["inputs"].items()) {
    protocol::NamedTensor t{name, "f32", {}, {}};
    size_t n = 1;
    for (const auto& d : shape) {
      int64_t v = d.is_number() && d.get<int64_t>() > 0 ? d.get<int64_t>() : 1;
      t.shape.push_back(v);
      n *= static_cast<size_t>(v);
    }
    std::vector<float> values(n);
    for (size_t i = 0; i < n; ++i) values[i] = static_cast<float>((seed * 31 + i) % 97) / 97.0f;
    t.data.resize(n * 4);
    std::memcpy(t.data.data(), values.data(), n * 4);
    out.push_back(std::move(t));
  }
  return out;
}

struct Prepared {
  std::string id, body;
};

struct Options {
  std::string devnet, mode = "tee";
  int n = 4000, threads = 8, baseline = 0;
  double timeout = 120, rate = 0;  // rate: requests/s, 0 = as fast as possible
  bool as_json = false;
};

// Learns the fate of every answered request from the chain's state: once per
// new block, one compact /claim_status query (chain/claim_status_wire.h: 9
// bytes per claim, the same query the node polls) for the answered requests
// not yet decided, read from the app's committed claim records: id → (status,
// time seen). A record of this node counts (SETTLED, REJECTED, PENDING, ...);
// a claim that leaves none (REFUSED, UNFUNDED, ...) stays UNSEEN. Cheaper for
// the RPC validator than a websocket Tx subscription (every tx's bytes and
// events, twice) or block_results (every claim's events as JSON); a block's
// decisions are seen at most kPollMs after the block is committed.
class Listener {
 public:
  static constexpr int kPollMs = 20;
  Listener(const std::string& rpc, const std::string& node_address,
           const std::vector<Prepared>& reqs)
      : rpc_(rpc, 30),
        path_("/claim_status/" + node_address),
        reqs_(reqs),
        answered_(new std::atomic<bool>[reqs.size()]),
        decided_(reqs.size(), false) {
    for (size_t i = 0; i < reqs.size(); ++i) answered_[i] = false;
    thread_ = std::thread([this] { Loop(); });
  }
  ~Listener() {
    stop_ = true;
    thread_.join();
  }
  void Answered(size_t i) { answered_[i] = true; }
  // How many requests have a decided fate so far: the wait loop polls this
  // instead of copying the map (a 20,000-entry copy every 50 ms cost the
  // load generator, and so the machine under test, ~40% of its CPU).
  size_t Decided() const { return decided_count_.load(); }
  std::map<std::string, std::pair<std::string, Clock::time_point>> Seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  void Loop() {
    int64_t queried = -1;
    while (!stop_) {
      // /status counts a block once stored, possibly before the app has
      // committed it: the query's own height says which state it read.
      auto height = rpc_.LatestHeight();
      if (!height.ok() || *height <= queried) {
        std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
        continue;
      }
      std::vector<size_t> open;
      for (size_t i = 0; i < reqs_.size(); ++i) {
        if (answered_[i] && !decided_[i]) open.push_back(i);
      }
      int64_t state_height = *height;
      for (size_t start = 0; start < open.size(); start += chain::kMaxClaimStatusIds) {
        size_t n = std::min(chain::kMaxClaimStatusIds, open.size() - start);
        Bytes ids;
        for (size_t k = start; k < start + n; ++k) {
          Bytes id = ValueOrThrow(FromHex(reqs_[open[k]].id));
          ids.insert(ids.end(), id.begin(), id.end());
        }
        auto r = rpc_.AbciQuery(path_, ids);
        if (!r.ok() || r->value("code", 0) != 0) {
          std::cerr << "listener: " << (r.ok() ? r->dump() : r.status().ToString()) << "\n";
          return;
        }
        state_height = std::min(state_height, r->value("height", int64_t{0}));
        auto records = ValueOrThrow(
            chain::DecodeClaimStatuses((*r)["value"].get_ref<const std::string&>(), n));
        auto now = Clock::now();
        std::lock_guard lock(mu_);
        for (size_t k = 0; k < n; ++k) {
          std::string status = chain::ClaimStatusName(records[k].status);
          if (status.empty()) continue;
          decided_[open[start + k]] = true;
          seen_.emplace(reqs_[open[start + k]].id, std::make_pair(status, now));
          ++decided_count_;
        }
      }
      queried = state_height;
    }
  }
  chain::RpcClient rpc_;
  std::string path_;
  const std::vector<Prepared>& reqs_;
  std::unique_ptr<std::atomic<bool>[]> answered_;
  std::vector<bool> decided_;  // the listener thread's own
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> decided_count_{0};
  std::mutex mu_;
  std::map<std::string, std::pair<std::string, Clock::time_point>> seen_;
};

int Run(const Options& o) {
  json devnet = json::parse(std::ifstream(o.devnet + "/devnet.json"));
  std::string node_url = devnet["node"]["url"], rpc = devnet["validators"][0]["rpc"];
  auto key = ValueOrThrow(crypto::LoadKeyFile(devnet["dev_key"].get<std::string>()));
  json health = Get(node_url, "/healthz");
  json model = Get(node_url, "/v1/models")["data"][0];
  protocol::Mode mode = o.mode == "tee" ? protocol::Mode::kTee : protocol::Mode::kVanilla;
  // Sign every request before the clock starts.
  std::vector<Prepared> reqs;
  auto inputs = Inputs(model, 1);
  json inputs_json = protocol::TensorMapToJson(inputs);
  auto ih = protocol::TensorsHash(inputs);
  for (int i = 0; i < o.n; ++i) {
    protocol::InferenceRequest r;
    r.chain_id = health["chain_id"];
    r.model_id = model["model_id"];
    r.mode = mode;
    r.input_hash.assign(ih.begin(), ih.end());
    r.max_fee = 1'000'000;
    randombytes_buf(&r.nonce, sizeof(r.nonce));
    r.timestamp_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    r.expires_ms = r.timestamp_ms + 600'000;
    auto node_key = ValueOrThrow(FromHex(health["node_pubkey"].get<std::string>()));
    std::copy(node_key.begin(), node_key.end(), r.node_pubkey.begin());
    auto s = protocol::SignRequest(r, key);
    json body = {{"request", json::parse(protocol::SignedRequestToJson(s))},
                 {"inputs", inputs_json}};
    reqs.push_back({ToHex(protocol::InferenceId(s)), body.dump()});
  }
  Listener listener(rpc, health["node"].get<std::string>(), reqs);
  std::vector<Clock::time_point> received(reqs.size());
  std::vector<double> rtt(reqs.size());
  std::atomic<size_t> next{0};
  std::atomic<int> errors{0};
  auto t0 = Clock::now();
  std::vector<std::thread> pool;
  // node_url is http://host:port (devnet.json).
  std::string host_port = node_url.substr(node_url.find("://") + 3);
  std::string host = host_port.substr(0, host_port.rfind(':'));
  int port = std::stoi(host_port.substr(host_port.rfind(':') + 1));
  for (int t = 0; t < o.threads; ++t) {
    pool.emplace_back([&] {
      bench::PostConn http(host, port);
      for (size_t i; (i = next++) < reqs.size();) {
        if (o.rate > 0) {  // request i leaves at t0 + i / rate: spread over many blocks
          std::this_thread::sleep_until(
              t0 + std::chrono::microseconds(static_cast<int64_t>(1e6 * i / o.rate)));
        }
        auto s = Clock::now();
        auto res = http.Post("/v1/infer", reqs[i].body);
        received[i] = Clock::now();
        rtt[i] = Ms(s, received[i]);
        if (res.status != 200) {
          if (errors++ < 3)
            std::cerr << "infer: " << (res.status ? res.body : "no answer: " + res.error) << "\n";
        } else {
          listener.Answered(i);
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  auto answered = Clock::now();
  auto deadline = t0 + std::chrono::milliseconds(static_cast<int64_t>(o.timeout * 1000));
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < reqs.size(); ++i) index[reqs[i].id] = i;
  while (Clock::now() < deadline) {
    if (listener.Decided() + static_cast<size_t>(errors.load()) >= reqs.size()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto seen = listener.Seen();
  std::map<std::string, int> statuses;
  std::vector<double> gaps;
  Clock::time_point last = t0, first = Clock::time_point::max();
  for (size_t i = 0; i < reqs.size(); ++i) {
    auto it = seen.find(reqs[i].id);
    if (it == seen.end()) {
      ++statuses["UNSEEN"];
      continue;
    }
    ++statuses[it->second.first];
    if (it->second.first == "SETTLED") {
      gaps.push_back(Ms(received[i], it->second.second));
      last = std::max(last, it->second.second);
      first = std::min(first, it->second.second);
    }
  }
  // Observations are per listener poll: the claims seen in the first one
  // are the head, the rest settled within (first, last].
  size_t after_first = 0;
  for (const auto& [id, fate] : seen) {
    if (fate.first == "SETTLED" && fate.second > first && index.count(id)) ++after_first;
  }
  double steady_s = last > first ? Ms(first, last) / 1000 : 0;
  double answer_s = Ms(t0, answered) / 1000, settle_s = Ms(t0, last) / 1000;
  json out = {
      {"mode", o.mode},
      {"n", o.n},
      {"threads", o.threads},
      {"rate", o.rate},
      {"errors", errors.load()},
      {"statuses", statuses},
      {"answered_per_s", o.n / answer_s},
      {"settled_per_s", gaps.empty() ? 0.0 : static_cast<double>(gaps.size()) / settle_s},
      {"settled_per_s_steady", steady_s > 0 ? static_cast<double>(after_first) / steady_s : 0.0},
      {"trust_gap_ms_p50", Pct(gaps, 50)},
      {"trust_gap_ms_p99", Pct(gaps, 99)},
      {"rtt_ms_p50", Pct(rtt, 50)},
      {"rtt_ms_p99", Pct(rtt, 99)}};
  if (o.baseline > 0) {
    node::RuntimeModelRunner runner(node::ModelStore(devnet["dir"].get<std::string>() + "/models"));
    std::vector<double> model_ms;
    for (int i = 0; i < o.baseline; ++i) {
      auto s = Clock::now();
      ValueOrThrow(runner.Run(model["model_id"].get<std::string>(), inputs));
      model_ms.push_back(Ms(s, Clock::now()));
    }
    out["model_ms_p50"] = Pct(model_ms, 50);
    out["overhead_ms_p50"] = Pct(rtt, 50) - Pct(model_ms, 50);
  }
  std::cout << (o.as_json ? out.dump() : out.dump(2)) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("load generator for a devnet's inference node");
  Options o;
  app.add_option("--devnet", o.devnet, "devnet directory")->required();
  app.add_option("--mode", o.mode, "tee or vanilla")->check(CLI::IsMember({"tee", "vanilla"}));
  app.add_option("--n", o.n, "inferences");
  app.add_option("--threads", o.threads, "concurrent connections");
  app.add_option("--timeout", o.timeout, "seconds to wait for settlement");
  app.add_option("--rate", o.rate, "requests per second (default: as fast as possible)");
  app.add_option("--runtime-baseline", o.baseline, "also time the model alone this many times");
  app.add_flag("--json", o.as_json, "one-line JSON");
  CLI11_PARSE(app, argc, argv);
  try {
    return Run(o);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
