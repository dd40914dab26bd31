// Fuzz target: protocol::TensorMapFromJson on arbitrary JSON text, parsed as
// the node parses untrusted bodies first (ParseUntrustedJson, the node's body
// limits). The tensor map is what a POST /v1/infer carries as "inputs", what
// the C++ client reads back as "outputs", and what CLI --input gives. It must
// never crash, every refusal carries a message, and accepted maps are valid
// tensors that come back unchanged from their JSON form (i64 excepted: JSON
// numbers pass through a double).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vinet/common/json_limits.h"
#include "vinet/protocol/tensor_map_json.h"

using namespace vinet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto doc = ParseUntrustedJson(std::string_view(reinterpret_cast<const char*>(data), size),
                                JsonLimits{size_t{64} << 20, 64}, "inputs");
  if (!doc.ok()) {
    if (doc.status().message().empty()) std::abort();
    return 0;
  }
  auto tensors = protocol::TensorMapFromJson(*doc);
  if (!tensors.ok()) {
    if (tensors.status().message().empty()) std::abort();
    return 0;
  }
  if (!protocol::ValidateTensors(*tensors).ok()) std::abort();
  auto back = protocol::TensorMapFromJson(protocol::TensorMapToJson(*tensors));
  if (!back.ok() || back->size() != tensors->size()) std::abort();
  for (size_t i = 0; i < tensors->size(); ++i) {
    if ((*tensors)[i].dtype != "i64" && (*back)[i] != (*tensors)[i]) std::abort();
  }
  return 0;
}
