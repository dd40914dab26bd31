import copy
import json

import numpy as np
import pytest

from vinet import VerificationFailed, Verifier
from vinet._native_loader import protocol
from vinet.tensors import as_tensors

IID = bytes(range(32))
INPUT_HASH = bytes([7]) * 32
OUT = {"y": np.array([1.0, 2.5, -3.0], dtype=np.float32)}


def make(mode=0, enclave=None, node=None):
    node = node or protocol.Key.generate()
    text = protocol.make_receipt(IID, "m1", mode, INPUT_HASH, as_tensors(OUT), node, enclave)
    return json.loads(text)


def check(verifier, receipt, outputs=OUT, mode="VANILLA", **kw):
    args = dict(inference_id=IID.hex(), model_id="m1", mode=mode, input_hash=INPUT_HASH)
    args.update(kw)
    verifier.check(receipt, outputs, **args)


def test_vanilla_receipt_verifies():
    check(Verifier(), make())


def test_changed_output_is_caught():
    outputs = {"y": OUT["y"].copy()}
    outputs["y"][1] = np.nextafter(outputs["y"][1], np.float32(10))  # one ulp
    with pytest.raises(VerificationFailed, match="output_hash"):
        check(Verifier(), make(), outputs)
    with pytest.raises(VerificationFailed):
        check(Verifier(), make(), {"y": OUT["y"], "extra": OUT["y"]})


def test_changed_node_signature_is_caught():
    receipt = make()
    sig = bytearray.fromhex(receipt["node_signature"])
    sig[5] ^= 0x10
    receipt["node_signature"] = sig.hex()
    with pytest.raises(VerificationFailed):
        check(Verifier(), receipt)


def test_receipt_signed_by_another_node_key_is_caught():
    receipt = make()
    receipt["node_id"] = protocol.Key.generate().public_key.hex()
    with pytest.raises(VerificationFailed):
        check(Verifier(), receipt)


@pytest.mark.parametrize("field,value", [
    ("inference_id", "00" * 32), ("model_id", "m2"), ("mode", "TEE"),
    ("input_hash", bytes(32)),
])
def test_receipt_for_another_request_is_caught(field, value):
    with pytest.raises(VerificationFailed, match=field if field != "mode" else "mode"):
        check(Verifier(), make(), **{field: value})


def test_tee_receipt_needs_an_attested_enclave_key():
    enclave = protocol.Key.generate()
    receipt = make(mode=1, enclave=enclave)
    verifier = Verifier()
    assert not verifier.has_key(enclave.public_key)
    with pytest.raises(VerificationFailed):
        check(verifier, receipt, mode="TEE")
    no_key = copy.deepcopy(receipt)
    no_key["enclave_key"] = None
    with pytest.raises(VerificationFailed, match="enclave"):
        check(verifier, no_key, mode="TEE")


def test_bad_attestation_documents_never_enter_the_cache():
    verifier = Verifier()
    with pytest.raises(VerificationFailed, match="attestation"):
        verifier.add_attestation(b"\x84\x40\xa0\x40\x40", nonce=bytes(32))
    assert len(verifier._native) == 0
