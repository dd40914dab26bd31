"""An expired enclave key cannot settle. A devnet of its own with a short
`enclave_ttl_ms` (20 s) and the node told to re-attest only 8 s after its
enclave key expired (`[enclave] reattest_after_expiry_ms`, a devnet knob):
while the key's registration is expired (or about to) the node refuses TEE
requests (503, ServeGuard, issue 12 finding 10) instead of serving claims the
chain would refuse; the client pays nothing, the node is not slashed or jailed;
once the node re-attests, TEE claims settle again and the fee moves once per
claim. (The backstop for a claim served just before the expiry that lands after
it: the chain REFUSES it, storing nothing, and the node requeues it until it has
re-attested; that rule is in the chain unit tests, claims_test.)"""
import time

import pytest

from conftest import NetWithNode
from node_helpers import Key, NodeApi, enclave_record, f32, wait_for

TTL_MS = 20_000
LATE_MS = 8_000


class ShortTtlNet(NetWithNode):
    extra_up_args = ("--enclave-ttl-ms", TTL_MS)


@pytest.fixture(scope="module")
def net(vinet_bin, tmp_path_factory):
    n = ShortTtlNet(tmp_path_factory.mktemp("expiry") / "net", validators=1, block_time="500ms")
    try:
        n.up()
        n.reconfigure_node({"enclave": {"reattest_after_expiry_ms": LATE_MS}})
        yield n
    finally:
        n.down()


def final_status(api, iid):
    code, body = api.get(f"/v1/inferences/{iid}")
    status = body.get("status") if code == 200 else None
    return status if status not in (None, "ACCEPTED", "SUBMITTED") else None


def balance(net, address):
    return int(net.account(0, address)["balance"])


def tee_inferences(api, key, model, count):
    ids = []
    for i in range(count):
        code, body, iid = api.infer(key, model, f32("x", [1, 16], [0.1 * i] + [0.2] * 15), mode=1)
        assert code == 200, body
        ids.append(iid)
    return ids


def test_expired_enclave_key_cannot_settle_until_reattested(net):
    st = net.status()
    api = NodeApi(st["node"]["url"], net.chain_id)
    model = st["models"][0]
    client = Key.from_file(net.dev_key)
    node_addr = st["node"]["address"]
    first = wait_for("the enclave registration", lambda: enclave_record(net), 30)
    # Let the key expire: block time passes expires_time_ms (plus a block).
    wait_for("expiry", lambda: time.time() * 1000 > first["expires_time_ms"] + 1500, TTL_MS / 1000 + 10)
    assert enclave_record(net)["expires_time_ms"] == first["expires_time_ms"]  # not re-attested yet
    client_before, node_before = balance(net, client.address), balance(net, node_addr)
    stake_before = net.query(0, "node", node_addr)[1]["stake"]

    for i in range(3):
        code, body, iid = api.infer(client, model, f32("x", [1, 16], [0.1 * i] + [0.2] * 15),
                                    mode=1)
        assert code == 503 and "expires" in body["error"]["message"], body
        assert api.get(f"/v1/inferences/{iid}")[0] == 404  # nothing accepted
    health = api.get("/healthz")[1]
    assert any(r["mode"] == "TEE" and r["code"] == "unavailable" for r in health["refused"])
    assert balance(net, client.address) == client_before  # the client paid nothing
    assert balance(net, node_addr) < node_before + 1  # only tx fees left the node: no fee earned
    node = net.query(0, "node", node_addr)[1]
    assert node["stake"] == stake_before and not node["jailed"]  # a lapse, not slashed

    # The node re-attests LATE_MS after expiry; then the same key settles again.
    renewed = wait_for("re-attestation",
                       lambda: (r := enclave_record(net)) and r["expires_time_ms"] > first["expires_time_ms"] and r,
                       LATE_MS / 1000 + 20)
    assert renewed["public_key"] == first["public_key"]
    fee = int(api.get("/v1/models")[1]["data"][0]["fee"])
    client_mid = balance(net, client.address)
    settled_ids = tee_inferences(api, client, model, 2)
    for iid in settled_ids:
        assert wait_for("the fresh claims' settlement", lambda: final_status(api, iid), 20) == "SETTLED"
    assert balance(net, client.address) == client_mid - 2 * fee
