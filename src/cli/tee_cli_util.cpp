#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "cli/tee_cli.h"
#include "vinet/chat/llm_chat_runner.h"
#include "vinet/node/runtime_runner.h"
#include "vinet/tee/verifier.h"

namespace vinet::cli {

Result<uint64_t> ParseDurationMs(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  std::string_view unit = text.substr(digits);
  if (digits == 0 || digits > 15)
    return Error(Code::kInvalidArgument, "bad duration \"" + std::string(text) + "\"");
  uint64_t n = std::stoull(std::string(text.substr(0, digits)));
  if (unit.empty() || unit == "ms") return n;
  if (unit == "s") return n * 1000;
  if (unit == "m") return n * 60'000;
  if (unit == "h") return n * 3'600'000;
  if (unit == "d") return n * 86'400'000;
  return Error(Code::kInvalidArgument,
               "bad duration unit in \"" + std::string(text) + "\" (ms, s, m, h, d)");
}

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

Result<Bytes> ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(Code::kIo, "cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ToBytes(ss.str());
}

Status WriteFileBytes(const std::filesystem::path& path, ByteSpan data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  out.close();
  return out ? Status::Ok() : Error(Code::kIo, "cannot write " + path.string());
}

void PolicyFlags::Add(CLI::App* cmd) {
  cmd->add_option("--root", root_pem, "trusted root PEM (default: the built-in AWS Nitro root)");
  cmd->add_option("--at", at, "verification time: now, doc, or Unix milliseconds")
      ->capture_default_str();
  cmd->add_option("--max-age", max_age, "reject documents older than this at --at (e.g. 10m)");
  cmd->add_option("--nonce", nonce_hex, "expected nonce (hex)");
  cmd->add_option("--expect-pcr", expect_pcrs, "N=HEX; repeat an index to allow alternatives");
  cmd->add_flag("--allow-debug", allow_debug, "accept debug-mode enclaves (all-zero PCR0)");
}

Result<tee::AttestationPolicy> PolicyFlags::Policy() const {
  tee::AttestationPolicy p;
  p.allow_debug = allow_debug;
  if (!max_age.empty()) {
    VINET_ASSIGN_OR_RETURN(uint64_t ms, ParseDurationMs(max_age));
    p.max_age_ms = ms;
  }
  if (!nonce_hex.empty()) {
    auto n = FromHex(nonce_hex);
    if (!n.ok()) return n.status().WithContext("--nonce");
    p.expected_nonce = std::move(*n);
  }
  for (const std::string& spec : expect_pcrs) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq > 2) {
      return Error(Code::kInvalidArgument, "--expect-pcr wants N=HEX, got \"" + spec + "\"");
    }
    uint32_t index = static_cast<uint32_t>(std::stoul(spec.substr(0, eq)));
    auto value = FromHex(spec.substr(eq + 1));
    if (!value.ok()) return value.status().WithContext("--expect-pcr " + spec.substr(0, eq));
    p.pcr_allowlist[index].push_back(std::move(*value));
  }
  return p;
}

Result<tee::TrustRoot> PolicyFlags::Root() const {
  if (root_pem.empty()) return tee::TrustRoot::AwsNitro();
  return tee::TrustRoot::FromPemFile(root_pem);
}

Result<uint64_t> PolicyFlags::Time(ByteSpan document) const {
  if (at == "now") return NowMs();
  if (at == "doc") {
    VINET_ASSIGN_OR_RETURN(tee::AttestationDocument doc, tee::ParseAttestationUnverified(document));
    return doc.timestamp_ms;
  }
  if (at.empty() || at.size() > 19 || at.find_first_not_of("0123456789") != std::string::npos) {
    return Error(Code::kInvalidArgument, "--at wants now, doc or Unix milliseconds");
  }
  return std::stoull(at);
}

std::unique_ptr<tee::ModelRunner> MakeModelRunner(const std::filesystem::path& models_dir) {
  auto runner = std::make_unique<node::RuntimeModelRunner>(node::ModelStore(models_dir));
  for (const auto& e : runner->load_errors()) spdlog::warn("enclave: model not loaded: {}", e);
  spdlog::info("enclave: serving {} ONNX models from {} with the vinet runtime",
               runner->ModelIds().size(), models_dir.string());
  return runner;
}

std::unique_ptr<tee::ChatRunner> MakeChatRunner(const std::filesystem::path& models_dir,
                                                uint32_t threads, uint32_t max_concurrent) {
  chat::LlmChatRunnerOptions o;
  o.threads = threads;
  o.max_concurrent = max_concurrent;
  auto runner = std::make_unique<chat::LlmChatRunner>(o);
  size_t n = ValueOrThrow(runner->AddDirectory(models_dir));
  if (n == 0) return nullptr;
  for (const auto& m : runner->ChatModels()) {
    spdlog::info("enclave: chat model {} ({}, context {})", m.model_id, m.name, m.context);
  }
  return runner;
}

}  // namespace vinet::cli
