// `vinet tx register-model` (ZKML: --zkml-vk KEY_FILE, the zkml verifying
// key bytes; chat models: --format gguf --price-in N --price-out N, the
// model id being the GGUF file's SHA-256), `vinet tx register-enclave`, `vinet tx submit-proof`
// (one ZKML proof: --inference-id HEX, --inputs FILE with the canonical tensor encoding of the
// request's inputs, --proof FILE with the proof bytes), plus `vinet tx enclave-nonce`, which prints
// the nonce an attestation document for RegisterEnclave must carry (--json: {"height": H, "nonce":
// hex}) so that a script can ask the node's enclave (GET /v1/attestation?nonce=…) and pass the
// document back with --document-b64 and --nonce-height H.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "cli/chain_tx.h"
#include "cli/output.h"
#include "vinet/chain/enclave_nonce.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/protocol/receipt.h"

namespace vinet::cli {
namespace {

namespace txpb = ::vinet::tx::v1;

inference::v1::Mode ModeOf(std::string name) {
  for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return static_cast<inference::v1::Mode>(ValueOrThrow(protocol::ParseMode(name)));
}

Bytes ReadFileBytes(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw StatusError(Error(Code::kIo, "cannot read " + file));
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Bytes ReadDocument(const std::string& file, const std::string& b64) {
  if (!b64.empty()) return ValueOrThrow(chain::Base64Decode(b64));
  return ReadFileBytes(file);
}

void RegisterModelCommand(CLI::App* tx) {
  static TxOptions o;
  static std::string model_id, name, format = "onnx", zkml_vk, zkml_range;
  static uint64_t fee = 0, price_in = 0, price_out = 0;
  static std::vector<std::string> modes, pcr0s;
  auto* cmd = tx->add_subcommand("register-model", "register a model (signer becomes owner)");
  AddCommonOptions(cmd, o);
  cmd->add_option("--model-id", model_id, "model id (e.g. its content hash)")->required();
  cmd->add_option("--name", name, "display name")->required();
  cmd->add_option("--format", format, "model format: onnx | gguf (LLM chat)")
      ->check(CLI::IsMember({"onnx", "gguf"}))
      ->capture_default_str();
  cmd->add_option("--fee-per-inference", fee, "fee a client pays per inference (or chat)")
      ->capture_default_str();
  cmd->add_option("--price-in", price_in, "gguf: fee per prompt token")->capture_default_str();
  cmd->add_option("--price-out", price_out, "gguf: fee per completion token")
      ->capture_default_str();
  cmd->add_option("--mode", modes, "offered mode: vanilla|tee|zkml (repeat)")->required();
  cmd->add_option("--pcr0", pcr0s, "allowed enclave PCR0, 96 hex chars (repeat)");
  cmd->add_option("--zkml-vk", zkml_vk, "ZKML verifying key file (required with --mode zkml)");
  cmd->add_option("--zkml-range-proof", zkml_range,
                  "its weight-range proof (default: the key file + .range, as `vinet zk "
                  "export-vk` writes it)");
  cmd->callback([] {
    bool tee = std::any_of(modes.begin(), modes.end(), [](const std::string& m) {
      return ModeOf(m) == inference::v1::MODE_TEE;
    });
    if (tee && pcr0s.empty()) {
      throw StatusError(Error(
          Code::kInvalidArgument,
          "--mode tee needs --pcr0 HEX (96 hex chars): the PCR0 of the enclaves allowed to serve "
          "the model, e.g. `vinet enclave info --socket S` (\"pcr0\") or `vinet devnet status "
          "--json` (enclave.pcr0); without one no enclave can ever serve it. `vinet model "
          "publish` fills it from the running enclave"));
    }
    Bytes vk = zkml_vk.empty() ? Bytes() : ReadFileBytes(zkml_vk);
    std::string range_file = !zkml_range.empty() ? zkml_range
                             : zkml_vk.empty()   ? std::string()
                                                 : zkml_vk + ".range";
    Bytes range;
    if (!range_file.empty() && (!zkml_range.empty() || std::filesystem::exists(range_file))) {
      range = ReadFileBytes(range_file);
    }
    SendAndReport(o, [&](txpb::TxBody& b) {
      auto* m = b.mutable_register_model();
      m->set_model_id(model_id);
      m->set_name(name);
      m->set_format(format);
      m->set_fee_per_inference(fee);
      m->set_price_per_input_token(price_in);
      m->set_price_per_output_token(price_out);
      for (const auto& mode : modes) m->add_modes(ModeOf(mode));
      for (const auto& p : pcr0s) m->add_allowed_pcr0(ToString(ValueOrThrow(FromHex(p))));
      if (!vk.empty()) m->set_zkml_verifying_key(ToString(vk));
      if (!range.empty()) m->set_zkml_weight_range_proof(ToString(range));
    });
  });
}

void RegisterEnclaveCommand(CLI::App* tx) {
  static TxOptions o;
  static std::string document_file, document_b64;
  static std::vector<std::string> models;
  static int64_t nonce_height = 0;
  auto* cmd = tx->add_subcommand("register-enclave", "register or refresh the node's enclave");
  AddCommonOptions(cmd, o);
  auto* file = cmd->add_option("--document", document_file, "attestation document file (COSE)");
  auto* b64 = cmd->add_option("--document-b64", document_b64, "attestation document, base64");
  file->excludes(b64);
  cmd->add_option("--nonce-height", nonce_height, "height bound into the document's nonce")
      ->required();
  cmd->add_option("--model", models, "model id the enclave serves (repeat)")->required();
  cmd->callback([] {
    if (document_file.empty() && document_b64.empty()) {
      throw StatusError(Error(Code::kInvalidArgument, "give --document or --document-b64"));
    }
    Bytes doc = ReadDocument(document_file, document_b64);
    SendAndReport(o, [&](txpb::TxBody& b) {
      auto* e = b.mutable_register_enclave();
      e->set_attestation_document(ToString(doc));
      for (const auto& m : models) e->add_model_ids(m);
      e->set_nonce_height(nonce_height);
    });
  });
}

void SubmitProofCommand(CLI::App* tx) {
  static TxOptions o;
  static std::string id_hex, inputs_file, proof_file;
  auto* cmd = tx->add_subcommand("submit-proof", "submit a ZKML proof for a PENDING claim");
  AddCommonOptions(cmd, o);
  cmd->add_option("--inference-id", id_hex, "the claim's inference id (64 hex)")->required();
  cmd->add_option("--inputs", inputs_file, "canonical tensor encoding of the request's inputs")
      ->required();
  cmd->add_option("--proof", proof_file, "zkml proof file")->required();
  cmd->callback([] {
    Bytes id = ValueOrThrow(FromHex(id_hex));
    Bytes inputs = ReadFileBytes(inputs_file), proof = ReadFileBytes(proof_file);
    // The verification fee follows the claim's model's metered cost.
    uint64_t units = 0;
    ResolveTxNetwork(o);
    chain::RpcClient rpc(o.net.chain_rpc);
    auto claim = ValueOrThrow(rpc.AbciQuery("/claim/" + ToHex(id)));
    if (claim.value("code", 1) == 0) {
      auto c = nlohmann::json::parse(claim["value"].get<std::string>(), nullptr, false);
      auto model = ValueOrThrow(rpc.AbciQuery("/model/" + c.value("model_id", std::string())));
      if (model.value("code", 1) == 0) {
        auto m = nlohmann::json::parse(model["value"].get<std::string>(), nullptr, false);
        units = m.value("zkml_verify_cost", uint64_t{0});
      }
    }
    SendAndReport(
        o,
        [&](txpb::TxBody& b) {
          auto* p = b.mutable_submit_proofs()->add_proofs();
          p->set_inference_id(ToString(id));
          p->set_inputs(ToString(inputs));
          p->set_proof(ToString(proof));
        },
        units);
  });
}

void EnclaveNonceCommand(CLI::App* tx) {
  static NetworkFlags flags;
  static std::string chain_id;
  static int64_t height = -1;
  static bool as_json = false;
  auto* cmd = tx->add_subcommand("enclave-nonce", "print the RegisterEnclave attestation nonce");
  AddNetworkFlags(cmd, flags, kChainFlag | kKeyFlag);
  cmd->add_option("--chain-id", chain_id, "chain id (default: the chain's)");
  cmd->add_option("--height", height, "height to bind (default: latest)");
  cmd->add_flag("--json", as_json, "print {\"height\", \"nonce\"}");
  cmd->callback([] {
    Network net = ValueOrThrow(ResolveNetwork(flags, kChainFlag | kKeyFlag));
    auto key = ValueOrThrow(crypto::LoadKeyFile(net.key_file));
    chain::RpcClient rpc(net.chain_rpc);
    if (chain_id.empty()) chain_id = ValueOrThrow(rpc.ChainId());
    if (height < 0) height = ValueOrThrow(rpc.LatestHeight());
    auto nonce = chain::EnclaveNonce(chain_id, key.public_key(), static_cast<uint64_t>(height));
    PrintJsonOrText(as_json, nlohmann::json{{"height", height}, {"nonce", ToHex(nonce)}});
  });
}

}  // namespace

void RegisterInferenceTxCommands(CLI::App* tx) {
  RegisterModelCommand(tx);
  RegisterEnclaveCommand(tx);
  SubmitProofCommand(tx);
  EnclaveNonceCommand(tx);
  RegisterDepositTxCommands(tx);
  RegisterUpdateModelCommand(tx);
}

}  // namespace vinet::cli
