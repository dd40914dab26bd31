// `vinet enclave start | attest | info`.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <optional>

#include "cli/output.h"
#include "cli/stop_signal.h"
#include "cli/tee_cli.h"
#include "vinet/common/log.h"
#include "vinet/tee/emulator.h"
#include "vinet/tee/enclave_server.h"
#include "vinet/tee/endpoint.h"
#include "vinet/tee/nsm.h"
#include "vinet/tee/verifier.h"

namespace vinet::cli {
namespace {

namespace fs = std::filesystem;

struct EnclaveArgs {
  std::string socket;
  std::string endpoint;  // --listen (start) / --enclave (attest, info)
  std::string models;
  std::string ca_dir = ".vinet/dev-ca";
  std::string provider = "emulator";
  bool debug = false;
  uint32_t chat_threads = 1;
  uint32_t chat_concurrency = 2;  // = the node's [chat] max_concurrent default
  std::string nonce_hex;
  std::string out;
  bool as_json = false;
};

// --listen/--enclave ENDPOINT, or --socket PATH (= unix:PATH); exactly one.
// nullopt when neither is given and `required` is false.
std::optional<tee::Endpoint> EndpointArg(const EnclaveArgs& a, const char* flag, bool required) {
  if (!a.socket.empty() && !a.endpoint.empty()) {
    throw StatusError(
        Error(Code::kInvalidArgument, std::string("give --socket or ") + flag + ", not both"));
  }
  if (!a.endpoint.empty()) return ValueOrThrow(tee::ParseEndpoint(a.endpoint));
  if (!a.socket.empty()) return tee::Endpoint::Unix(a.socket);
  if (required) {
    throw StatusError(
        Error(Code::kInvalidArgument, std::string("give ") + flag + " ENDPOINT or --socket PATH"));
  }
  return std::nullopt;
}

std::unique_ptr<tee::Enclave> BuildEnclave(const EnclaveArgs& a) {
  if (!fs::is_directory(a.models)) {
    throw StatusError(
        Error(Code::kInvalidArgument, "--models " + a.models + " is not a directory"));
  }
  tee::EnclaveMeasurements m =
      ValueOrThrow(tee::MeasureEnclave(tee::SelfExecutable(), a.models, a.debug));
  std::unique_ptr<tee::AttestationProvider> provider;
  if (a.provider == "nitro") {
    auto nitro = ValueOrThrow(tee::NitroProvider::Open());
    // On Nitro the PCRs are the EIF's (nitro-cli build-enclave), not the
    // emulator's file hashes: report the ones the NSM attests, which are what
    // the chain's allowlists hold (docs/operations.md).
    Bytes probe = ValueOrThrow(nitro->Attest(tee::AttestationRequest{}));
    tee::AttestationDocument doc = ValueOrThrow(tee::ParseAttestationUnverified(probe));
    for (auto [index, field] : {std::pair{0u, &m.image}, std::pair{2u, &m.config_pcr}}) {
      auto it = doc.pcrs.find(index);
      if (it == doc.pcrs.end() || it->second.size() != field->size()) {
        throw StatusError(Error(Code::kParse, "NSM attestation: PCR" + std::to_string(index) +
                                                  " missing or not 48 bytes"));
      }
      std::copy(it->second.begin(), it->second.end(), field->begin());
    }
    provider = std::move(nitro);
  } else if (a.provider == "emulator") {
    tee::DevCa ca = ValueOrThrow(tee::DevCa::LoadOrCreate(a.ca_dir));
    tee::EmulatorOptions o;
    o.debug = a.debug;
    provider = std::make_unique<tee::EmulatorProvider>(std::move(ca), m.image, m.config_pcr, o);
  } else {
    throw StatusError(Error(Code::kInvalidArgument, "--provider must be emulator or nitro"));
  }
  auto runner = MakeModelRunner(a.models);
  auto chat = MakeChatRunner(a.models, a.chat_threads, a.chat_concurrency);
  auto enclave = std::make_unique<tee::Enclave>(std::move(provider), std::move(runner), m, a.debug,
                                                std::move(chat));
  // "reload": the configuration (user_data) follows the model files loaded;
  // PCR0/PCR2 stay the start-up ones (docs/tee.md).
  enclave->SetRemeasure([models = a.models, debug = a.debug] {
    return tee::MeasureEnclave(tee::SelfExecutable(), models, debug);
  });
  return enclave;
}

void RunStart(const EnclaveArgs& a) {
  InitLogging("enclave");
  InstallStopSignals();  // before any thread starts
  tee::Endpoint endpoint = *EndpointArg(a, "--listen", true);
  auto enclave = BuildEnclave(a);
  tee::EnclaveServer server(*enclave, endpoint);
  ThrowIfError(server.Start());
  tee::EnclaveInfo info = enclave->Info();
  std::cout << "enclave listening on " << server.endpoint().ToString() << " key "
            << ToHex(info.enclave_key) << " pcr0 "
            << (a.debug ? std::string(96, '0') : ToHex(info.measurements.image)) << std::endl;
  int sig = WaitForStopSignal();
  spdlog::info("enclave: signal {}, stopping", sig);
  server.Stop();
}

void RunAttest(const EnclaveArgs& a) {
  Bytes nonce = ValueOrThrow(FromHex(a.nonce_hex));
  Bytes doc;
  if (auto endpoint = EndpointArg(a, "--enclave", false)) {
    tee::EnclaveClient client = ValueOrThrow(tee::EnclaveClient::Connect(*endpoint));
    doc = ValueOrThrow(client.Attest(nonce));
  } else {
    if (a.models.empty()) {
      throw StatusError(
          Error(Code::kInvalidArgument, "give --enclave, --socket or --models (one-off emulator)"));
    }
    auto enclave = BuildEnclave(a);
    doc = ValueOrThrow(enclave->Attest(nonce));
    std::cerr << "attested a one-off emulator enclave key " << ToHex(enclave->Info().enclave_key)
              << " (no enclave serves it)\n";
  }
  ThrowIfError(WriteFileBytes(a.out, doc));
  std::cout << "wrote " << doc.size() << " bytes to " << a.out << "\n";
}

void RunInfo(const EnclaveArgs& a) {
  tee::EnclaveClient client =
      ValueOrThrow(tee::EnclaveClient::Connect(*EndpointArg(a, "--enclave", true)));
  auto reply = ValueOrThrow(client.Call("{\"method\":\"info\"}"));
  auto j = nlohmann::json::parse(reply, nullptr, false);
  if (j.is_discarded()) throw StatusError(Error(Code::kParse, "enclave info: reply is not JSON"));
  PrintJsonOrText(a.as_json, j);
}

}  // namespace

void RegisterEnclaveCommands(CLI::App& app) {
  CLI::App* enclave = app.add_subcommand("enclave", "the TEE enclave process (Nitro or emulator)");
  enclave->require_subcommand(1);
  auto args = std::make_shared<EnclaveArgs>();

  CLI::App* start = enclave->add_subcommand(
      "start", "serve attest/infer/chat/info on a unix socket, vsock or tcp endpoint");
  start->add_option("--listen", args->endpoint,
                    "unix:PATH | vsock:CID:PORT (CID any on Nitro) | tcp:IP:PORT (tests)");
  start->add_option("--socket", args->socket, "unix socket path (= --listen unix:PATH)");
  start
      ->add_option("--models", args->models,
                   "directory of model files (*.onnx for inference, *.gguf for chat)")
      ->required();
  start->add_option("--chat-threads", args->chat_threads, "threads per chat generation")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  start
      ->add_option("--chat-concurrency", args->chat_concurrency,
                   "chat generations at once (others wait)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  start->add_flag("--debug", args->debug, "debug mode: PCR0/1/2 are zero, as on AWS");
  start->add_option("--provider", args->provider, "emulator (default) or nitro (/dev/nsm)");
  start->add_option("--ca-dir", args->ca_dir, "emulator dev CA directory (root.pem for genesis)")
      ->capture_default_str();
  start->callback([args] { RunStart(*args); });

  CLI::App* attest = enclave->add_subcommand("attest", "write an attestation document for a nonce");
  attest->add_option("--nonce", args->nonce_hex, "nonce (hex)")->required();
  attest->add_option("--out", args->out, "output file")->required();
  attest->add_option("--enclave", args->endpoint,
                     "ask a running enclave at this endpoint (default: one-off emulator)");
  attest->add_option("--socket", args->socket, "ask a running enclave on this unix socket");
  attest->add_option("--models", args->models, "models directory for a one-off emulator");
  attest->add_option("--ca-dir", args->ca_dir, "emulator dev CA directory")->capture_default_str();
  attest->add_flag("--debug", args->debug, "one-off emulator in debug mode");
  attest->callback([args] { RunAttest(*args); });

  CLI::App* info =
      enclave->add_subcommand("info", "print a running enclave's key and measurements");
  info->add_option("--enclave", args->endpoint, "unix:PATH | vsock:CID:PORT | tcp:IP:PORT");
  info->add_option("--socket", args->socket, "unix socket path (= --enclave unix:PATH)");
  info->add_flag("--json", args->as_json, "print the enclave's reply as JSON");
  info->callback([args] { RunInfo(*args); });
}

}  // namespace vinet::cli
