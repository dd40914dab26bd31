"""Client and AsyncClient logic over the fake node and chain (no sockets)."""
import asyncio
import json

import numpy as np
import pytest

import vinet
from vinet import _core
from fakes import FakeNet


@pytest.fixture
def net():
    return FakeNet()


@pytest.fixture
def client(net):
    # The fake chain signs no headers: settlement proofs are tested on a
    # devnet (tests/integration/test_light_client.py) and below.
    c = vinet.Client("http://node", "http://chain", vinet.Key.generate(), verify_settlement=False)
    c._http = net
    return c


def test_models(client):
    (m,) = client.models()
    assert m == vinet.ModelInfo("double", "double", {"x": [2]}, ["VANILLA"], {"y": [2]}, 5)


def test_models_registered_flag_follows_the_node():
    from vinet._core import parse_models
    entry = {"id": "m", "name": "mlp", "inputs": {"x": [1, 4]}, "modes": ["VANILLA"]}
    on, off, absent = parse_models({"object": "list", "data": [
        dict(entry, registered=True), dict(entry, id="n", registered=False), dict(entry, id="o")]})
    assert (on.registered, off.registered, absent.registered) == (True, False, False)
    assert on.name == "mlp"


def test_infer_verifies_and_uses_the_chain_id_and_fee(client, net):
    x = np.array([1.25, -3.0], dtype=np.float32)
    r = client.infer("double", {"x": x}, mode="vanilla")
    assert r.verified and r.mode == "VANILLA"
    np.testing.assert_array_equal(r.output["y"], 2 * x)
    posted = [q for q in net.requests if q[1] == "/v1/infer"][0][2]
    req = posted["request"]
    fields = vinet._native_loader.protocol.decode_request_body(
        *(bytes.fromhex(req[k]) for k in ("body", "client_pubkey", "signature")))
    assert fields["chain_id"] == "fake-chain" and fields["max_fee"] == 5
    assert fields["node_pubkey"] == net.node_key.public_key
    assert fields["expires_ms"] - fields["timestamp_ms"] == client.request_ttl_ms
    assert r.inference_id == vinet._native_loader.protocol.inference_id(
        bytes.fromhex(req["body"]), bytes.fromhex(req["client_pubkey"])).hex()
    assert r.timings.received_ms >= r.timings.sent_ms and r.timings.verified_ms


def test_tampered_output_fails_verification_unless_skipped(client, net):
    net.tamper = lambda out: {"y": out["y"] + np.float32(1)}
    with pytest.raises(vinet.VerificationFailed):
        client.infer("double", {"x": [1.0, 2.0]}, mode="vanilla")
    r = client.infer("double", {"x": [1.0, 2.0]}, mode="vanilla", verify=False)
    assert not r.verified
    with pytest.raises(vinet.VerificationFailed):
        r.verify()


def test_node_errors_are_typed(client, net):
    net.error = (402, "insufficient_funds", "balance 0 < fee 5")
    with pytest.raises(vinet.InsufficientFunds, match="balance"):
        client.infer("double", {"x": [1.0, 2.0]}, mode="vanilla")
    net.error = (404, "not_found", "model nope")
    with pytest.raises(vinet.ModelNotFound):
        client.infer("nope", {"x": [1.0]}, mode="vanilla", max_fee=1)


def test_unknown_model_without_max_fee_and_bad_arguments(client):
    with pytest.raises(vinet.ModelNotFound):
        client.infer("nope", {"x": [1.0]}, mode="vanilla")
    with pytest.raises(vinet.InvalidRequest):
        client.infer("double", {"x": [1.0]}, mode="quantum")
    with pytest.raises(vinet.InvalidRequest):
        client.infer("double", {"x": [[1.0], [2.0, 3.0]]}, mode="vanilla")
    with pytest.raises(vinet.InvalidRequest):
        client.infer("double", {"x": [1.0]}, mode="vanilla", wait="forever")


def test_unreachable_node_is_node_unavailable():
    c = vinet.Client("http://127.0.0.1:9", "http://127.0.0.1:9", vinet.Key.generate(),
                     chain_id="x", timeout=2)
    with pytest.raises(vinet.NodeUnavailable):
        c.models()


