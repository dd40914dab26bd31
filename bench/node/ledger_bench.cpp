// node_ledger_bench: the claim ledger's durable-accept rate under concurrent
// answers, group commit (Ledger::Accept, group_commit.h) against its peer in
// the same run: one synced RocksDB put per claim from each answering thread
// (ClaimStore::Put, what Accept did before group commit; RocksDB may still
// merge concurrent synced writers into one WAL sync of its own).
//
//   node_ledger_bench [--claims 4000] [--threads 8] [--dir DIR] [--json]
//
// Prints per variant the median of three alternating rounds: claims/s,
// synced writes (group commit's batches, last round), and the ratio group/each. Records look like a
// TEE claim's (request 180 B, receipt 330 B, outputs 40 B). DIR (default a fresh one under /tmp) is
// on the disk whose fsync is measured.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

#include "vinet/node/claim_store.h"
#include "vinet/node/ledger.h"

namespace {
using namespace vinet;
using namespace vinet::node;

ClaimRecord MakeClaim(int i) {
  ClaimRecord c;
  char id[65];
  std::snprintf(id, sizeof id, "%064x", i);
  c.id_hex = id;
  c.request = Bytes(180, static_cast<uint8_t>(i));
  c.receipt = Bytes(330, static_cast<uint8_t>(i + 1));
  c.outputs = Bytes(40, 7);
  c.client = "client" + std::to_string(i % 16);
  c.model_id = std::string(64, 'a');
  c.mode = protocol::Mode::kTee;
  c.fee = 10;
  c.accepted_ms = i;
  return c;
}

// Runs `one(i)` for i in [0, n) on `threads` threads; returns seconds.
template <typename F>
double Run(int n, int threads, F one) {
  std::atomic<int> next{0}, failed{0};
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i; (i = next++) < n;) {
        if (!one(i).ok()) ++failed;
      }
    });
  }
  for (auto& t : pool) t.join();
  if (failed) std::cerr << failed << " writes failed\n";
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("claim ledger: group commit vs one synced put per claim");
  int claims = 4000, threads = 8;
  std::string dir;
  bool json = false;
  app.add_option("--claims", claims);
  app.add_option("--threads", threads);
  app.add_option("--dir", dir);
  app.add_flag("--json", json);
  CLI11_PARSE(app, argc, argv);
  namespace fs = std::filesystem;
  fs::path root = dir.empty() ? fs::temp_directory_path() /
                                    ("vinet-ledger-bench-" + std::to_string(std::random_device{}()))
                              : fs::path(dir);
  std::vector<ClaimRecord> all;
  for (int i = 0; i < claims; ++i) all.push_back(MakeClaim(i));

  // Three rounds, the variants alternating (each, group, each, ...) on fresh
  // databases so neither always runs on a warmer disk; the median counts.
  std::vector<double> each_runs, group_runs;
  uint64_t batches = 0;
  for (int round = 0; round < 3; ++round) {
    std::string r = std::to_string(round);
    {
      auto store = std::move(*ClaimStore::Open(root / ("each" + r)));
      each_runs.push_back(Run(claims, threads, [&](int i) { return store->Put(all[i]); }));
    }
    {
      auto ledger = std::move(*Ledger::Open(root / ("group" + r)));
      group_runs.push_back(
          Run(claims, threads, [&](int i) { return ledger->Accept(all[i], UINT64_MAX / 2); }));
      batches = ledger->commits().batches();
    }
  }
  std::sort(each_runs.begin(), each_runs.end());
  std::sort(group_runs.begin(), group_runs.end());
  double each_s = each_runs[1], group_s = group_runs[1];
  fs::remove_all(root);
  double each = claims / each_s, group = claims / group_s;
  if (json) {
    std::cout << "{\"bench\":\"ledger_accept\",\"claims\":" << claims << ",\"threads\":" << threads
              << ",\"each_per_s\":" << static_cast<int64_t>(each)
              << ",\"group_per_s\":" << static_cast<int64_t>(group)
              << ",\"group_synced_writes\":" << batches << ",\"ratio\":" << group / each << "}\n";
  } else {
    std::cout << "one synced put per claim: " << static_cast<int64_t>(each) << " claims/s\n"
              << "group commit:             " << static_cast<int64_t>(group) << " claims/s in "
              << batches << " synced writes\nratio group/each: " << group / each << "\n";
  }
  return 0;
}
