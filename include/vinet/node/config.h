// The inference node's configuration (TOML, `vinet node start --config FILE`).
//
//   [node]
//   listen = "127.0.0.1:8080"      # HTTP API address
//   data_dir = "/path/node-data"   # claim queue (RocksDB)
//   key_file = "/path/node.key"    # the node's Ed25519 key (signs receipts and txs)
//   models_dir = "/path/models"    # content-addressed model store (*.onnx), and the
//                                  # LLM chat models (*.gguf; id = the file's SHA-256)
//   default_fee = 10               # fee when the chain has no record of a model
//   min_request_validity_ms = 30000  # refuse requests expiring sooner (claim lead time)
//   max_request_ttl_ms = 3600000     # refuse longer-lived requests (the chain's cap)
//   require_deposit = true         # serve only against the client's deposit for this node
//   enclave_expiry_margin_ms = 5000  # refuse TEE this close to the enclave key's expiry
//   http_threads = 32              # HTTP workers; each keep-alive connection and each
//                                  # chat stream holds one while it lasts
//   answer_delay_ms = 0            # devnet/tests only: hold each answer this long after
//                                  # its claim is written (plays a client timeout)
//   [admin]                        # operator endpoint on 127.0.0.1 (admin_server.h)
//   enabled = true  port = 0       # port 0: any free one (DATA_DIR/admin.json names it)
//   [chain]
//   rpc = "http://127.0.0.1:26657"  # or a list: ["http://a:26657", "http://b:26657"]
//                                  # (failover in list order: chain/rpc_endpoints.h)
//   chain_id = "vinet-devnet"
//   [enclave]                      # optional: enables TEE mode; one of
//   endpoint = "vsock:16:5000"     #   unix:PATH | vsock:CID:PORT | tcp:IP:PORT (tee/endpoint.h)
//   socket = "/path/enclave.sock"  #   = endpoint "unix:/path/enclave.sock"
//   connect_timeout_ms = 5000      # a connection not accepted by then fails
//   timeout_ms = 60000             # a reply not read by then fails (0: wait forever)
//   reattest_after_expiry_ms = 0   # devnet/tests only: > 0 delays re-attestation
//                                  # until the key has been expired this long
//   [submitter]
//   interval_ms = 500  max_batch = 1000  tx_fee = 1
//   [chat]                         # VANILLA LLM chat engine (models_dir/*.gguf)
//   threads = 1  max_concurrent = 2  context = 0   # per generation; at once; 0 = model's
//   [zkml]
//   prover_threads = 1             # 1..2 proving workers (ZKML mode)
//   batch_max = 16                 # 1..32 queued jobs of one model per batch proof
//   batch_wait_ms = 50             # 0..1000: how long the oldest job waits for more
//   byzantine = "no-proof"         # fault injection: only with node.devnet = true
// `node.devnet = true` marks a devnet node (set by `vinet devnet up`); the
// byzantine modes (wrong-output | bad-proof | no-proof) are refused without it.
// Relative paths are resolved against the config file's folder. Missing
// required keys or wrong types are kInvalidArgument naming the key.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/node/chat_engine.h"
#include "vinet/tee/enclave_server.h"
#include "vinet/tee/endpoint.h"

namespace vinet::node {

enum class Byzantine { kNone, kWrongOutput, kBadProof, kNoProof };
// "" / "none" → kNone; kInvalidArgument for any other unknown name.
Result<Byzantine> ParseByzantine(std::string_view name);
std::string_view ByzantineName(Byzantine b);

struct NodeConfig {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::filesystem::path data_dir, key_file, models_dir;
  uint64_t default_fee = 10;
  int64_t min_request_validity_ms = 30'000;
  int64_t max_request_ttl_ms = 3'600'000;
  std::vector<std::string> chain_rpc{"http://127.0.0.1:26657"};  // failover order
  std::string chain_id = "vinet-devnet";
  std::optional<tee::Endpoint> enclave;  // none: no TEE
  tee::ConnectOptions enclave_connect{std::chrono::milliseconds(5'000),
                                      std::chrono::milliseconds(60'000)};
  int64_t reattest_after_expiry_ms = 0;  // 0: re-attest a third of the TTL before expiry
  int submit_interval_ms = 500;
  int max_batch = 1000;
  uint64_t tx_fee = 1;
  int http_threads = 32;
  unsigned prover_threads = 1;
  unsigned zkml_batch_max = 16;     // 1: every job its own proof
  int64_t zkml_batch_wait_ms = 50;  // bound on the wait for a fuller batch
  bool devnet = false;
  Byzantine byzantine = Byzantine::kNone;
  // TEE refused this close to the key's expiry. Negative (node.devnet only,
  // fault injection): TEE still served that long after it, so a test can
  // drive the chain's REFUSED rule for claims under an expired key.
  int64_t enclave_expiry_margin_ms = 5'000;
  int64_t answer_delay_ms = 0;  // devnet fault injection (node.devnet only)
  // Serve a client only against its on-chain deposit for this node (which
  // only this node can draw, and which stays locked past every request's
  // expiry); false: also against its plain balance (not safe when the client
  // uses several nodes: each checks the same balance).
  bool require_deposit = true;
  ChatEngineOptions chat;     // [chat] threads, max_concurrent, context
  bool admin_enabled = true;  // [admin] enabled: the loopback reload endpoint
  int admin_port = 0;         // [admin] port (127.0.0.1 only)
};

// kInvalidArgument when a byzantine mode is set on a node that is not a devnet node.
Status CheckByzantine(const NodeConfig& c);

Result<NodeConfig> LoadNodeConfig(const std::filesystem::path& file);

}  // namespace vinet::node