def test_wait_settled_returns_an_early_settlement_without_subscribing(client, net, monkeypatch):
    r = client.infer("double", {"x": [1.0, 2.0]}, mode="vanilla")
    net.claims[r.inference_id] = {"status": "SETTLED", "height": 9}
    monkeypatch.setattr(vinet.client, "ws_connect", lambda *a, **k: pytest.fail("subscribed"))
    s = client.wait_settled(r.inference_id, timeout=1)
    assert (s.status, s.height, s.tx_hash) == ("SETTLED", 9, "AB" * 32)
    assert s.trust_gap is not None and s.trust_gap >= 0


class FakeWs:
    """Replays messages; records what the client sent."""

    def __init__(self, messages, on_send=None):
        self.messages = list(messages)
        self.sent = []
        self.on_send = on_send

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send(self, text):
        self.sent.append(json.loads(text))
        if self.on_send:
            self.on_send()

    def recv(self, timeout=None):
        if not self.messages:
            raise TimeoutError
        return json.dumps(self.messages.pop(0))


def event(iid, status, height=11):
    attrs = [{"key": "id", "value": iid}, {"key": "status", "value": status},
             {"key": "height", "value": str(height)}]
    return {"jsonrpc": "2.0", "id": 1, "result": {"data": {"value": {"TxResult": {
        "height": str(height), "result": {"events": [{"type": "vinet.claim", "attributes": attrs}]}}}},
        "events": {"tx.hash": ["BEEF"]}}}


def test_wait_settled_by_subscription(client, net, monkeypatch):
    r = client.infer("double", {"x": [1.0, 2.0]}, mode="vanilla")
    ws = FakeWs([{"jsonrpc": "2.0", "id": 1, "result": {}}, event("cc" * 32, "SETTLED"),
                 event(r.inference_id, "SETTLED", 12)])
    monkeypatch.setattr(vinet.client, "ws_connect", lambda *a, **k: ws)
    s = client.wait_settled(r.inference_id, timeout=5)
    assert (s.status, s.height, s.tx_hash) == ("SETTLED", 12, "BEEF")
    assert ws.sent[0]["params"]["query"].endswith(f"vinet.claim.id='{r.inference_id}'")


def test_settlement_between_check_and_subscribe_is_not_missed(client, net, monkeypatch):
    r = client.infer("double", {"x": [1.0, 2.0]}, mode="vanilla")
    settle = lambda: net.claims.__setitem__(r.inference_id, {"status": "SETTLED", "height": 3})
    monkeypatch.setattr(vinet.client, "ws_connect", lambda *a, **k: FakeWs([], on_send=settle))
    assert client.wait_settled(r.inference_id, timeout=5).height == 3


def test_wait_settled_times_out(client, monkeypatch):
    monkeypatch.setattr(vinet.client, "ws_connect", lambda *a, **k: FakeWs([]))
    with pytest.raises(vinet.Timeout):
        client.wait_settled("dd" * 32, timeout=0.2)


def test_async_client(net):
    async def main():
        async with vinet.AsyncClient("http://node", "http://chain", vinet.Key.generate(),
                                     verify_settlement=False) as c:
            c._c._http = net
            models = await c.models()
            results = await asyncio.gather(*[
                c.infer("double", {"x": [float(i), 1.0]}, mode="vanilla") for i in range(4)])
            net.claims[results[0].inference_id] = {"status": "SETTLED", "height": 4}
            s = await c.wait_settled(results[0].inference_id, timeout=2)
            return models, results, s

    models, results, s = asyncio.run(main())
    assert models[0].model_id == "double"
    assert [float(r.output["y"][0]) for r in results] == [0.0, 2.0, 4.0, 6.0]
    assert all(r.verified for r in results) and s.status == "SETTLED"


class FakeAsyncWs:
    def __init__(self, messages):
        self.messages = [json.dumps(m) for m in messages]
        self.sent = []

    def __await__(self):
        async def ready():
            return self
        return ready().__await__()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False

    async def send(self, text):
        self.sent.append(json.loads(text))

    def __aiter__(self):
        return self

    async def __anext__(self):
        if not self.messages:
            await asyncio.sleep(3600)
        return self.messages.pop(0)


def test_async_wait_settled_by_subscription_and_timeout(net, monkeypatch):
    iid = "ef" * 32
    ws = FakeAsyncWs([{"jsonrpc": "2.0", "id": 1, "result": {}}, event(iid, "REJECTED", 21)])
    monkeypatch.setattr(vinet.aio, "ws_connect", lambda *a, **k: ws)

    async def main():
        c = vinet.AsyncClient("http://node", "http://chain", vinet.Key.generate(), chain_id="x",
                              verify_settlement=False)
        c._c._http = net
        s = await c.wait_settled(iid, timeout=5)
        with pytest.raises(vinet.Timeout):
            await c.wait_settled("01" * 32, timeout=0.2)
        return s

    s = asyncio.run(main())
    assert (s.status, s.height, s.tx_hash, s.settled) == ("REJECTED", 21, "BEEF", False)
    assert s.trust_gap is None  # this client never received that receipt
    assert ws.sent[0]["params"]["query"].endswith(f"vinet.claim.id='{iid}'")


