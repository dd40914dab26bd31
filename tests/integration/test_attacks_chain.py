"""Issue 12, chain-side findings, played as a hostile node, client or local
process would on a real 4-validator devnet (with the enclave emulator and the
honest inference node). Each test asserts that the honest party keeps its fee
or stake, that every validator computes the same app hashes, and that the
chain keeps making blocks at its normal interval.

  finding 2   CBOR bombs: a huge map as a claim's receipt (FinalizeBlock) and
              as a RegisterEnclave document (CheckTx)
  finding 5   jail escape: Unbond / Withdraw / RegisterNode after being jailed
  finding 6   an honest TEE claim made under a just-expired enclave key is
              refused without a record, so it settles after re-attesting
  finding 7   raw ABCI frames to a validator's app socket: a 3-byte Commit,
              InitChain at height > 0, FinalizeBlock from a second connection
  finding 9   Withdraw while fee-0 ZKML claims are PENDING

The node's enclave key lives 20 s and the node re-attests only 8 s after it
expired (`reattest_after_expiry_ms`), which gives finding 6 its window.
"""
import datetime
import hashlib
import json
import os
import re
import socket
import struct
import time

import pytest

import onnx_models
from conftest import NetWithNode
from attack_helpers import required_fee
from devnet import new_key, pb_bytes, pb_uint, tx_body, vinet
from node_helpers import (Key, NodeApi, cbor_head, enclave_record, f32, inference_id, request_body,
                          signed_request, tensors_hash, wait_for)

TTL_MS = 20_000
LATE_MS = 8_000
# TxBody message fields (proto/vinet/tx/v1/tx.proto).
REGISTER_NODE, UNBOND, WITHDRAW, REGISTER_ENCLAVE, SUBMIT_CLAIMS = 11, 12, 13, 14, 16
NODE_JAILED, NODE_EXISTS, ATTESTATION_INVALID, UNBONDING_PENDING = 20, 11, 18, 14


class AttackNet(NetWithNode):
    # min_model_fee 0: finding 9's fee-0 ZKML claims need a genesis that allows
    # fee-0 models (finding 3 made the default 1).
    extra_up_args = ("--enclave-ttl-ms", TTL_MS, "--param", "min_model_fee=0")


@pytest.fixture(scope="module")
def net(vinet_bin, tmp_path_factory):
    n = AttackNet(tmp_path_factory.mktemp("attacks") / "net", validators=4, block_time="400ms")
    try:
        n.up()
        # A negative expiry margin (devnet fault injection) makes the node
        # serve TEE past its key's expiry instead of refusing it (503,
        # ServeGuard): finding 6's test drives the chain's rule for such
        # claims (REFUSED, requeued by the node until it re-attests).
        n.reconfigure_node({"node": {"enclave_expiry_margin_ms": -60000},
                            "enclave": {"reattest_after_expiry_ms": LATE_MS}})
        yield n
    finally:
        n.down()


# ---------------------------------------------------------------- helpers

def balance(net, address):
    return int(net.account(0, address)["balance"])


def nonce_of(net, address):
    return int(net.account(0, address)["nonce"])


def sign_tx(key_path, body):
    """A Tx envelope signed in Python (a 1 MB body is too long for argv)."""
    key = Key.from_file(key_path)
    sig = key.sk.sign(b"vinet.tx.v1\0" + body)
    return pb_bytes(1, body) + pb_bytes(2, key.pub) + pb_bytes(3, sig)


def send(net, key_path, address, msg_field, msg, node=0, claims=0):
    """Signs and broadcasts one tx paying the chain's fee schedule for its
    bytes and `claims` (docs/chain.md "Fees"); returns (tx bytes, CheckTx result)."""
    nonce, fee = nonce_of(net, address), 1
    while True:
        tx = sign_tx(key_path, tx_body(net.chain_id, nonce, fee, msg_field, msg))
        need = required_fee(net, len(tx), claims)
        if need <= fee:
            return tx, net.broadcast(node, tx)
        fee = need


