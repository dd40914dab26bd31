// Named tensors as the enclave and receipts carry them, and their canonical
// encoding and hash.
//
// A `NamedTensor` is a value: a name, a dtype ("f32", "f64", "i8", "u8",
// "i32", "i64"), a shape (each dimension >= 0) and little-endian data whose
// size must equal the element count times the dtype's size. The canonical
// encoding of a tensor list is CBOR: an array, sorted by name (names unique),
// of [name, dtype, [dims...], data]. `TensorsHash` is SHA-256 of that
// encoding; it is what a receipt's input_hash and output_hash commit to.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/crypto/hash.h"

namespace vinet::protocol {

struct NamedTensor {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  Bytes data;

  friend bool operator==(const NamedTensor&, const NamedTensor&) = default;
};

// Bytes per element of a dtype; 0 when the dtype is unknown.
size_t DtypeSize(std::string_view dtype);

// kInvalidArgument naming the tensor: unknown dtype, negative dimension,
// data size mismatch, empty or duplicate name.
Status ValidateTensors(const std::vector<NamedTensor>& tensors);

// Canonical CBOR (sorted by name). Precondition: ValidateTensors passed.
Bytes EncodeTensors(const std::vector<NamedTensor>& tensors);
// Strict decoder of EncodeTensors' output; rejects any other encoding.
Result<std::vector<NamedTensor>> DecodeTensors(ByteSpan encoded);

crypto::Digest256 TensorsHash(const std::vector<NamedTensor>& tensors);

// A float32 tensor from values (tests, the built-in runner).
NamedTensor F32Tensor(std::string name, std::vector<int64_t> shape,
                      const std::vector<float>& values);

}  // namespace vinet::protocol
