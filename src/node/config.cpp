#include "vinet/node/config.h"

#include <toml++/toml.h>

namespace vinet::node {
namespace fs = std::filesystem;
namespace {

fs::path Resolve(const fs::path& base, const std::string& p) {
  fs::path path(p);
  return path.is_absolute() ? path : base / path;
}

Result<std::string> RequiredString(const toml::table& t, std::string_view key) {
  auto v = t.at_path(key).value<std::string>();
  if (!v || v->empty()) {
    return Error(Code::kInvalidArgument, "config: " + std::string(key) + " (string) is required");
  }
  return *v;
}

// [enclave] endpoint | socket, connect_timeout_ms, timeout_ms.
Status ParseEnclave(const toml::table& t, const fs::path& base, NodeConfig& c) {
  auto endpoint = t.at_path("enclave.endpoint").value<std::string>();
  auto socket = t.at_path("enclave.socket").value<std::string>();
  if (endpoint && socket) {
    return Error(Code::kInvalidArgument,
                 "config: enclave.endpoint and enclave.socket are both set: keep one");
  }
  if (socket && !socket->empty()) c.enclave = tee::Endpoint::Unix(Resolve(base, *socket).string());
  if (endpoint) {
    auto e = tee::ParseEndpoint(*endpoint);
    if (!e.ok()) return e.status().WithContext("config: enclave.endpoint");
    if (e->kind == tee::Endpoint::Kind::kUnix) e->path = Resolve(base, e->path).string();
    c.enclave = std::move(*e);
  }
  for (auto [key, field] :
       {std::pair{"enclave.connect_timeout_ms", &c.enclave_connect.connect_timeout},
        std::pair{"enclave.timeout_ms", &c.enclave_connect.io_timeout}}) {
    int64_t ms = t.at_path(key).value_or(static_cast<int64_t>(field->count()));
    if (ms < 0 || ms > 3'600'000) {
      return Error(Code::kInvalidArgument,
                   std::string("config: ") + key + " must be in [0, 3600000] ms");
    }
    *field = std::chrono::milliseconds(ms);
  }
  if (c.enclave_connect.connect_timeout.count() == 0) {
    return Error(Code::kInvalidArgument, "config: enclave.connect_timeout_ms must be > 0");
  }
  return Status::Ok();
}

Status ParseListen(const std::string& listen, NodeConfig& c) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Error(Code::kInvalidArgument, "config: node.listen wants host:port");
  }
  c.host = listen.substr(0, colon);
  try {
    c.port = std::stoi(listen.substr(colon + 1));
  } catch (...) {
    return Error(Code::kInvalidArgument, "config: node.listen has a bad port");
  }
  if (c.port < 0 || c.port > 65535) return Error(Code::kInvalidArgument, "config: bad port");
  return Status::Ok();
}

// [chain] rpc: one URL or a non-empty list of them.
Status ParseRpcList(const toml::table& t, NodeConfig& c) {
  auto node = t.at_path("chain.rpc");
  if (!node) return Status::Ok();
  if (auto s = node.value<std::string>()) {
    if (s->empty()) return Error(Code::kInvalidArgument, "config: chain.rpc is empty");
    c.chain_rpc = {*s};
    return Status::Ok();
  }
  const toml::array* list = node.as_array();
  if (!list || list->empty()) {
    return Error(Code::kInvalidArgument,
                 "config: chain.rpc wants a URL string or a non-empty list of them");
  }
  c.chain_rpc.clear();
  for (size_t i = 0; i < list->size(); ++i) {
    auto s = list->get(i)->value<std::string>();
    if (!s || s->empty()) {
      return Error(Code::kInvalidArgument,
                   "config: chain.rpc[" + std::to_string(i) + "] is not a URL string");
    }
    c.chain_rpc.push_back(*s);
  }
  return Status::Ok();
}

}  // namespace

Result<Byzantine> ParseByzantine(std::string_view name) {
  if (name.empty() || name == "none") return Byzantine::kNone;
  if (name == "wrong-output") return Byzantine::kWrongOutput;
  if (name == "bad-proof") return Byzantine::kBadProof;
  if (name == "no-proof") return Byzantine::kNoProof;
  return Error(Code::kInvalidArgument, "byzantine mode \"" + std::string(name) +
                                           "\": expected wrong-output, bad-proof or no-proof");
}

std::string_view ByzantineName(Byzantine b) {
  switch (b) {
    case Byzantine::kWrongOutput:
      return "wrong-output";
    case Byzantine::kBadProof:
      return "bad-proof";
    case Byzantine::kNoProof:
      return "no-proof";
    default:
      return "none";
  }
}

Status CheckByzantine(const NodeConfig& c) {
  if (c.byzantine != Byzantine::kNone && !c.devnet) {
    return Error(Code::kInvalidArgument,
                 "byzantine mode " + std::string(ByzantineName(c.byzantine)) +
                     " is only allowed on a devnet node (node.devnet = true)");
  }
  return Status::Ok();
}