def committed(net, tx, timeout=30):
    """The committed tx's {code, log, events, height}."""
    h = hashlib.sha256(tx).hexdigest().upper()

    def find():
        try:
            r = net.find_tx(0, h)
        except Exception:  # not indexed yet
            return None
        return {**r["tx_result"], "height": int(r["height"])}
    return wait_for(f"tx {h[:12]} in a block", find, timeout)


def hostile_node(net, tmp_path, name, stake=1000):
    """A fresh key, funded and registered as a node with the minimum stake."""
    key, addr = new_key(tmp_path, name)
    out, _ = net.transfer(net.dev_key, addr, 100_000)
    assert out["code"] == 0
    reg = vinet("tx", "register-node", "--key", key, "--stake", stake, "--endpoint",
                "http://127.0.0.1:1", "--node", net.rpc_url(0), "--json")
    assert json.loads(reg.stdout)["code"] == 0
    return key, addr


def header_time(net, height):
    t = net.rpc(0, "block", height=str(height))["block"]["header"]["time"]
    m = re.match(r"(\d+-\d+-\d+T\d+:\d+:\d+)(?:\.(\d+))?Z", t)
    base = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=datetime.timezone.utc)
    return base.timestamp() + float("0." + (m.group(2) or "0"))


def assert_normal_blocks(net, height, before=2, after=3, max_gap_s=3.0):
    """Blocks around `height` came at the normal pace (400 ms blocks; a
    FinalizeBlock or CheckTx that stalls the app shows as a gap of seconds)."""
    assert net.wait_height(0, height + after, timeout=30), "the chain stopped"
    times = [header_time(net, h) for h in range(max(1, height - before), height + after + 1)]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert max(gaps) < max_gap_s, f"block gaps around {height}: {gaps}"


def assert_hashes_agree(net):
    seen = net.app_hashes_by_height(range(4), seconds=3.0)
    heights = set.intersection(*(set(v) for v in seen.values()))
    assert heights, seen
    for h in heights:
        assert len({seen[i][h] for i in range(4)}) == 1, f"app hashes differ at {h}: {seen}"


def cbor_bytes(b):
    return cbor_head(2, len(b)) + b


def cbor_text(s):
    return cbor_head(3, len(s.encode())) + s.encode()


def map_bomb(entries):
    """A CBOR map of `entries` distinct 4-byte unsigned keys (all values 0):
    legal CBOR that a pairwise duplicate-key check needs ~entries^2/2 steps for."""
    return cbor_head(5, entries) + b"".join(b"\x1a" + struct.pack(">I", k) + b"\x00"
                                            for k in range(entries))


def receipt(iid, model_id, mode, input_hash, node_pub, outputs=b"\x80", output_hash=None):
    """A canonical receipt (docs/receipts.md) with a (dummy) node signature."""
    return (cbor_head(4, 11) + cbor_head(0, 1) + cbor_bytes(iid) + cbor_text(model_id)
            + cbor_head(0, mode) + cbor_bytes(input_hash) + cbor_bytes(output_hash or b"\x22" * 32)
            + outputs + cbor_bytes(node_pub) + b"\xf6\xf6" + cbor_bytes(b"\x01" * 64))


def claim(req, receipt_bytes):
    signed = (pb_bytes(1, bytes.fromhex(req["body"])) + pb_bytes(2, bytes.fromhex(req["client_pubkey"]))
              + pb_bytes(3, bytes.fromhex(req["signature"])))
    return pb_bytes(1, signed) + pb_bytes(2, receipt_bytes)


def submit_claims(claims):
    return b"".join(pb_bytes(1, c) for c in claims)


def key_pub(key_path):
    return bytes.fromhex(json.loads(vinet("keys", "show", key_path, "--json").stdout)["public_key"])


def vanilla_model(net):
    for model_id in net.status()["models"]:
        code, model, _ = net.query(0, "model", model_id)
        if code == 0 and "VANILLA" in model["modes"]:
            return model_id
    raise AssertionError("the devnet serves no VANILLA model")


# ---------------------------------------------------------------- finding 2: CBOR bombs

