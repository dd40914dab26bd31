// vinet._native.protocol: the wire formats the Python SDK shares with the node
// and the chain (include/vinet/protocol/, include/vinet/crypto/ed25519.h).
//
//   Key.generate() / Key.from_seed(seed) / Key.load(path); key.save(path),
//   key.public_key, key.seed, key.address, key.sign(message)
//   sign_request(key, chain_id, node_pubkey, model_id, mode, input_hash,
//                max_fee, nonce, timestamp_ms, expires_ms) -> {"body",
//                "client_pubkey", "signature", "inference_id"} (all bytes)
//   inference_id(body, client_pubkey) -> bytes;
//   verify_request(body, pubkey, signature) -> bool
//   encode_tensors(tensors) / tensors_hash(tensors): tensors are a list of
//   (name, dtype, shape, data bytes) tuples; decode_tensors(encoded) the
//   inverse (strict: any other encoding raises)
//   verify_node_receipt(receipt_json, input_hash=None): fields valid,
//   output_hash == TensorsHash(outputs), node signature (any mode)
//   make_receipt(inference_id, model_id, mode, input_hash, outputs, node_key,
//                enclave_key=None) -> receipt JSON, signed (for test nodes)
//   encode_receipt(receipt_json) -> canonical CBOR bytes (a claim's receipt)
//   sign_as_node(receipt_json, node_key) -> receipt JSON with node_id and
//                node_signature set (a node co-signing an enclave's receipt)
// Failures raise vinet._native.protocol.ProtocolError (a ValueError) with
// "<code>: <message>". Nothing here touches the network.
#include <pybind11/stl.h>

#include "bindings.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/protocol/receipt.h"
#include "vinet/protocol/request.h"
#include "vinet/protocol/tensor.h"

namespace vinet::py {
namespace {

namespace pyb = pybind11;
using namespace pybind11::literals;

struct ProtocolErrorTag {};
PyObject* g_protocol_error = nullptr;

[[noreturn]] void RaiseStatus(const Status& s) {
  PyErr_SetString(g_protocol_error, s.ToString().c_str());
  throw pyb::error_already_set();
}

template <typename T>
T Get(Result<T> r) {
  if (!r.ok()) RaiseStatus(r.status());
  return std::move(r).value();
}

Bytes BytesArg(const pyb::bytes& b) {
  std::string_view s = b;
  return Bytes(s.begin(), s.end());
}

pyb::bytes ToPy(ByteSpan b) {
  return pyb::bytes(reinterpret_cast<const char*>(b.data()), b.size());
}

using TensorTuple = std::tuple<std::string, std::string, std::vector<int64_t>, pyb::bytes>;

std::vector<protocol::NamedTensor> TensorsArg(const std::vector<TensorTuple>& list) {
  std::vector<protocol::NamedTensor> tensors;
  tensors.reserve(list.size());
  for (const auto& [name, dtype, shape, data] : list) {
    tensors.push_back({name, dtype, shape, BytesArg(data)});
  }
  Status s = protocol::ValidateTensors(tensors);
  if (!s.ok()) RaiseStatus(s);
  return tensors;
}

class PyKey {
 public:
  explicit PyKey(crypto::SecretKey key) : key_(std::move(key)) {}
  static PyKey Generate() { return PyKey(crypto::SecretKey::Generate()); }
  static PyKey FromSeed(const pyb::bytes& seed) {
    return PyKey(Get(crypto::SecretKey::FromSeed(BytesArg(seed))));
  }
  static PyKey Load(const std::string& path) { return PyKey(Get(crypto::LoadKeyFile(path))); }
  void Save(const std::string& path) const {
    Status s = crypto::SaveKeyFile(key_, path);
    if (!s.ok()) RaiseStatus(s);
  }
  pyb::bytes PublicKey() const { return ToPy(key_.public_key()); }
  pyb::bytes Seed() const { return ToPy(key_.seed()); }
  std::string Address() const { return crypto::AddressOf(key_.public_key()); }
  pyb::bytes Sign(const pyb::bytes& message) const { return ToPy(key_.Sign(BytesArg(message))); }
  const crypto::SecretKey& key() const { return key_; }

