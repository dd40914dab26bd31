#include "vinet/protocol/tensor.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "vinet/cbor/cbor.h"

namespace vinet::protocol {
namespace {

Status TensorError(const std::string& name, const std::string& what) {
  return Error(Code::kInvalidArgument, "tensor " + name + ": " + what);
}

std::vector<const NamedTensor*> Sorted(const std::vector<NamedTensor>& tensors) {
  std::vector<const NamedTensor*> out;
  for (const auto& t : tensors) out.push_back(&t);
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->name < b->name; });
  return out;
}

void EncodeInto(cbor::Writer& w, const std::vector<NamedTensor>& tensors) {
  w.Array(tensors.size());
  for (const NamedTensor* t : Sorted(tensors)) {
    w.Array(4).Text(t->name).Text(t->dtype).Array(t->shape.size());
    for (int64_t d : t->shape) w.Uint(static_cast<uint64_t>(d));
    w.Bstr(t->data);
  }
}

}  // namespace

size_t DtypeSize(std::string_view dtype) {
  if (dtype == "f32" || dtype == "i32") return 4;
  if (dtype == "f64" || dtype == "i64") return 8;
  if (dtype == "i8" || dtype == "u8") return 1;
  return 0;
}

Status ValidateTensors(const std::vector<NamedTensor>& tensors) {
  std::set<std::string> names;
  for (const auto& t : tensors) {
    if (t.name.empty()) return TensorError("\"\"", "empty name");
    if (!names.insert(t.name).second) return TensorError(t.name, "duplicate name");
    size_t size = DtypeSize(t.dtype);
    if (size == 0) return TensorError(t.name, "unknown dtype \"" + t.dtype + "\"");
    uint64_t count = 1;
    for (int64_t d : t.shape) {
      if (d < 0) return TensorError(t.name, "negative dimension");
      if (d != 0 && count > (uint64_t{1} << 40) / static_cast<uint64_t>(d)) {
        return TensorError(t.name, "shape too large");
      }
      count *= static_cast<uint64_t>(d);
    }
    if (count * size != t.data.size()) {
      return TensorError(t.name, "data is " + std::to_string(t.data.size()) +
                                     " bytes, shape needs " + std::to_string(count * size));
    }
  }
  return Status::Ok();
}

Bytes EncodeTensors(const std::vector<NamedTensor>& tensors) {
  cbor::Writer w;
  EncodeInto(w, tensors);
  return std::move(w).bytes();
}

Result<std::vector<NamedTensor>> DecodeTensors(ByteSpan encoded) {
  cbor::Limits limits;
  limits.allow_maps = false;  // tensors are arrays of arrays
  VINET_ASSIGN_OR_RETURN(cbor::Value root, cbor::Decode(encoded, limits));
  auto fail = [](const std::string& what) { return Error(Code::kParse, "tensors: " + what); };
  if (root.type != cbor::Type::kArray) return fail("not an array");
  std::vector<NamedTensor> out;
  for (size_t i = 0; i < root.items.size(); ++i) {
    const cbor::Value& t = root.items[i];
    std::string at = "[" + std::to_string(i) + "]";
    if (t.type != cbor::Type::kArray || t.items.size() != 4 ||
        t.items[0].type != cbor::Type::kText || t.items[1].type != cbor::Type::kText ||
        t.items[2].type != cbor::Type::kArray || t.items[3].type != cbor::Type::kBytes) {
      return fail(at + " is not [name, dtype, shape, data]");
    }
    NamedTensor nt{std::string(t.items[0].text()),
                   std::string(t.items[1].text()),
                   {},
                   Bytes(t.items[3].str.begin(), t.items[3].str.end())};
    for (const auto& d : t.items[2].items) {
      if (d.type != cbor::Type::kUnsigned || d.uint > (uint64_t{1} << 40))
        return fail(at + " bad dimension");
      nt.shape.push_back(static_cast<int64_t>(d.uint));
    }
    out.push_back(std::move(nt));
  }
  Status valid = ValidateTensors(out);
  if (!valid.ok()) return Error(Code::kParse, "tensors: " + valid.message());
  if (EncodeTensors(out) != Bytes(encoded.begin(), encoded.end())) {
    return fail("not in canonical form (sorted by name, shortest integers)");
  }
  return out;
}

crypto::Digest256 TensorsHash(const std::vector<NamedTensor>& tensors) {
  return crypto::Sha256(EncodeTensors(tensors));
}

NamedTensor F32Tensor(std::string name, std::vector<int64_t> shape,
                      const std::vector<float>& values) {
  NamedTensor t{std::move(name), "f32", std::move(shape), Bytes(values.size() * 4)};
  std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

}  // namespace vinet::protocol
