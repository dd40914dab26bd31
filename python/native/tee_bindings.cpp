// vinet._native.tee: attestation and receipt verification for the Python SDK.
//
//   verify_attestation(document, at_ms=None, roots_pem=None, **policy) -> dict
//   ReceiptVerifier().add_attestation(document, at_ms=None, roots_pem=None, ttl_ms=None, **policy)
//   ReceiptVerifier().verify_receipt(receipt, at_ms=None, input_hash=None,
//                                    require_node_signature=False)
//   tensors_hash(tensors_json) -> bytes; encode_receipt(json) / decode_receipt(bytes)
// `receipt` is the receipt's JSON text (str) or its canonical bytes. `roots_pem`
// is a list of PEM roots (default: the built-in AWS Nitro root). Policy
// keywords: max_age_ms, nonce (bytes), pcrs ({index: bytes or [bytes]}),
// allow_debug, expected_public_key, expected_user_data. Failures raise
// vinet._native.tee.TeeError (a ValueError) with "<code>: <message>".
// Verification releases the GIL; one ReceiptVerifier may be shared by threads.
#include <pybind11/stl.h>

#include <chrono>

#include "bindings.h"
#include "vinet/protocol/tensor_json.h"
#include "vinet/tee/receipt_verifier.h"
#include "vinet/tee/verifier.h"

