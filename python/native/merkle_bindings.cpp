// vinet._native.merkle: state proof verification for the Python SDK and the
// light client (the proofs abci_query returns with prove=true).
//
//   PROOF_OP_TYPE                                   "vinet:smt:v1"
//   verify_membership(root, key, value, proof)      -> None
//   verify_absence(root, key, proof)                -> None
//   verify_proof_op(app_hash, key, value, op_type, op_key, op_data) -> None
//       value=None checks absence; op_* are the fields of the single
//       ProofOp in the query answer (CometBFT RPC gives them as JSON).
//   decode_proof_ops(bytes) -> [(type: str, key: bytes, data: bytes)]
//   decode_proof(proof) -> {"depth": int, "leaf": (key_hash, value_hash) | None}
//   key_hash(key) -> bytes                           SHA-256 path of a key
// All arguments are bytes. For a query at height H, `root`/`app_hash` is the
// app hash in the header of block H+1. Failures raise
// vinet._native.merkle.MerkleError (a ValueError) with "<code>: <message>".
// Verification releases the GIL.
#include <pybind11/stl.h>

#include "bindings.h"
#include "vinet/merkle/proof.h"
#include "vinet/merkle/proof_ops.h"

namespace vinet::py {
namespace {

namespace pyb = pybind11;
using namespace pybind11::literals;

struct MerkleErrorTag {};
PyObject* g_merkle_error = nullptr;

void Raise(const Status& s) {
  if (s.ok()) return;
  PyErr_SetString(g_merkle_error, s.ToString().c_str());
  throw pyb::error_already_set();
}

Bytes Arg(const pyb::bytes& b) {
  std::string_view s = b;
  return Bytes(s.begin(), s.end());
}

pyb::bytes PyBytes(ByteSpan b) {
  return pyb::bytes(reinterpret_cast<const char*>(b.data()), b.size());
}

}  // namespace

void BindMerkle(pybind11::module_& m) {
  pyb::module_ t = m.def_submodule("merkle", "vinet state proofs (sparse Merkle tree)");
  static pyb::exception<MerkleErrorTag> error(t, "MerkleError", PyExc_ValueError);
  g_merkle_error = error.ptr();
  t.attr("PROOF_OP_TYPE") = std::string(merkle::kProofOpType);
  t.def(
      "verify_membership",
      [](const pyb::bytes& root, const pyb::bytes& key, const pyb::bytes& value,
         const pyb::bytes& proof) {
        Bytes r = Arg(root), k = Arg(key), v = Arg(value), p = Arg(proof);
        Status s;
        {
          pyb::gil_scoped_release release;
          s = merkle::VerifyMembership(r, k, v, p);
        }
        Raise(s);
      },
      "root"_a, "key"_a, "value"_a, "proof"_a, "Verify that key holds value under root.");
  t.def(
      "verify_absence",
      [](const pyb::bytes& root, const pyb::bytes& key, const pyb::bytes& proof) {
        Bytes r = Arg(root), k = Arg(key), p = Arg(proof);
        Status s;
        {
          pyb::gil_scoped_release release;
          s = merkle::VerifyAbsence(r, k, p);
        }
        Raise(s);
      },
      "root"_a, "key"_a, "proof"_a, "Verify that key is absent under root.");
  t.def(
      "verify_proof_op",
      [](const pyb::bytes& app_hash, const pyb::bytes& key, const std::optional<pyb::bytes>& value,
         const std::string& op_type, const pyb::bytes& op_key, const pyb::bytes& op_data) {
        Bytes h = Arg(app_hash), k = Arg(key);
        std::optional<Bytes> v;
        if (value) v = Arg(*value);
        std::vector<merkle::ProofOp> ops{{op_type, Arg(op_key), Arg(op_data)}};
        Status s;
        {
          pyb::gil_scoped_release release;
          s = merkle::VerifyProofOps(h, k, v ? std::optional<ByteSpan>(*v) : std::nullopt, ops);
        }
        Raise(s);
      },
      "app_hash"_a, "key"_a, "value"_a, "op_type"_a, "op_key"_a, "op_data"_a,
      "Verify one ProofOp of an abci_query answer (value=None: absence).");
  t.def(
      "decode_proof_ops",
      [](const pyb::bytes& wire) {
        auto ops = merkle::DecodeProofOps(Arg(wire));
        if (!ops.ok()) Raise(ops.status());
        pyb::list out;
        for (const auto& op : *ops)
          out.append(pyb::make_tuple(op.type, PyBytes(op.key), PyBytes(op.data)));
        return out;
      },
      "wire"_a, "Decode tendermint.crypto.ProofOps protobuf bytes.");
  t.def(
      "decode_proof",
      [](const pyb::bytes& proof) {
        auto p = merkle::DecodeProof(Arg(proof));
        if (!p.ok()) Raise(p.status());
        pyb::dict out;
        out["depth"] = p->siblings.size();
        if (p->leaf) {
          out["leaf"] = pyb::make_tuple(PyBytes(p->leaf->key_hash), PyBytes(p->leaf->value_hash));
        } else {
          out["leaf"] = pyb::none();
        }
        return out;
      },
      "proof"_a, "Decode a proof's structure (for diagnostics).");
  t.def(
      "key_hash", [](const pyb::bytes& key) { return PyBytes(merkle::KeyHash(Arg(key))); },
      "key"_a);
}

}  // namespace vinet::py