def test_cbor_bomb_in_a_receipt_is_refused_at_once(net, tmp_path):
    key, addr = hostile_node(net, tmp_path, "bomber")
    client = Key.generate()
    model = vanilla_model(net)
    body = request_body(net.chain_id, model, 0, b"\x11" * 32, 10, key_pub(key))
    req = signed_request(client, body)
    bomb = map_bomb(150_000)  # 900 KB: ~11e9 key comparisons for a pairwise check
    tx, res = send(net, key, addr, SUBMIT_CLAIMS, submit_claims([claim(req, bomb)]), claims=1)
    assert res["code"] == 0, res
    sent = time.time()
    r = committed(net, tx)
    assert time.time() - sent < 15, "the bomb stalled the chain"
    events = [e for e in r["events"] if e["type"] == "vinet.claim"]
    attrs = {a["key"]: a["value"] for a in events[0]["attributes"]}
    assert attrs["status"] == "REJECTED", attrs  # the node's own receipt: its fault
    assert "exceed" in attrs["reason"], attrs
    node = net.query(0, "node", addr)[1]
    assert node["jailed"] and node["stake"] < 1000  # the bomber pays, not the chain
    assert_normal_blocks(net, r["height"])
    assert_hashes_agree(net)


def test_cbor_bomb_as_an_attestation_document_is_refused_at_once(net, tmp_path):
    key, addr = hostile_node(net, tmp_path, "doc-bomber")
    # COSE_Sign1 [protected, unprotected, payload, signature] whose
    # unprotected header is the bomb (decoded whole before any check today).
    doc = (cbor_head(4, 4) + cbor_bytes(b"\xa1\x01\x38\x22") + map_bomb(150_000)
           + cbor_bytes(b"\xa0") + cbor_bytes(b"\x00" * 96))
    msg = pb_bytes(1, doc) + pb_bytes(2, b"m") + pb_uint(3, max(1, net.height(0)))
    start_height = net.height(0)
    for _ in range(3):
        t0 = time.time()
        _, res = send(net, key, addr, REGISTER_ENCLAVE, msg)
        assert time.time() - t0 < 3.0, "CheckTx of the bomb took seconds"
        assert res["code"] == ATTESTATION_INVALID, res
        assert "exceeds" in res["log"], res
    assert_normal_blocks(net, start_height + 1)
    assert_hashes_agree(net)


# ---------------------------------------------------------------- finding 5: jail escape

def get_jailed(net, key, addr):
    """A claim whose receipt does not match its request: REJECTED, jailed."""
    client = Key.generate()
    body = request_body(net.chain_id, vanilla_model(net), 0, b"\x11" * 32, 10, key_pub(key))
    req = signed_request(client, body)
    iid = bytes.fromhex(inference_id(body, client.pub))
    bad = receipt(iid, vanilla_model(net), 0, b"\x99" * 32, key_pub(key))  # wrong input hash
    tx, res = send(net, key, addr, SUBMIT_CLAIMS, submit_claims([claim(req, bad)]), claims=1)
    assert res["code"] == 0, res
    r = committed(net, tx)
    assert r["code"] == 0, r
    node = net.query(0, "node", addr)[1]
    assert node["jailed"], node
    return client, node["stake"]


def test_jailed_node_cannot_unbond_withdraw_or_register_again(net, tmp_path):
    key, addr = hostile_node(net, tmp_path, "escapee")
    client, stake = get_jailed(net, key, addr)
    assert balance(net, client.address) > 0  # compensated from the slash
    tx, res = send(net, key, addr, UNBOND, b"")
    assert res["code"] == NODE_JAILED, res
    tx, res = send(net, key, addr, WITHDRAW, b"")
    assert res["code"] == NODE_JAILED, res
    tx, res = send(net, key, addr, REGISTER_NODE, pb_uint(1, 1000) + pb_bytes(2, b"http://x"))
    assert res["code"] == NODE_EXISTS, res
    node = net.query(0, "node", addr)[1]
    assert node["jailed"] and node["status"] == "active" and node["stake"] == stake
    assert_normal_blocks(net, net.height(0) - 3)
    assert_hashes_agree(net)


# ---------------------------------------------------------------- finding 9: pending fee-0 claims

