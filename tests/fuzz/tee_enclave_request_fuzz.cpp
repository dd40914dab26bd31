// Fuzzes the enclave's request handler (JSON → tensors → inference → receipt
// → JSON reply), what a unix-socket peer can send. The enclave is an
// emulator with the test-only echo runner, built once.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "vinet/tee/emulator.h"
#include "vinet/tee/enclave_server.h"

namespace {

vinet::tee::EnclaveServer& Server() {
  static std::unique_ptr<vinet::tee::Enclave> enclave = [] {
    auto ca = vinet::tee::DevCa::CreateEphemeral();
    vinet::tee::EnclaveMeasurements m;
    m.config = "fuzz";
    auto provider =
        std::make_unique<vinet::tee::EmulatorProvider>(std::move(*ca), m.image, m.config_pcr);
    auto runner =
        std::make_unique<vinet::tee::TestOnlyEchoRunner>(std::vector<std::string>{"echo"});
    return std::make_unique<vinet::tee::Enclave>(std::move(provider), std::move(runner), m, false);
  }();
  static vinet::tee::EnclaveServer server(*enclave, "/nonexistent/fuzz.sock");  // never started
  return server;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string request(reinterpret_cast<const char*>(data), size);
  std::string reply = Server().Handle(request);
  if (reply.empty()) __builtin_trap();
  return 0;
}