Result<NodeConfig> LoadNodeConfig(const fs::path& file) {
  toml::table t;
  try {
    t = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    return Error(Code::kParse, file.string() + ": " + std::string(e.description()));
  }
  fs::path base = fs::absolute(file).parent_path();
  NodeConfig c;
  VINET_ASSIGN_OR_RETURN(std::string listen, RequiredString(t, "node.listen"));
  VINET_RETURN_IF_ERROR(ParseListen(listen, c));
  VINET_ASSIGN_OR_RETURN(std::string data_dir, RequiredString(t, "node.data_dir"));
  VINET_ASSIGN_OR_RETURN(std::string key_file, RequiredString(t, "node.key_file"));
  VINET_ASSIGN_OR_RETURN(std::string models_dir, RequiredString(t, "node.models_dir"));
  c.data_dir = Resolve(base, data_dir);
  c.key_file = Resolve(base, key_file);
  c.models_dir = Resolve(base, models_dir);
  c.default_fee = t.at_path("node.default_fee").value_or(c.default_fee);
  c.http_threads = t.at_path("node.http_threads").value_or(c.http_threads);
  c.min_request_validity_ms =
      t.at_path("node.min_request_validity_ms").value_or(c.min_request_validity_ms);
  c.max_request_ttl_ms = t.at_path("node.max_request_ttl_ms").value_or(c.max_request_ttl_ms);
  VINET_RETURN_IF_ERROR(ParseRpcList(t, c));
  c.chain_id = t.at_path("chain.chain_id").value_or(c.chain_id);
  VINET_RETURN_IF_ERROR(ParseEnclave(t, base, c));
  c.reattest_after_expiry_ms =
      t.at_path("enclave.reattest_after_expiry_ms").value_or(c.reattest_after_expiry_ms);
  c.submit_interval_ms = t.at_path("submitter.interval_ms").value_or(c.submit_interval_ms);
  c.max_batch = t.at_path("submitter.max_batch").value_or(c.max_batch);
  c.tx_fee = t.at_path("submitter.tx_fee").value_or(c.tx_fee);
  c.devnet = t.at_path("node.devnet").value_or(false);
  int64_t prover_threads = t.at_path("zkml.prover_threads").value_or(int64_t{1});
  if (prover_threads < 1 || prover_threads > 2) {
    return Error(Code::kInvalidArgument, "config: zkml.prover_threads must be 1 or 2");
  }
  c.prover_threads = static_cast<unsigned>(prover_threads);
  int64_t batch_max = t.at_path("zkml.batch_max").value_or(int64_t{c.zkml_batch_max});
  if (batch_max < 1 || batch_max > 32) {  // zkml::kMaxBatch
    return Error(Code::kInvalidArgument, "config: zkml.batch_max must be 1..32");
  }
  c.zkml_batch_max = static_cast<unsigned>(batch_max);
  c.zkml_batch_wait_ms = t.at_path("zkml.batch_wait_ms").value_or(c.zkml_batch_wait_ms);
  if (c.zkml_batch_wait_ms < 0 || c.zkml_batch_wait_ms > 1000) {
    return Error(Code::kInvalidArgument, "config: zkml.batch_wait_ms must be 0..1000");
  }
  VINET_ASSIGN_OR_RETURN(c.byzantine,
                         ParseByzantine(t.at_path("zkml.byzantine").value_or(std::string())));
  VINET_RETURN_IF_ERROR(CheckByzantine(c));
  c.require_deposit = t.at_path("node.require_deposit").value_or(c.require_deposit);
  int64_t chat_threads = t.at_path("chat.threads").value_or(int64_t{c.chat.threads});
  int64_t chat_max = t.at_path("chat.max_concurrent").value_or(int64_t{c.chat.max_concurrent});
  int64_t chat_context = t.at_path("chat.context").value_or(int64_t{c.chat.context});
  if (chat_threads < 1 || chat_threads > 64 || chat_max < 1 || chat_max > 64 || chat_context < 0 ||
      chat_context > (int64_t{1} << 20)) {
    return Error(Code::kInvalidArgument,
                 "config: chat.threads and chat.max_concurrent must be in 1..64, chat.context in "
                 "0..1048576");
  }
  c.chat = {static_cast<uint32_t>(chat_threads), static_cast<uint32_t>(chat_max),
            static_cast<uint32_t>(chat_context)};
  c.enclave_expiry_margin_ms =
      t.at_path("node.enclave_expiry_margin_ms").value_or(c.enclave_expiry_margin_ms);
  if (c.enclave_expiry_margin_ms < 0 && !c.devnet) {
    return Error(Code::kInvalidArgument,
                 "config: node.enclave_expiry_margin_ms may be negative only with node.devnet");
  }
  c.answer_delay_ms = t.at_path("node.answer_delay_ms").value_or(int64_t{0});
  if (c.answer_delay_ms < 0 || (c.answer_delay_ms > 0 && !c.devnet)) {
    return Error(Code::kInvalidArgument,
                 "config: node.answer_delay_ms must be >= 0 and is only allowed with node.devnet");
  }
  c.admin_enabled = t.at_path("admin.enabled").value_or(c.admin_enabled);
  c.admin_port = t.at_path("admin.port").value_or(c.admin_port);
  if (c.admin_port < 0 || c.admin_port > 65535) {
    return Error(Code::kInvalidArgument, "config: admin.port must be in 0..65535");
  }
  if (c.submit_interval_ms < 10 || c.max_batch < 1 || c.http_threads < 1) {
    return Error(Code::kInvalidArgument, "config: submitter.interval_ms >= 10, max_batch >= 1");
  }
  return c;
}

}  // namespace vinet::node
