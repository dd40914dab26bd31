// Fuzz target: a POST /v1/infer body as the node reads it before looking at
// the request's content: ParseBody (size and depth limits, then JSON), the
// request (SignedRequestFromJson of its dump, as Node::Infer does) and the
// inputs (protocol::TensorMapFromJson, fuzzed alone with its round trip by
// fuzz_protocol_tensor_map). It must never crash and every refusal carries a
// message.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vinet/node/http_body.h"
#include "vinet/protocol/request.h"
#include "vinet/protocol/tensor_map_json.h"

using namespace vinet;

namespace {

void RequireMessage(const Status& s) {
  if (!s.ok() && s.message().empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = node::ParseBody(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!body.ok()) {
    RequireMessage(body.status());
    return 0;
  }
  if (!body->is_object()) return 0;
  if (auto it = body->find("request"); it != body->end() && it->is_object()) {
    auto req = protocol::SignedRequestFromJson(it->dump());
    if (!req.ok()) RequireMessage(req.status());
  }
  if (auto it = body->find("inputs"); it != body->end()) {
    auto tensors = protocol::TensorMapFromJson(*it);
    if (!tensors.ok()) RequireMessage(tensors.status());
  }
  return 0;
}
