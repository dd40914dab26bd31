// `vinet zk ...`: tools for the proof-system core.
#include <iostream>

#include "cli/commands.h"
#include "cli/zk_bench.h"
#include "cli/zk_model.h"

namespace vinet::cli {

void RegisterZkCommands(CLI::App& app) {
  CLI::App* zk =
      app.add_subcommand("zk", "ZKML: commit models, prove and verify inferences; core benchmarks");
  zk->require_subcommand(1);
  auto opts = std::make_shared<ZkBenchOptions>();
  auto json = std::make_shared<bool>(false);
  CLI::App* bench = zk->add_subcommand("bench", "time field, NTT, sumcheck, LogUp and PCS");
  bench->add_flag("--json", *json, "print one JSON document");
  bench->add_option("--min-log", opts->min_log, "smallest size, log2")->capture_default_str();
  bench->add_option("--max-log", opts->max_log, "largest size, log2")->capture_default_str();
  bench->add_option("--logup-max-log", opts->logup_max_log, "largest LogUp size, log2")
      ->capture_default_str();
  bench->add_option("--reps", opts->reps, "runs per timing (median)")->capture_default_str();
  bench->add_option("--threads", opts->threads, "prover threads")->capture_default_str();
  bench->callback([opts, json] {
    nlohmann::json result = RunZkBench(*opts);
    if (*json) {
      std::cout << result.dump(2) << "\n";
    } else {
      PrintZkBench(result);
    }
  });
  RegisterZkModelCommands(*zk);
}

}  // namespace vinet::cli