namespace vinet::py {
namespace {

namespace pyb = pybind11;
using namespace pybind11::literals;

struct TeeErrorTag {};
PyObject* g_tee_error = nullptr;

[[noreturn]] void Raise(const Status& s) {
  PyErr_SetString(g_tee_error, s.ToString().c_str());
  throw pyb::error_already_set();
}

template <typename T>
T Check(Result<T> r) {
  if (!r.ok()) Raise(r.status());
  return std::move(r).value();
}

Bytes ToBytesArg(const pyb::bytes& b) {
  std::string s = b;
  return Bytes(s.begin(), s.end());
}

pyb::bytes PyBytes(ByteSpan b) {
  return pyb::bytes(reinterpret_cast<const char*>(b.data()), b.size());
}

uint64_t TimeOr(const std::optional<uint64_t>& at_ms) {
  if (at_ms) return *at_ms;
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

std::vector<tee::TrustRoot> Roots(const std::optional<std::vector<std::string>>& pems) {
  if (!pems) return {tee::TrustRoot::AwsNitro()};
  std::vector<tee::TrustRoot> roots;
  for (const auto& pem : *pems) roots.push_back(Check(tee::TrustRoot::FromPem(pem)));
  return roots;
}

tee::AttestationPolicy PolicyFrom(const pyb::kwargs& kw) {
  tee::AttestationPolicy p;
  for (const auto& [key_obj, value] : kw) {
    std::string key = pyb::str(key_obj);
    if (key == "max_age_ms") {
      p.max_age_ms = value.cast<uint64_t>();
    } else if (key == "nonce") {
      p.expected_nonce = ToBytesArg(value.cast<pyb::bytes>());
    } else if (key == "allow_debug") {
      p.allow_debug = value.cast<bool>();
    } else if (key == "expected_public_key") {
      p.expected_public_key = ToBytesArg(value.cast<pyb::bytes>());
    } else if (key == "expected_user_data") {
      p.expected_user_data = ToBytesArg(value.cast<pyb::bytes>());
    } else if (key == "pcrs") {
      for (const auto& [index, allowed] : value.cast<pyb::dict>()) {
        auto& list = p.pcr_allowlist[index.cast<uint32_t>()];
        if (pyb::isinstance<pyb::bytes>(allowed)) {
          list.push_back(ToBytesArg(allowed.cast<pyb::bytes>()));
        } else {
          for (const auto& a : allowed) list.push_back(ToBytesArg(a.cast<pyb::bytes>()));
        }
      }
    } else {
      Raise(Error(Code::kInvalidArgument, "unknown policy keyword " + key));
    }
  }
  return p;
}

pyb::dict ToDict(const tee::VerifiedAttestation& v) {
  const auto& d = v.document;
  pyb::dict pcrs;
  for (const auto& [i, value] : d.pcrs) pcrs[pyb::int_(i)] = PyBytes(value);
  auto opt = [](const std::optional<Bytes>& b) -> pyb::object {
    return b ? pyb::object(PyBytes(*b)) : pyb::object(pyb::none());
  };
  return pyb::dict("module_id"_a = d.module_id, "digest"_a = d.digest,
                   "timestamp_ms"_a = d.timestamp_ms, "pcrs"_a = pcrs, "debug"_a = d.IsDebug(),
                   "public_key"_a = opt(d.public_key), "user_data"_a = opt(d.user_data),
                   "nonce"_a = opt(d.nonce), "certificate"_a = PyBytes(d.certificate),
                   "leaf_subject"_a = v.leaf.subject, "leaf_not_before_s"_a = v.leaf.not_before_s,
                   "leaf_not_after_s"_a = v.leaf.not_after_s, "root_sha256"_a = v.root_fingerprint,
                   "verified_at_ms"_a = v.verified_at_ms);
}

protocol::Receipt ReceiptArg(const pyb::object& receipt) {
  if (pyb::isinstance<pyb::bytes>(receipt)) {
    return Check(protocol::DecodeReceipt(ToBytesArg(receipt.cast<pyb::bytes>())));
  }
  return Check(protocol::ReceiptFromJson(receipt.cast<std::string>()));
}

pyb::dict VerifyAttestationPy(const pyb::bytes& document, std::optional<uint64_t> at_ms,
                              std::optional<std::vector<std::string>> roots_pem,
                              const pyb::kwargs& kw) {
  Bytes doc = ToBytesArg(document);
  auto roots = Roots(roots_pem);
  auto policy = PolicyFrom(kw);
  uint64_t at = TimeOr(at_ms);
  Result<tee::VerifiedAttestation> v = Error(Code::kInternal, "not run");
  {
    pyb::gil_scoped_release release;
    v = tee::VerifyWithPolicy(doc, roots, at, policy);
  }
  return ToDict(Check(std::move(v)));
}

class ReceiptVerifier {
 public:
  pyb::dict AddAttestation(const pyb::bytes& document, std::optional<uint64_t> at_ms,
                           std::optional<std::vector<std::string>> roots_pem,
                           std::optional<uint64_t> ttl_ms, const pyb::kwargs& kw) {
    Bytes doc = ToBytesArg(document);
    auto roots = Roots(roots_pem);
    auto policy = PolicyFrom(kw);
    uint64_t at = TimeOr(at_ms);
    Result<tee::AttestedKey> added = Error(Code::kInternal, "not run");
    {
      pyb::gil_scoped_release release;
      added = cache_.Add(doc, roots, at, policy, ttl_ms);
    }
    tee::AttestedKey k = Check(std::move(added));
    return pyb::dict("enclave_key"_a = PyBytes(k.key), "module_id"_a = k.module_id,
                     "timestamp_ms"_a = k.timestamp_ms, "valid_until_ms"_a = k.valid_until_ms);
  }

  void VerifyReceiptPy(const pyb::object& receipt, std::optional<uint64_t> at_ms,
                       std::optional<pyb::bytes> input_hash, bool require_node_signature) {
    protocol::Receipt r = ReceiptArg(receipt);
    tee::ReceiptExpectations e;
    if (input_hash) e.input_hash = ToBytesArg(*input_hash);
    e.require_node_signature = require_node_signature;
    uint64_t at = TimeOr(at_ms);
    Status s;
    {
      pyb::gil_scoped_release release;
      s = tee::VerifyReceipt(r, cache_, at, e);
    }
    if (!s.ok()) Raise(s);
  }

  size_t Size() const { return cache_.size(); }

 private:
  tee::AttestationCache cache_;
};

}  // namespace

void BindTee(pybind11::module_& m) {
  pyb::module_ t = m.def_submodule("tee", "Nitro attestation and TEE receipt verification");
  static pyb::exception<TeeErrorTag> error(t, "TeeError", PyExc_ValueError);
  g_tee_error = error.ptr();
  t.attr("AWS_NITRO_ROOT_SHA256") = std::string(tee::kAwsNitroRootSha256);
  t.def("aws_nitro_root_pem", [] { return tee::TrustRoot::AwsNitro().ToPem(); });
  t.def("verify_attestation", &VerifyAttestationPy, "document"_a, "at_ms"_a = pyb::none(),
        "roots_pem"_a = pyb::none(),
        "Verify a Nitro attestation document and its policy; returns its fields.");
  t.def(
      "tensors_hash",
      [](const std::string& tensors_json) {
        auto j = nlohmann::json::parse(tensors_json, nullptr, false);
        if (j.is_discarded()) Raise(Error(Code::kParse, "tensors: not JSON"));
        auto hash = protocol::TensorsHash(Check(protocol::TensorsFromJson(j)));
        return PyBytes(hash);
      },
      "SHA-256 of the canonical encoding of tensors given as a JSON list of "
      "{name, dtype, shape, data (hex) | values}: a receipt's input_hash / output_hash.");
  t.def(
      "decode_receipt",
      [](const pyb::bytes& b) {
        return protocol::ReceiptToJson(Check(protocol::DecodeReceipt(ToBytesArg(b))));
      },
      "Strictly decode canonical receipt bytes to the receipt's JSON.");
  t.def(
      "encode_receipt",
      [](const std::string& json) {
        return PyBytes(protocol::EncodeReceipt(Check(protocol::ReceiptFromJson(json))));
      },
      "Canonical bytes of a receipt given as JSON.");
  pyb::class_<ReceiptVerifier>(t, "ReceiptVerifier")
      .def(pyb::init<>())
      .def("add_attestation", &ReceiptVerifier::AddAttestation, "document"_a,
           "at_ms"_a = pyb::none(), "roots_pem"_a = pyb::none(), "ttl_ms"_a = pyb::none())
      .def("verify_receipt", &ReceiptVerifier::VerifyReceiptPy, "receipt"_a,
           "at_ms"_a = pyb::none(), "input_hash"_a = pyb::none(),
           "require_node_signature"_a = false)
      .def("__len__", &ReceiptVerifier::Size);
}

}  // namespace vinet::py
