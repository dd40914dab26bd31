"""What `verified` means per mode: receipt_verified, proof_verified,
settlement_verified, checked and verification."""
import numpy as np
import pytest

import vinet
from vinet.types import Result, Settlement, Timings
from fakes import FakeNet


def result(mode, **kw):
    return Result(inference_id="ab" * 32, model_id="m", mode=mode, output={}, receipt={},
                  input_hash=b"\0" * 32, timings=Timings(sent_ms=1, received_ms=2), **kw)


def test_vanilla_says_only_the_signature_was_checked():
    r = result("VANILLA", receipt_verified=True)
    assert r.verified and not r.proof_verified and not r.settlement_verified
    assert r.checked == ("output_hash", "node_signature")
    assert "node's word" in r.verification


def test_tee_adds_the_enclave_and_its_attestation():
    r = result("TEE", receipt_verified=True, proof_verified=True)
    assert r.verified
    assert r.checked == ("output_hash", "node_signature", "enclave_signature", "attestation")


def test_zkml_is_not_verified_before_its_proof():
    r = result("ZKML", receipt_verified=True)
    assert not r.verified and "not verified yet" in r.verification
    r.proof_verified = True
    assert r.verified and r.checked[-1] == "zkml_proof"


def test_settlement_verified_only_for_a_proven_settlement():
    s = Settlement("ab" * 32, "SETTLED", 3, None, 0.1, 1.0)
    assert s.settled and not s.settlement_verified
    r = result("VANILLA", receipt_verified=True, settlement=s)
    assert not r.settlement_verified and "settlement_proof" not in r.checked
    proven = Settlement("ab" * 32, "SETTLED", 3, None, 0.1, 1.0, proof_verified=True,
                        proven_height=3)
    r = result("VANILLA", receipt_verified=True, settlement=proven)
    assert r.settlement_verified and r.checked[-1] == "settlement_proof"


def test_client_sets_the_fields_and_a_failed_check_clears_them():
    net = FakeNet()
    c = vinet.Client("http://node", "http://chain", vinet.Key.generate())
    c._http = net
    r = c.infer("double", {"x": np.array([1.0, 2.0])}, mode="vanilla")
    assert r.receipt_verified and r.verified and not r.proof_verified
    assert r.timings.verified_ms is not None
    r.output["y"][0] += 1
    with pytest.raises(vinet.VerificationFailed):
        r.verify()
    assert not r.receipt_verified and not r.verified and r.checked == ()