 private:
  crypto::SecretKey key_;
};

pyb::dict SignRequestPy(const PyKey& key, const std::string& chain_id,
                        const pyb::bytes& node_pubkey, const std::string& model_id, int mode,
                        const pyb::bytes& input_hash, uint64_t max_fee, uint64_t nonce,
                        int64_t timestamp_ms, int64_t expires_ms) {
  if (mode < 0 || mode > 2) RaiseStatus(Error(Code::kInvalidArgument, "mode: must be 0, 1 or 2"));
  protocol::InferenceRequest request;
  request.chain_id = chain_id;
  request.node_pubkey = Get(crypto::PublicKeyFromBytes(BytesArg(node_pubkey)));
  request.max_fee = max_fee;
  request.nonce = nonce;
  request.timestamp_ms = timestamp_ms;
  request.expires_ms = expires_ms;
  request.model_id = model_id;
  request.mode = static_cast<protocol::Mode>(mode);
  request.input_hash = BytesArg(input_hash);
  if (request.input_hash.size() != 32) {
    RaiseStatus(Error(Code::kInvalidArgument, "input_hash: must be 32 bytes"));
  }
  if (expires_ms <= timestamp_ms) {
    RaiseStatus(Error(Code::kInvalidArgument, "expires_ms: must be after timestamp_ms"));
  }
  protocol::SignedRequest signed_request = protocol::SignRequest(request, key.key());
  return pyb::dict("body"_a = ToPy(signed_request.body),
                   "client_pubkey"_a = ToPy(signed_request.client_pubkey),
                   "signature"_a = ToPy(signed_request.signature),
                   "inference_id"_a = ToPy(protocol::InferenceId(signed_request)));
}

protocol::SignedRequest FromParts(const pyb::bytes& body, const pyb::bytes& pubkey,
                                  const pyb::bytes& signature) {
  protocol::SignedRequest r;
  r.body = BytesArg(body);
  Bytes pk = BytesArg(pubkey);
  Bytes sig = BytesArg(signature);
  if (pk.size() != r.client_pubkey.size() || sig.size() != r.signature.size()) {
    RaiseStatus(Error(Code::kInvalidArgument, "client_pubkey/signature: wrong length"));
  }
  std::copy(pk.begin(), pk.end(), r.client_pubkey.begin());
  std::copy(sig.begin(), sig.end(), r.signature.begin());
  return r;
}

void VerifyNodeReceipt(const std::string& receipt_json, std::optional<pyb::bytes> input_hash) {
  protocol::Receipt r = Get(protocol::ReceiptFromJson(receipt_json));
  Status s = protocol::ValidateReceipt(r);
  if (!s.ok()) RaiseStatus(s);
  if (input_hash && BytesArg(*input_hash) != r.input_hash) {
    RaiseStatus(Error(Code::kVerification, "receipt.input_hash: not the hash of our inputs"));
  }
  crypto::Digest256 out = protocol::TensorsHash(r.outputs);
  if (!std::equal(out.begin(), out.end(), r.output_hash.begin(), r.output_hash.end())) {
    RaiseStatus(Error(Code::kVerification, "receipt.output_hash: outputs do not hash to it"));
  }
  s = protocol::VerifyNodeSignature(r);
  if (!s.ok()) RaiseStatus(s);
}

std::string MakeReceipt(const pyb::bytes& inference_id, const std::string& model_id, int mode,
                        const pyb::bytes& input_hash, const std::vector<TensorTuple>& outputs,
                        const PyKey& node_key, const std::optional<PyKey>& enclave_key) {
  if (mode < 0 || mode > 2) RaiseStatus(Error(Code::kInvalidArgument, "mode: must be 0, 1 or 2"));
  protocol::Receipt r;
  r.inference_id = BytesArg(inference_id);
  r.model_id = model_id;
  r.mode = static_cast<protocol::Mode>(mode);
  r.input_hash = BytesArg(input_hash);
  r.outputs = TensorsArg(outputs);
  crypto::Digest256 out = protocol::TensorsHash(r.outputs);
  r.output_hash.assign(out.begin(), out.end());
  const auto& node_pk = node_key.key().public_key();
  r.node_id.assign(node_pk.begin(), node_pk.end());
  if (enclave_key) {
    const auto& pk = enclave_key->key().public_key();
    r.enclave_key = Bytes(pk.begin(), pk.end());
    r.enclave_signature = Bytes(64, 0);
  }
  Status s = protocol::ValidateReceipt(r);
  if (!s.ok()) RaiseStatus(s);
  if (enclave_key) protocol::SignAsEnclave(r, enclave_key->key());
  s = protocol::SignAsNode(r, node_key.key());
  if (!s.ok()) RaiseStatus(s);
  return protocol::ReceiptToJson(r);
}

std::string SignAsNodePy(const std::string& receipt_json, const PyKey& node_key) {
  protocol::Receipt r = Get(protocol::ReceiptFromJson(receipt_json));
  const auto& pk = node_key.key().public_key();
  if (r.node_id != Bytes(pk.begin(), pk.end())) {
    RaiseStatus(Error(Code::kInvalidArgument, "node_id: is not the signing key's public key"));
  }
  Status s = protocol::SignAsNode(r, node_key.key());
  if (!s.ok()) RaiseStatus(s);
  return protocol::ReceiptToJson(r);
}

}  // namespace

void BindProtocol(pybind11::module_& m) {
  pyb::module_ p = m.def_submodule("protocol", "vinet wire formats: requests, tensors, keys");
  static pyb::exception<ProtocolErrorTag> error(p, "ProtocolError", PyExc_ValueError);
  g_protocol_error = error.ptr();

  pyb::class_<PyKey>(p, "Key")
      .def_static("generate", &PyKey::Generate, "A fresh Ed25519 key from the OS CSPRNG.")
      .def_static("from_seed", &PyKey::FromSeed, "seed"_a, "Deterministic key from 32 bytes.")
      .def_static("load", &PyKey::Load, "path"_a, "Load a vinet key file (JSON, ed25519).")
      .def("save", &PyKey::Save, "path"_a, "Write a key file (mode 0600); never overwrites.")
      .def_property_readonly("public_key", &PyKey::PublicKey)
      .def_property_readonly("seed", &PyKey::Seed)
      .def_property_readonly("address", &PyKey::Address)
      .def("sign", &PyKey::Sign, "message"_a);

  p.def(
      "verify_signature",
      [](const pyb::bytes& pubkey, const pyb::bytes& message, const pyb::bytes& signature) {
        auto key = crypto::PublicKeyFromBytes(BytesArg(pubkey));
        return key.ok() && crypto::Verify(*key, BytesArg(message), BytesArg(signature));
      },
      "pubkey"_a, "message"_a, "signature"_a);
  p.def("sign_request", &SignRequestPy, "key"_a, "chain_id"_a, "node_pubkey"_a, "model_id"_a,
        "mode"_a, "input_hash"_a, "max_fee"_a, "nonce"_a, "timestamp_ms"_a, "expires_ms"_a,
        "Serialize and sign a RequestBody; returns body, client_pubkey, signature, inference_id.");
  p.def(
      "inference_id",
      [](const pyb::bytes& body, const pyb::bytes& client_pubkey) {
        protocol::SignedRequest r;
        r.body = BytesArg(body);
        r.client_pubkey = Get(crypto::PublicKeyFromBytes(BytesArg(client_pubkey)));
        return ToPy(protocol::InferenceId(r));
      },
      "body"_a, "client_pubkey"_a, "SHA-256(\"vinet.request.v2\\0\" || client_pubkey || body).");
  p.def(
      "verify_request",
      [](const pyb::bytes& body, const pyb::bytes& pubkey, const pyb::bytes& signature) {
        return protocol::VerifyRequest(FromParts(body, pubkey, signature)).ok();
      },
      "body"_a, "client_pubkey"_a, "signature"_a);
  p.def(
      "decode_request_body",
      [](const pyb::bytes& body, const pyb::bytes& pubkey, const pyb::bytes& signature) {
        protocol::SignedRequest parts = FromParts(body, pubkey, signature);
        auto decoded = Get(protocol::DecodeSignedRequest(protocol::EncodeSignedRequest(parts)));
        const auto& q = decoded.request;
        return pyb::dict("chain_id"_a = q.chain_id, "node_pubkey"_a = ToPy(q.node_pubkey),
                         "model_id"_a = q.model_id, "mode"_a = static_cast<int>(q.mode),
                         "input_hash"_a = ToPy(q.input_hash), "max_fee"_a = q.max_fee,
                         "nonce"_a = q.nonce, "timestamp_ms"_a = q.timestamp_ms,
                         "expires_ms"_a = q.expires_ms);
      },
      "body"_a, "client_pubkey"_a, "signature"_a, "Strictly decode a signed request's body.");
  p.def(
      "encode_tensors",
      [](const std::vector<TensorTuple>& list) {
        return ToPy(protocol::EncodeTensors(TensorsArg(list)));
      },
      "tensors"_a, "Canonical CBOR of [(name, dtype, shape, data)] (sorted by name).");
  p.def(
      "decode_tensors",
      [](const pyb::bytes& encoded) {
        std::vector<TensorTuple> out;
        for (auto& t : Get(protocol::DecodeTensors(BytesArg(encoded)))) {
          out.emplace_back(t.name, t.dtype, t.shape, ToPy(t.data));
        }
        return out;
      },
      "encoded"_a, "The (name, dtype, shape, data) tuples of a canonical encoding (strict).");
  p.def(
      "tensors_hash",
      [](const std::vector<TensorTuple>& list) {
        return ToPy(protocol::TensorsHash(TensorsArg(list)));
      },
      "tensors"_a, "SHA-256 of the canonical encoding: a receipt's input/output hash.");
  p.def(
      "encode_receipt",
      [](const std::string& receipt_json) {
        return ToPy(protocol::EncodeReceipt(Get(protocol::ReceiptFromJson(receipt_json))));
      },
      "receipt_json"_a, "The canonical CBOR bytes of a receipt (as carried in a claim).");
  p.def("verify_node_receipt", &VerifyNodeReceipt, "receipt_json"_a, "input_hash"_a = pyb::none(),
        "Check a receipt's fields, output hash and node signature (any mode).");
  p.def("make_receipt", &MakeReceipt, "inference_id"_a, "model_id"_a, "mode"_a, "input_hash"_a,
        "outputs"_a, "node_key"_a, "enclave_key"_a = pyb::none(),
        "A signed receipt's JSON (enclave first when enclave_key is given): for test nodes.");
  p.def("sign_as_node", &SignAsNodePy, "receipt_json"_a, "node_key"_a,
        "Add the node signature to a receipt whose node_id is node_key's public key.");
}

}  // namespace vinet::py