def test_timed_out_call_carries_the_id_and_the_answer_is_fetched_by_it(client, net):
    """The node served and will claim the request, but the answer was lost: the
    error names the inference id and answer() fetches the stored answer."""
    net.lose_answer = True
    x = np.array([1.5, 2.0], dtype=np.float32)
    with pytest.raises(vinet.Timeout) as err:
        client.infer("double", {"x": x}, mode="vanilla")
    iid = err.value.inference_id
    assert iid in net.answers and iid in str(err.value)
    net.lose_answer = False
    r = client.answer(iid)
    assert r.verified and r.inference_id == iid and r.model_id == "double"
    np.testing.assert_array_equal(r.output["y"], 2 * x)
    net.answers[iid]["outputs"]["y"]["data"][0] += 1  # a tampered stored answer fails
    with pytest.raises(vinet.VerificationFailed) as bad:
        client.answer(iid)
    assert bad.value.inference_id == iid


def test_every_error_after_signing_carries_the_id(client, net):
    net.error = (402, "insufficient_funds", "balance 0 < fee 5")
    with pytest.raises(vinet.InsufficientFunds) as err:
        client.infer("double", {"x": [1.0, 2.0]}, mode="vanilla")
    iid = err.value.inference_id
    assert iid and len(iid) == 64
    with pytest.raises(vinet.NotFound) as nf:  # never accepted: nothing to fetch, nothing charged
        client.answer(iid)
    assert nf.value.inference_id == iid
    net.error = None
    net.tamper = lambda out: {"y": out["y"] + np.float32(1)}
    with pytest.raises(vinet.VerificationFailed) as vf:
        client.infer("double", {"x": [1.0, 2.0]}, mode="vanilla")
    assert vf.value.inference_id in net.answers
    with pytest.raises(vinet.InvalidRequest) as before:  # refused before signing: no id
        client.infer("double", {"x": [1.0]}, mode="nope")
    assert before.value.inference_id is None


def test_async_timeout_carries_the_id_and_answer(net):
    async def go():
        async with vinet.AsyncClient("http://node", "http://chain", vinet.Key.generate(),
                                     verify_settlement=False) as c:
            c._c._http = net
            net.lose_answer = True
            with pytest.raises(vinet.Timeout) as err:
                await c.infer("double", {"x": [1.0, 2.0]}, mode="vanilla")
            net.lose_answer = False
            r = await c.answer(err.value.inference_id)
            assert r.verified and list(r.output["y"]) == [2.0, 4.0]
    asyncio.run(go())


def test_wait_settled_is_never_quietly_unproven(net, monkeypatch):
    """By default a settlement the light client cannot prove is an error, not
    a Settlement with proof_verified False."""
    c = vinet.Client("http://node", "http://127.0.0.1:9", vinet.Key.generate())
    c._http = net
    r = c.infer("double", {"x": [1.0, 2.0]}, mode="vanilla")
    net.claims[r.inference_id] = {"status": "SETTLED", "height": 3}
    monkeypatch.setattr(vinet.client, "ws_connect", lambda *a, **k: pytest.fail("subscribed"))
    with pytest.raises((vinet.VerificationFailed, vinet.ChainUnavailable)) as err:
        c.wait_settled(r.inference_id, timeout=1)
    assert err.value.inference_id == r.inference_id
    c.verify_settlement = False
    s = c.wait_settled(r.inference_id, timeout=1)
    assert s.status == "SETTLED" and s.proof_verified is False


def test_chain_urls_primary_and_witnesses():
    c = vinet.Client("http://node", ["http://a/", "http://b"], vinet.Key.generate(),
                     witnesses=["http://c"])
    assert c.chain_url == "http://a" and c.chain_witnesses == ["http://b", "http://c"]
    assert c.prover.primary == "http://a" and c.prover.witnesses == ["http://b", "http://c"]
    with pytest.raises(vinet.InvalidRequest):
        vinet.Client("http://node", [], vinet.Key.generate())
