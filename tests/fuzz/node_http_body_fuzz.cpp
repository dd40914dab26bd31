// Fuzz target: a POST /v1/infer body as the node reads it before looking at
// the request's content: ParseBody (size and depth limits, then JSON), the
// request (SignedRequestFromJson of its dump, as Node::Infer does) and the
// inputs (TensorMapFromJson). It must never crash, every refusal carries a
// message, and accepted inputs are valid tensors that come back unchanged
// from their JSON form (i64 excepted: JSON numbers pass through a double).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vinet/node/http_body.h"
#include "vinet/node/tensor_json.h"
#include "vinet/protocol/request.h"

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
    auto tensors = node::TensorMapFromJson(*it);
    if (!tensors.ok()) {
      RequireMessage(tensors.status());
      return 0;
    }
    if (!protocol::ValidateTensors(*tensors).ok()) std::abort();
    auto back = node::TensorMapFromJson(node::TensorMapToJson(*tensors));
    if (!back.ok()) std::abort();
    for (size_t i = 0; i < tensors->size(); ++i) {
      if ((*tensors)[i].dtype != "i64" && (*back)[i] != (*tensors)[i]) std::abort();
    }
  }
  return 0;
}
