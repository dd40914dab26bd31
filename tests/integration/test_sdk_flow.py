"""The Python SDK against the real devnet and inference node: the two steps in
each mode, local verification catching tampering, typed errors, timeouts and
the asyncio client."""
import asyncio
import copy

import numpy as np
import pytest

from sdk_helpers import inputs_for, make_client, model_with, vinet, wrong_shape_inputs

SETTLE_TIMEOUT = 30


@pytest.fixture(scope="module")
def client(devnet):
    c = make_client(devnet)
    yield c
    c.close()


@pytest.fixture(scope="module")
def model(client):
    return model_with(client.models(), "VANILLA", "TEE")


@pytest.mark.parametrize("mode", ["vanilla", "tee"])
def test_two_step_flow(client, model, mode):
    result = client.infer(model.model_id, inputs_for(model, 1), mode=mode)
    assert result.verified and result.mode == mode.upper()
    assert result.receipt["inference_id"] == result.inference_id
    assert set(result.output) == set(model.outputs)
    for name, shape in model.outputs.items():
        got = result.output[name].shape
        assert len(got) == len(shape) and all(d <= 0 or d == g for d, g in zip(shape, got))
    settlement = client.wait_settled(result.inference_id, timeout=SETTLE_TIMEOUT)
    assert settlement.status == "SETTLED"
    assert settlement.height > 0 and settlement.tx_hash
    assert settlement.trust_gap is not None and settlement.trust_gap > 0
    claim = client.claim(result.inference_id)
    assert claim["status"] == "SETTLED" and claim["mode"] == mode.upper()
    # a second wait finds the settlement at once through the claim record
    again = client.wait_settled(result.inference_id, timeout=5)
    assert (again.status, again.height) == ("SETTLED", settlement.height)


def test_infer_wait_settled_in_one_call(client, model):
    result = client.infer(model.model_id, inputs_for(model, 2), mode="tee", wait="settled",
                          timeout=SETTLE_TIMEOUT)
    assert result.verified and result.settlement.status == "SETTLED"
    assert result.timings.settled_ms >= result.timings.verified_ms >= result.timings.received_ms


def test_same_inputs_give_the_same_outputs_in_both_modes(client, model):
    x = inputs_for(model, 3)
    a = client.infer(model.model_id, x, mode="vanilla")
    b = client.infer(model.model_id, x, mode="tee")
    assert a.receipt["input_hash"] == b.receipt["input_hash"]
    assert a.inference_id != b.inference_id
    for name in a.output:
        np.testing.assert_allclose(a.output[name], b.output[name], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("mode", ["vanilla", "tee"])
def test_tampered_receipts_are_caught(client, model, mode):
    result = client.infer(model.model_id, inputs_for(model, 4), mode=mode, verify=False)
    result.verify()
    good_output, good_receipt = copy.deepcopy(result.output), copy.deepcopy(result.receipt)

    name = sorted(result.output)[0]
    result.output[name].reshape(-1)[0] += np.float32(0.5)
    with pytest.raises(vinet.VerificationFailed, match="output_hash"):
        result.verify()
    assert not result.verified

    result.output = copy.deepcopy(good_output)
    fields = ["node_signature"] + (["enclave_signature"] if mode == "tee" else [])
    for field in fields:
        result.receipt = copy.deepcopy(good_receipt)
        sig = bytearray.fromhex(result.receipt[field])
        sig[0] ^= 1
        result.receipt[field] = sig.hex()
        with pytest.raises(vinet.VerificationFailed):
            result.verify()

    result.receipt = copy.deepcopy(good_receipt)
    result.receipt["output_hash"] = "00" * 32
    with pytest.raises(vinet.VerificationFailed):
        result.verify()
    result.receipt = good_receipt
    result.verify()  # the untouched result still verifies


def test_unknown_model_is_model_not_found(client, model):
    with pytest.raises(vinet.ModelNotFound):
        client.infer("ab" * 32, inputs_for(model), mode="vanilla", max_fee=10)


def test_bad_input_is_invalid_request(client, model):
    with pytest.raises(vinet.InvalidRequest):
        client.infer(model.model_id, wrong_shape_inputs(model), mode="vanilla")


def test_bad_client_signature_is_authentication_failed(client, model):
    from vinet import _core
    payload, _, _, _ = _core.build_infer(client.key, client.chain_id, client.node_pubkey, model.model_id,
                                         inputs_for(model), "VANILLA", 10 ** 6)
    sig = bytearray.fromhex(payload["request"]["signature"])
    sig[10] ^= 0x80
    payload["request"]["signature"] = sig.hex()
    with pytest.raises(vinet.AuthenticationFailed):
        client._node("POST", "/v1/infer", infer=True, json=payload)


def test_malformed_tensor_is_invalid_request(client, model):
    from vinet import _core
    payload, _, _, _ = _core.build_infer(client.key, client.chain_id, client.node_pubkey, model.model_id,
                                         inputs_for(model), "VANILLA", 10 ** 6)
    name = sorted(payload["inputs"])[0]
    payload["inputs"][name]["data"] = payload["inputs"][name]["data"][:-1]  # one value short
    with pytest.raises(vinet.InvalidRequest):
        client._node("POST", "/v1/infer", infer=True, json=payload)


def test_unfunded_key_is_insufficient_funds(devnet, model):
    poor = make_client(devnet, key=vinet.Key.generate())
    with pytest.raises(vinet.InsufficientFunds):
        poor.infer(model.model_id, inputs_for(model), mode="tee")
    poor.close()


def test_wait_settled_times_out_for_an_unknown_inference(client):
    with pytest.raises(vinet.Timeout):
        client.wait_settled("ee" * 32, timeout=1.5)


def test_async_client_runs_and_settles_concurrently(devnet, model):
    async def main():
        async with make_client(devnet, cls=vinet.AsyncClient) as c:
            return await asyncio.gather(*[
                c.infer(model.model_id, inputs_for(model, 10 + i),
                        mode=("tee" if i % 2 else "vanilla"), wait="settled",
                        timeout=SETTLE_TIMEOUT) for i in range(4)])

    results = asyncio.run(main())
    assert len({r.inference_id for r in results}) == 4
    assert all(r.verified and r.settlement.status == "SETTLED" for r in results)
