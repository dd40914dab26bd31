"""Bad inputs against a real devnet (1 validator, the ZKML demo MLP served in
VANILLA, TEE and ZKML): each mistake a user makes in the first hour raises its
own error class, with a message that names the fix, and charges nothing: the
node has no record of it (so no claim can exist) and the balance is unchanged.
Mistakes the SDK can see are refused before signing (no inference id); the
same mistakes sent past the SDK's checks are refused by the node (or its
enclave) with a 4xx, never a 503. Last, a client timeout after the node
answered: the answer is retrievable by the id in the error, charged once.
"""
import socket
import time
from urllib.parse import urlparse

import numpy as np
import pytest

from zkml_net_helpers import ZkmlDevnet

vinet = pytest.importorskip("vinet")
from vinet import _core  # noqa: E402

SETTLE_TIMEOUT = 30


@pytest.fixture(scope="module")
def net(vinet_bin, tmp_path_factory):
    n = ZkmlDevnet(tmp_path_factory.mktemp("badin") / "net", validators=1, block_time="300ms",
                   params=["zkml_deadline_blocks=60"])
    try:
        n.up()
        yield n
    finally:
        n.down()


@pytest.fixture(scope="module")
def client(net):
    c = vinet.Client.from_devnet(net.dir)
    yield c
    c.close()


@pytest.fixture(scope="module")
def model(client, net):
    m = client.model(net.model_id)
    assert m is not None and set(m.modes) >= {"VANILLA", "TEE", "ZKML"}, m
    return m


@pytest.fixture(scope="module")
def start_balance(client, model):
    return client.balance()


