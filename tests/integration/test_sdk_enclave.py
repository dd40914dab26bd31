"""SDK verification of TEE receipts against a real `vinet enclave` emulator (no
devnet): attestation with the SDK's nonce under the dev root, the cache, and
tampering of every signed part."""
import copy
import json
import os

import numpy as np
import pytest

from sdk_helpers import Enclave, vinet

N = 8


@pytest.fixture(scope="module")
def enclave(vinet_bin, tmp_path_factory):
    if vinet is None or not hasattr(vinet, "Verifier"):
        pytest.fail("the vinet SDK is not installed: pip install ./python (docs/sdk.md)")
    e = Enclave(vinet_bin, tmp_path_factory.mktemp("enclave"), N)
    yield e
    e.close()


@pytest.fixture(scope="module")
def signed(enclave):
    """(receipt JSON co-signed by a node key, outputs, inference id, input hash)."""
    from vinet._native_loader import protocol
    from vinet.tensors import as_tensors, from_json, tensors_hash
    node = protocol.Key.generate()
    x = {"x": np.linspace(-1, 1, N, dtype=np.float32).reshape(1, N)}
    iid = os.urandom(32)
    reply = enclave.call({"method": "infer", "inference_id": iid.hex(),
                          "node_id": node.public_key.hex(), "model_id": enclave.model_id,
                          "inputs": [{"name": n, "dtype": d, "shape": s, "data": b.hex()}
                                     for n, d, s, b in as_tensors(x)]})
    assert reply["ok"], reply
    receipt = json.loads(protocol.sign_as_node(json.dumps(reply["receipt"]), node))
    return receipt, from_json(receipt["outputs"]), iid.hex(), tensors_hash(x)


def attest(enclave, verifier, nonce=None, sent_nonce=None):
    nonce = nonce or os.urandom(32)
    reply = enclave.call({"method": "attest", "nonce": (sent_nonce or nonce).hex()})
    assert reply["ok"], reply
    return verifier.add_attestation(bytes.fromhex(reply["document"]), nonce)


def check(verifier, signed, receipt=None, outputs=None):
    r, out, iid, ih = signed
    verifier.check(receipt or r, outputs or out, inference_id=iid, model_id=r["model_id"],
                   mode="TEE", input_hash=ih)


def test_attested_tee_receipt_verifies_and_key_is_cached(enclave, signed):
    verifier = vinet.Verifier([enclave.root_pem()])
    with pytest.raises(vinet.VerificationFailed):
        check(verifier, signed)  # not attested yet
    added = attest(enclave, verifier)
    assert added["enclave_key"].hex() == signed[0]["enclave_key"]
    assert verifier.has_key(added["enclave_key"])
    check(verifier, signed)


def test_attestation_with_another_nonce_or_root_is_refused(enclave):
    verifier = vinet.Verifier([enclave.root_pem()])
    with pytest.raises(vinet.VerificationFailed, match="nonce"):
        attest(enclave, verifier, nonce=os.urandom(32), sent_nonce=os.urandom(32))
    with pytest.raises(vinet.VerificationFailed):
        attest(enclave, vinet.Verifier(None))  # the AWS root does not sign the dev CA
    assert len(verifier._native) == 0


@pytest.mark.parametrize("field", ["enclave_signature", "node_signature", "output_hash",
                                   "enclave_key"])
def test_tampered_tee_receipt_is_caught(enclave, signed, field):
    verifier = vinet.Verifier([enclave.root_pem()])
    attest(enclave, verifier)
    receipt = copy.deepcopy(signed[0])
    value = bytearray.fromhex(receipt[field])
    value[3] ^= 0x04
    receipt[field] = value.hex()
    with pytest.raises(vinet.VerificationFailed):
        check(verifier, signed, receipt=receipt)


def test_changed_tee_output_is_caught(enclave, signed):
    verifier = vinet.Verifier([enclave.root_pem()])
    attest(enclave, verifier)
    outputs = copy.deepcopy(signed[1])
    name = sorted(outputs)[0]
    outputs[name].reshape(-1)[-1] += np.float32(1e-3)
    with pytest.raises(vinet.VerificationFailed, match="output_hash"):
        check(verifier, signed, outputs=outputs)