def tiny_zkml_model(tmp_path):
    w = onnx_models.Weights(5)
    nodes = [onnx_models.helper.make_node(
        "Gemm", ["x", w.add("w", [3, 6]), w.add("b", [3], 0.1)], ["y"], transB=1)]
    model = onnx_models.make_model(nodes, [onnx_models.fin("x", ["N", 6])],
                                   [onnx_models.fout("y", ["N", 3])], w.inits, name="tiny")
    path = onnx_models.save(model, tmp_path / "tiny.onnx")
    vinet("zk", "commit", path, "--out", tmp_path / "tiny.vzk")
    vinet("zk", "export-vk", tmp_path / "tiny.vzk", "--out", tmp_path / "tiny.vk")
    return tmp_path / "tiny.vk"


def test_withdraw_refused_while_fee0_zkml_claims_are_pending(net, tmp_path):
    key, addr = hostile_node(net, tmp_path, "runner")
    vk = tiny_zkml_model(tmp_path)
    model_id = "fee0-" + addr[:8]
    reg = vinet("tx", "register-model", "--key", key, "--model-id", model_id, "--name", "tiny",
                "--fee-per-inference", 0, "--mode", "zkml", "--zkml-vk", vk,
                "--node", net.rpc_url(0), "--json")
    assert json.loads(reg.stdout)["code"] == 0
    client = Key.generate()
    x = f32("x", [1, 6], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    out = {"y": ("i8", [1, 3], b"\x01\x02\x03")}
    outputs = (cbor_head(4, 1) + cbor_head(4, 4) + cbor_text("y") + cbor_text("i8")
               + cbor_head(4, 2) + cbor_head(0, 1) + cbor_head(0, 3) + cbor_bytes(b"\x01\x02\x03"))
    body = request_body(net.chain_id, model_id, 2, tensors_hash(x), 0, key_pub(key))
    req = signed_request(client, body)
    iid = bytes.fromhex(inference_id(body, client.pub))
    rc = receipt(iid, model_id, 2, tensors_hash(x), key_pub(key), outputs=outputs,
                 output_hash=tensors_hash(out))
    tx, res = send(net, key, addr, SUBMIT_CLAIMS, submit_claims([claim(req, rc)]), claims=1)
    assert res["code"] == 0, res
    r = committed(net, tx)
    events = [e for e in r["events"] if e["type"] == "vinet.claim"]
    attrs = {a["key"]: a["value"] for a in events[0]["attributes"]}
    assert attrs["status"] == "PENDING", attrs
    tx, res = send(net, key, addr, UNBOND, b"")
    assert res["code"] == 0, res
    complete = int(committed(net, tx)["height"]) + 10  # unbonding_blocks
    assert net.wait_height(0, complete + 1, timeout=30)
    tx, res = send(net, key, addr, WITHDRAW, b"")
    assert res["code"] == UNBONDING_PENDING, res
    assert "PENDING" in res["log"], res
    node = net.query(0, "node", addr)[1]
    assert node["stake"] == 1000  # still backing its claim
    assert_hashes_agree(net)


# ---------------------------------------------------------------- finding 7: raw ABCI frames

def abci_address(net, i):
    with open(os.path.join(net.home(i), "config", "config.toml")) as f:
        m = re.search(r'^proxy_app\s*=\s*"([^"]+)"', f.read(), re.M)
    return m.group(1)


def abci_connect(address):
    if address.startswith("unix://"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(address[len("unix://"):])
    else:
        host, port = address[len("tcp://"):].rsplit(":", 1)
        s = socket.create_connection((host, int(port)), timeout=10)
    s.settimeout(10)
    return s


def uvarint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def frame(field, payload=b""):
    req = pb_bytes(field, payload)
    return uvarint(len(req)) + req


def read_response(s):
    """The first Response frame's (oneof field number, payload), or None on EOF."""
    buf = b""
    while True:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            chunk = b""
        if not chunk:
            return None
        buf += chunk
        n, shift, i = 0, 0, 0
        while i < len(buf) and buf[i] & 0x80:
            n |= (buf[i] & 0x7F) << shift
            shift += 7
            i += 1
        if i >= len(buf):
            continue
        n |= buf[i] << shift
        i += 1
        if len(buf) - i >= n:
            msg = buf[i:i + n]
            return msg[0] >> 3, msg


def test_raw_abci_frames_cannot_kill_or_rewrite_a_validator(net):
    app_pid = net.pid(1, "app")
    address = abci_address(net, 1)
    before = balance(net, net.dev_address)
    start = net.height(1)
    # 1. A 3-byte Commit (no FinalizeBlock on this connection).
    s = abci_connect(address)
    three = frame(11)
    assert len(three) == 3
    s.sendall(three + frame(2))
    kind, msg = read_response(s)
    assert kind == 1, msg  # ResponseException
    s.close()
    # 2. InitChain at height > 0, with a genesis handing us everything.
    s = abci_connect(address)
    state = json.dumps({"accounts": [{"address": "ab" * 20, "balance": 5}]}).encode()
    s.sendall(frame(5, pb_bytes(1, b"") + pb_bytes(2, net.chain_id.encode()) + pb_bytes(5, state))
              + frame(2))
    kind, msg = read_response(s)
    assert kind == 1, msg
    s.close()
    # 3. A FinalizeBlock + Commit of the next height from a second connection.
    s = abci_connect(address)
    fin = pb_uint(5, net.app_info(1)[0] + 1)  # RequestFinalizeBlock.height
    s.sendall(frame(20, fin) + frame(11) + frame(2))
    kind, msg = read_response(s)
    assert kind == 1, msg
    s.close()
    # The app is alive, still agrees with the others, and the chain goes on.
    os.kill(app_pid, 0)
    assert net.pid(1, "app") == app_pid
    assert net.wait_height(1, start + 5, timeout=20), "validator 1 stopped"
    assert balance(net, net.dev_address) == before
    assert int(net.account(1, "ab" * 20)["balance"]) == 0
    assert_normal_blocks(net, start + 1)
    assert_hashes_agree(net)


# ---------------------------------------------------------------- finding 6: expired enclave key

def final_status(api, iid):
    code, body = api.get(f"/v1/inferences/{iid}")
    status = body.get("status") if code == 200 else None
    return status if status not in (None, "ACCEPTED", "SUBMITTED") else None


def test_claims_under_a_just_expired_key_settle_after_reattesting(net):
    st = net.status()
    api = NodeApi(st["node"]["url"], net.chain_id)
    model = st["models"][0]
    client = Key.from_file(net.dev_key)
    node_addr = st["node"]["address"]
    first = wait_for("the enclave registration", lambda: enclave_record(net), 30)
    # Wait for a moment the key is expired and not yet renewed.
    wait_for("expiry", lambda: time.time() * 1000 > first["expires_time_ms"] + 1500,
             TTL_MS / 1000 + 10)
    record = enclave_record(net)
    if record["expires_time_ms"] != first["expires_time_ms"]:  # renewed in between: next round
        first = record
        wait_for("expiry", lambda: time.time() * 1000 > first["expires_time_ms"] + 1500,
                 TTL_MS / 1000 + 10)
    fee = int(api.get("/v1/models")[1]["data"][0]["fee"])
    client_before = balance(net, client.address)
    stake_before = net.query(0, "node", node_addr)[1]["stake"]
    ids = []
    for i in range(3):
        code, body, iid = api.infer(client, model, f32("x", [1, 16], [0.1 * i] + [0.2] * 15),
                                    mode=1)
        assert code == 200, body
        ids.append(iid)
    # While the key is expired the chain stores nothing for them (no
    # REJECTED record that would make the retry a DUPLICATE)...
    time.sleep(3)
    for iid in ids:
        code, claim_rec, _ = net.query(0, "claim", iid)
        assert code != 0 or claim_rec["status"] == "SETTLED", claim_rec
    # ... and once the enclave re-attests, the node resubmits and they settle.
    for iid in ids:
        assert wait_for("settlement", lambda: final_status(api, iid),
                        LATE_MS / 1000 + 40) == "SETTLED"
        code, claim_rec, _ = net.query(0, "claim", iid)
        assert code == 0 and claim_rec["status"] == "SETTLED", claim_rec
    assert balance(net, client.address) == client_before - 3 * fee
    node = net.query(0, "node", node_addr)[1]
    assert node["stake"] == stake_before and not node["jailed"]
    assert_hashes_agree(net)
