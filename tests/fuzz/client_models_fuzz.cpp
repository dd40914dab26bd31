// Fuzz target: a node's GET /v1/models answer as the C++ client reads it
// before signing (client/model_checks.h): ParseModels, then the model, mode
// and fee check and the input checks against each parsed model. It must
// never crash or throw, and every refusal carries a message.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "vinet/client/model_checks.h"

using namespace vinet;

namespace {

void MustSay(const Status& s) {
  if (!s.ok() && s.message().empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 16)) return 0;
  auto body = nlohmann::json::parse(data, data + size, nullptr, false);
  if (body.is_discarded()) return 0;
  auto models = client::ParseModels(body);
  if (!models.ok()) {
    MustSay(models.status());
    return 0;
  }
  const std::vector<protocol::NamedTensor> inputs = {
      protocol::F32Tensor("x", {1, 2}, {1.5f, -2.0f})};
  for (const auto& m : *models) {
    for (auto mode : {protocol::Mode::kVanilla, protocol::Mode::kTee, protocol::Mode::kZkml}) {
      MustSay(client::CheckModel(m, mode, 10));
    }
    // A small limit keeps the work bounded whatever shapes the answer declares.
    auto prepared = client::PrepareInputs(m, inputs, 8192);
    if (!prepared.ok()) MustSay(prepared.status());
  }
  return 0;
}
