"""A 4-validator devnet: blocks, CLI transfers, agreement, bad inputs."""
import json

from devnet import new_key, pb_bytes, tx_body, vinet


def agree(devnet, indices):
    """Samples every app's (height, hash) until some heights were seen by all;
    every such height must carry one app hash on all of them."""
    indices = list(indices)
    seen = {i: {} for i in indices}
    for _ in range(4):
        for i, hs in devnet.app_hashes_by_height(indices, seconds=2.0).items():
            seen[i].update(hs)
        common = set.intersection(*(set(seen[i]) for i in indices))
        if common:
            break
    assert common, f"no height reported by all of {indices}: {seen}"
    for h in common:
        hashes = {seen[i][h] for i in indices}
        assert len(hashes) == 1, f"app hashes differ at height {h}: {hashes}"
    return common, seen


def test_blocks_are_produced(devnet):
    h0 = [devnet.height(i) for i in range(4)]
    assert all(h >= 2 for h in h0), h0
    assert all(devnet.wait_height(i, max(h0) + 2, timeout=20) for i in range(4))


def test_cli_transfer_changes_balances(devnet, tmp_path, ledger):
    _, bob = new_key(tmp_path, "bob")
    dev_before = devnet.account(0, devnet.dev_address)
    assert devnet.account(0, bob) == {"address": bob, "balance": 0, "nonce": 0}
    out, _ = devnet.transfer(devnet.dev_key, bob, 1234, node=1)
    assert out["code"] == 0 and out["height"] > 0
    ledger.append({"hash": out["hash"], "to": bob, "amount": 1234})
    devnet.wait_height(3, out["height"] + 1)
    # Every validator answers the same committed balances.
    for i in range(4):
        assert devnet.account(i, bob)["balance"] == 1234
    dev_after = devnet.account(2, devnet.dev_address)
    assert dev_after["balance"] == dev_before["balance"] - 1234 - 1  # amount + fee
    assert dev_after["nonce"] == dev_before["nonce"] + 1
    # The event is indexed: tx_search finds the transfer by recipient.
    found = devnet.rpc(0, "tx_search", query=f"vinet.transfer.recipient='{bob}'")
    assert int(found["total_count"]) == 1
    assert found["txs"][0]["hash"] == out["hash"]


def test_validators_agree_on_app_hash(devnet):
    common, seen = agree(devnet, range(4))
    assert common, f"no common height sampled: {seen}"
    # The app's hash at height h is the one in block h+1's header.
    h = max(common)
    devnet.wait_height(0, h + 1)
    header = devnet.rpc(0, "block", height=str(h + 1))["block"]["header"]
    assert header["app_hash"].lower() == seen[0][h]


def test_node_lifecycle_via_cli(devnet, tmp_path, ledger):
    key, addr = new_key(tmp_path, "operator")
    out, _ = devnet.transfer(devnet.dev_key, addr, 5000)
    ledger.append({"hash": out["hash"], "to": addr, "amount": 5000})
    node_opts = ["--key", key, "--chain", devnet.rpc_url(0), "--json"]
    proc = vinet("tx", "register-node", "--stake", 2000, "--endpoint", "http://127.0.0.1:9",
                 *node_opts)
    assert '"code":0' in proc.stdout
    node = json.loads(vinet("query", "node", addr, "--chain", devnet.rpc_url(2), "--json").stdout)
    assert node["stake"] == 2000 and node["status"] == "active"
    assert devnet.account(1, addr)["balance"] == 5000 - 2000 - 1
    unbond = json.loads(vinet("tx", "unbond", *node_opts).stdout)
    early = vinet("tx", "withdraw", *node_opts, check=False)
    assert early.returncode == 1 and "code 14 (unbonding_pending)" in early.stderr
    params = json.loads(vinet("query", "params", "--chain", devnet.rpc_url(0), "--json").stdout)
    assert devnet.wait_height(0, unbond["height"] + params["unbonding_blocks"], timeout=30)
    vinet("tx", "withdraw", *node_opts)
    assert devnet.account(3, addr)["balance"] == 5000 - 3  # stake back, three fees paid
    gone = vinet("query", "node", addr, "--chain", devnet.rpc_url(0), check=False)
    assert gone.returncode == 1 and "not found" in gone.stderr
    ledger.append({"hash": None, "to": addr, "amount": -3})


def check_rejected(devnet, tx, code, log_part):
    r = devnet.broadcast(0, tx)
    assert r["code"] == code, r
    assert log_part in r["log"], r
    assert r["codespace"] == "vinet"


def test_bad_inputs_rejected_in_checktx(devnet, tmp_path):
    _, bob = new_key(tmp_path, "target")
    nonce = devnet.account(0, devnet.dev_address)["nonce"]
    check_rejected(devnet, b"\xff\xff\xff\x01", 1, "not a vinet.tx.v1.Tx protobuf")
    good = devnet.signed_transfer(devnet.dev_key, bob, 1, nonce)
    bad_sig = good[:-1] + bytes([good[-1] ^ 1])  # the signature is the last field
    check_rejected(devnet, bad_sig, 3, "does not verify")
    check_rejected(devnet, devnet.signed_transfer(devnet.dev_key, bob, 1, nonce, "other-chain"),
                   4, "expected 'vinet-devnet', got 'other-chain'")
    check_rejected(devnet, devnet.signed_transfer(devnet.dev_key, bob, 1, nonce - 1),
                   5, f"expected {nonce}, got {nonce - 1}")
    check_rejected(devnet, devnet.signed_transfer(devnet.dev_key, bob, 10**18, nonce),
                   7, "exceeds balance")
    future = tx_body(devnet.chain_id, nonce, 1, 18, pb_bytes(1, b"x"))  # Challenge: reserved, not yet known
    check_rejected(devnet, devnet.sign_raw(devnet.dev_key, future), 8, "no message known")
    check_rejected(devnet, devnet.sign_raw(devnet.dev_key, b"\x0a\xff"), 1, "tx.body")
    # The network is unharmed: it still makes blocks and accepts a good tx.
    h = devnet.height(0)
    assert devnet.wait_height(0, h + 2)
    assert devnet.broadcast(0, good)["code"] == 0


def test_cli_reports_rejection_with_code(devnet, tmp_path):
    key, addr = new_key(tmp_path, "poor")
    proc = vinet("tx", "transfer", "--key", key, "--to", addr, "--amount", 5, "--chain",
                 devnet.rpc_url(0), check=False)
    assert proc.returncode == 1
    assert "code 7 (insufficient_funds)" in proc.stderr
