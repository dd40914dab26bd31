// `vinet infer`, `vinet verify`, `vinet status`: the C++ client (vinet::Client).
//
//   vinet infer MODEL_ID --input IN.json|'{"x": [...]}'|- [--mode vanilla|tee|zkml]
//               [--wait settled|proof] [--json]
//   (zkml: the answer comes at once; its proof is then fetched from the node
//   and verified locally against the chain's verifying key; --wait proof:
//   the node proves before answering and the answer carries the proof)
//   vinet verify RECEIPT.json      (signatures and output hash, offline)
//   vinet status INFERENCE_ID      (the node's record and the chain's claim)
// Endpoints and key: the network flags (network_flags.h), --node, --chain,
// --key, --root or --devnet DIR. Output: text for people; --json prints one
// JSON object for programs.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/client_args.h"
#include "cli/commands.h"
#include "cli/json_arg.h"
#include "cli/light_trust.h"
#include "cli/progress.h"
#include "vinet/client/client.h"
#include "vinet/client/zkml.h"
#include "vinet/protocol/tensor_map_json.h"

namespace vinet::cli {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw StatusError(Error(Code::kIo, "cannot read " + p.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void RunInfer(ClientArgs& a) {
  std::string mode_name = a.mode;
  for (auto& ch : mode_name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  protocol::Mode mode = ValueOrThrow(protocol::ParseMode(mode_name));
  if (!a.wait.empty() && a.wait != "proof" && a.wait != "settled") {
    throw StatusError(Error(Code::kInvalidArgument, "--wait takes \"settled\" or \"proof\""));
  }
  // Settlement and ZKML verifying keys come from the chain.
  bool needs_chain = a.wait == "settled" || mode == protocol::Mode::kZkml;
  client::Client c = MakeClient(a, needs_chain ? kChainFlag : 0u);
  auto inputs =
      ValueOrThrow(protocol::TensorMapFromJson(ValueOrThrow(ReadJsonArg("--input", a.input))));
  auto t0 = std::chrono::steady_clock::now();
  if (a.wait == "proof" && mode != protocol::Mode::kZkml) {
    throw StatusError(Error(Code::kInvalidArgument, "--wait proof needs --mode zkml"));
  }
  client::InferResult r = ValueOrThrow(c.Infer(a.model_id, inputs, mode, a.wait == "proof"));
  double answer_ms = MsSince(t0);
  auto v0 = std::chrono::steady_clock::now();
  ThrowIfError(c.Verify(r));
  double verify_ms = MsSince(v0);
  json out = {{"inference_id", r.inference_id},
              {"mode", protocol::ModeName(mode)},
              {"outputs", protocol::TensorMapToJson(r.outputs)},
              {"received_ms", r.received_ms},
              {"answer_ms", answer_ms},
              {"verified", true},
              {"verify_ms", verify_ms}};
  if (!a.receipt_out.empty()) {
    std::ofstream(a.receipt_out) << protocol::ReceiptToJson(r.receipt) << "\n";
  }
  if (a.wait == "settled") {
    Progress("infer", "waiting for the chain to settle " + r.inference_id);
    auto s = ValueOrThrow(
        c.WaitSettled(r.inference_id, r.received_ms, static_cast<int64_t>(a.timeout * 1000)));
    out["settlement"] = {{"status", s.status},
                         {"height", s.height},
                         {"tx_hash", s.tx_hash},
                         {"seen_ms", s.seen_ms},
                         {"trust_gap_ms", s.trust_gap_ms},
                         {"proof_verified", s.proof_verified},
                         {"proven_height", s.proven_height},
                         {"app_hash", s.app_hash},
                         {"certified", s.certified}};
  } else if (!a.wait.empty() && a.wait != "proof") {
    throw StatusError(Error(Code::kInvalidArgument, "--wait takes \"settled\" or \"proof\""));
  }
  if (mode == protocol::Mode::kZkml) {
    auto p0 = std::chrono::steady_clock::now();
    if (a.wait != "proof") Progress("infer", "waiting for the node's proof");
    client::NodeProof proof = ValueOrThrow(
        client::FetchProof(a.net.node_url, r.inference_id, static_cast<int64_t>(a.timeout * 1000)));
    double proof_wait_ms = MsSince(p0);
    auto vk = ValueOrThrow(client::FetchZkmlKey(a.net.chain_rpc, a.model_id));
    auto z0 = std::chrono::steady_clock::now();
    ThrowIfError(client::VerifyZkml(vk, r, proof, a.net.node_url));
    out["zkml"] = {{"proof_bytes", proof.proof.size()},
                   {"proof_instances", proof.instances()},
                   {"proof_wait_ms", proof_wait_ms},
                   {"proof_verified", true},
                   {"proof_verify_ms", MsSince(z0)}};
  }
  if (a.as_json) {
    std::cout << out.dump() << "\n";
    return;
  }
  std::cout << "inference " << r.inference_id << " (" << protocol::ModeName(mode) << ")\n"
            << "outputs " << out["outputs"].dump() << "\n"
            << "answered in " << answer_ms << " ms, verified locally in " << verify_ms << " ms\n";
  if (out.contains("zkml")) {
    std::cout << "proof " << out["zkml"]["proof_bytes"] << " bytes, verified locally in "
              << out["zkml"]["proof_verify_ms"] << " ms\n";
  }
  if (out.contains("settlement")) {
    std::cout << "settlement " << out["settlement"]["status"].get<std::string>() << " at height "
              << out["settlement"]["height"] << ", trust gap " << out["settlement"]["trust_gap_ms"]
              << " ms\n";
  }
}

std::string Field(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return "-";
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

void PrintStatusText(const json& out) {
  std::cout << "inference " << out["inference_id"].get<std::string>() << "\n";
  const json& n = out["node"];
  if (n.contains("error")) {
    std::cout << "node: " << n["error"].get<std::string>() << "\n";
  } else {
    std::cout << "node: " << Field(n, "status") << " (" << Field(n, "mode") << ", model "
              << Field(n, "model_id") << ", fee " << Field(n, "fee") << ")";
    if (n.contains("proof") && n["proof"].is_object()) {
      std::cout << ", proof " << Field(n["proof"], "status");
    }
    if (Field(n, "tx_hash") != "-" && !Field(n, "tx_hash").empty()) {
      std::cout << ", claim tx " << Field(n, "tx_hash") << " at height " << Field(n, "height");
    }
    std::cout << "\n";
  }
  if (!out.contains("chain")) return;
  const json& c = out["chain"];
  if (c.is_null()) {
    std::cout << "chain: no claim yet\n";
  } else {
    std::cout << "chain: " << Field(c, "status") << " at height " << Field(c, "height") << ", fee "
              << Field(c, "fee") << "\n";
  }
}

void RunVerify(const ClientArgs& a) {
  protocol::Receipt r = ValueOrThrow(protocol::ReceiptFromJson(Slurp(a.receipt_file)));
  ThrowIfError(client::VerifyReceiptOffline(r));
  json out = {{"ok", true},
              {"inference_id", ToHex(r.inference_id)},
              {"mode", protocol::ModeName(r.mode)},
              {"node_id", ToHex(r.node_id)},
              {"attestation_checked", false}};
  if (a.as_json) {
    std::cout << out.dump() << "\n";
  } else {
    std::cout << "receipt OK: output hash and signatures verify (" << protocol::ModeName(r.mode)
              << "; enclave attestation not checked offline)\n";
  }
}

void RunStatus(ClientArgs& a) {
  // Reading records signs nothing: the client's key is a throwaway one.
  a.net = ValueOrThrow(ResolveNetwork(a.flags, kNodeFlag));
  client::ClientOptions o;
  o.node_url = a.net.node_url;
  o.chain_rpc = a.net.chain_rpc;
  client::Client c(o, crypto::SecretKey::Generate());
  json out = {{"inference_id", a.inference_id}};
  auto node = c.NodeStatus(a.inference_id);
  out["node"] = node.ok() ? *node : json{{"error", node.status().ToString()}};
  if (!a.net.chain_rpc.empty()) {
    auto claim = c.ChainClaim(a.inference_id);
    out["chain"] = claim.ok() ? (claim->has_value() ? **claim : json()) : json();
  }
  if (!node.ok() && (!out.contains("chain") || out["chain"].is_null())) {
    throw StatusError(node.status());
  }
  if (a.verify_proof) {
    if (a.net.chain_rpc.empty()) {
      throw StatusError(Error(Code::kInvalidArgument,
                              "--verify-proof needs the chain (--chain or --devnet): the key is "
                              "the chain's"));
    }
    auto stored = ValueOrThrow(client::FetchStoredInference(a.net.node_url, a.inference_id));
    auto vk = ValueOrThrow(client::FetchZkmlKey(a.net.chain_rpc, stored.model_id));
    client::NodeProof proof = ValueOrThrow(
        client::FetchProof(a.net.node_url, a.inference_id, static_cast<int64_t>(a.timeout * 1000)));
    ThrowIfError(client::VerifyZkml(vk, stored.result, proof, a.net.node_url));
    out["zkml"] = {{"proof_verified", true},
                   {"proof_bytes", proof.proof.size()},
                   {"proof_instances", proof.instances()}};
  }
  if (a.as_json) {
    std::cout << out.dump() << "\n";
  } else {
    PrintStatusText(out);
    if (out.contains("zkml")) {
      std::cout << "zkml: proof verified (" << out["zkml"]["proof_instances"].get<size_t>()
                << " inference(s) in it, " << out["zkml"]["proof_bytes"].get<size_t>()
                << " bytes)\n";
    }
  }
}

}  // namespace

client::Client MakeClient(ClientArgs& a, unsigned also_required) {
  a.net = ValueOrThrow(ResolveNetwork(a.flags, kNodeFlag | kKeyFlag | also_required));
  client::ClientOptions o;
  o.node_url = a.net.node_url;
  o.chain_rpc = a.net.chain_rpc;
  AddDevnetLightTrust(o, a.net.devnet_dir);
  if (!a.net.root_pem.empty()) {
    o.roots.push_back(ValueOrThrow(tee::TrustRoot::FromPemFile(a.net.root_pem)));
  }
  return client::Client(o, ValueOrThrow(crypto::LoadKeyFile(a.net.key_file)));
}

void AddEndpoints(CLI::App* cmd, ClientArgs& a) {
  AddNetworkFlags(cmd, a.flags, kNodeFlag | kChainFlag | kKeyFlag | kRootFlag);
  cmd->add_flag("--json", a.as_json, "print one JSON object instead of text");
}

void RegisterClientCommands(CLI::App& app) {
  static ClientArgs a, sa, va;
  auto* infer = app.add_subcommand("infer", "run an inference on a node, verify, optionally wait");
  infer->add_option("model_id", a.model_id, "model id (hex)")->required();
  infer
      ->add_option("--input", a.input,
                   "inputs {name: tensor}: inline JSON ('{\"x\": [[1, 2]]}'), a JSON file, or - "
                   "for stdin")
      ->required();
  infer->add_option("--mode", a.mode, "vanilla, tee or zkml")->capture_default_str();
  infer->add_option(
      "--wait", a.wait,
      "\"settled\": wait for the chain's verdict; \"proof\" (zkml): proof in the answer");
  infer->add_option("--timeout", a.timeout, "seconds to wait for settlement or a proof")
      ->capture_default_str();
  infer->add_option("--receipt-out", a.receipt_out, "write the receipt JSON here");
  AddEndpoints(infer, a);
  infer->callback([] { RunInfer(a); });

  auto* verify = app.add_subcommand("verify", "verify a receipt file offline");
  verify->add_option("receipt", va.receipt_file, "RECEIPT.json")->required();
  verify->add_flag("--json", va.as_json, "print one JSON object instead of text");
  verify->callback([] { RunVerify(va); });

  auto* status = app.add_subcommand("status", "an inference's status at the node and on chain");
  status->add_option("inference_id", sa.inference_id, "hex")->required();
  AddNetworkFlags(status, sa.flags, kNodeFlag | kChainFlag);
  status->add_flag("--json", sa.as_json, "print one JSON object instead of text");
  status->add_flag("--verify-proof", sa.verify_proof,
                   "zkml: fetch the node's proof (a batch proof too) and verify it against the "
                   "chain's key and the node's stored inputs and answer");
  status->add_option("--timeout", sa.timeout, "seconds to wait for the proof")
      ->capture_default_str();
  status->callback([] { RunStatus(sa); });

  RegisterChatCommand(app);
}

}  // namespace vinet::cli
