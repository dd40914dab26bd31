// `vinet infer`, `vinet verify`, `vinet status`: the C++ client (vinet::Client).
//
//   vinet infer MODEL_ID --input IN.json [--mode vanilla|tee|zkml] [--wait settled|proof] [--json]
//   (zkml: the answer comes at once; its proof is then fetched from the node
//   and verified locally against the chain's verifying key; --wait proof:
//   the node proves before answering and the answer carries the proof)
//   vinet verify RECEIPT.json      (signatures and output hash, offline)
//   vinet status INFERENCE_ID      (the node's record and the chain's claim)
// Endpoints and key come from flags, or from a devnet's devnet.json
// (--devnet DIR, default .vinet/devnet): node URL, chain RPC, dev key and the
// emulator's dev root (for TEE attestation).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/client_args.h"
#include "cli/commands.h"
#include "cli/light_trust.h"
#include "vinet/client/client.h"
#include "vinet/client/zkml.h"
#include "vinet/node/tensor_json.h"

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

json ParseJsonFile(const fs::path& p) {
  json j = json::parse(Slurp(p), nullptr, false);
  if (j.is_discarded()) throw StatusError(Error(Code::kParse, p.string() + " is not JSON"));
  return j;
}

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void RunInfer(ClientArgs& a) {
  client::Client c = MakeClient(a);
  auto inputs = ValueOrThrow(node::TensorMapFromJson(ParseJsonFile(a.input)));
  std::string mode_name = a.mode;
  for (auto& ch : mode_name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  protocol::Mode mode = ValueOrThrow(protocol::ParseMode(mode_name));
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
              {"outputs", node::TensorMapToJson(r.outputs)},
              {"received_ms", r.received_ms},
              {"answer_ms", answer_ms},
              {"verified", true},
              {"verify_ms", verify_ms}};
  if (!a.receipt_out.empty()) {
    std::ofstream(a.receipt_out) << protocol::ReceiptToJson(r.receipt) << "\n";
  }
  if (a.wait == "settled") {
    auto s = ValueOrThrow(
        c.WaitSettled(r.inference_id, r.received_ms, static_cast<int64_t>(a.timeout * 1000)));
    out["settlement"] = {{"status", s.status},
                         {"height", s.height},
                         {"tx_hash", s.tx_hash},
                         {"seen_ms", s.seen_ms},
                         {"trust_gap_ms", s.trust_gap_ms},
                         {"proof_verified", s.proof_verified},
                         {"proven_height", s.proven_height},
                         {"app_hash", s.app_hash}};
  } else if (!a.wait.empty() && a.wait != "proof") {
    throw StatusError(Error(Code::kInvalidArgument, "--wait takes \"settled\" or \"proof\""));
  }
  if (mode == protocol::Mode::kZkml) {
    auto p0 = std::chrono::steady_clock::now();
    Bytes proof = ValueOrThrow(
        client::FetchProof(a.node_url, r.inference_id, static_cast<int64_t>(a.timeout * 1000)));
    double proof_wait_ms = MsSince(p0);
    auto vk = ValueOrThrow(client::FetchZkmlKey(a.chain_rpc, a.model_id));
    auto z0 = std::chrono::steady_clock::now();
    ThrowIfError(client::VerifyZkml(vk, r, proof));
    out["zkml"] = {{"proof_bytes", proof.size()},
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
  if (out.contains("settlement")) {
    std::cout << "settlement " << out["settlement"]["status"].get<std::string>() << " at height "
              << out["settlement"]["height"] << ", trust gap " << out["settlement"]["trust_gap_ms"]
              << " ms\n";
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
  client::Client c = MakeClient(a);
  json out = {{"inference_id", a.inference_id}};
  auto node = c.NodeStatus(a.inference_id);
  out["node"] = node.ok() ? *node : json{{"error", node.status().ToString()}};
  if (!a.chain_rpc.empty()) {
    auto claim = c.ChainClaim(a.inference_id);
    out["chain"] = claim.ok() ? (claim->has_value() ? **claim : json()) : json();
  }
  if (!node.ok() && (!out.contains("chain") || out["chain"].is_null())) {
    throw StatusError(node.status());
  }
  std::cout << (a.as_json ? out.dump() : out.dump(2)) << "\n";
}

}  // namespace

// Fills unset endpoints from devnet.json when it exists.
void FromDevnet(ClientArgs& a) {
  fs::path state = fs::path(a.devnet) / "devnet.json";
  if (!fs::exists(state)) return;
  json s = ParseJsonFile(state);
  if (a.node_url.empty() && s.contains("node")) a.node_url = s["node"].value("url", "");
  if (a.chain_rpc.empty() && !s["validators"].empty()) a.chain_rpc = s["validators"][0]["rpc"];
  if (a.key_file.empty()) a.key_file = s.value("dev_key", "");
  if (a.root_pem.empty()) a.root_pem = s.value("tee_root", "");
}

client::Client MakeClient(ClientArgs& a) {
  FromDevnet(a);
  if (a.node_url.empty() || a.key_file.empty()) {
    throw StatusError(Error(Code::kInvalidArgument, "give --node and --key (or --devnet DIR)"));
  }
  client::ClientOptions o;
  o.node_url = a.node_url;
  o.chain_rpc = a.chain_rpc;
  AddDevnetLightTrust(o, a.devnet);
  if (!a.root_pem.empty()) o.roots.push_back(ValueOrThrow(tee::TrustRoot::FromPemFile(a.root_pem)));
  return client::Client(o, ValueOrThrow(crypto::LoadKeyFile(a.key_file)));
}

void AddEndpoints(CLI::App* cmd, ClientArgs& a) {
  cmd->add_option("--devnet", a.devnet, "devnet directory for defaults")->capture_default_str();
  cmd->add_option("--node", a.node_url, "inference node URL");
  cmd->add_option("--chain", a.chain_rpc, "CometBFT RPC URL");
  cmd->add_option("--key", a.key_file, "client key file");
  cmd->add_option("--root", a.root_pem, "trusted enclave root PEM (TEE)");
  cmd->add_flag("--json", a.as_json, "print JSON");
}

void RegisterClientCommands(CLI::App& app) {
  static ClientArgs a;
  auto* infer = app.add_subcommand("infer", "run an inference on a node, verify, optionally wait");
  infer->add_option("model_id", a.model_id, "model id (hex)")->required();
  infer->add_option("--input", a.input, "inputs JSON {name: tensor}")->required();
  infer->add_option("--mode", a.mode, "vanilla, tee or zkml")->capture_default_str();
  infer->add_option(
      "--wait", a.wait,
      "\"settled\": wait for the chain's verdict; \"proof\" (zkml): proof in the answer");
  infer->add_option("--timeout", a.timeout, "seconds to wait for settlement");
  infer->add_option("--receipt-out", a.receipt_out, "write the receipt JSON here");
  AddEndpoints(infer, a);
  infer->callback([] { RunInfer(a); });

  auto* verify = app.add_subcommand("verify", "verify a receipt file offline");
  verify->add_option("receipt", a.receipt_file, "RECEIPT.json")->required();
  verify->add_flag("--json", a.as_json, "print JSON");
  verify->callback([] { RunVerify(a); });

  auto* status = app.add_subcommand("status", "an inference's status at the node and on chain");
  status->add_option("inference_id", a.inference_id, "hex")->required();
  AddEndpoints(status, a);
  status->callback([] { RunStatus(a); });

  RegisterChatCommand(app);
}

}  // namespace vinet::cli