def good(model, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return {n: rng.standard_normal([d if d > 0 else 1 for d in s]).astype(dtype)
            for n, s in model.inputs.items()}


def wrong_shape(model):
    return {n: np.zeros([max(1, d) + 3 for d in s], np.float32) for n, s in model.inputs.items()}


def assert_not_recorded(client, iid):
    """The node never accepted `iid`: it can neither answer nor claim it."""
    with pytest.raises(vinet.NotFound):
        client.inference(iid)
    assert client.claim(iid) is None


def refused_locally(client, err, before):
    assert err.inference_id is None, "refused after signing"
    assert client.balance() == before


def send_raw(client, model, inputs, mode, max_fee=None):
    """A signed request sent past the SDK's local checks (what another client,
    or an older SDK, would send). Returns the node's typed error and the id."""
    payload, iid, _, _ = _core.build_infer(
        client.key, client.chain_id, client.node_pubkey, model.model_id, inputs, mode,
        model.fee if max_fee is None else max_fee)
    with pytest.raises(vinet.VinetError) as err:
        client._node("POST", "/v1/infer", infer=True, json=payload)
    return err.value, iid


@pytest.mark.parametrize("mode", ["vanilla", "tee", "zkml"])
def test_wrong_shape_is_a_shape_error_before_signing(client, model, start_balance, mode):
    with pytest.raises(vinet.ShapeError) as err:
        client.infer(model.model_id, wrong_shape(model), mode=mode)
    msg = str(err.value)
    assert "does not match the model's" in msg and "reshape" in msg
    refused_locally(client, err.value, start_balance)


@pytest.mark.parametrize("mode", ["VANILLA", "TEE", "ZKML"])
def test_wrong_shape_past_the_sdk_is_a_4xx_from_the_node(client, model, start_balance, mode):
    err, iid = send_raw(client, model, wrong_shape(model), mode)
    assert type(err) is vinet.ShapeError, err
    assert err.http_status == 400 and not err.retryable
    assert "shape" in err.message and "declared" in err.message
    if mode == "TEE":  # the enclave's own message, not a 503
        assert err.message.startswith("enclave: "), err.message
    assert_not_recorded(client, iid)
    assert client.balance() == start_balance


def test_wrong_dtype_past_the_sdk_in_tee_is_a_4xx_with_the_enclaves_message(
        client, model, start_balance):
    ints = {n: np.zeros([d if d > 0 else 1 for d in s], np.int32) for n, s in model.inputs.items()}
    err, iid = send_raw(client, model, ints, "TEE")
    assert type(err) is vinet.InvalidInput and err.http_status == 400, err
    assert err.message.startswith("enclave: ") and "f32" in err.message
    assert_not_recorded(client, iid)


def test_float64_and_lists_are_cast_and_served(client, model):
    r = client.infer(model.model_id, good(model, 1, np.float64), mode="vanilla")
    assert r.verified and r.inputs[next(iter(r.inputs))].dtype == np.float32
    as_lists = {n: a.tolist() for n, a in good(model, 1, np.float64).items()}
    r2 = client.infer(model.model_id, as_lists, mode="tee")
    assert r2.verified and r2.receipt["input_hash"] == r.receipt["input_hash"]
    for s in (client.wait_settled(r.inference_id, SETTLE_TIMEOUT),
              client.wait_settled(r2.inference_id, SETTLE_TIMEOUT)):
        assert s.status == "SETTLED" and s.settlement_verified and s.proven_height


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_are_refused_before_signing(client, model, bad):
    x = good(model, 2)
    name = sorted(x)[0]
    x[name].reshape(-1)[3] = bad
    before = client.balance()
    with pytest.raises(vinet.InvalidInput) as err:
        client.infer(model.model_id, x, mode="tee")
    assert "not finite" in str(err.value) and "flat index 3" in str(err.value)
    assert "nan_to_num" in str(err.value)
    refused_locally(client, err.value, before)


def test_a_160_mb_input_fails_at_once_naming_the_limit(client, model):
    name, shape = next(iter(model.inputs.items()))
    big = {name: np.zeros((40_000_000,), np.float32)}  # 160 MB, also the wrong shape
    before = client.balance()
    m = vinet.ModelInfo(model.model_id, model.name, {name: [-1]}, model.modes, fee=model.fee)
    with pytest.raises(vinet.InputTooLarge) as err:
        vinet.inputs.prepare(big, m, client._body_limit())
    assert "64.0 MiB" in str(err.value) and str(64 << 20) in str(err.value)
    # 160 MB of float64 (np.random.randn's dtype): 20 M values, refused from a
    # sample of their JSON, without serializing them
    wide = {name: np.random.default_rng(3).standard_normal(20_000_000)}
    with pytest.raises(vinet.InputTooLarge, match="about .* MiB of JSON") as err64:
        vinet.inputs.prepare(wide, m, client._body_limit())
    assert str(64 << 20) in str(err64.value)
    # Through infer the shape is refused first; both before anything is sent.
    with pytest.raises(vinet.InvalidInput) as err2:
        client.infer(model.model_id, big, mode="vanilla")
    refused_locally(client, err2.value, before)


def test_the_node_answers_an_oversized_body_with_its_limit(client):
    """Only the headers are sent. The node decides from Content-Length, but
    answers only after reading and dropping what the client sends (here until
    its 5 s read timeout; a real 160 MB upload goes through whole first),
    which is why the SDK refuses such inputs itself, at once."""
    u = urlparse(client.node_url)
    with socket.create_connection((u.hostname, u.port), timeout=10) as s:
        s.sendall(f"POST /v1/infer HTTP/1.1\r\nHost: {u.netloc}\r\nContent-Type: "
                  f"application/json\r\nContent-Length: {(64 << 20) + 1}\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert b" 413 " in head.split(b"\r\n")[0], head
    err = _core.parse_error(413, body.decode())
    assert type(err) is vinet.InputTooLarge and str(64 << 20) in err.message


def test_unknown_model(client, model):
    before = client.balance()
    with pytest.raises(vinet.UnknownModel) as err:
        client.infer("ab" * 32, good(model), mode="vanilla")
    assert "client.models()" in str(err.value)
    refused_locally(client, err.value, before)


def test_low_fee_names_the_models_fee(client, model):
    assert model.fee and model.fee > 1
    before = client.balance()
    with pytest.raises(vinet.FeeTooLow) as err:
        client.infer(model.model_id, good(model), mode="vanilla", max_fee=model.fee - 1)
    assert err.value.fee == model.fee and f"max_fee >= {model.fee}" in str(err.value)
    refused_locally(client, err.value, before)
    raw, iid = send_raw(client, model, good(model), "VANILLA", max_fee=model.fee - 1)
    assert type(raw) is vinet.FeeTooLow and raw.fee == model.fee and raw.http_status == 400
    assert_not_recorded(client, iid)
    assert client.balance() == before


def test_no_funds_says_how_to_fund_the_key(net, model):
    poor = vinet.Client.from_devnet(net.dir, key=vinet.Key.generate())
    with pytest.raises(vinet.InsufficientFunds) as err:
        poor.infer(model.model_id, good(model), mode="tee")
    msg = str(err.value)
    assert "vinet tx transfer" in msg and "vinet tx deposit" in msg
    assert err.value.http_status == 402 and err.value.inference_id
    assert_not_recorded(poor, err.value.inference_id)
    assert poor.balance() == 0
    poor.close()


def test_missing_roots_on_a_devnet_points_to_devnet_roots(net, model, client):
    before = client.balance()
    bare = vinet.Client.from_devnet(net.dir, roots=None)
    with pytest.raises(vinet.MissingRoots) as err:
        bare.infer(model.model_id, good(model), mode="tee")
    msg = str(err.value)
    assert "vinet.devnet_roots" in msg and "from_devnet" in msg
    refused_locally(client, err.value, before)
    bare.close()


def test_from_env_and_balance_agree_with_the_chain(net, monkeypatch):
    for var in ("VINET_NODE", "VINET_CHAIN", "VINET_KEY", "VINET_ROOTS", "VINET_DEVNET"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("VINET_DEVNET", net.dir)
    with vinet.Client.from_env() as c:
        assert c.balance() == net.balance(net.dev_address) > 0


def test_nothing_refused_was_charged(client, model, start_balance):
    """The only charges of this module so far are the two served inferences
    of test_float64_and_lists_are_cast_and_served (settled above)."""
    r = client.infer(model.model_id, good(model, 9), mode="vanilla", wait="settled",
                     timeout=SETTLE_TIMEOUT)
    assert r.settlement.status == "SETTLED"
    deadline = time.time() + 10
    want = start_balance - 3 * model.fee
    while client.balance() != want and time.time() < deadline:
        time.sleep(0.3)
    assert client.balance() == want


def test_client_timeout_keeps_the_answer_retrievable(net, model, client):
    config = net.status()["node"]["config"]
    with open(config) as f:
        original = f.read()
    assert "devnet = true\n" in original
    with open(config, "w") as f:
        f.write(original.replace("devnet = true\n", "devnet = true\nanswer_delay_ms = 3000\n"))
    try:
        net.restart_node()
        slow = vinet.Client.from_devnet(net.dir, timeout=1.0)
        before = slow.balance()
        with pytest.raises(vinet.Timeout) as err:
            slow.infer(model.model_id, good(model, 5), mode="tee")
        iid = err.value.inference_id
        assert iid and iid in str(err.value) and err.value.retryable
        time.sleep(3)
        slow.timeout = 10.0
        r = slow.answer(iid)
        assert r.verified and r.inference_id == iid and r.mode == "TEE"
        assert slow.wait_settled(iid, SETTLE_TIMEOUT).status == "SETTLED"
        deadline = time.time() + 10
        while slow.balance() != before - model.fee and time.time() < deadline:
            time.sleep(0.3)
        assert slow.balance() == before - model.fee  # charged once
        slow.close()
    finally:
        with open(config, "w") as f:
            f.write(original)
        net.restart_node()
