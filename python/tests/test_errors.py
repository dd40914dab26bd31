"""Errors by cause: node answers mapped to classes, hints, retryability, and
the local refusals of Client.infer that happen before anything is signed."""
import json

import numpy as np
import pytest

import vinet
from vinet import _core
from fakes import FakeNet


def node_error(status, code, message, infer=True):
    return _core.parse_error(status, json.dumps({"error": {"code": code, "message": message}}),
                             infer=infer)


@pytest.mark.parametrize("status,code,message,cls", [
    (400, "invalid_argument", "input 'x': shape [3] does not match the declared [2]",
     vinet.ShapeError),
    (400, "invalid_argument", "enclave: input 'x': shape [1, 3] does not match the declared [1, 2]",
     vinet.ShapeError),
    (400, "invalid_argument", "input x: dtype i32 (the runtime takes f32)", vinet.InvalidInput),
    (400, "parse", "inputs.x.data: expected numbers", vinet.InvalidInput),
    (400, "invalid_argument", "request.max_fee 3 is below the model's fee 25", vinet.FeeTooLow),
    (400, "unsupported", "model m is not served in TEE mode here", vinet.ModeNotServed),
    (404, "not_found", "model m is not served by this node", vinet.UnknownModel),
    (402, "insufficient_funds", "client a has 0 (0 held here); fee is 25", vinet.InsufficientFunds),
    (401, "unauthenticated", "request.signature does not verify", vinet.AuthenticationFailed),
    (500, "internal", "the enclave's receipt does not match the request", vinet.NodeUnavailable),
    (413, "out_of_range", "body: longer than the node's limit of 67108864 bytes",
     vinet.InputTooLarge),
    (400, "invalid_argument", "wait: only \"proof\" (ZKML mode) is known", vinet.InvalidRequest),
    (503, "unavailable", "enclave: internal: boom", vinet.NodeUnavailable),
])
def test_node_answers_map_to_a_class_per_cause(status, code, message, cls):
    err = node_error(status, code, message)
    assert type(err) is cls, (type(err), cls)
    assert err.http_status == status and err.code == code and message in str(err)
    # 4xx is never retried, 5xx may be
    assert err.retryable is (status >= 500)
    assert isinstance(err, vinet.InvalidRequest) is (status < 500)


def test_hints_name_the_fix():
    fee = node_error(400, "invalid_argument", "request.max_fee 3 is below the model's fee 25")
    assert fee.fee == 25 and "max_fee >= 25" in str(fee)
    funds = node_error(402, "insufficient_funds", "client a has 0 (0 held here); fee is 25")
    assert "vinet tx transfer" in funds.hint and "vinet tx deposit" in funds.hint
    assert "Hint:" in str(funds)
    assert "client.models()" in node_error(404, "not_found", "model m").hint


def test_model_not_found_is_unknown_model_and_both_bases():
    assert vinet.ModelNotFound is vinet.UnknownModel
    assert issubclass(vinet.UnknownModel, vinet.NotFound)
    assert issubclass(vinet.UnknownModel, vinet.InvalidRequest)
    assert issubclass(vinet.MissingRoots, vinet.VerificationFailed)
    assert issubclass(vinet.ShapeError, vinet.InvalidInput)
    assert not vinet.InvalidRequest.retryable and vinet.NodeUnavailable.retryable


@pytest.fixture
def net():
    return FakeNet(fee=5)


@pytest.fixture
def client(net):
    c = vinet.Client("http://node", "http://chain", vinet.Key.generate())
    c._http = net
    return c


def signed(net):
    return [q for q in net.requests if q[1] == "/v1/infer"]


@pytest.mark.parametrize("call,cls,words", [
    (dict(model_id="nope", inputs={"x": [1.0, 2.0]}), vinet.UnknownModel, "client.models()"),
    (dict(model_id="double", inputs={"x": [1.0, 2.0]}, mode="tee"), vinet.ModeNotServed,
     "vanilla"),
    (dict(model_id="double", inputs={"x": [1.0, 2.0]}, max_fee=4), vinet.FeeTooLow, ">= 5"),
    (dict(model_id="double", inputs={"x": [1.0, 2.0, 3.0]}), vinet.ShapeError, "reshape"),
    (dict(model_id="double", inputs={"x": [[1.0, 2.0]]}), vinet.ShapeError, "[2]"),
    (dict(model_id="double", inputs={"y": [1.0, 2.0]}), vinet.InvalidInput, "missing ['x']"),
    (dict(model_id="double", inputs={"x": [1.0, float("nan")]}), vinet.InvalidInput,
     "flat index 1"),
    (dict(model_id="double", inputs={"x": np.array([np.inf, 1.0])}), vinet.InvalidInput,
     "not finite"),
    (dict(model_id="double", inputs={"x": np.array([1e300, 1.0])}), vinet.InvalidInput,
     "float32's range"),
    (dict(model_id="double", inputs={"x": np.array(["a", "b"])}), vinet.InvalidInput,
     "not numeric"),
])
def test_local_refusals_happen_before_signing(client, net, call, cls, words):
    call.setdefault("mode", "vanilla")
    with pytest.raises(cls) as err:
        client.infer(**call)
    assert type(err.value) is cls
    assert words in str(err.value)
    assert err.value.inference_id is None  # nothing was signed
    assert signed(net) == []


