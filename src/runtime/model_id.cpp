#include "runtime/model_id.h"

#include <algorithm>
#include <bit>
#include <vector>

namespace vinet::runtime::detail {
namespace {

constexpr std::string_view kDomain = "vinet.model.v1";

void Str(Bytes& out, std::string_view s) {
  AppendLengthPrefixed(out, AsBytes(s));
}
void U32(Bytes& out, uint64_t v) {
  AppendU32BE(out, static_cast<uint32_t>(v));
}
void I64(Bytes& out, int64_t v) {
  AppendU64BE(out, static_cast<uint64_t>(v));
}
void F32(Bytes& out, float v) {
  AppendU32BE(out, std::bit_cast<uint32_t>(v));
}

void EncodeTensor(Bytes& out, const ConstData& t) {
  U32(out, static_cast<uint64_t>(t.onnx_type));
  U32(out, t.shape.size());
  for (int64_t d : t.shape) I64(out, d);
  if (t.is_float) {
    for (float v : t.f) F32(out, v);
  } else {
    for (int64_t v : t.i) I64(out, v);
  }
}

Status EncodeAttribute(Bytes& out, const onnx::AttributeProto& a, int64_t max_elements) {
  Str(out, a.name());
  U32(out, static_cast<uint64_t>(a.type()));
  using AP = onnx::AttributeProto;
  switch (a.type()) {
    case AP::FLOAT:
      F32(out, a.f());
      break;
    case AP::INT:
      I64(out, a.i());
      break;
    case AP::STRING:
      Str(out, a.s());
      break;
    case AP::FLOATS:
      U32(out, static_cast<uint64_t>(a.floats_size()));
      for (float v : a.floats()) F32(out, v);
      break;
    case AP::INTS:
      U32(out, static_cast<uint64_t>(a.ints_size()));
      for (int64_t v : a.ints()) I64(out, v);
      break;
    case AP::STRINGS:
      U32(out, static_cast<uint64_t>(a.strings_size()));
      for (const auto& v : a.strings()) Str(out, v);
      break;
    case AP::TENSOR: {
      VINET_ASSIGN_OR_RETURN(ConstData t,
                             DecodeTensor(a.t(), "attribute " + a.name(), max_elements));
      EncodeTensor(out, t);
      break;
    }
    default:
      return Error(Code::kUnsupported, "attribute '" + a.name() + "': type " +
                                           std::to_string(a.type()) + " is not supported");
  }
  return Status::Ok();
}

}  // namespace

Result<crypto::Digest256> CanonicalModelId(const onnx::ModelProto& model,
                                           const std::map<std::string, ConstData>& initializers,
                                           int64_t max_elements) {
  Bytes out;
  Str(out, kDomain);
  std::vector<std::pair<std::string, int64_t>> opsets;
  for (const auto& o : model.opset_import()) {
    opsets.emplace_back(o.domain() == "ai.onnx" ? "" : o.domain(), o.version());
  }
  std::sort(opsets.begin(), opsets.end());
  U32(out, opsets.size());
  for (const auto& [domain, version] : opsets) {
    Str(out, domain);
    I64(out, version);
  }
  const auto& g = model.graph();
  std::vector<const onnx::ValueInfoProto*> inputs;
  for (const auto& in : g.input()) {
    if (!initializers.count(in.name())) inputs.push_back(&in);
  }
  U32(out, inputs.size());
  for (const auto* in : inputs) {
    Str(out, in->name());
    const auto& tt = in->type().tensor_type();
    U32(out, static_cast<uint64_t>(tt.elem_type()));
    U32(out, static_cast<uint64_t>(tt.shape().dim_size()));
    for (const auto& d : tt.shape().dim()) I64(out, d.has_dim_value() ? d.dim_value() : -1);
  }
  U32(out, static_cast<uint64_t>(g.output_size()));
  for (const auto& o : g.output()) Str(out, o.name());
  U32(out, static_cast<uint64_t>(g.node_size()));
  for (const auto& n : g.node()) {
    Str(out, n.op_type());
    Str(out, n.domain() == "ai.onnx" ? "" : n.domain());
    U32(out, static_cast<uint64_t>(n.input_size()));
    for (const auto& s : n.input()) Str(out, s);
    U32(out, static_cast<uint64_t>(n.output_size()));
    for (const auto& s : n.output()) Str(out, s);
    std::vector<const onnx::AttributeProto*> attrs;
    for (const auto& a : n.attribute()) attrs.push_back(&a);
    std::sort(attrs.begin(), attrs.end(), [](auto* a, auto* b) { return a->name() < b->name(); });
    U32(out, attrs.size());
    for (const auto* a : attrs) VINET_RETURN_IF_ERROR(EncodeAttribute(out, *a, max_elements));
  }
  U32(out, initializers.size());
  for (const auto& [name, data] : initializers) {  // std::map: sorted by name
    Str(out, name);
    EncodeTensor(out, data);
  }
  return crypto::Sha256(out);
}

}  // namespace vinet::runtime::detail