def test_float64_and_lists_are_cast_to_the_models_dtype(client, net):
    x = np.array([0.1, -2.5])  # float64, as np.random.randn gives
    r = client.infer("double", {"x": x}, mode="vanilla")
    assert r.verified and r.inputs["x"].dtype == np.float32
    np.testing.assert_array_equal(r.output["y"], 2 * x.astype(np.float32))
    sent = signed(net)[0][2]["inputs"]["x"]
    assert sent["dtype"] == "f32" and sent["data"] == x.astype(np.float32).tolist()
    r = client.infer("double", {"x": [1, 2]}, mode="vanilla")  # ints in a list
    assert r.inputs["x"].dtype == np.float32 and list(r.output["y"]) == [2.0, 4.0]


def test_a_160_mb_input_fails_at_once_with_the_limit(monkeypatch):
    big = np.zeros((1, 40_000_000), dtype=np.float32)  # 160 MB
    model = vinet.ModelInfo("big", "big", {"x": [1, 40_000_000]}, ["VANILLA"], fee=1)
    # refused from its element count: no pass over the values, no serialization
    monkeypatch.setattr(vinet.inputs.json, "dumps", lambda *a, **k: pytest.fail("serialized"))
    monkeypatch.setattr(vinet.inputs, "_cast", lambda *a: pytest.fail("converted"))
    with pytest.raises(vinet.InputTooLarge) as err:
        vinet.inputs.prepare({"x": big}, model)
    assert "64.0 MiB" in str(err.value) and str(64 << 20) in str(err.value)


def test_a_160_mb_float64_input_is_refused_from_a_sample(monkeypatch):
    # 20 M float64 values: their count alone fits (2 bytes each), their JSON does not
    x = np.random.default_rng(1).standard_normal((1, 20_000_000))
    model = vinet.ModelInfo("m", "m", {"x": [1, -1]}, ["VANILLA"], fee=1)
    monkeypatch.setattr(vinet.inputs.json, "dumps", counting(vinet.inputs.json.dumps, 4096))
    with pytest.raises(vinet.InputTooLarge, match=r"about \d+\.\d MiB of JSON") as err:
        vinet.inputs.prepare({"x": x}, model)
    assert "64.0 MiB" in str(err.value)


def counting(dumps, most):
    """json.dumps that fails when asked to encode more than `most` values at once."""
    def wrapped(obj, *a, **kw):
        if isinstance(obj, list) and len(obj) > most:
            pytest.fail(f"serialized {len(obj)} values")
        return dumps(obj, *a, **kw)
    return wrapped


def test_a_body_the_estimate_cannot_decide_is_measured_before_sending(client, net):
    # 1,000 values of "0.10000000149011612," (20 bytes): fits a limit of 4096 + 21,000
    # by the estimate, but the whole body (request, names) does not.
    net_health = net.request

    def request(method, url, **kw):
        r = net_health(method, url, **kw)
        if url.endswith("/healthz"):
            body = r.json()
            body["max_body_bytes"] = 20_500
            r.text = json.dumps(body)
        if url.endswith("/v1/models"):
            body = r.json()
            body["data"][0]["inputs"] = {"x": [-1]}
            r.text = json.dumps(body)
        return r

    net.request = request
    with pytest.raises(vinet.InputTooLarge, match="request body") as err:
        client.infer("double", {"x": np.full(1000, 0.1, np.float32)}, mode="vanilla")
    assert "not sent" in str(err.value) and err.value.inference_id is None
    assert signed(net) == []
    r = client.infer("double", {"x": np.full(300, 0.1, np.float32)}, mode="vanilla")
    assert r.verified


def test_node_refusals_after_signing_carry_the_id_and_the_hint(client, net):
    net.error = (402, "insufficient_funds", "client a has 0 (0 held here); fee is 5")
    with pytest.raises(vinet.InsufficientFunds) as err:
        client.infer("double", {"x": [1.0, 2.0]}, mode="vanilla")
    assert err.value.inference_id and err.value.inference_id in str(err.value)
    assert "vinet tx transfer" in str(err.value)


def test_models_are_cached_and_refreshed_on_a_miss(client, net):
    client.infer("double", {"x": [1.0, 2.0]}, mode="vanilla")
    client.infer("double", {"x": [1.0, 2.0]}, mode="vanilla")
    asked = [q for q in net.requests if q[1] == "/v1/models"]
    assert len(asked) == 1
    with pytest.raises(vinet.UnknownModel):
        client.infer("other", {"x": [1.0, 2.0]}, mode="vanilla")
    assert len([q for q in net.requests if q[1] == "/v1/models"]) == 2


def test_missing_roots_is_raised_before_signing_with_the_devnet_hint(client, net, monkeypatch):
    # A TEE model whose enclave attests under a root this client does not hold.
    net_models = net.request

    def request(method, url, **kw):
        r = net_models(method, url, **kw)
        if url.endswith("/v1/models"):
            body = r.json()
            body["data"][0]["modes"] = ["VANILLA", "TEE"]
            r.text = json.dumps(body)
        if url.endswith("/healthz"):
            body = r.json()
            body["enclave_key"] = "ab" * 32
            r.text = json.dumps(body)
        if "/v1/attestation" in url:
            from fakes import FakeResponse
            import base64
            return FakeResponse(200, {"document": base64.b64encode(b"\x84junk").decode(),
                                      "enclave_key": "ab" * 32})
        return r

    monkeypatch.setattr(net, "request", request)
    with pytest.raises(vinet.MissingRoots) as err:
        client.infer("double", {"x": [1.0, 2.0]}, mode="tee")
    assert "vinet.devnet_roots" in str(err.value) and "from_devnet" in str(err.value)
    assert err.value.inference_id is None and signed(net) == []
    # with roots given, the same failure is a plain VerificationFailed
    c2 = vinet.Client("http://node", "http://chain", vinet.Key.generate(), roots=[])
    c2._http = net
    with pytest.raises(vinet.VerificationFailed) as err2:
        c2.infer("double", {"x": [1.0, 2.0]}, mode="tee")
    assert not isinstance(err2.value, vinet.MissingRoots)


def test_balance(client, net):
    assert client.balance() == 0
    net.balances[client.key.address] = 1234
    assert client.balance() == 1234
    assert client.balance("00" * 20) == 0


def test_a_stale_cache_is_refreshed_before_refusing(client, net):
    client.models()
    net.fee = 3  # the fee dropped on chain: a max_fee of 4 now pays
    r = client.infer("double", {"x": [1.0, 2.0]}, mode="vanilla", max_fee=4)
    assert r.verified


def test_a_transiently_refused_mode_is_retryable(client, net, monkeypatch):
    orig = net.request

    def request(method, url, **kw):
        r = orig(method, url, **kw)
        if url.endswith("/v1/models"):
            body = r.json()
            body["data"][0]["refused"] = {"TEE": {"code": "unavailable",
                                                  "reason": "enclave not registered yet"}}
            r.text = json.dumps(body)
        return r

    monkeypatch.setattr(net, "request", request)
    with pytest.raises(vinet.NodeUnavailable, match="not registered yet") as err:
        client.infer("double", {"x": [1.0, 2.0]}, mode="tee")
    assert err.value.retryable and signed(net) == []


def test_async_client_raises_the_same_classes_and_has_balance(net):
    import asyncio

    async def main():
        async with vinet.AsyncClient("http://node", "http://chain", vinet.Key.generate()) as ac:
            ac._c._http = net
            net.balances[ac.key.address] = 77
            assert await ac.balance() == 77
            with pytest.raises(vinet.ShapeError) as err:
                await ac.infer("double", {"x": [1.0, 2.0, 3.0]}, mode="vanilla")
            assert err.value.inference_id is None
            net.error = (402, "insufficient_funds", "client a has 0 (0 held here); fee is 5")
            with pytest.raises(vinet.InsufficientFunds) as err:
                await ac.infer("double", {"x": np.array([1.0, 2.0])}, mode="vanilla")
            assert err.value.inference_id and "vinet tx deposit" in str(err.value)

    asyncio.run(main())
    assert len(signed(net)) == 1
